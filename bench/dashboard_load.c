/*
 * dashboard_load.c - load client of bench/dashboard.sh.
 *
 * Opens N WebSocket clients on a dashboard backend (one epoll thread), then
 * inserts orders at a fixed rate from another thread, one row per
 * transaction with pg_notify('nomnom_changes') (as the worker notifies after
 * each commit), and measures for every row and every client the time from
 * the commit's acknowledgement to the row's arrival. A third thread LISTENs
 * on nomnom_changes itself: the commit-to-notification latency is the floor
 * the backend builds on.
 *
 *   dashboard_load PORT CLIENTS RATE SECONDS DATABASE_URL
 *
 * Prints key=value lines: rows inserted, rows delivered (distinct, summed
 * over clients) and expected, duplicates, latency p50/p99/max in ms, the
 * NOTIFY floor p50/p99, the achieved insert rate.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKET_US 100      /* latency histogram resolution */
#define BUCKETS   100000   /* up to 10 s */
#define READ_CHUNK 32768   /* bytes read from a client at a time */

typedef struct load_client {
    int fd;
    bool upgraded;
    bool snapshot; /* got the Order snapshot */
    char *in;      /* bytes read, not parsed yet */
    size_t in_len, in_cap;
    char *msg;     /* text message being reassembled */
    size_t msg_len, msg_cap;
    uint8_t *seen; /* bit per inserted row */
    double worst_ms; /* this client's worst latency */
} load_client;

typedef struct load {
    int port, clients, rate, seconds;
    const char *url;
    size_t capacity;          /* rows the arrays can hold */
    _Atomic int64_t *commit_ns; /* per row index: commit acknowledged (0: not yet) */
    atomic_llong base_id;     /* id of the first row inserted, -1 before */
    atomic_int inserted;
    atomic_bool inserting_done;
    atomic_bool stop;
    uint32_t *hist;           /* latency histogram (client thread only) */
    uint64_t delivered, duplicates, early, out_of_range;
    uint32_t *floor_hist;     /* commit -> NOTIFY (listener thread only) */
    double second_max[600];   /* worst latency (ms) of rows inserted in each second */
    uint64_t floor_count;
    double insert_seconds;
} load;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "dashboard_load: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        die("out of memory");
    return q;
}

static void append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        *buf = xrealloc(*buf, c);
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
}

static void hist_add(uint32_t *hist, int64_t ns)
{
    int64_t b = ns / (BUCKET_US * 1000);
    if (b < 0)
        b = 0;
    if (b >= BUCKETS)
        b = BUCKETS - 1;
    hist[b]++;
}

static double hist_quantile(const uint32_t *hist, uint64_t count, double q)
{
    if (count == 0)
        return 0;
    uint64_t want = (uint64_t)(q * (double)(count - 1)) + 1, seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen >= want)
            return (b + 0.5) * BUCKET_US / 1000.0;
    }
    return BUCKETS * BUCKET_US / 1000.0;
}

static double hist_max(const uint32_t *hist)
{
    for (int b = BUCKETS - 1; b >= 0; b--) {
        if (hist[b])
            return (b + 1) * BUCKET_US / 1000.0;
    }
    return 0;
}

/* ---- the inserter -------------------------------------------------------- */

static PGconn *connect_db(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "dashboard_load: %s", PQerrorMessage(c));
        exit(1);
    }
    return c;
}

static void *inserter_main(void *arg)
{
    load *L = arg;
    PGconn *c = connect_db(L->url);
    const char *sql =
        "WITH r AS (INSERT INTO orders (order_key, customer_key, order_status, total_price, "
        "order_date, order_priority, clerk, ship_priority, comment) VALUES ($1, 7, 'O', 123.45, "
        "'2024-05-01', '1-URGENT', 'Clerk#000000001', 0, 'bench') RETURNING id) "
        "SELECT id, pg_notify('nomnom_changes', '') FROM r";
    int total = L->rate * L->seconds;
    int64_t key_base = (int64_t)time(NULL) * 100000;
    /* one row first, not measured: the ids that follow are its id + 1, + 2, ...
     * (only this thread inserts), known before any of them can arrive */
    char first[32];
    snprintf(first, sizeof first, "%lld", (long long)(key_base - 1));
    const char *first_params[] = {first};
    PGresult *r0 = PQexecParams(c, sql, 1, NULL, first_params, NULL, NULL, 0);
    if (PQresultStatus(r0) != PGRES_TUPLES_OK) {
        fprintf(stderr, "dashboard_load: insert: %s", PQerrorMessage(c));
        exit(1);
    }
    atomic_store(&L->base_id, atoll(PQgetvalue(r0, 0, 0)) + 1);
    PQclear(r0);
    int64_t start = now_ns();
    for (int i = 0; i < total && !atomic_load(&L->stop); i++) {
        int64_t due = start + (int64_t)i * 1000000000 / L->rate;
        int64_t now = now_ns();
        if (due > now) {
            struct timespec ts = {(due - now) / 1000000000, (due - now) % 1000000000};
            nanosleep(&ts, NULL);
        }
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)(key_base + i));
        const char *params[] = {key};
        PGresult *r = PQexecParams(c, sql, 1, NULL, params, NULL, NULL, 0);
        int64_t acked = now_ns();
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "dashboard_load: insert: %s", PQerrorMessage(c));
            exit(1);
        }
        long long id = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        long long idx = id - atomic_load(&L->base_id);
        if (idx >= 0 && (size_t)idx < L->capacity)
            atomic_store(&L->commit_ns[idx], acked);
        atomic_fetch_add(&L->inserted, 1);
    }
    L->insert_seconds = (double)(now_ns() - start) / 1e9;
    atomic_store(&L->inserting_done, true);
    PQfinish(c);
    return NULL;
}

/* ---- the NOTIFY floor ----------------------------------------------------- */

static void *listener_main(void *arg)
{
    load *L = arg;
    PGconn *c = connect_db(L->url);
    PQclear(PQexec(c, "LISTEN nomnom_changes"));
    int seen = -1; /* the inserter's first, unmeasured row */
    while (!atomic_load(&L->stop)) {
        struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int64_t at = now_ns();
        PQconsumeInput(c);
        PGnotify *n;
        while ((n = PQnotifies(c)) != NULL) {
            PQfreemem(n);
            /* notifications come in commit order: the seen-th insert's */
            if (seen >= 0 && (size_t)seen < L->capacity) {
                int64_t acked = atomic_load(&L->commit_ns[seen]);
                if (acked) {
                    hist_add(L->floor_hist, at - acked);
                    L->floor_count++;
                }
            }
            seen++;
        }
    }
    PQfinish(c);
    return NULL;
}

/* ---- the WebSocket clients -------------------------------------------------- */

static void client_send(load_client *cl, int opcode, const char *data, size_t n)
{
    unsigned char frame[16 + 125];
    if (n > 125)
        n = 125;
    frame[0] = (unsigned char)(0x80 | opcode);
    frame[1] = (unsigned char)(0x80 | n);
    memset(frame + 2, 0, 4); /* mask 0: payload unchanged */
    memcpy(frame + 6, data, n);
    if (write(cl->fd, frame, 6 + n) < 0 && errno != EAGAIN)
        die("write");
}

/* A text message arrived: record the rows it carries. */
static void on_message(load *L, load_client *cl, const char *text, size_t len, int64_t at)
{
    static const char order_snapshot[] = "{\"type\":\"snapshot\",\"entity\":\"Order\"";
    if (len >= sizeof order_snapshot - 1 &&
        memcmp(text, order_snapshot, sizeof order_snapshot - 1) == 0)
        cl->snapshot = true;
    if (len < 16 || memcmp(text, "{\"type\":\"rows\"", 14) != 0)
        return;
    long long base = atomic_load(&L->base_id);
    const char *p = text, *end = text + len;
    for (;;) {
        const char *hit = memmem(p, (size_t)(end - p), "{\"id\":", 6);
        if (!hit)
            break;
        p = hit + 6;
        long long id = strtoll(p, NULL, 10);
        if (base < 0)
            continue;
        long long idx = id - base;
        if (idx < 0)
            continue; /* a row from before the measurement */
        if ((size_t)idx >= L->capacity) {
            L->out_of_range++;
            continue;
        }
        uint8_t bit = (uint8_t)(1u << (idx & 7));
        if (cl->seen[idx >> 3] & bit) {
            L->duplicates++;
            continue;
        }
        cl->seen[idx >> 3] |= bit;
        L->delivered++;
        int64_t acked = atomic_load(&L->commit_ns[idx]);
        if (!acked) {
            L->early++; /* arrived before the inserter saw its commit acknowledged */
            hist_add(L->hist, 0);
        } else {
            hist_add(L->hist, at - acked);
            size_t second = (size_t)idx / (size_t)L->rate;
            double ms = (double)(at - acked) / 1e6;
            if (ms > cl->worst_ms)
                cl->worst_ms = ms;
            if (second < 600 && ms > L->second_max[second])
                L->second_max[second] = ms;
        }
    }
}

/* Parse what cl has read: the handshake answer, then frames. */
static void client_parse(load *L, load_client *cl, int64_t at)
{
    size_t pos = 0;
    if (!cl->upgraded) {
        char *end = memmem(cl->in, cl->in_len, "\r\n\r\n", 4);
        if (!end)
            return;
        if (cl->in_len < 12 || memcmp(cl->in + 9, "101", 3) != 0) {
            fprintf(stderr, "dashboard_load: handshake refused\n");
            exit(1);
        }
        cl->upgraded = true;
        pos = (size_t)(end - cl->in) + 4;
    }
    for (;;) {
        size_t left = cl->in_len - pos;
        if (left < 2)
            break;
        const unsigned char *h = (const unsigned char *)cl->in + pos;
        bool fin = h[0] & 0x80;
        int opcode = h[0] & 0x0F;
        uint64_t n = h[1] & 0x7F;
        size_t head = 2;
        if (n == 126) {
            if (left < 4)
                break;
            n = ((uint64_t)h[2] << 8) | h[3];
            head = 4;
        } else if (n == 127) {
            if (left < 10)
                break;
            n = 0;
            for (int i = 0; i < 8; i++)
                n = (n << 8) | h[2 + i];
            head = 10;
        }
        if (left < head + n)
            break;
        const char *payload = cl->in + pos + head;
        if (opcode == 0x9) {
            client_send(cl, 0xA, payload, n);
        } else if (opcode == 0x1 || opcode == 0x0) {
            append(&cl->msg, &cl->msg_len, &cl->msg_cap, payload, n);
            if (fin) {
                on_message(L, cl, cl->msg, cl->msg_len, at);
                cl->msg_len = 0;
            }
        } else if (opcode == 0x8) {
            fprintf(stderr, "dashboard_load: the server closed a client\n");
            exit(1);
        }
        pos += head + n;
    }
    memmove(cl->in, cl->in + pos, cl->in_len - pos);
    cl->in_len -= pos;
}

static int connect_client(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    static const char hs[] = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n";
    if (write(fd, hs, sizeof hs - 1) != (ssize_t)(sizeof hs - 1))
        die("handshake");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: dashboard_load PORT CLIENTS RATE SECONDS DATABASE_URL\n");
        return 2;
    }
    load L = {.port = atoi(argv[1]), .clients = atoi(argv[2]), .rate = atoi(argv[3]),
              .seconds = atoi(argv[4]), .url = argv[5]};
    L.capacity = (size_t)L.rate * (size_t)L.seconds + 16;
    L.commit_ns = calloc(L.capacity, sizeof *L.commit_ns);
    L.hist = calloc(BUCKETS, sizeof *L.hist);
    L.floor_hist = calloc(BUCKETS, sizeof *L.floor_hist);
    atomic_init(&L.base_id, -1);
    load_client *cl = calloc((size_t)L.clients, sizeof *cl);
    if (!L.commit_ns || !L.hist || !L.floor_hist || !cl)
        die("out of memory");

    int ep = epoll_create1(0);
    for (int i = 0; i < L.clients; i++) {
        cl[i].fd = connect_client(L.port);
        cl[i].seen = calloc(L.capacity / 8 + 1, 1);
        if (!cl[i].seen)
            die("out of memory");
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cl[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev) != 0)
            die("epoll_ctl");
    }

    pthread_t inserter, listener;
    bool started = false;
    int64_t ready_since = 0, done_at = 0;
    struct epoll_event events[256];
    int64_t busy_ns = 0, loop_start = now_ns();
    for (;;) {
        int n = epoll_wait(ep, events, 256, 50);
        int64_t at = now_ns();
        for (int i = 0; i < n; i++) {
            load_client *c = events[i].data.ptr;
            /* read in bounded pieces, parsing each: a client that fell behind
             * catches up without piling its backlog up in memory */
            for (;;) {
                if (c->in_cap - c->in_len < READ_CHUNK) {
                    c->in_cap = c->in_len + READ_CHUNK > 2 * c->in_cap ? c->in_len + READ_CHUNK
                                                                        : 2 * c->in_cap;
                    c->in = xrealloc(c->in, c->in_cap);
                }
                ssize_t r = read(c->fd, c->in + c->in_len, READ_CHUNK);
                if (r > 0) {
                    c->in_len += (size_t)r;
                    client_parse(&L, c, now_ns());
                    continue;
                }
                if (r == 0) {
                    fprintf(stderr, "dashboard_load: a client was disconnected\n");
                    return 1;
                }
                if (errno != EAGAIN)
                    die("read");
                break;
            }
        }
        busy_ns += now_ns() - at;
        if (!started) {
            int ready = 0;
            for (int i = 0; i < L.clients; i++)
                ready += cl[i].snapshot;
            if (ready == L.clients && !ready_since)
                ready_since = at;
            if (ready_since && at - ready_since > 500000000) {
                if (pthread_create(&listener, NULL, listener_main, &L) != 0 ||
                    pthread_create(&inserter, NULL, inserter_main, &L) != 0)
                    die("pthread_create");
                started = true;
                fprintf(stderr, "dashboard_load: %d clients ready, inserting\n", L.clients);
            }
            continue;
        }
        if (atomic_load(&L.inserting_done)) {
            if (!done_at)
                done_at = at;
            uint64_t expected = (uint64_t)atomic_load(&L.inserted) * (uint64_t)L.clients;
            if (L.delivered >= expected || at - done_at > 10000000000LL)
                break;
        }
    }
    atomic_store(&L.stop, true);
    pthread_join(inserter, NULL);
    pthread_join(listener, NULL);

    int inserted = atomic_load(&L.inserted);
    uint64_t expected = (uint64_t)inserted * (uint64_t)L.clients;
    printf("inserted=%d\n", inserted);
    printf("insert_rate=%.0f\n", inserted / L.insert_seconds);
    printf("delivered=%llu\n", (unsigned long long)L.delivered);
    printf("expected=%llu\n", (unsigned long long)expected);
    printf("duplicates=%llu\n", (unsigned long long)L.duplicates);
    printf("early=%llu\n", (unsigned long long)L.early);
    printf("out_of_range=%llu\n", (unsigned long long)L.out_of_range);
    printf("p50_ms=%.1f\n", hist_quantile(L.hist, L.delivered, 0.50));
    printf("p99_ms=%.1f\n", hist_quantile(L.hist, L.delivered, 0.99));
    printf("max_ms=%.1f\n", hist_max(L.hist));
    printf("notify_p50_ms=%.1f\n", hist_quantile(L.floor_hist, L.floor_count, 0.50));
    printf("notify_p99_ms=%.1f\n", hist_quantile(L.floor_hist, L.floor_count, 0.99));
    int over[4] = {0, 0, 0, 0};
    for (int i = 0; i < L.clients; i++) {
        over[0] += cl[i].worst_ms > 100;
        over[1] += cl[i].worst_ms > 250;
        over[2] += cl[i].worst_ms > 500;
        over[3] += cl[i].worst_ms > 1000;
    }
    fprintf(stderr, "dashboard_load: clients whose worst latency exceeds 100/250/500/1000 ms: "
                    "%d %d %d %d; busy %.0f%% of the time\n",
            over[0], over[1], over[2], over[3], 100.0 * (double)busy_ns / (double)(now_ns() - loop_start));
    fprintf(stderr, "dashboard_load: worst latency (ms) of the rows of each second:");
    for (int s = 0; s < L.seconds && s < 600; s++)
        fprintf(stderr, " %.0f", L.second_max[s]);
    fprintf(stderr, "\n");
    for (int i = 0; i < L.clients; i++) {
        close(cl[i].fd);
        free(cl[i].in);
        free(cl[i].msg);
        free(cl[i].seen);
    }
    free(cl);
    free(L.commit_ns);
    free(L.hist);
    free(L.floor_hist);
    close(ep);
    return 0;
}
