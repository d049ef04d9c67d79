/*
 * http.h - the ingestion API's HTTP server (libmicrohttpd): routing, the
 * life of one request, answers, the access log.
 *
 * Requests are served by a pool of threads, each with its own poll() loop.
 * A POST /ingest/{Entity} that is being published is suspended
 * (MHD_suspend_connection) so its thread serves other connections, and
 * resumed by the publisher's callback once JetStream answered.
 *
 * Routes (every answer is JSON unless said otherwise):
 *   POST /ingest/{Entity}   ingest.c
 *   GET  /health /ready /metrics (text) /openapi.json   endpoints.c
 * With API_TOKEN set, every route but /health and /ready needs
 * "Authorization: Bearer <token>" (401 otherwise).
 */
#ifndef INGEST_HTTP_H
#define INGEST_HTTP_H

#include "app.h"
#include "envelope.h"
#include "publisher.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/status.h"
#include "common/validate.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ingest_http ingest_http;

typedef enum ingest_route {
    INGEST_ROUTE_NOT_FOUND,
    INGEST_ROUTE_HEALTH,
    INGEST_ROUTE_READY,
    INGEST_ROUTE_METRICS,
    INGEST_ROUTE_OPENAPI,
    INGEST_ROUTE_INGEST,
} ingest_route;

/* Where a POST /ingest request is. */
typedef enum ingest_phase {
    INGEST_PHASE_RECEIVING,  /* reading the body */
    INGEST_PHASE_PUBLISHING, /* sent to JetStream, awaiting its answer */
    INGEST_PHASE_ANSWERED,
} ingest_phase;

/* One request, from its headers to the completion callback that frees it. */
typedef struct ingest_request {
    ingest_app *app;
    struct MHD_Connection *conn;
    ingest_route route;
    const char *method; /* libmicrohttpd's, valid for the whole request */
    char *path;         /* a copy, for the access log */
    int64_t started_ns;
    unsigned status; /* the answer's status code, 0 until queued */
    size_t bytes;    /* the answer's body length */

    /* POST /ingest/{Entity} */
    const nn_entity *entity; /* the entity of the path, NULL when unknown */
    ingest_phase phase;
    nn_buf body;
    bool too_large;   /* beyond MAX_BODY_BYTES: the rest is dropped */
    size_t discarded; /* bytes dropped since */
    ingest_message_id id;
    bool has_id;
    ingest_publish pub;
    /* shared with the publisher's callback, under lock: */
    pthread_mutex_t lock;
    bool published; /* the publisher answered (pub holds the outcome) */
    bool suspended; /* the connection waits for that answer */
} ingest_request;

/* Start listening (BIND_ADDRESS, PORT) with HTTP_THREADS threads. */
nn_status ingest_http_start(ingest_app *app, ingest_http **out);

/* Stop accepting connections (SIGTERM); requests already open go on. */
void ingest_http_quiesce(ingest_http *h);

/* Wait up to timeout_ms for every open request to be answered and sent.
 * true when none is left. */
bool ingest_http_wait_idle(ingest_http *h, int64_t timeout_ms);

/* Stop the server and free it. NULL is ignored. */
void ingest_http_stop(ingest_http *h);

/* ---- answers (for the route handlers) -------------------------------------- */

/*
 * Queue an answer. body (malloc'ed) is taken over in every case; NULL for
 * none. Adds the headers the status calls for: Retry-After on 503, Allow on
 * 405, WWW-Authenticate on 401, Connection: close while shutting down.
 */
enum MHD_Result ingest_http_answer(ingest_request *req, unsigned status, const char *content_type,
                                   char *body, size_t len);

/* The same with a body the caller keeps alive until the server stops. */
enum MHD_Result ingest_http_answer_static(ingest_request *req, unsigned status,
                                          const char *content_type, const char *body, size_t len);

/* A JSON error answer: {"error": code, "message": message, "details": [...]}
 * (details only when given and not empty). */
enum MHD_Result ingest_http_error(ingest_request *req, unsigned status, const char *code,
                                  const char *message, const nn_problems *details);

/* A request header, NULL when absent. */
const char *ingest_http_header(const ingest_request *req, const char *name);

#endif
