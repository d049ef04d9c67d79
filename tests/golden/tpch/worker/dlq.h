/*
 * dlq.h - the dead-letter queue: messages the worker gives up on.
 *
 * A message that cannot be stored - an envelope that cannot be read, an
 * unknown entity, a payload that breaks the entity's rules, a row PostgreSQL
 * refuses, or a transient failure on the last allowed delivery - is published
 * to messages.dlq.<Entity> (messages.dlq.unknown when the entity is not
 * known) as one JSON document:
 *
 *     {"envelope": {...the original envelope...}, "error": "...", "attempts": 3,
 *      "failed_at": "2024-05-01T12:00:00.123Z", "ingest_subject": "messages.ingest.Order",
 *      "stream_sequence": 42,
 *      "details": [{"path": "/line_items/0/quantity", "message": "expected integer"}]}
 *
 * "envelope" is the original text as a JSON string when it is not JSON (and
 * a note when the document would exceed the NATS payload limit: the original
 * stays in stream MESSAGES at stream_sequence); "details" is there when the
 * payload failed validation. The publish waits
 * for the stream's PubAck (stream MESSAGES_DLQ), with the message id as
 * Nats-Msg-Id so a repeated attempt is stored once.
 */
#ifndef WORKER_DLQ_H
#define WORKER_DLQ_H

#include "common/status.h"

#include <jansson.h>
#include <nats/nats.h>
#include <stddef.h>
#include <stdint.h>

typedef struct worker_dlq_entry {
    const char *subject;    /* messages.dlq.<Entity> */
    const char *message_id; /* NULL when unknown */
    const json_t *envelope; /* the parsed envelope; NULL when it is not JSON */
    const char *raw;        /* the original bytes, used when envelope is NULL */
    size_t raw_len;
    const char *origin; /* the subject the message came on */
    uint64_t sequence;  /* its sequence in stream MESSAGES */
    const char *error;
    const json_t *details; /* may be NULL */
    int64_t attempts;
} worker_dlq_entry;

/* Publish one entry and wait for its PubAck. NN_ERR_UNAVAILABLE (logged)
 * when NATS did not confirm it. */
nn_status worker_dlq_publish(natsConnection *conn, jsCtx *js, const worker_dlq_entry *entry);

#endif
