/*
 * json.h - parsing request and message bodies into jansson values.
 *
 * One parser for the ingestion API and the worker, so both read a payload
 * the same way:
 * - any JSON value is accepted at the top level (validation then says
 *   "expected object" with a JSON pointer, rather than a syntax error);
 * - an integer beyond 64 bits does not fail the whole document: it is read
 *   as a real number, which validation reports at its JSON pointer as
 *   "integer out of 64-bit range" (for an Integer field) and accepts for a
 *   Float field;
 * - "\u0000" inside strings is refused (PostgreSQL text cannot hold it);
 * - for duplicate object keys the last one wins (RFC 8259 leaves it open).
 */
#ifndef NN_JSON_H
#define NN_JSON_H

#include "status.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Parse the len bytes at text. NN_OK with *out a new reference;
 * NN_ERR_INVALID with *error describing the syntax error and where
 * ("line 1, column 12: unexpected token near ','"; free() it);
 * NN_ERR_NOMEM. *error is NULL unless NN_ERR_INVALID.
 */
nn_status nn_json_parse(const char *text, size_t len, json_t **out, char **error);

#endif
