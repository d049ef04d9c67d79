/*
 * server.h - the HTTP and WebSocket server: one libwebsockets event loop on
 * the main thread.
 *
 * It serves the REST endpoints and the frontend bundle (http.c), accepts
 * WebSocket clients on /ws (clients.c), and applies the poller's events in
 * order: it keeps the newest snapshot of each entity, the latest counts and
 * whether the database is up, and broadcasts rows, stats and errors.
 *
 * A client that connects gets one snapshot per entity, then the counts
 * (and an "error" while the database is down), then every broadcast. Before
 * the first complete read of the tables a client only waits (getting the
 * error, if any); it is welcomed as soon as the snapshots exist.
 */
#ifndef BACKEND_SERVER_H
#define BACKEND_SERVER_H

#include "clients.h"
#include "events.h"
#include "settings.h"

#include "common/metrics.h"
#include "common/status.h"

#include <libwebsockets.h>
#include <stdatomic.h>
#include <stdbool.h>

/* How long clients get to acknowledge the close on SIGTERM. */
#define SERVER_CLOSE_GRACE_MS 2000

/* What the server keeps per entity. */
typedef struct server_entity {
    wsmsg *snapshot; /* the newest snapshot message; NULL before the first read */
    char *label;     /* entity="<name>", for the metrics */
} server_entity;

typedef struct server {
    const backend_settings *settings;
    nn_metrics *metrics;
    event_queue *queue;
    struct lws_context *ctx;
    lws_retry_bo_t keepalive; /* ping / hang-up policy of the connections */
    client_set clients;
    atomic_bool stop_requested;
    bool close_expired; /* the grace period of the shutdown ran out */
    bool starved;       /* events wait until a client catches up */
    lws_sorted_usec_list_t close_timer;

    /* what the poller said last */
    server_entity *entities; /* per nn_entities index */
    bool have_snapshots;     /* every table was read once */
    wsmsg *stats_message;
    char *stats_body;
    wsmsg *error_message; /* while the database is down */
    bool database_up;

    char *entities_body; /* GET /api/entities */
    char *static_root;   /* the frontend bundle; NULL when missing */
} server;

/* The state of one connection (lws per-session data). */
typedef struct session {
    client *client; /* WebSocket connections */
    char *body;     /* HTTP: the response body still to write */
    size_t body_len, body_sent;
} session;

/* Set up and listen on settings->port. Logs and fails when it cannot. */
nn_status server_init(server *srv, const backend_settings *settings, nn_metrics *metrics,
                      event_queue *queue);

/* Serve until server_request_stop, then close the clients (waiting up to
 * SERVER_CLOSE_GRACE_MS for them). false when the event loop failed. */
bool server_run(server *srv);

/* From any thread: make server_run return. */
void server_request_stop(server *srv);

/* Wake the event loop to take the queued events (the queue's wake function). */
void server_wake(void *srv);

void server_free(server *srv);

#endif
