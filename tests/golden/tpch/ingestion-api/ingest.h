/*
 * ingest.h - POST /ingest/{Entity}: from the headers to the 202 sent once
 * JetStream acknowledged the message.
 *
 * In order: the entity must be ingestible (404; a derived entity's name says
 * which parent it is extracted from), the method POST (405), the service not
 * shutting down (503), Content-Type application/json (415), the body within
 * MAX_BODY_BYTES (413), Idempotency-Key and X-Source usable (400). Then the
 * body is parsed (400 invalid_json) and validated with its derived children
 * (400 validation_failed, every problem with its JSON pointer), wrapped in
 * the envelope and published; the connection is suspended until JetStream
 * answers: 202 {"message_id": …, "status": "accepted"} on a PubAck (the same
 * for a duplicate), 503 with Retry-After otherwise.
 */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include "http.h"

#include <stddef.h>

/* The first call of a request (headers known): checks them. MHD_YES with no
 * answer queued means: go on reading the body. */
enum MHD_Result ingest_post_begin(ingest_request *req);

/* The following calls: a piece of the body (*size > 0), the end of the body,
 * or the call after the publisher resumed the connection. */
enum MHD_Result ingest_post_continue(ingest_request *req, const char *data, size_t *size);

#endif
