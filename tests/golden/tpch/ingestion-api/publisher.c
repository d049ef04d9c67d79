/*
 * publisher.c - the NATS connection, the streams and asynchronous JetStream
 * publishing with one answer per message (see publisher.h).
 *
 * How an answer finds its request: nats.c hands the acknowledgement handler
 * the very natsMsg that was published. Every message in flight is recorded
 * in a small hash table keyed by that pointer, inserted before the publish
 * (the ack may come back before js_PublishMsgAsync returns) and removed by
 * whichever comes first: the ack handler, a failed publish, or the drain at
 * shutdown. Whoever removes the record owns the answer, so done() runs
 * exactly once.
 *
 * Timeouts are nats.c's own (jsPubOptions.MaxWait): it calls the handler
 * with NATS_TIMEOUT and forgets the message, so nothing waits forever even
 * when the connection died with acks outstanding.
 */
#include "publisher.h"

#include "common/config.h"
#include "common/log.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Background stream checks: retry quickly after a failure, then back off. */
#define INGEST_STREAMS_RETRY_MIN_MS 1000
#define INGEST_STREAMS_RETRY_MAX_MS 15000
#define INGEST_STREAMS_RECHECK_MS   10000
/* Wait for JetStream API requests (stream info, creation). */
#define INGEST_JS_API_WAIT_MS 5000
/* Delay between reconnection attempts. */
#define INGEST_RECONNECT_WAIT_MS 1000
/*
 * What nats.c may buffer while reconnecting, to send once reconnected. A
 * request that got 503 must not be stored later behind its client's back,
 * so this is as small as the library allows (0 would mean its 8 MB default):
 * publishes fail at once while the connection is down.
 */
#define INGEST_RECONNECT_BUFFER_BYTES 1
/* How long shutdown waits for the NATS library's threads to end. */
#define INGEST_NATS_CLOSE_WAIT_MS 5000

struct ingest_publisher {
    ingest_publisher_config config;
    natsOptions *opts;
    natsConnection *nc;
    jsCtx *js;
    /*
     * The connection's state as its callbacks last told, read by every
     * publish without taking nats.c's connection lock (natsConnection_Status
     * does, against its reader and flusher threads). It may lag the real
     * state for a moment; a publish on a connection that just went down still
     * fails inside nats.c (no reconnect buffer), so it is answered 503 all the same.
     */
    atomic_bool up;

    pthread_mutex_t lock;     /* guards every field below */
    pthread_cond_t wake;      /* the supervisor has work (recheck), or must stop */
    pthread_cond_t drained;   /* in_flight fell to 0 while closing */
    ingest_publish **buckets; /* messages in flight, chained by ->next, keyed by ->msg */
    size_t bucket_mask;
    size_t in_flight;
    bool closing;  /* refuse new publishes (shutdown) */
    bool stopping; /* the supervisor thread must end */
    bool streams_ok;
    bool recheck; /* (re)connected: set the streams up again now */
    pthread_t supervisor;
    bool supervisor_started;
};

static int64_t ingest_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An absolute CLOCK_MONOTONIC time ms from now, for pthread_cond_timedwait. */
static struct timespec ingest_deadline(int64_t ms)
{
    struct timespec ts = {0, 0};
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return ts;
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* ---- the table of messages in flight (called with the lock held) ---------- */

static size_t ingest_slot(const ingest_publisher *p, const natsMsg *msg)
{
    uint64_t h = (uint64_t)(uintptr_t)msg * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 29) & p->bucket_mask;
}

static void ingest_table_insert(ingest_publisher *p, ingest_publish *pub)
{
    size_t slot = ingest_slot(p, pub->msg);
    pub->next = p->buckets[slot];
    p->buckets[slot] = pub;
    p->in_flight++;
}

/* The record of msg, taken out of the table; NULL when not there. */
static ingest_publish *ingest_table_remove(ingest_publisher *p, const natsMsg *msg)
{
    for (ingest_publish **link = &p->buckets[ingest_slot(p, msg)]; *link; link = &(*link)->next) {
        ingest_publish *pub = *link;
        if (pub->msg != msg)
            continue;
        *link = pub->next;
        pub->next = NULL;
        if (--p->in_flight == 0 && p->closing)
            pthread_cond_broadcast(&p->drained);
        return pub;
    }
    return NULL;
}

/* ---- NATS callbacks --------------------------------------------------------- */

static void ingest_on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    ingest_publisher *p = closure;
    pthread_mutex_lock(&p->lock);
    ingest_publish *pub = ingest_table_remove(p, msg);
    pthread_mutex_unlock(&p->lock);
    natsMsg_Destroy(msg);
    if (!pub)
        return; /* cancelled by the drain: already answered */

    pub->seconds = (double)(ingest_now_ns() - pub->started_ns) / 1e9;
    if (pa) {
        pub->outcome = INGEST_PUBLISH_ACKED;
        pub->duplicate = pa->Duplicate;
        pub->sequence = pa->Sequence;
    } else {
        natsStatus err = pae ? pae->Err : NATS_ERR;
        pub->outcome = err == NATS_TIMEOUT ? INGEST_PUBLISH_TIMEOUT : INGEST_PUBLISH_REFUSED;
        pub->error = err;
        pub->error_code = pae ? (int)pae->ErrCode : 0;
    }
    pub->done(pub);
}

/* Ask the supervisor to set the streams up again (after a (re)connection). */
static void ingest_request_recheck(ingest_publisher *p)
{
    pthread_mutex_lock(&p->lock);
    p->recheck = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

static void ingest_on_connected(natsConnection *nc, void *closure)
{
    (void)nc;
    ingest_publisher *p = closure;
    atomic_store(&p->up, true);
    nn_log_info("connected to NATS");
    ingest_request_recheck(closure);
}

static void ingest_on_reconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    ingest_publisher *p = closure;
    atomic_store(&p->up, true);
    nn_log_info("reconnected to NATS");
    ingest_request_recheck(closure);
}

static void ingest_on_disconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    ingest_publisher *p = closure;
    atomic_store(&p->up, false);
    pthread_mutex_lock(&p->lock);
    bool stopping = p->stopping;
    pthread_mutex_unlock(&p->lock);
    if (!stopping) /* else: our own natsConnection_Close() */
        nn_log_warn("disconnected from NATS: answering 503 until reconnected");
}

static void ingest_on_closed(natsConnection *nc, void *closure)
{
    (void)nc;
    ingest_publisher *p = closure;
    atomic_store(&p->up, false);
    nn_log_info("NATS connection closed");
}

static void ingest_on_error(natsConnection *nc, natsSubscription *sub, natsStatus err,
                            void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    nn_log_warn("NATS asynchronous error", NN_LOG_STR("error", natsStatus_GetText(err)));
}

/* ---- the supervisor: streams set up, re-checked, and after each reconnect -- */

static void *ingest_supervise(void *arg)
{
    ingest_publisher *p = arg;
    int64_t retry_ms = INGEST_STREAMS_RETRY_MIN_MS;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        bool recheck = p->recheck;
        bool ok = p->streams_ok;
        p->recheck = false;
        pthread_mutex_unlock(&p->lock);

        /* NATS calls are made without the lock: they take nats.c's own */
        int64_t wait_ms = INGEST_STREAMS_RECHECK_MS;
        if (natsConnection_Status(p->nc) == NATS_CONN_STATUS_CONNECTED) {
            if (!ok || recheck)
                ok = nn_streams_ensure(p->js, &p->config.streams) == NN_OK;
            else
                ok = nn_streams_present(p->js);
            if (ok) {
                retry_ms = INGEST_STREAMS_RETRY_MIN_MS;
            } else {
                wait_ms = retry_ms;
                retry_ms = retry_ms * 2 > INGEST_STREAMS_RETRY_MAX_MS ? INGEST_STREAMS_RETRY_MAX_MS
                                                                      : retry_ms * 2;
            }
        } else {
            retry_ms = INGEST_STREAMS_RETRY_MIN_MS; /* the reconnection wakes us up */
        }

        pthread_mutex_lock(&p->lock);
        if (ok != p->streams_ok)
            nn_log_info(ok ? "streams ready" : "streams missing",
                        NN_LOG_STR("stream", NN_STREAM_MESSAGES), NN_LOG_STR("dlq", NN_STREAM_DLQ));
        p->streams_ok = ok;
        struct timespec deadline = ingest_deadline(wait_ms);
        while (!p->stopping && !p->recheck) {
            int rc = pthread_cond_timedwait(&p->wake, &p->lock, &deadline);
            if (rc == ETIMEDOUT)
                break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- set-up ----------------------------------------------------------------- */

/* NATS_URL (comma-separated) into the server list of the options. */
static nn_status ingest_set_servers(natsOptions *opts, const char *urls)
{
    size_t count = 1;
    for (const char *c = urls; *c; c++)
        count += *c == ',';
    if (count > INT_MAX)
        return NN_ERR_INVALID;
    char *copy = strdup(urls);
    const char **servers = calloc(count, sizeof *servers);
    if (!copy || !servers) {
        free(copy);
        free(servers);
        return NN_ERR_NOMEM;
    }
    size_t n = 0;
    char *save = NULL;
    for (char *url = strtok_r(copy, ",", &save); url && n < count; url = strtok_r(NULL, ",", &save))
        servers[n++] = url;
    natsStatus s = n > 0 ? natsOptions_SetServers(opts, servers, (int)n) : NATS_INVALID_ARG;
    free(servers);
    free(copy);
    return s == NATS_OK ? NN_OK : NN_ERR_INVALID;
}

static nn_status ingest_make_options(ingest_publisher *p)
{
    natsStatus s = natsOptions_Create(&p->opts);
    if (s != NATS_OK)
        return NN_ERR_NOMEM;
    nn_status st = ingest_set_servers(p->opts, p->config.urls);
    if (st != NN_OK)
        return st;
    s = natsOptions_SetName(p->opts, p->config.name);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(p->opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(p->opts, INGEST_RECONNECT_WAIT_MS);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(p->opts, INGEST_RECONNECT_BUFFER_BYTES);
    if (s == NATS_OK)
        s = natsOptions_SetRetryOnFailedConnect(p->opts, true, ingest_on_connected, p);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(p->opts, ingest_on_reconnected, p);
    if (s == NATS_OK)
        s = natsOptions_SetDisconnectedCB(p->opts, ingest_on_disconnected, p);
    if (s == NATS_OK)
        s = natsOptions_SetClosedCB(p->opts, ingest_on_closed, p);
    if (s == NATS_OK)
        s = natsOptions_SetErrorHandler(p->opts, ingest_on_error, p);
    if (s == NATS_OK)
        s = natsOptions_SetSendAsap(p->opts, p->config.send_asap);
    return s == NATS_OK ? NN_OK : NN_ERR_INVALID;
}

static nn_status ingest_connect(ingest_publisher *p)
{
    natsStatus s = natsConnection_Connect(&p->nc, p->opts);
    if (s == NATS_NOT_YET_CONNECTED) {
        nn_log_warn("NATS unreachable: connecting in the background");
    } else if (s != NATS_OK) {
        nn_log_error("cannot use NATS", NN_LOG_STR("error", natsStatus_GetText(s)));
        return s == NATS_NO_MEMORY ? NN_ERR_NOMEM : NN_ERR_INVALID;
    } else {
        atomic_store(&p->up, true);
        nn_log_info("connected to NATS");
    }

    jsOptions jo;
    s = jsOptions_Init(&jo);
    if (s != NATS_OK)
        return NN_ERR_INVALID;
    jo.Wait = INGEST_JS_API_WAIT_MS;
    jo.PublishAsync.AckHandler = ingest_on_ack;
    jo.PublishAsync.AckHandlerClosure = p;
    jo.PublishAsync.MaxPending = 0; /* the limit is ours: max_in_flight, never a stall */
    s = natsConnection_JetStream(&p->js, p->nc, &jo);
    return s == NATS_OK ? NN_OK : NN_ERR_NOMEM;
}

static nn_status ingest_init_sync(ingest_publisher *p)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return NN_ERR_NOMEM;
    bool wake = false, drained = false, lock = false;
    if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0) {
        wake = pthread_cond_init(&p->wake, &attr) == 0;
        drained = pthread_cond_init(&p->drained, &attr) == 0;
        lock = pthread_mutex_init(&p->lock, NULL) == 0;
    }
    pthread_condattr_destroy(&attr);
    if (wake && drained && lock)
        return NN_OK;
    if (wake)
        pthread_cond_destroy(&p->wake);
    if (drained)
        pthread_cond_destroy(&p->drained);
    if (lock)
        pthread_mutex_destroy(&p->lock);
    return NN_ERR_NOMEM;
}

nn_status ingest_publisher_start(const ingest_publisher_config *config, ingest_publisher **out)
{
    *out = NULL;
    if (config->max_in_flight < 1 || config->publish_timeout_ms < 1)
        return NN_ERR_INVALID;
    if (nats_Open(-1) != NATS_OK)
        return NN_ERR_UNAVAILABLE;

    ingest_publisher *p = calloc(1, sizeof *p);
    if (!p) {
        nats_Close();
        return NN_ERR_NOMEM;
    }
    p->config = *config;
    atomic_init(&p->up, false);
    size_t buckets = 64;
    while (buckets < (size_t)config->max_in_flight && buckets < ((size_t)1 << 24))
        buckets *= 2;
    p->buckets = calloc(buckets, sizeof(ingest_publish *));
    p->bucket_mask = buckets - 1;
    if (!p->buckets || ingest_init_sync(p) != NN_OK) {
        free(p->buckets);
        free(p);
        nats_Close();
        return NN_ERR_NOMEM;
    }

    nn_status st = ingest_make_options(p);
    if (st == NN_OK)
        st = ingest_connect(p);
    if (st == NN_OK) {
        if (pthread_create(&p->supervisor, NULL, ingest_supervise, p) == 0)
            p->supervisor_started = true;
        else
            st = NN_ERR_NOMEM;
    }
    if (st != NN_OK) {
        ingest_publisher_free(p);
        return st;
    }
    *out = p;
    return NN_OK;
}

/* ---- publishing ---------------------------------------------------------------- */

nn_status ingest_publisher_publish(ingest_publisher *p, ingest_publish *pub, const char *subject,
                                   const char *msg_id, const char *data, size_t len)
{
    if (len > INT_MAX)
        return NN_ERR_INVALID;
    if (!atomic_load(&p->up))
        return NN_ERR_UNAVAILABLE;

    natsMsg *msg = NULL;
    if (natsMsg_Create(&msg, subject, NULL, data, (int)len) != NATS_OK)
        return NN_ERR_NOMEM;
    pub->msg = msg;
    pub->next = NULL;
    pub->started_ns = ingest_now_ns();

    pthread_mutex_lock(&p->lock);
    bool refused = p->closing || p->in_flight >= (size_t)p->config.max_in_flight;
    if (!refused)
        ingest_table_insert(p, pub);
    pthread_mutex_unlock(&p->lock);
    if (refused) {
        natsMsg_Destroy(msg);
        return NN_ERR_UNAVAILABLE;
    }

    jsPubOptions po;
    natsStatus s = jsPubOptions_Init(&po);
    if (s == NATS_OK) {
        po.MsgId = msg_id;
        po.MaxWait = p->config.publish_timeout_ms;
        s = js_PublishMsgAsync(p->js, &msg, &po);
    }
    if (s == NATS_OK)
        return NN_OK; /* msg belongs to nats.c now (and msg is NULL) */

    /* not sent: nats.c will not call the handler for it */
    pthread_mutex_lock(&p->lock);
    bool mine = ingest_table_remove(p, pub->msg) != NULL;
    pthread_mutex_unlock(&p->lock);
    natsMsg_Destroy(msg);
    if (!mine)
        return NN_OK; /* the drain cancelled it meanwhile: done() was called */
    nn_log_debug("publish failed", NN_LOG_STR("error", natsStatus_GetText(s)));
    return s == NATS_NO_MEMORY ? NN_ERR_NOMEM : NN_ERR_UNAVAILABLE;
}

bool ingest_publisher_connected(ingest_publisher *p)
{
    return natsConnection_Status(p->nc) == NATS_CONN_STATUS_CONNECTED;
}

bool ingest_publisher_ready(ingest_publisher *p)
{
    if (!ingest_publisher_connected(p))
        return false;
    pthread_mutex_lock(&p->lock);
    bool ok = p->streams_ok;
    pthread_mutex_unlock(&p->lock);
    return ok;
}

size_t ingest_publisher_in_flight(ingest_publisher *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->in_flight;
    pthread_mutex_unlock(&p->lock);
    return n;
}

size_t ingest_publisher_drain(ingest_publisher *p, int64_t timeout_ms)
{
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    struct timespec deadline = ingest_deadline(timeout_ms);
    while (p->in_flight > 0) {
        if (pthread_cond_timedwait(&p->drained, &p->lock, &deadline) == ETIMEDOUT)
            break;
    }
    /* whatever is left is answered now: take every record out of the table */
    ingest_publish *cancelled = NULL;
    size_t count = 0;
    for (size_t slot = 0; slot <= p->bucket_mask; slot++) {
        while (p->buckets[slot]) {
            ingest_publish *pub = p->buckets[slot];
            p->buckets[slot] = pub->next;
            pub->next = cancelled;
            cancelled = pub;
            count++;
        }
    }
    p->in_flight = 0;
    pthread_mutex_unlock(&p->lock);

    while (cancelled) {
        ingest_publish *pub = cancelled;
        cancelled = pub->next;
        pub->next = NULL;
        pub->outcome = INGEST_PUBLISH_CANCELLED;
        pub->error = NATS_CONNECTION_CLOSED;
        pub->seconds = (double)(ingest_now_ns() - pub->started_ns) / 1e9;
        pub->done(pub);
    }
    return count;
}

void ingest_publisher_free(ingest_publisher *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (p->supervisor_started) {
        int rc = pthread_join(p->supervisor, NULL);
        if (rc != 0)
            nn_log_error("cannot join the stream supervisor", NN_LOG_STR("error", strerror(rc)));
    }
    if (p->nc)
        natsConnection_Close(p->nc);
    jsCtx_Destroy(p->js);
    natsConnection_Destroy(p->nc);
    natsOptions_Destroy(p->opts);
    /* the library's threads may still run our callbacks until they end */
    if (nats_CloseAndWait(INGEST_NATS_CLOSE_WAIT_MS) != NATS_OK)
        nn_log_warn("NATS library threads did not end in time");
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->drained);
    pthread_mutex_destroy(&p->lock);
    free(p->buckets);
    free(p);
}
