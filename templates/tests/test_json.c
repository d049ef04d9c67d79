/*
 * test_json.c - JSON parsing (common/json.c): integers at and beyond the
 * 64-bit limits, syntax errors with their position, top-level values, and
 * the values the fast parser builds (escapes, numbers, nesting) being those
 * jansson builds.
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

/* text parses, by nn_json_parse and by jansson alone, to the same value */
static void check_same(const char *text)
{
    json_t *v = NULL;
    char *error = NULL;
    json_error_t jerr;
    json_t *want = json_loadb(text, strlen(text), JSON_DECODE_ANY, &jerr);
    CHECK_INT(parse(text, &v, &error), NN_OK);
    CHECK(want != NULL && v != NULL);
    char *got_text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) : NULL;
    char *want_text = want ? json_dumps(want, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) : NULL;
    CHECK(got_text && want_text && strcmp(got_text, want_text) == 0);
    if (got_text && want_text && strcmp(got_text, want_text) != 0)
        nn_check_note("    %s: got %s, want %s\n", text, got_text, want_text);
    CHECK(v && want && json_typeof(v) == json_typeof(want));
    free(got_text);
    free(want_text);
    json_decref(v);
    json_decref(want);
}

static void test_same_as_jansson(void)
{
    check_same(
        "{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\": \"\\ud83d\\ude00\"}");
    check_same("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\", \"\\u007f\", \"\"]");
    check_same("[0, -0, -0.0, 1.5, -2.25e-3, 1E+2, 5e-324, 1e-400, 1.7976931348623157e308]");
    check_same("[9223372036854775807, -9223372036854775808, 123456789012]");
    check_same(" \t\r\n{ \"a\" : [ 1 , { } , [ ] , true , false , null ] } \n");
    check_same("{\"k\": 1, \"j\": 0, \"k\": [2]}");
    check_same("{\"\\n\": {\"\\\"\": 1}, \"x\": \"\\u0041\"}");
    /* deeper than the fast parser goes: jansson reads it */
    char deep[2 * 100 + 1];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    check_same(deep);

    /* what jansson refuses, refused all the same */
    json_t *v = NULL;
    char *error = NULL;
    static const char *const invalid[] = {
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83d\\u0041\"",
        "\"\\u12\"",
        "\"\\x\"",
        "\"a\tb\"",
        "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"",
        "\"\xe2\x82\"",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[1e]",
        "[+1]",
        "[1,]",
        "{\"a\"}",
        "{\"a\":1,}",
        "[1 2]",
        "tru",
        "[1e400]",
        "{\"a\":\"\\u0000\"}",
        "\xef\xbb\xbf{}",
        "{} {}",
        "[\"a\"",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        nn_status st = parse(invalid[i], &v, &error);
        CHECK_INT(st, NN_ERR_INVALID);
        if (st != NN_ERR_INVALID)
            nn_check_note("    accepted: %s\n", invalid[i]);
        json_decref(v);
        v = NULL;
        free(error);
        error = NULL;
    }
}

int main(void)
{
    test_integer_limits();
    test_syntax_errors();
    test_any_value();
    test_same_as_jansson();
    return nn_check_finish();
}
