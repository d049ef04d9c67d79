/*
 * http.c - /health, /ready and /metrics with libmicrohttpd (see http.h).
 */
#include "http.h"

#include "common/buf.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct worker_http {
    struct MHD_Daemon *daemon;
    nn_metrics *metrics;
    worker_ready_fn ready;
    void *ready_ctx;
};

/* Queue a response whose body is taken from body (emptied). */
static enum MHD_Result worker_http_reply(struct MHD_Connection *conn, unsigned int code,
                                         const char *content_type, nn_buf *body)
{
    size_t len = body->len;
    char *data = nn_buf_detach(body);
    if (!data)
        return MHD_NO;
    struct MHD_Response *res = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!res) {
        free(data);
        return MHD_NO;
    }
    enum MHD_Result ok = MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (ok == MHD_YES)
        ok = MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (ok == MHD_YES)
        ok = MHD_queue_response(conn, code, res);
    MHD_destroy_response(res);
    return ok;
}

static enum MHD_Result worker_http_json(struct MHD_Connection *conn, unsigned int code,
                                        const char *json)
{
    nn_buf body = NN_BUF_INIT;
    nn_buf_puts(&body, json);
    nn_buf_putc(&body, '\n');
    return worker_http_reply(conn, code, "application/json", &body);
}

static enum MHD_Result worker_http_handle(void *cls, struct MHD_Connection *conn, const char *url,
                                          const char *method, const char *version,
                                          const char *upload_data, size_t *upload_data_size,
                                          void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)con_cls;
    worker_http *http = cls;
    if (*upload_data_size != 0) {
        *upload_data_size = 0; /* a body is not expected: ignore it */
        return MHD_YES;
    }
    bool get =
        strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    bool known =
        strcmp(url, "/health") == 0 || strcmp(url, "/ready") == 0 || strcmp(url, "/metrics") == 0;
    if (!known)
        return worker_http_json(conn, MHD_HTTP_NOT_FOUND,
                                "{\"error\":\"not_found\",\"message\":\"no such path\"}");
    if (!get)
        return worker_http_json(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                "{\"error\":\"method_not_allowed\",\"message\":\"use GET\"}");

    if (strcmp(url, "/health") == 0)
        return worker_http_json(conn, MHD_HTTP_OK, "{\"status\":\"ok\"}");

    if (strcmp(url, "/ready") == 0) {
        bool database = false, nats = false;
        http->ready(http->ready_ctx, &database, &nats);
        nn_buf body = NN_BUF_INIT;
        nn_buf_printf(&body, "{\"status\":\"%s\",\"database\":%s,\"nats\":%s}\n",
                      database && nats ? "ready" : "not ready", database ? "true" : "false",
                      nats ? "true" : "false");
        return worker_http_reply(conn,
                                 database && nats ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "application/json", &body);
    }

    nn_buf body = NN_BUF_INIT;
    if (nn_metrics_render(http->metrics, &body) != NN_OK) {
        nn_buf_free(&body);
        return MHD_NO;
    }
    return worker_http_reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &body);
}

nn_status worker_http_start(worker_http **out, const char *host, int64_t port, nn_metrics *metrics,
                            worker_ready_fn ready, void *ready_ctx)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        nn_log_error("METRICS_HOST is not an IPv4 address", NN_LOG_STR("METRICS_HOST", host));
        return NN_ERR_INVALID;
    }
    worker_http *http = calloc(1, sizeof *http);
    if (!http)
        return NN_ERR_NOMEM;
    http->metrics = metrics;
    http->ready = ready;
    http->ready_ctx = ready_ctx;
    http->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, (uint16_t)port, NULL, NULL,
                         worker_http_handle, http, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10, MHD_OPTION_END);
    if (!http->daemon) {
        nn_log_error("cannot listen for /health, /ready and /metrics", NN_LOG_STR("host", host),
                     NN_LOG_INT("port", port));
        free(http);
        return NN_ERR_IO;
    }
    nn_log_info("listening", NN_LOG_STR("host", host), NN_LOG_INT("port", port),
                NN_LOG_STR("paths", "/health /ready /metrics"));
    *out = http;
    return NN_OK;
}

void worker_http_stop(worker_http *http)
{
    if (!http)
        return;
    MHD_stop_daemon(http->daemon);
    free(http);
}
