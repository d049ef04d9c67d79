/*
 * envelope.h - reads the envelope the ingestion API wraps every payload in:
 *
 *     {"message_id": "<uuid>", "entity_type": "Order", "received_at": "<RFC 3339>",
 *      "source": "...", "payload": {...}}
 *
 * The worker never trusts the stream: a body that is not a JSON object, or
 * whose message_id is not a UUID or entity_type not a string, is refused
 * (it goes to the DLQ). received_at and source are metadata: when missing or
 * malformed they are simply unknown (NULL). The payload itself is checked
 * later, against its entity (common/validate.h).
 */
#ifndef WORKER_ENVELOPE_H
#define WORKER_ENVELOPE_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct worker_envelope {
    json_t *root;            /* the whole document, owned; NULL when not JSON */
    const char *message_id;  /* a UUID, or NULL when missing or malformed */
    const char *entity_type; /* NULL when missing or not a string */
    const char *received_at; /* RFC 3339, or NULL when missing or malformed */
    const char *source;      /* NULL when missing or not a string */
    const json_t *payload;   /* borrowed from root; NULL when missing */
} worker_envelope;

/*
 * Parse the len bytes at data into env (every field NULL first).
 * NN_OK: a usable envelope. NN_ERR_INVALID: *error (free() it) says why,
 * and whatever could be read is set. NN_ERR_NOMEM.
 */
nn_status worker_envelope_parse(worker_envelope *env, const char *data, size_t len, char **error);

void worker_envelope_free(worker_envelope *env);

/* Whether s is a UUID in its canonical 8-4-4-4-12 hexadecimal form. */
bool worker_is_uuid(const char *s);

#endif
