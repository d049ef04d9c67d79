/*
 * openapi.h - the OpenAPI 3.1 document served at GET /openapi.json.
 *
 * It is built once at start-up from the entity descriptors (common/entities.h),
 * the same data nn_validate_payload() checks requests against, so the
 * published schema and the validation cannot drift apart and no template has
 * to repeat the type rules. One POST operation per ingestible entity, with
 * the JSON Schema (2020-12, as OpenAPI 3.1 uses) of its payload; a list
 * field that derived entities are extracted from gets the element schema of
 * those entities (components/schemas/<Derived>).
 */
#ifndef INGEST_OPENAPI_H
#define INGEST_OPENAPI_H

#include "common/status.h"

#include <stddef.h>

/* The document as JSON text in *out (free() it), its length in *len. */
nn_status ingest_openapi_build(char **out, size_t *len);

#endif
