/*
 * ingest_ceiling.c - the ceiling that bench/ingest.sh compares the ingestion
 * API with: a plain loop of JetStream asynchronous publishes of the same
 * message the API would publish (the envelope around the example order),
 * each with its own Nats-Msg-Id, as fast as the PubAcks come back.
 *
 *   ingest_ceiling NATS_URL SUBJECT ENVELOPE_FILE SECONDS [MAX_PENDING]
 *
 * Prints one line: "acked N seconds S rate R" (R messages per second).
 * Built by bench/ingest.sh: cc -O2 ingest_ceiling.c $(pkg-config --cflags --libs libnats)
 */
#include <nats/nats.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ceiling {
    atomic_long acked;
    atomic_long failed;
} ceiling;

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    (void)pae;
    ceiling *c = closure;
    if (pa)
        atomic_fetch_add(&c->acked, 1);
    else
        atomic_fetch_add(&c->failed, 1);
    natsMsg_Destroy(msg);
}

static char *read_file(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)*len + 1);
        if (data && fread(data, 1, (size_t)*len, f) != (size_t)*len) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    return data;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s NATS_URL SUBJECT ENVELOPE_FILE SECONDS [MAX_PENDING]\n",
                argv[0]);
        return 2;
    }
    const char *url = argv[1], *subject = argv[2];
    int64_t seconds = atoll(argv[4]);
    int64_t max_pending = argc > 5 ? atoll(argv[5]) : 4096;
    long len = 0;
    char *data = read_file(argv[3], &len);
    if (!data || seconds <= 0) {
        fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[3]);
        return 1;
    }

    ceiling c;
    atomic_init(&c.acked, 0);
    atomic_init(&c.failed, 0);
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jo;
    natsStatus s = natsConnection_ConnectTo(&nc, url);
    if (s == NATS_OK)
        s = jsOptions_Init(&jo);
    if (s == NATS_OK) {
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = &c;
        jo.PublishAsync.MaxPending = max_pending;
        s = natsConnection_JetStream(&js, nc, &jo);
    }

    int64_t start = nats_Now();
    int64_t end = start + seconds * 1000;
    uint64_t n = 0;
    char id[32];
    while (s == NATS_OK && nats_Now() < end) {
        for (int i = 0; i < 256 && s == NATS_OK; i++) {
            jsPubOptions po;
            s = jsPubOptions_Init(&po);
            snprintf(id, sizeof id, "ceiling-%llu", (unsigned long long)n++);
            po.MsgId = id;
            if (s == NATS_OK)
                s = js_PublishAsync(js, subject, data, (int)len, &po);
        }
    }
    if (s == NATS_OK) {
        jsPubOptions po;
        s = jsPubOptions_Init(&po);
        po.MaxWait = 30000;
        if (s == NATS_OK)
            s = js_PublishAsyncComplete(js, &po);
    }
    double elapsed = (double)(nats_Now() - start) / 1000.0;
    long acked = atomic_load(&c.acked);
    if (s != NATS_OK)
        fprintf(stderr, "%s: %s\n", argv[0], natsStatus_GetText(s));
    printf("acked %ld failed %ld seconds %.2f rate %.0f\n", acked, atomic_load(&c.failed), elapsed,
           (double)acked / elapsed);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    free(data);
    return s == NATS_OK ? 0 : 1;
}
