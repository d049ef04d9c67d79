/*
 * clients.c - WebSocket clients, bounded send queues, fragments (see clients.h).
 */
#include "clients.h"

#include "backend_metrics.h"

#include "common/log.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(WSMSG_HEADROOM >= LWS_PRE, "a message must have room for the frame header");

nn_status client_set_init(client_set *s, nn_metrics *metrics)
{
    s->head = NULL;
    s->count = 0;
    s->metrics = metrics;
    s->scratch = malloc(LWS_PRE + CLIENT_FRAGMENT);
    return s->scratch ? NN_OK : NN_ERR_NOMEM;
}

/* Bring c's place in the listening and caught-up counts up to date. */
static void client_recount(client_set *s, client *c)
{
    bool listening = c->ready && !c->dropped && !c->closing;
    bool caught_up = listening && c->queued_bytes < CLIENT_CAUGHT_UP_BYTES;
    if (listening != c->listening) {
        s->listening += listening ? 1 : (size_t)-1;
        c->listening = listening;
    }
    if (caught_up != c->caught_up) {
        s->caught_up += caught_up ? 1 : (size_t)-1;
        c->caught_up = caught_up;
    }
}

void client_set_ready(client_set *s, client *c)
{
    c->ready = true;
    client_recount(s, c);
}

bool client_set_may_broadcast(const client_set *s)
{
    return s->listening == 0 || s->caught_up > 0;
}

/* Release every queued message of c. */
static void client_flush_queue(client *c)
{
    for (size_t i = 0; i < c->count && c->cap; i++)
        wsmsg_unref(c->queue[(c->head + i) % c->cap].msg);
    c->head = c->count = 0;
    c->queued_bytes = 0;
    c->offset = 0;
}

static void client_destroy(client *c)
{
    client_flush_queue(c);
    free(c->queue);
    free(c);
}

void client_set_free(client_set *s)
{
    while (s->head) {
        client *c = s->head;
        s->head = c->next;
        client_destroy(c);
    }
    s->count = 0;
    free(s->scratch);
    s->scratch = NULL;
}

client *client_add(client_set *s, struct lws *wsi)
{
    client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->wsi = wsi;
    c->next = s->head;
    if (s->head)
        s->head->prev = c;
    s->head = c;
    s->count++;
    nn_metrics_set(s->metrics, BM_CLIENTS, "", (double)s->count);
    nn_metrics_add(s->metrics, BM_CONNECTIONS, "", 1);
    return c;
}

void client_remove(client_set *s, client *c)
{
    c->ready = false;
    client_recount(s, c);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->count--;
    nn_metrics_set(s->metrics, BM_CLIENTS, "", (double)s->count);
    client_destroy(c);
}

/* Too slow: free its queue and close the connection without waiting for it. */
static void client_drop(client_set *s, client *c)
{
    nn_log_warn("dropping a WebSocket client that does not keep up",
                NN_LOG_INT("queued_bytes", (int64_t)c->queued_bytes),
                NN_LOG_INT("queued_messages", (int64_t)c->count));
    nn_metrics_add(s->metrics, BM_CLIENTS_DROPPED, "reason=\"slow\"", 1);
    c->dropped = true;
    client_flush_queue(c);
    client_recount(s, c);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* Ask lws to call back when c's connection can take more; a connection
 * that cannot be watched is closed. */
static void client_want_write(client_set *s, client *c)
{
    if (lws_callback_on_writable(c->wsi) >= 0)
        return;
    nn_log_warn("cannot watch a WebSocket connection: closing it");
    c->dropped = true;
    client_flush_queue(c);
    client_recount(s, c);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* Room for one more entry in c's ring; false when out of memory. */
static bool client_reserve(client *c)
{
    if (c->count < c->cap)
        return true;
    size_t cap = c->cap ? c->cap * 2 : 16;
    client_slot *queue = malloc(cap * sizeof *queue);
    if (!queue)
        return false;
    for (size_t i = 0; c->cap > 0 && i < c->count; i++)
        queue[i] = c->queue[(c->head + i) % c->cap];
    free(c->queue);
    c->queue = queue;
    c->cap = cap;
    c->head = 0;
    return true;
}

/* Queue m for c; true when queued (counted by the caller). */
static bool client_queue(client_set *s, client *c, wsmsg *m)
{
    if (c->dropped || c->closing)
        return false;
    if (c->count >= CLIENT_QUEUE_MAX_MESSAGES ||
        c->queued_bytes + m->len > CLIENT_QUEUE_MAX_BYTES || !client_reserve(c)) {
        client_drop(s, c);
        return false;
    }
    c->queue[(c->head + c->count) % c->cap].msg = wsmsg_ref(m);
    c->count++;
    c->queued_bytes += m->len;
    client_recount(s, c);
    client_want_write(s, c);
    return true;
}

/* Count n messages of len bytes queued. */
static void client_count(client_set *s, size_t n, size_t len)
{
    nn_metrics_add(s->metrics, BM_MESSAGES_SENT, "", (double)n);
    nn_metrics_add(s->metrics, BM_BYTES_SENT, "", (double)n * (double)len);
}

void client_send(client_set *s, client *c, wsmsg *m)
{
    if (client_queue(s, c, m))
        client_count(s, 1, m->len);
}

void client_broadcast(client_set *s, wsmsg *m, bool ready_only)
{
    size_t n = 0;
    for (client *c = s->head; c; c = c->next) {
        if ((c->ready || !ready_only) && client_queue(s, c, m))
            n++;
    }
    client_count(s, n, m->len);
}

int client_writable(client_set *s, client *c)
{
    if (c->dropped)
        return -1;
    if (c->closing) {
        lws_close_reason(c->wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                         (unsigned char *)"server shutting down", 20);
        return -1;
    }
    if (c->count == 0)
        return 0;
    wsmsg *m = c->queue[c->head].msg;
    size_t left = m->len - c->offset;
    size_t n = left > CLIENT_FRAGMENT ? CLIENT_FRAGMENT : left;
    bool first = c->offset == 0, last = n == left;
    unsigned char *payload = (unsigned char *)m->text;
    if (!first || !last) {
        /* a fragment: the bytes before it are payload other clients still need */
        payload = s->scratch + LWS_PRE;
        memcpy(payload, m->text + c->offset, n);
    }
    int flags = lws_write_ws_flags(LWS_WRITE_TEXT, first, last);
    int written = lws_write(c->wsi, payload, n, (enum lws_write_protocol)flags);
    if (written < (int)n)
        return -1; /* the connection failed */
    c->offset += n;
    c->queued_bytes -= n;
    client_recount(s, c);
    if (last) {
        c->head = (c->head + 1) % c->cap;
        c->count--;
        c->offset = 0;
        wsmsg_unref(m);
    }
    if (c->count && lws_callback_on_writable(c->wsi) < 0)
        return -1;
    return 0;
}

void client_close_all(client_set *s)
{
    for (client *c = s->head; c; c = c->next) {
        if (c->dropped)
            continue;
        c->closing = true;
        client_flush_queue(c);
        client_recount(s, c);
        client_want_write(s, c);
    }
}
