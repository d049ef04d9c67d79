/*
 * consumer.c - NATS connection, streams, durable pull consumer, fetch (see consumer.h).
 */
#include "consumer.h"

#include "common/buf.h"
#include "common/log.h"
#include "common/streams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_NS_PER_MS 1000000LL
#define WORKER_UNLIMITED (-1)

/* ---- connection ------------------------------------------------------------- */

static void worker_nats_disconnected(natsConnection *nc, void *closure)
{
    (void)closure;
    if (natsConnection_IsClosed(nc))
        return; /* our own close at shutdown */
    nn_log_warn("NATS disconnected: reconnecting");
}

static void worker_nats_reconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    (void)closure;
    nn_log_info("NATS reconnected");
}

static void worker_nats_error(natsConnection *nc, natsSubscription *sub, natsStatus err,
                              void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    nn_log_warn("NATS asynchronous error", NN_LOG_STR("error", natsStatus_GetText(err)));
}

/* The comma-separated URLs of NATS_URL as an array of copies (free both levels). */
static nn_status worker_split_urls(const char *list, char ***urls, int *count)
{
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    char **out = calloc((size_t)n, sizeof *out);
    if (!out)
        return NN_ERR_NOMEM;
    int used = 0;
    for (const char *p = list; used < n;) {
        size_t len = strcspn(p, ",");
        out[used] = strndup(p, len);
        if (!out[used]) {
            for (int i = 0; i < used; i++)
                free(out[i]);
            free(out);
            return NN_ERR_NOMEM;
        }
        used++;
        p += len;
        if (*p == ',')
            p++;
    }
    *urls = out;
    *count = used;
    return NN_OK;
}

static natsStatus worker_nats_options(natsOptions **out, const worker_settings *settings)
{
    char **urls = NULL;
    int count = 0;
    if (worker_split_urls(settings->nats_url, &urls, &count) != NN_OK)
        return NATS_NO_MEMORY;
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK)
        s = natsOptions_SetServers(opts, (const char **)urls, count);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, "worker");
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1); /* forever: messages wait in the stream */
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 500);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(opts, 2000);
    if (s == NATS_OK)
        s = natsOptions_SetDisconnectedCB(opts, worker_nats_disconnected, NULL);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(opts, worker_nats_reconnected, NULL);
    if (s == NATS_OK)
        s = natsOptions_SetErrorHandler(opts, worker_nats_error, NULL);
    for (int i = 0; i < count; i++)
        free(urls[i]);
    free(urls);
    if (s != NATS_OK) {
        natsOptions_Destroy(opts);
        return s;
    }
    *out = opts;
    return NATS_OK;
}

/* ---- the consumer ------------------------------------------------------------- */

static void worker_consumer_config(jsConsumerConfig *cfg, const worker_settings *settings)
{
    jsConsumerConfig_Init(cfg);
    cfg->Durable = WORKER_CONSUMER_NAME;
    cfg->Description = "workers writing the ingested messages to PostgreSQL";
    cfg->DeliverPolicy = js_DeliverAll;
    cfg->AckPolicy = js_AckExplicit;
    cfg->AckWait = settings->ack_wait_ms * WORKER_NS_PER_MS;
    /* No server-side MaxDeliver: the worker counts deliveries itself and
     * sends the last allowed one (MAX_DELIVER) to the DLQ. A server limit
     * would drop a message whose last delivery the worker never handled (a
     * crash during it; or nats-server 2.9's lost redeliveries, which count a
     * delivery that was never made, fixed upstream in nats-server#5305 and
     * #5338) and nothing accepted may be lost. */
    cfg->MaxDeliver = WORKER_UNLIMITED;
    cfg->MaxAckPending = settings->max_ack_pending;
    cfg->FilterSubject = NN_SUBJECT_INGEST_ALL;
}

static bool worker_consumer_differs(const jsConsumerConfig *have, const jsConsumerConfig *want)
{
    return have->AckWait != want->AckWait || have->MaxDeliver != want->MaxDeliver ||
           have->MaxAckPending != want->MaxAckPending;
}

/* Create the consumer when missing; bring its limits up to date. */
static nn_status worker_consumer_ensure(worker_nats *n, const worker_settings *settings)
{
    jsConsumerConfig want;
    worker_consumer_config(&want, settings);
    jsConsumerInfo *info = NULL;
    jsErrCode jerr = 0;
    natsStatus s =
        js_GetConsumerInfo(&info, n->js, NN_STREAM_MESSAGES, WORKER_CONSUMER_NAME, NULL, &jerr);
    if (s == NATS_NOT_FOUND) {
        s = js_AddConsumer(&info, n->js, NN_STREAM_MESSAGES, &want, NULL, &jerr);
        if (s == NATS_OK)
            nn_log_info("consumer created", NN_LOG_STR("stream", NN_STREAM_MESSAGES),
                        NN_LOG_STR("consumer", WORKER_CONSUMER_NAME));
    } else if (s == NATS_OK && worker_consumer_differs(info->Config, &want)) {
        jsConsumerInfo_Destroy(info);
        info = NULL;
        s = js_UpdateConsumer(&info, n->js, NN_STREAM_MESSAGES, &want, NULL, &jerr);
        if (s == NATS_OK) {
            nn_log_info("consumer limits updated", NN_LOG_STR("consumer", WORKER_CONSUMER_NAME));
        } else {
            /* another replica with other settings, or a server that refuses: keep going */
            nn_log_warn("consumer limits not updated", NN_LOG_STR("error", natsStatus_GetText(s)),
                        NN_LOG_INT("js_error", jerr));
            s = NATS_OK;
        }
    }
    jsConsumerInfo_Destroy(info);
    if (s != NATS_OK) {
        nn_log_warn("consumer setup failed", NN_LOG_STR("error", natsStatus_GetText(s)),
                    NN_LOG_INT("js_error", jerr));
        return NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

nn_status worker_nats_open(worker_nats *n, const worker_settings *settings)
{
    memset(n, 0, sizeof *n);
    natsOptions *opts = NULL;
    natsStatus s = worker_nats_options(&opts, settings);
    if (s == NATS_NO_MEMORY)
        return NN_ERR_NOMEM;
    if (s == NATS_OK)
        s = natsConnection_Connect(&n->conn, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK) {
        nn_log_warn("NATS connection failed", NN_LOG_STR("error", natsStatus_GetText(s)));
        worker_nats_close(n);
        return NN_ERR_UNAVAILABLE;
    }

    jsOptions jso;
    s = jsOptions_Init(&jso);
    if (s == NATS_OK) {
        jso.Wait = 5000;
        s = natsConnection_JetStream(&n->js, n->conn, &jso);
    }
    if (s != NATS_OK) {
        worker_nats_close(n);
        return s == NATS_NO_MEMORY ? NN_ERR_NOMEM : NN_ERR_UNAVAILABLE;
    }

    nn_stream_settings streams = settings->streams;
    if (nn_streams_ensure(n->js, &streams) != NN_OK ||
        worker_consumer_ensure(n, settings) != NN_OK) {
        worker_nats_close(n);
        return NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

void worker_nats_close(worker_nats *n)
{
    if (n->conn) {
        /* acks and naks are buffered: let them out before closing */
        natsStatus s = natsConnection_FlushTimeout(n->conn, 2000);
        if (s != NATS_OK && s != NATS_CONNECTION_CLOSED)
            nn_log_warn("NATS flush at close failed", NN_LOG_STR("error", natsStatus_GetText(s)));
        natsConnection_Close(n->conn);
    }
    jsCtx_Destroy(n->js);
    natsConnection_Destroy(n->conn);
    memset(n, 0, sizeof *n);
}

bool worker_nats_connected(worker_nats *n)
{
    return n->conn && natsConnection_Status(n->conn) == NATS_CONN_STATUS_CONNECTED;
}

nn_status worker_consumer_bind(worker_consumer *c, worker_nats *nats)
{
    memset(c, 0, sizeof *c);
    c->nats = nats;
    natsInbox *inbox = NULL;
    nn_buf subject = NN_BUF_INIT, next = NN_BUF_INIT;
    natsStatus s = natsInbox_Create(&inbox);
    if (s == NATS_OK) {
        nn_buf_printf(&subject, "%s.*", (const char *)inbox);
        nn_buf_printf(&next, "$JS.API.CONSUMER.MSG.NEXT.%s.%s", NN_STREAM_MESSAGES,
                      WORKER_CONSUMER_NAME);
        c->inbox = strdup((const char *)inbox);
        c->next_subject = nn_buf_detach(&next);
        if (!c->inbox || !c->next_subject || nn_buf_status(&subject) != NN_OK)
            s = NATS_NO_MEMORY;
    }
    if (s == NATS_OK)
        s = natsConnection_SubscribeSync(&c->sub, nats->conn, nn_buf_str(&subject));
    natsInbox_Destroy(inbox);
    nn_buf_free(&subject);
    nn_buf_free(&next);
    if (s != NATS_OK) {
        nn_log_warn("cannot subscribe for the consumer's messages",
                    NN_LOG_STR("error", natsStatus_GetText(s)));
        worker_consumer_unbind(c);
        return s == NATS_NO_MEMORY ? NN_ERR_NOMEM : NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

void worker_consumer_unbind(worker_consumer *c)
{
    if (c->sub) {
        natsStatus s = natsSubscription_Unsubscribe(c->sub);
        if (s != NATS_OK && s != NATS_CONNECTION_CLOSED && s != NATS_INVALID_SUBSCRIPTION)
            nn_log_debug("unsubscribe failed", NN_LOG_STR("error", natsStatus_GetText(s)));
        natsSubscription_Destroy(c->sub); /* the durable consumer stays */
    }
    free(c->inbox);
    free(c->next_subject);
    c->sub = NULL;
    c->inbox = NULL;
    c->next_subject = NULL;
}

/* ---- fetch and lag ------------------------------------------------------------- */

/* How much longer than the request's expiry the worker waits for the
 * server's closing status, so requests end on the server's word. */
#define WORKER_FETCH_GRACE_MS 100

/* A delivery from the consumer (its reply subject is the ack subject). */
static bool worker_consumer_is_delivery(natsMsg *msg)
{
    const char *reply = natsMsg_GetReply(msg);
    return reply && strncmp(reply, "$JS.ACK.", 8) == 0;
}

/* Ask the consumer for up to batch messages: answered at once with what is
 * there, or as soon as any arrive, or with a 408 status after wait_ms. */
static natsStatus worker_consumer_request(worker_consumer *c, int batch, int64_t wait_ms)
{
    c->request++;
    nn_buf reply = NN_BUF_INIT, body = NN_BUF_INIT;
    nn_buf_printf(&reply, "%s.%llu", c->inbox, (unsigned long long)c->request);
    nn_buf_printf(&body, "{\"batch\":%d,\"expires\":%lld,\"no_wait\":true}", batch,
                  (long long)(wait_ms * WORKER_NS_PER_MS));
    natsStatus s = NATS_NO_MEMORY;
    if (nn_buf_status(&reply) == NN_OK && nn_buf_status(&body) == NN_OK)
        s = natsConnection_PublishRequestString(c->nats->conn, c->next_subject, nn_buf_str(&reply),
                                                nn_buf_str(&body));
    nn_buf_free(&reply);
    nn_buf_free(&body);
    return s;
}

/* Whether status message msg ends the current request (a status of an
 * earlier request, or a heartbeat, does not). */
static bool worker_consumer_ends_request(worker_consumer *c, natsMsg *msg)
{
    const char *subject = natsMsg_GetSubject(msg);
    const char *dot = subject ? strrchr(subject, '.') : NULL;
    if (!dot || strtoull(dot + 1, NULL, 10) != c->request)
        return false;
    const char *status = NULL;
    if (natsMsgHeader_Get(msg, "Status", &status) != NATS_OK || !status)
        return true;
    if (strcmp(status, "100") == 0)
        return false; /* idle heartbeat */
    if (strcmp(status, "404") != 0 && strcmp(status, "408") != 0) {
        const char *description = NULL;
        if (natsMsgHeader_Get(msg, "Description", &description) != NATS_OK)
            description = NULL;
        nn_log_warn("pull request refused", NN_LOG_STR("status", status),
                    NN_LOG_STR("description", description));
    }
    return true;
}

nn_status worker_consumer_fetch(worker_consumer *c, natsMsg **msgs, int capacity, int64_t wait_ms,
                                int *count)
{
    *count = 0;
    if (!c->sub)
        return NN_ERR_UNAVAILABLE;
    /* deliveries already queued (late ones of an earlier request) count first */
    int queued = 0, queued_bytes = 0;
    if (natsSubscription_GetPending(c->sub, &queued, &queued_bytes) != NATS_OK)
        queued = 0;
    bool asked = queued < capacity;
    natsStatus s = NATS_OK;
    if (asked)
        s = worker_consumer_request(c, capacity - queued, wait_ms);
    int64_t deadline = nats_Now() + (asked ? wait_ms + WORKER_FETCH_GRACE_MS : 1);
    while (s == NATS_OK && *count < capacity) {
        int64_t left = deadline - nats_Now();
        if (left <= 0)
            break;
        natsMsg *msg = NULL;
        s = natsSubscription_NextMsg(&msg, c->sub, left);
        if (s != NATS_OK)
            break;
        if (worker_consumer_is_delivery(msg)) {
            msgs[(*count)++] = msg;
            continue;
        }
        bool over = worker_consumer_ends_request(c, msg);
        natsMsg_Destroy(msg);
        if (over)
            break;
    }
    if (s == NATS_OK || s == NATS_TIMEOUT)
        return NN_OK;
    /* while reconnecting every fetch fails: the disconnection was logged already */
    nn_log_fields(worker_nats_connected(c->nats) ? NN_LOG_WARN : NN_LOG_DEBUG, "fetch failed",
                  (nn_log_field[]){NN_LOG_STR("error", natsStatus_GetText(s))}, 1);
    return NN_ERR_UNAVAILABLE; /* what came before the failure is returned all the same */
}

/* Send one acknowledgement token to the message's ack subject. */
static natsStatus worker_consumer_reply(worker_consumer *c, natsMsg *msg, const char *token)
{
    const char *reply = natsMsg_GetReply(msg);
    if (!reply)
        return NATS_INVALID_ARG;
    return natsConnection_PublishString(c->nats->conn, reply, token);
}

natsStatus worker_consumer_ack(worker_consumer *c, natsMsg *msg)
{
    return worker_consumer_reply(c, msg, "+ACK");
}

natsStatus worker_consumer_nak(worker_consumer *c, natsMsg *msg, int64_t delay_ms)
{
    char token[64]; /* -NAK {"delay": 20 digits} */
    snprintf(token, sizeof token, "-NAK {\"delay\":%lld}",
             (long long)(delay_ms * WORKER_NS_PER_MS));
    return worker_consumer_reply(c, msg, token);
}

natsStatus worker_consumer_term(worker_consumer *c, natsMsg *msg)
{
    return worker_consumer_reply(c, msg, "+TERM");
}

nn_status worker_nats_lag(worker_nats *n, uint64_t *pending, int64_t *ack_pending)
{
    if (!n->js)
        return NN_ERR_UNAVAILABLE;
    jsConsumerInfo *info = NULL;
    jsErrCode jerr = 0;
    natsStatus s =
        js_GetConsumerInfo(&info, n->js, NN_STREAM_MESSAGES, WORKER_CONSUMER_NAME, NULL, &jerr);
    if (s != NATS_OK) {
        nn_log_debug("consumer info failed", NN_LOG_STR("error", natsStatus_GetText(s)));
        return NN_ERR_UNAVAILABLE;
    }
    *pending = info->NumPending;
    *ack_pending = info->NumAckPending;
    jsConsumerInfo_Destroy(info);
    return NN_OK;
}
