/*
 * clients.h - the WebSocket clients and their send queues.
 *
 * Each client has its own queue of shared messages (wsmsg.h): a broadcast
 * appends one reference per client and asks lws for a writable callback, so
 * one slow client never holds up the others. A client whose queue exceeds
 * CLIENT_QUEUE_MAX_BYTES or CLIENT_QUEUE_MAX_MESSAGES (it stopped reading)
 * is dropped at once.
 *
 * The set counts the listening clients (ready, not dropped or closing) and
 * those of them caught up (less than CLIENT_CAUGHT_UP_BYTES queued): the
 * server broadcasts more only while some client is caught up, so a burst
 * (a bulk load) travels at the pace of the fastest client, and a client is
 * dropped for falling far behind the others, not for the size of a burst.
 *
 * A message is written straight from its shared buffer (wsmsg.h keeps room
 * for the frame header in front); one longer than CLIENT_FRAGMENT bytes goes
 * out in fragments of that size, one per writable callback, each copied
 * into a scratch buffer with the LWS_PRE room lws needs (the bytes before a
 * fragment are payload that other clients still need). Everything here runs
 * on the server thread.
 */
#ifndef BACKEND_CLIENTS_H
#define BACKEND_CLIENTS_H

#include "wsmsg.h"

#include "common/metrics.h"
#include "common/status.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#define CLIENT_QUEUE_MAX_BYTES    ((size_t)8 * 1024 * 1024)
#define CLIENT_CAUGHT_UP_BYTES    ((size_t)512 * 1024)
#define CLIENT_QUEUE_MAX_MESSAGES ((size_t)4096)
#define CLIENT_FRAGMENT           ((size_t)32 * 1024)

/* One queued message. */
typedef struct client_slot {
    wsmsg *msg;
} client_slot;

typedef struct client {
    struct lws *wsi;
    client_slot *queue; /* a ring of cap entries */
    size_t head, count, cap;
    size_t queued_bytes; /* not yet written, counting the message being written */
    size_t offset;       /* bytes of queue[head] already written */
    bool ready;          /* got the snapshots: receives broadcasts */
    bool dropped;        /* too slow: being closed without a goodbye */
    bool closing;        /* send a close frame at the next writable callback */
    bool listening;      /* counted in client_set.listening */
    bool caught_up;      /* counted in client_set.caught_up */
    struct client *prev, *next;
} client;

typedef struct client_set {
    client *head;
    size_t count;
    size_t listening;       /* ready clients, not dropped or closing */
    size_t caught_up;       /* listening clients with little queued */
    unsigned char *scratch; /* LWS_PRE + CLIENT_FRAGMENT bytes */
    nn_metrics *metrics;
} client_set;

nn_status client_set_init(client_set *s, nn_metrics *metrics);

/* Frees the clients' queues (call once lws has closed every connection). */
void client_set_free(client_set *s);

/* A new client for wsi (not ready yet). NULL when out of memory. */
client *client_add(client_set *s, struct lws *wsi);

/* The connection of c closed: forget it. */
void client_remove(client_set *s, client *c);

/* Queue m for c (a reference is taken). Drops c when its queue is full. */
void client_send(client_set *s, client *c, wsmsg *m);

/* Queue m for every client (ready ones only, when ready_only). */
void client_broadcast(client_set *s, wsmsg *m, bool ready_only);

/* c got its snapshots: from now on it receives the broadcasts. */
void client_set_ready(client_set *s, client *c);

/* Whether the server may broadcast more: no client listens, or one is caught up. */
bool client_set_may_broadcast(const client_set *s);

/* LWS_CALLBACK_SERVER_WRITEABLE: write the next fragment. Returns what the
 * callback returns: -1 closes the connection. */
int client_writable(client_set *s, client *c);

/* Say goodbye to every client (close code 1001, "going away"). */
void client_close_all(client_set *s);

#endif
