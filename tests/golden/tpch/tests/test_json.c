/*
 * test_json.c - JSON parsing (common/json.c): integers at and beyond the
 * 64-bit limits, syntax errors with their position, top-level values.
 */
#include "check.h"

#include "common/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Parse text; returns the status and sets *value (new reference) or *error. */
static nn_status parse(const char *text, json_t **value, char **error)
{
    return nn_json_parse(text, strlen(text), value, error);
}

static void test_integer_limits(void)
{
    json_t *v = NULL;
    char *error = NULL;
    CHECK_INT(parse("[9223372036854775807, -9223372036854775808]", &v, &error), NN_OK);
    CHECK(json_is_integer(json_array_get(v, 0)));
    CHECK(json_integer_value(json_array_get(v, 0)) == INT64_MAX);
    CHECK(json_integer_value(json_array_get(v, 1)) == INT64_MIN);
    json_decref(v);

    /* beyond 64 bits: parsed, as reals, and nothing else changes */
    CHECK_INT(parse("{\"a\": 9223372036854775808, \"b\": -9223372036854775809, \"c\": 1,"
                    " \"s\": \"99999999999999999999\", \"d\": 00000000000000000000001}",
                    &v, &error),
              NN_ERR_INVALID); /* leading zeros stay a syntax error */
    free(error);
    CHECK_INT(parse("{\"a\": 9223372036854775808, \"b\": -9223372036854775809, \"c\": 1,"
                    " \"s\": \"99999999999999999999\"}",
                    &v, &error),
              NN_OK);
    CHECK(json_is_real(json_object_get(v, "a")));
    CHECK(json_real_value(json_object_get(v, "a")) == 9223372036854775808.0);
    CHECK(json_is_real(json_object_get(v, "b")));
    CHECK(json_is_integer(json_object_get(v, "c")));
    CHECK_STR(json_string_value(json_object_get(v, "s")), "99999999999999999999");
    json_decref(v);
}

static void test_syntax_errors(void)
{
    json_t *v = NULL;
    char *error = NULL;
    CHECK_INT(parse("{\"a\": 1,}", &v, &error), NN_ERR_INVALID);
    CHECK(v == NULL);
    CHECK(error != NULL && strncmp(error, "line 1, column 9: ", 18) == 0);
    free(error);

    CHECK_INT(parse("", &v, &error), NN_ERR_INVALID);
    free(error);
    CHECK_INT(parse("{\"a\": \"\\u0000\"}", &v, &error), NN_ERR_INVALID);
    free(error);
    CHECK_INT(parse("{\"a\": 1} x", &v, &error), NN_ERR_INVALID);
    free(error);
    CHECK_INT(parse("{\"a\": 1e999}", &v, &error), NN_ERR_INVALID);
    free(error);

    /* a syntax error after a widened integer is reported at its original column */
    CHECK_INT(parse("[99999999999999999999, 99999999999999999999, ]", &v, &error), NN_ERR_INVALID);
    CHECK(error != NULL && strncmp(error, "line 1, column 46: ", 19) == 0);
    if (error && strncmp(error, "line 1, column 46: ", 19) != 0)
        nn_check_note("    error: %s\n", error);
    free(error);
    CHECK_INT(parse("[99999999999999999999,\n  ]", &v, &error), NN_ERR_INVALID);
    CHECK(error != NULL && strncmp(error, "line 2, column 3: ", 18) == 0);
    if (error && strncmp(error, "line 2, column 3: ", 18) != 0)
        nn_check_note("    error: %s\n", error);
    free(error);
}

static void test_any_value(void)
{
    json_t *v = NULL;
    char *error = NULL;
    CHECK_INT(parse("42", &v, &error), NN_OK);
    CHECK(json_is_integer(v));
    json_decref(v);
    CHECK_INT(parse(" \"text\" ", &v, &error), NN_OK);
    CHECK(json_is_string(v));
    json_decref(v);
    CHECK_INT(parse("{\"k\": 1, \"k\": 2}", &v, &error), NN_OK);
    CHECK_INT(json_integer_value(json_object_get(v, "k")), 2);
    json_decref(v);
    /* not NUL-terminated: only len bytes are read */
    CHECK_INT(nn_json_parse("[1]garbage", 3, &v, &error), NN_OK);
    json_decref(v);
}

int main(void)
{
    test_integer_limits();
    test_syntax_errors();
    test_any_value();
    return nn_check_finish();
}
