/*
 * envelope.h - what the ingestion API publishes for an accepted request:
 * its message id, when and from where it was received, and the envelope
 * JSON of DESIGN.md §5 around the request body.
 *
 *   {"message_id":"…","entity_type":"Order","received_at":"2024-05-01T12:00:00.123Z",
 *    "source":"10.0.0.7","payload":{…the request body, byte for byte…}}
 *
 * Message ids are UUIDs (message_status.message_id is a UUID column):
 * - without an Idempotency-Key header, a random (version 4) UUID;
 * - with a key that is a UUID, that UUID (in lower case);
 * - with any other key, the name-based (version 5, SHA-1) UUID of the key in
 *   the namespace INGEST_IDEMPOTENCY_NAMESPACE, so the same key always gives
 *   the same id (in Python: uuid.uuid5(uuid.UUID(namespace), key)).
 */
#ifndef INGEST_ENVELOPE_H
#define INGEST_ENVELOPE_H

#include "common/buf.h"
#include "common/entities.h"
#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>

/* The namespace of the version 5 ids derived from Idempotency-Key values. */
#define INGEST_IDEMPOTENCY_NAMESPACE "4c1372d6-56e5-4620-8a53-cd3fcb69fc06"

/* Longest accepted Idempotency-Key and X-Source values, in bytes. */
#define INGEST_MAX_KEY_BYTES    255
#define INGEST_MAX_SOURCE_BYTES 255

/* A UUID in its 36-character text form, NUL-terminated. */
typedef struct ingest_message_id {
    char text[37];
} ingest_message_id;

/* A fresh random message id. */
void ingest_message_id_random(ingest_message_id *id);

/*
 * The message id of an Idempotency-Key (see above). NN_ERR_INVALID when the
 * key is empty, longer than INGEST_MAX_KEY_BYTES or holds anything but
 * printable ASCII.
 */
nn_status ingest_message_id_from_key(const char *key, ingest_message_id *id);

/*
 * Whether an X-Source value can be used: 1 to INGEST_MAX_SOURCE_BYTES bytes
 * of valid UTF-8 without control characters.
 */
bool ingest_source_valid(const char *source);

/*
 * Append the envelope to out. received_at is RFC 3339 text (common/clock.h);
 * payload is the request body, already known
 * to be valid JSON; it is copied as it is, so the message carries exactly
 * what the client sent (numbers keep their spelling, unknown fields stay).
 * NN_OK or NN_ERR_NOMEM.
 */
nn_status ingest_envelope_write(nn_buf *out, const ingest_message_id *id, const nn_entity *entity,
                                const char *received_at, const char *source, const char *payload,
                                size_t payload_len);

#endif
