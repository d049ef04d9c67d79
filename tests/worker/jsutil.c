/*
 * jsutil.c - a JetStream helper for the worker's tests and benchmark.
 *
 * Built by tests/scripts/test_worker.sh and bench/worker.sh against a
 * generated tree (its common/streams.c defines the streams):
 *
 *   cc -std=c11 -I OUT tests/worker/jsutil.c OUT/common/{streams,log,clock,buf}.c \
 *      $(pkg-config --cflags --libs libnats jansson) -o jsutil
 *
 * Commands (NATS_URL from the environment):
 *
 *   jsutil publish            publish the lines of standard input, each
 *                             "SUBJECT<TAB>MESSAGE-ID<TAB>DATA" ("-": no id),
 *                             asynchronously, then wait for every PubAck
 *   jsutil orders N FIRST VARIANT [INTERVAL_MS]
 *                             publish N Order envelopes with 2 line items,
 *                             order_key FIRST..FIRST+N-1, ids and values
 *                             derived from VARIANT, received_at now; with
 *                             INTERVAL_MS, one at a time (each waits for its
 *                             PubAck, then INTERVAL_MS)
 *   jsutil dump STREAM        print every message of STREAM, one per line:
 *                             SUBJECT<TAB>DATA
 *   jsutil info               print the "workers" consumer of MESSAGES:
 *                             "pending=N ack_pending=N redelivered=N"
 *
 * Every command first creates the streams when missing. Exit 0 on success,
 * 1 on failure (with a message on stderr).
 */
#include "common/streams.h"

#include <errno.h>
#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Asynchronous publishes that failed (a timeout under load, a server
 * restarting) are sent again, at most this many times in all; the
 * Nats-Msg-Id header makes a repeated message count once. */
#define JSUTIL_MAX_RESENDS 10000

typedef struct jsutil_resends {
    int count;  /* resent so far (callbacks run on one thread) */
    int failed; /* given up */
} jsutil_resends;

static void jsutil_on_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    jsutil_resends *r = closure;
    if (r->count < JSUTIL_MAX_RESENDS && js_PublishMsgAsync(js, &pae->Msg, NULL) == NATS_OK) {
        r->count++;
        return;
    }
    r->failed++;
}

static int jsutil_fail(const char *what, natsStatus s)
{
    fprintf(stderr, "jsutil: %s: %s\n", what, natsStatus_GetText(s));
    return 1;
}

static natsStatus jsutil_publish_one(jsCtx *js, const char *subject, const char *id,
                                     const char *data, size_t len)
{
    natsMsg *msg = NULL;
    natsStatus s = natsMsg_Create(&msg, subject, NULL, data, (int)len);
    if (s == NATS_OK && id && strcmp(id, "-") != 0)
        s = natsMsgHeader_Set(msg, "Nats-Msg-Id", id);
    if (s == NATS_OK)
        s = js_PublishMsgAsync(js, &msg, NULL);
    natsMsg_Destroy(msg); /* NULL once the library owns it */
    return s;
}

static int jsutil_finish(jsCtx *js, long count)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 60000;
    natsStatus s = js_PublishAsyncComplete(js, &po);
    if (s != NATS_OK)
        return jsutil_fail("waiting for the PubAcks", s);
    natsMsgList failed = {0};
    if (js_PublishAsyncGetPendingList(&failed, js) == NATS_OK && failed.Count > 0) {
        fprintf(stderr, "jsutil: %d messages not acknowledged\n", failed.Count);
        natsMsgList_Destroy(&failed);
        return 1;
    }
    fprintf(stderr, "jsutil: published %ld messages\n", count);
    return 0;
}

static int jsutil_publish(jsCtx *js)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long count = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0)
            continue;
        char *id = strchr(line, '\t');
        char *data = id ? strchr(id + 1, '\t') : NULL;
        if (!data) {
            fprintf(stderr, "jsutil: line %ld: expected SUBJECT<TAB>ID<TAB>DATA\n", count + 1);
            rc = 1;
            break;
        }
        *id++ = '\0';
        *data++ = '\0';
        natsStatus s = jsutil_publish_one(js, line, id, data, strlen(data));
        if (s != NATS_OK)
            rc = jsutil_fail("publish", s);
        count++;
    }
    free(line);
    return rc ? rc : jsutil_finish(js, count);
}

/* One message at a time: wait for its PubAck, then interval_ms. */
static natsStatus jsutil_trickle(jsCtx *js, long interval_ms)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 10000;
    natsStatus s = js_PublishAsyncComplete(js, &po);
    struct timespec pause = {.tv_sec = interval_ms / 1000,
                             .tv_nsec = (interval_ms % 1000) * 1000000L};
    while (s == NATS_OK && nanosleep(&pause, &pause) != 0 && errno == EINTR)
        ;
    return s;
}

/* Now as RFC 3339 UTC with milliseconds, into out (at least 32 bytes). */
static void jsutil_now(char *out, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, size - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

static int jsutil_orders(jsCtx *js, long n, long first, long variant, long interval_ms)
{
    char *buf = NULL;
    size_t cap = 0;
    char now[64];
    for (long i = 0; i < n; i++) {
        jsutil_now(now, sizeof now);
        long key = first + i;
        char id[64];
        snprintf(id, sizeof id, "%08lx-0000-4000-8000-%012lx",
                 (unsigned long)variant & 0xffffffffUL, (unsigned long)key & 0xffffffffffffUL);
        for (;;) {
            int len = snprintf(
                buf, cap,
                "{\"message_id\":\"%s\",\"entity_type\":\"Order\","
                "\"received_at\":\"%s\",\"source\":\"jsutil\","
                "\"payload\":{\"order_key\":%ld,\"customer_key\":%ld,\"order_status\":\"O\","
                "\"total_price\":%ld.25,\"order_date\":\"1996-01-02\",\"order_priority\":\"5-LOW\","
                "\"clerk\":\"Clerk#%09ld\",\"ship_priority\":0,\"is_rush\":false,"
                "\"placed_at\":\"1996-01-02T10:00:00Z\",\"comment\":\"variant %ld\","
                "\"line_items\":["
                "{\"line_number\":1,\"part_key\":%ld,\"supplier_key\":7,\"quantity\":%ld,"
                "\"extended_price\":1000.5,\"discount\":0.05,\"tax\":0.02,\"return_flag\":\"N\","
                "\"line_status\":\"O\",\"ship_date\":\"1996-02-12\",\"ship_mode\":\"TRUCK\","
                "\"is_gift\":false},"
                "{\"line_number\":2,\"part_key\":%ld,\"supplier_key\":8,\"quantity\":%ld,"
                "\"extended_price\":2000.75,\"discount\":0.1,\"tax\":0.0,\"return_flag\":\"R\","
                "\"line_status\":\"F\",\"ship_date\":\"1996-02-28\",\"ship_mode\":null,"
                "\"is_gift\":null}]}}",
                id, now, key, key % 1000, variant * 1000 + key % 1000, key % 1000, variant,
                key % 200, variant + 1, key % 300, variant + 2);
            if (len < 0) {
                free(buf);
                return 1;
            }
            if ((size_t)len < cap) {
                char subject[] = NN_SUBJECT_INGEST_PREFIX "Order";
                natsStatus s = jsutil_publish_one(js, subject, id, buf, (size_t)len);
                if (s == NATS_OK && interval_ms > 0)
                    s = jsutil_trickle(js, interval_ms);
                if (s != NATS_OK) {
                    free(buf);
                    return jsutil_fail("publish", s);
                }
                break;
            }
            cap = (size_t)len + 1;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                return 1;
            }
            buf = grown;
        }
    }
    free(buf);
    return jsutil_finish(js, n);
}

/* A decimal argument; false when it is not one. */
static bool jsutil_number(const char *text, long *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *out >= 0;
}

static int jsutil_orders_args(jsCtx *js, int argc, char **args)
{
    long n, first, variant, interval = 0;
    if (!jsutil_number(args[0], &n) || !jsutil_number(args[1], &first) ||
        !jsutil_number(args[2], &variant) || (argc > 3 && !jsutil_number(args[3], &interval))) {
        fprintf(stderr, "jsutil: orders N FIRST VARIANT [INTERVAL_MS]: expected numbers\n");
        return 2;
    }
    return jsutil_orders(js, n, first, variant, interval);
}

static int jsutil_dump(jsCtx *js, const char *stream)
{
    jsStreamInfo *info = NULL;
    natsStatus s = js_GetStreamInfo(&info, js, stream, NULL, NULL);
    if (s != NATS_OK)
        return jsutil_fail("stream info", s);
    uint64_t first = info->State.FirstSeq, last = info->State.LastSeq, count = info->State.Msgs;
    jsStreamInfo_Destroy(info);
    for (uint64_t seq = first; count > 0 && seq <= last; seq++) {
        natsMsg *msg = NULL;
        s = js_GetMsg(&msg, js, stream, seq, NULL, NULL);
        if (s == NATS_NOT_FOUND)
            continue;
        if (s != NATS_OK)
            return jsutil_fail("get message", s);
        printf("%s\t", natsMsg_GetSubject(msg));
        fwrite(natsMsg_GetData(msg), 1, (size_t)natsMsg_GetDataLength(msg), stdout);
        fputc('\n', stdout);
        natsMsg_Destroy(msg);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

static int jsutil_info(jsCtx *js)
{
    jsConsumerInfo *ci = NULL;
    natsStatus s = js_GetConsumerInfo(&ci, js, NN_STREAM_MESSAGES, "workers", NULL, NULL);
    if (s != NATS_OK)
        return jsutil_fail("consumer info", s);
    printf("pending=%llu ack_pending=%lld redelivered=%lld\n", (unsigned long long)ci->NumPending,
           (long long)ci->NumAckPending, (long long)ci->NumRedelivered);
    jsConsumerInfo_Destroy(ci);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(
            stderr,
            "usage: jsutil publish | orders N FIRST VARIANT [INTERVAL_MS] | dump STREAM | info\n");
        return 2;
    }
    const char *url = getenv("NATS_URL");
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jso;
    jsOptions_Init(&jso);
    jso.PublishAsync.MaxPending = 4096;
    jso.PublishAsync.StallWait = 10000;
    jsutil_resends resends = {0, 0};
    jso.PublishAsync.ErrHandler = jsutil_on_error;
    jso.PublishAsync.ErrHandlerClosure = &resends;
    jso.Wait = 10000;
    natsStatus s = natsConnection_ConnectTo(&nc, url ? url : NATS_DEFAULT_URL);
    if (s == NATS_OK)
        s = natsConnection_JetStream(&js, nc, &jso);
    if (s != NATS_OK)
        return jsutil_fail("connect", s);
    nn_stream_settings streams = {.max_age_ms = 168LL * 3600 * 1000,
                                  .max_bytes = 1073741824LL,
                                  .duplicate_window_ms = 120000,
                                  .replicas = 1};
    int rc;
    if (nn_streams_ensure(js, &streams) != NN_OK)
        rc = 1;
    else if (strcmp(argv[1], "publish") == 0)
        rc = jsutil_publish(js);
    else if (strcmp(argv[1], "orders") == 0 && (argc == 5 || argc == 6))
        rc = jsutil_orders_args(js, argc - 2, argv + 2);
    else if (strcmp(argv[1], "dump") == 0 && argc == 3)
        rc = jsutil_dump(js, argv[2]);
    else if (strcmp(argv[1], "info") == 0 && argc == 2)
        rc = jsutil_info(js);
    else {
        fprintf(stderr, "jsutil: bad arguments\n");
        rc = 2;
    }
    if (resends.failed > 0) {
        fprintf(stderr, "jsutil: %d messages could not be published\n", resends.failed);
        rc = 1;
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return rc;
}
