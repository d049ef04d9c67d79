/*
 * server.c - the libwebsockets context, the protocol callback, and the
 * poller's events applied on the server thread (see server.h).
 */
#include "server.h"

#include "backend_metrics.h"
#include "http.h"
#include "rest.h"
#include "static_files.h"

#include "common/entities.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the poller's events ------------------------------------------------ */

static void server_count_broadcast(server *srv, const char *type)
{
    char labels[48];
    snprintf(labels, sizeof labels, "type=\"%s\"", type);
    nn_metrics_add(srv->metrics, BM_BROADCASTS, labels, 1);
}

/* Everything a client gets before the broadcasts; then it receives them. */
static void server_welcome(server *srv, client *c)
{
    if (srv->have_snapshots) {
        for (size_t e = 0; e < nn_entity_count; e++) {
            if (srv->entities[e].snapshot)
                client_send(&srv->clients, c, srv->entities[e].snapshot);
        }
        if (srv->stats_message)
            client_send(&srv->clients, c, srv->stats_message);
        client_set_ready(&srv->clients, c);
    }
    if (srv->error_message)
        client_send(&srv->clients, c, srv->error_message);
}

static void server_replace(wsmsg **slot, wsmsg *m)
{
    wsmsg_unref(*slot);
    *slot = m;
}

/* An empty rows message per entity: clears the clients' error banner
 * (the frontend forgets an error when rows arrive). */
static void server_broadcast_resumed(server *srv)
{
    for (size_t e = 0; e < nn_entity_count; e++) {
        if (!nn_entities[e]->persistent)
            continue;
        nn_buf b = NN_BUF_INIT;
        nn_buf_puts(&b, "{\"type\":\"rows\",\"entity\":");
        nn_buf_json_string(&b, nn_entities[e]->name);
        nn_buf_puts(&b, ",\"rows\":[]}");
        wsmsg *m = wsmsg_from_buf(&b);
        nn_buf_free(&b);
        if (!m)
            return;
        client_broadcast(&srv->clients, m, true);
        wsmsg_unref(m);
    }
}

static void server_apply(server *srv, event *ev)
{
    switch (ev->kind) {
    case EVENT_SNAPSHOT:
        server_replace(&srv->entities[ev->entity].snapshot, ev->snapshot);
        ev->snapshot = NULL;
        if (srv->have_snapshots) {
            /* the tables were read again: every client starts over from it */
            client_broadcast(&srv->clients, srv->entities[ev->entity].snapshot, true);
            server_count_broadcast(srv, "snapshot");
        }
        if (ev->complete && !srv->have_snapshots) {
            srv->have_snapshots = true;
            for (client *c = srv->clients.head; c; c = c->next) {
                if (!c->ready && !c->dropped)
                    server_welcome(srv, c);
            }
        }
        break;
    case EVENT_ROWS: {
        if (ev->snapshot) {
            server_replace(&srv->entities[ev->entity].snapshot, ev->snapshot);
            ev->snapshot = NULL;
        }
        client_broadcast(&srv->clients, ev->message, true);
        server_count_broadcast(srv, "rows");
        nn_metrics_add(srv->metrics, BM_ROWS, srv->entities[ev->entity].label, (double)ev->rows);
        break;
    }
    case EVENT_STATS:
        server_replace(&srv->stats_message, ev->message);
        ev->message = NULL;
        free(srv->stats_body);
        srv->stats_body = ev->stats_body;
        ev->stats_body = NULL;
        client_broadcast(&srv->clients, srv->stats_message, true);
        server_count_broadcast(srv, "stats");
        break;
    case EVENT_DB_DOWN:
        srv->database_up = false;
        server_replace(&srv->error_message, ev->message);
        ev->message = NULL;
        client_broadcast(&srv->clients, srv->error_message, false);
        server_count_broadcast(srv, "error");
        break;
    case EVENT_DB_UP:
        srv->database_up = true;
        if (srv->error_message) {
            server_replace(&srv->error_message, NULL);
            server_broadcast_resumed(srv);
        }
        break;
    }
}

/* Apply the poller's events, in order, while the clients keep up: when
 * even the fastest client has a backlog the rest waits in the queue (and the
 * poller, once the queue is full, waits too). */
static void server_drain(server *srv)
{
    srv->starved = false;
    while (client_set_may_broadcast(&srv->clients)) {
        event *ev = event_queue_pop(srv->queue);
        if (!ev)
            return;
        server_apply(srv, ev);
        event_free(ev);
    }
    srv->starved = true;
}

void server_wake(void *arg)
{
    server *srv = arg;
    lws_cancel_service(srv->ctx);
}

/* ---- the protocol callback ---------------------------------------------- */

static int server_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len)
{
    server *srv = lws_context_user(lws_get_context(wsi));
    session *s = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return http_request(srv, wsi, s, in ? (const char *)in : "/");
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_writable(srv, wsi, s);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return http_confirm_upgrade(srv, wsi, s);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (s)
            http_session_end(s);
        break;
    case LWS_CALLBACK_ESTABLISHED:
        if (atomic_load(&srv->stop_requested))
            return -1;
        s->client = client_add(&srv->clients, wsi);
        if (!s->client)
            return -1;
        server_welcome(srv, s->client);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        int rc = s && s->client ? client_writable(&srv->clients, s->client) : 0;
        if (srv->starved && client_set_may_broadcast(&srv->clients))
            server_drain(srv);
        return rc;
    }
    case LWS_CALLBACK_RECEIVE:
        return 0; /* clients have nothing to say; pongs are handled by lws */
    case LWS_CALLBACK_CLOSED:
        if (s && s->client) {
            client_remove(&srv->clients, s->client);
            s->client = NULL;
        }
        if (srv->starved && client_set_may_broadcast(&srv->clients))
            server_drain(srv);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        server_drain(srv);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols server_protocols[] = {
    {"nomnom", server_callback, sizeof(session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}, /* end of the list */
};

/* ---- life cycle --------------------------------------------------------- */

/* libwebsockets' own warnings and errors, as our log lines. */
static void server_lws_log(int level, const char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    nn_buf b = NN_BUF_INIT;
    nn_buf_append(&b, line, n);
    if (level & LLL_ERR)
        nn_log_error("libwebsockets", NN_LOG_STR("message", nn_buf_str(&b)));
    else
        nn_log_warn("libwebsockets", NN_LOG_STR("message", nn_buf_str(&b)));
    nn_buf_free(&b);
}

nn_status server_init(server *srv, const backend_settings *settings, nn_metrics *metrics,
                      event_queue *queue)
{
    memset(srv, 0, sizeof *srv);
    srv->settings = settings;
    srv->metrics = metrics;
    srv->queue = queue;
    atomic_init(&srv->stop_requested, false);
    if (client_set_init(&srv->clients, metrics) != NN_OK)
        return NN_ERR_NOMEM;
    srv->entities = calloc(nn_entity_count ? nn_entity_count : 1, sizeof *srv->entities);
    srv->entities_body = rest_entities_body();
    if (!srv->entities || !srv->entities_body)
        return NN_ERR_NOMEM;
    for (size_t e = 0; e < nn_entity_count; e++) {
        srv->entities[e].label = backend_metrics_entity_label(nn_entities[e]->name);
        if (!srv->entities[e].label)
            return NN_ERR_NOMEM;
    }

    char *root = NULL;
    nn_status st = static_resolve_root(settings->static_dir, &root);
    if (st == NN_ERR_NOMEM)
        return st;
    if (st == NN_OK) {
        srv->static_root = root;
        nn_log_info("serving the frontend", NN_LOG_STR("static_dir", root));
    } else {
        nn_log_warn("no frontend bundle: / answers 404", NN_LOG_STR("static_dir", root));
        free(root);
    }

    lws_set_log_level(LLL_ERR | LLL_WARN, server_lws_log);
    int64_t ping_s = (settings->ping_interval_ms + 999) / 1000;
    srv->keepalive.secs_since_valid_ping = (uint16_t)ping_s;
    srv->keepalive.secs_since_valid_hangup = (uint16_t)(ping_s + ping_s / 2 + 5);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = (int)settings->port;
    bool any = strcmp(settings->bind_address, "0.0.0.0") == 0 ||
               strcmp(settings->bind_address, "::") == 0 || settings->bind_address[0] == '\0';
    info.iface = any ? NULL : settings->bind_address;
    if (strcmp(settings->bind_address, "0.0.0.0") == 0 || strchr(settings->bind_address, '.'))
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.protocols = server_protocols;
    info.user = srv;
    info.vhost_name = "dashboard-backend";
    info.server_string = "nomnom-dashboard-backend";
    info.retry_and_idle_policy = &srv->keepalive;
    info.timeout_secs = 20;
    info.keepalive_timeout = 30;
    info.max_http_header_data = 4096;
    info.pt_serv_buf_size = 32 * 1024;
    srv->ctx = lws_create_context(&info);
    if (!srv->ctx) {
        nn_log_error("cannot listen", NN_LOG_STR("address", settings->bind_address),
                     NN_LOG_INT("port", settings->port));
        return NN_ERR_IO;
    }
    nn_log_info("listening", NN_LOG_STR("address", settings->bind_address),
                NN_LOG_INT("port", settings->port));
    return NN_OK;
}

void server_request_stop(server *srv)
{
    atomic_store(&srv->stop_requested, true);
    lws_cancel_service(srv->ctx);
}

static void server_close_expired(lws_sorted_usec_list_t *sul)
{
    server *srv = lws_container_of(sul, server, close_timer);
    srv->close_expired = true;
}

bool server_run(server *srv)
{
    bool ok = true;
    while (!atomic_load(&srv->stop_requested)) {
        if (lws_service(srv->ctx, 0) < 0) {
            nn_log_error("the event loop failed");
            ok = false;
            break;
        }
    }
    nn_log_info("closing the WebSocket clients",
                NN_LOG_INT("clients", (int64_t)srv->clients.count));
    client_close_all(&srv->clients);
    lws_sul_schedule(srv->ctx, 0, &srv->close_timer, server_close_expired,
                     (lws_usec_t)SERVER_CLOSE_GRACE_MS * LWS_US_PER_MS);
    while (srv->clients.count > 0 && !srv->close_expired) {
        if (lws_service(srv->ctx, 0) < 0)
            break;
    }
    lws_sul_cancel(&srv->close_timer);
    return ok;
}

void server_free(server *srv)
{
    if (srv->ctx)
        lws_context_destroy(srv->ctx);
    srv->ctx = NULL;
    client_set_free(&srv->clients);
    if (srv->entities) {
        for (size_t e = 0; e < nn_entity_count; e++) {
            wsmsg_unref(srv->entities[e].snapshot);
            free(srv->entities[e].label);
        }
    }
    free(srv->entities);
    wsmsg_unref(srv->stats_message);
    wsmsg_unref(srv->error_message);
    free(srv->stats_body);
    free(srv->entities_body);
    free(srv->static_root);
}
