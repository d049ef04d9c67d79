/*
 * publisher.h - the ingestion API's link to NATS JetStream: one connection
 * that reconnects forever, the streams (created at start and re-checked in
 * the background, so the service starts and keeps answering while NATS is
 * down), and asynchronous publishing that reports each message's own PubAck.
 *
 * Publishing never blocks on a round trip: ingest_publisher_publish() sends
 * the message and returns; the record's done callback runs later, on a NATS
 * thread, once JetStream acknowledged the message, refused it, or did not
 * answer within the publish timeout. Many publishes are in flight at once.
 *
 * Nothing is ever published through core NATS, and nothing is buffered for
 * later: while the connection is down a publish fails at once (the client
 * gets 503) rather than being sent after a reconnect it no longer waits for.
 */
#ifndef INGEST_PUBLISHER_H
#define INGEST_PUBLISHER_H

#include "common/status.h"
#include "common/streams.h"

#include <nats/nats.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ingest_publisher ingest_publisher;

typedef struct ingest_publisher_config {
    const char *urls; /* NATS_URL: one URL or a comma-separated list */
    const char *name; /* connection name shown by the server */
    int64_t publish_timeout_ms;
    int64_t max_in_flight; /* publishes awaiting their ack; beyond: NN_ERR_UNAVAILABLE */
    bool send_asap;        /* flush each publish at once (see natsOptions_SetSendAsap) */
    nn_stream_settings streams;
} ingest_publisher_config;

typedef enum ingest_publish_outcome {
    INGEST_PUBLISH_ACKED,     /* JetStream stored it (or had it already: duplicate) */
    INGEST_PUBLISH_REFUSED,   /* JetStream answered with an error (no stream, limits...) */
    INGEST_PUBLISH_TIMEOUT,   /* no answer within the publish timeout */
    INGEST_PUBLISH_CANCELLED, /* the service is shutting down */
} ingest_publish_outcome;

typedef struct ingest_publish ingest_publish;

/* Called exactly once per successful ingest_publisher_publish(), from a
 * NATS thread, possibly before ingest_publisher_publish() has returned. */
typedef void (*ingest_publish_done)(ingest_publish *pub);

/* One message on its way; embedded in the caller's request. */
struct ingest_publish {
    ingest_publish_done done;
    void *arg; /* the caller's */

    /* the result, valid in done() */
    ingest_publish_outcome outcome;
    bool duplicate;    /* ACKED: the stream had this message id already */
    uint64_t sequence; /* ACKED: its sequence in the stream */
    natsStatus error;  /* otherwise: why */
    int error_code;    /* JetStream error code, 0 when none */
    double seconds;    /* from the publish to its answer */

    /* private to the publisher */
    natsMsg *msg;
    int64_t started_ns;
    ingest_publish *next;
};

/*
 * Connect (in the background when NATS cannot be reached now) and start the
 * thread that creates the streams. NN_ERR_INVALID for unusable settings,
 * NN_ERR_NOMEM, NN_ERR_UNAVAILABLE when the NATS library fails to start.
 */
nn_status ingest_publisher_start(const ingest_publisher_config *config, ingest_publisher **out);

/*
 * Publish data to subject with the Nats-Msg-Id header msg_id. NN_OK: in
 * flight, pub->done will be called. NN_ERR_UNAVAILABLE: not connected, too
 * many publishes in flight, or shutting down; NN_ERR_NOMEM. pub->done and
 * pub->arg are set by the caller beforehand; done is not called on failure.
 */
nn_status ingest_publisher_publish(ingest_publisher *p, ingest_publish *pub, const char *subject,
                                   const char *msg_id, const char *data, size_t len);

/* Whether the connection is up. */
bool ingest_publisher_connected(ingest_publisher *p);

/* Whether the connection is up and the streams were found (for /ready). */
bool ingest_publisher_ready(ingest_publisher *p);

/* Publishes awaiting their answer. */
size_t ingest_publisher_in_flight(ingest_publisher *p);

/*
 * Refuse new publishes, wait up to timeout_ms for those in flight to be
 * answered, then cancel the rest (their done gets INGEST_PUBLISH_CANCELLED).
 * Returns how many were cancelled.
 */
size_t ingest_publisher_drain(ingest_publisher *p, int64_t timeout_ms);

/* Stop the background thread, close the connection, free everything.
 * Call after ingest_publisher_drain(). NULL is ignored. */
void ingest_publisher_free(ingest_publisher *p);

#endif
