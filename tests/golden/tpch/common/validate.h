/*
 * validate.h - checks a JSON payload against an entity descriptor.
 *
 * The ingestion API validates every request body before publishing it; the
 * worker validates every message again before writing rows. The rules:
 *
 * - the payload is a JSON object; unknown keys are allowed (and kept);
 * - a field that is not optional must be present and not null; an optional
 *   (nullable) field may be absent, null, or a value of its type;
 * - String: a string. Integer: an integer literal within 64 bits
 *   (-9223372036854775808 .. 9223372036854775807); 1.5, 1.0 and 1e3 are not
 *   integers. Float: any number. Boolean: true or false.
 * - Date: "YYYY-MM-DD", a real calendar date in years 0001-9999.
 *   DateTime: RFC 3339 with a time zone offset, "2024-01-31T12:00:00Z",
 *   "2024-01-31T12:00:00.250+02:00" ('T'/'Z' in either case, seconds 00-60).
 * - Decimal: a string holding a decimal number, "711.56", "-3", "1.5e3"
 *   (sign, digits, optional fraction and exponent; at most 131072 digits
 *   before and 16383 after the point, exponent within +-1000: what
 *   PostgreSQL NUMERIC stores). A JSON integer is accepted too (it is exact);
 *   a JSON real is refused, since binary floating point cannot carry most
 *   decimal fractions exactly ("expected decimal as a string").
 * - Json: any value. Object: an object. List[Object]: an array of objects.
 * - Derived entities: every element of a parent's list field is checked
 *   against each entity derived from that list (its fields read from the
 *   element), and the parent fields they copy (copy_field) against their
 *   types, when the list is not empty.
 *
 * Every problem is reported, each with the RFC 6901 JSON pointer of the value
 * ("/line_items/0/quantity"; "" is the whole payload; '~' and '/' in keys
 * are written "~0" and "~1") and a fixed message such as "expected integer"
 * or "required field missing".
 */
#ifndef NN_VALIDATE_H
#define NN_VALIDATE_H

#include "entities.h"
#include "status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct nn_problem {
    char *path;          /* JSON pointer, owned */
    const char *message; /* static text */
} nn_problem;

typedef struct nn_problems {
    nn_problem *items;
    size_t count;
    size_t cap;
} nn_problems;

void nn_problems_init(nn_problems *p);
void nn_problems_free(nn_problems *p);

/* Record one problem (path is copied). NN_OK or NN_ERR_NOMEM. */
nn_status nn_problems_add(nn_problems *p, const char *path, const char *message);

/* [{"path": "/line_items/0/quantity", "message": "expected integer"}, ...]:
 * the "details" of an error answer. A new reference, NULL when out of memory. */
json_t *nn_problems_to_json(const nn_problems *p);

/*
 * Validate payload against entity (and the entities derived from it).
 * NN_OK: valid. NN_ERR_INVALID: every problem was appended to problems.
 * NN_ERR_NOMEM: out of memory (problems may be incomplete).
 */
nn_status nn_validate_payload(const nn_entity *entity, const json_t *payload,
                              nn_problems *problems);

/*
 * Check one non-null value against a type; NULL when it fits, else the
 * message to report. For List[Object] only the array itself is checked,
 * not its elements.
 */
const char *nn_validate_value(nn_type type, const json_t *value);

/* The text checks behind Date, DateTime and Decimal, usable alone. */
bool nn_validate_date(const char *s);
bool nn_validate_datetime(const char *s);
bool nn_validate_decimal(const char *s);

#endif
