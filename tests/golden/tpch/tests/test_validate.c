/*
 * test_validate.c - payload validation (common/validate.c) on entities made
 * up for the test: a root "Thing" with a field of every type, and a derived
 * "Part" extracted from Thing.parts, so every rule is covered whatever
 * entities this tree was generated for.
 */
#include "check.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/validate.h"

#include <stdlib.h>
#include <string.h>

static const nn_entity thing;
static const nn_entity part;

#define FIELD(n, t, opt)                                                                           \
    {                                                                                              \
        .name = (n), .type = (t), .nullable = (opt), .optional = (opt), .source = NN_FROM_OBJECT,  \
        .json_key = (n),                                                                           \
    }

static const nn_field thing_fields[] = {
    FIELD("s", NN_TYPE_STRING, false),    FIELD("i", NN_TYPE_INTEGER, false),
    FIELD("f", NN_TYPE_FLOAT, false),     FIELD("b", NN_TYPE_BOOLEAN, false),
    FIELD("d", NN_TYPE_DATE, false),      FIELD("dt", NN_TYPE_DATETIME, false),
    FIELD("dec", NN_TYPE_DECIMAL, false), FIELD("j", NN_TYPE_JSON, false),
    FIELD("o", NN_TYPE_OBJECT, false),    FIELD("parts", NN_TYPE_LIST_OBJECT, false),
    FIELD("note", NN_TYPE_STRING, true),  FIELD("a/b~c", NN_TYPE_INTEGER, true),
};

static const nn_field part_fields[] = {
    /* copy_field Thing.i (the parent checks it already) and Thing.note
     * (optional in the parent, required here) */
    {.name = "thing_i", .type = NN_TYPE_INTEGER, .source = NN_FROM_PARENT, .json_key = "i"},
    {.name = "thing_note", .type = NN_TYPE_STRING, .source = NN_FROM_PARENT, .json_key = "note"},
    FIELD("n", NN_TYPE_INTEGER, false),
    FIELD("when", NN_TYPE_DATE, false),
    FIELD("label", NN_TYPE_STRING, true),
};

static const nn_entity *const thing_children[] = {&part};

static const nn_entity thing = {
    .name = "Thing",
    .kind = NN_ENTITY_ROOT,
    .ingestible = true,
    .fields = thing_fields,
    .field_count = sizeof thing_fields / sizeof thing_fields[0],
    .children = thing_children,
    .child_count = 1,
};

static const nn_entity part = {
    .name = "Part",
    .kind = NN_ENTITY_DERIVED,
    .fields = part_fields,
    .field_count = sizeof part_fields / sizeof part_fields[0],
    .parent = &thing,
    .parent_field = "parts",
};

/* A valid Thing; tests replace one member at a time with "%s". */
static const char valid_template[] =
    "{\"s\": \"text\", \"i\": 1, \"f\": 1.5, \"b\": true, \"d\": \"2024-02-29\","
    " \"dt\": \"2024-02-29T12:00:00Z\", \"dec\": \"711.56\", \"j\": [1, \"x\"], \"o\": {},"
    " \"note\": \"n\", \"parts\": [{\"n\": 1, \"when\": \"2024-01-31\"}], %s}";

/* Validate text as a Thing; problems receives what was found. */
static nn_status validate_text(const char *text, nn_problems *problems)
{
    json_t *payload = NULL;
    char *error = NULL;
    nn_status st = nn_json_parse(text, strlen(text), &payload, &error);
    if (st != NN_OK) {
        nn_check_note("cannot parse test payload: %s\n%s\n", error ? error : "?", text);
        free(error);
        return st;
    }
    st = nn_validate_payload(&thing, payload, problems);
    json_decref(payload);
    return st;
}

/* Validate the valid Thing with one more member (or an override: the last
 * duplicate key wins) and expect exactly one problem, or none when path is NULL. */
static void expect_one(const char *member, const char *path, const char *message, int line)
{
    nn_buf buf = NN_BUF_INIT;
    nn_buf_printf(&buf, valid_template, member);
    char *text = nn_buf_detach(&buf);
    if (!CHECK(text != NULL))
        return;
    nn_problems problems;
    nn_problems_init(&problems);
    nn_status st = validate_text(text, &problems);
    size_t want = path ? 1 : 0;
    if (!nn_check_long((long long)problems.count, (long long)want, __FILE__, line, member)) {
        for (size_t i = 0; i < problems.count; i++)
            nn_check_note("    %s: %s\n", problems.items[i].path, problems.items[i].message);
    } else if (path) {
        nn_check_str(problems.items[0].path, path, __FILE__, line, member);
        nn_check_str(problems.items[0].message, message, __FILE__, line, member);
        nn_check_long(st, NN_ERR_INVALID, __FILE__, line, "status");
    } else {
        nn_check_long(st, NN_OK, __FILE__, line, "status");
    }
    nn_problems_free(&problems);
    free(text);
}

#define OK(member)                 expect_one((member), NULL, NULL, __LINE__)
#define BAD(member, path, message) expect_one((member), (path), (message), __LINE__)

static void test_valid_and_unknown_fields(void)
{
    OK("\"unknown\": {\"deep\": [1, 2, null]}");
    OK("\"a/b~c\": 5");
    OK("\"a/b~c\": null");
}

static void test_shape(void)
{
    nn_problems problems;
    nn_problems_init(&problems);
    CHECK_INT(validate_text("[1, 2]", &problems), NN_ERR_INVALID);
    CHECK_INT(problems.count, 1);
    CHECK_STR(problems.items[0].path, "");
    CHECK_STR(problems.items[0].message, "expected object");
    nn_problems_free(&problems);

    CHECK_INT(validate_text("42", &problems), NN_ERR_INVALID);
    CHECK_STR(problems.items[0].message, "expected object");
    nn_problems_free(&problems);

    /* every required field missing, reported in declaration order */
    CHECK_INT(validate_text("{}", &problems), NN_ERR_INVALID);
    static const char *const missing[] = {"/s",  "/i",   "/f", "/b", "/d",
                                          "/dt", "/dec", "/j", "/o", "/parts"};
    size_t n = sizeof missing / sizeof missing[0];
    if (CHECK_INT(problems.count, n)) {
        for (size_t i = 0; i < n; i++) {
            CHECK_STR(problems.items[i].path, missing[i]);
            CHECK_STR(problems.items[i].message, "required field missing");
        }
    }
    nn_problems_free(&problems);
}

static void test_null(void)
{
    BAD("\"s\": null", "/s", "must not be null");
    BAD("\"j\": null", "/j", "must not be null");
    OK("\"note\": null, \"parts\": []");
}

static void test_strings(void)
{
    OK("\"s\": \"\"");
    OK("\"s\": \"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80\"");
    OK("\"s\": \"\\u00e9\\ud83d\\ude00 \\\"quoted\\\" \\\\ \\n\"");
    OK("\"\xc3\xbcnknown \xf0\x9f\x94\x91\": 1");
    BAD("\"s\": 1", "/s", "expected string");
    BAD("\"s\": [\"x\"]", "/s", "expected string");
}

static void test_integers(void)
{
    OK("\"i\": 0");
    OK("\"i\": -17");
    OK("\"i\": 9223372036854775807");
    OK("\"i\": -9223372036854775808");
    BAD("\"i\": 9223372036854775808", "/i", "integer out of 64-bit range");
    BAD("\"i\": -9223372036854775809", "/i", "integer out of 64-bit range");
    BAD("\"i\": 123456789012345678901234567890", "/i", "integer out of 64-bit range");
    BAD("\"i\": 1.5", "/i", "expected integer");
    BAD("\"i\": 1.0", "/i", "expected integer");
    BAD("\"i\": 1e3", "/i", "expected integer");
    BAD("\"i\": \"1\"", "/i", "expected integer");
    BAD("\"i\": true", "/i", "expected integer");
    /* a big integer elsewhere (an unknown field) is kept as a real */
    OK("\"other\": 99999999999999999999");
}

static void test_floats_and_booleans(void)
{
    OK("\"f\": 1");
    OK("\"f\": -0.0");
    OK("\"f\": 1e308");
    OK("\"f\": 9223372036854775808");
    BAD("\"f\": \"1.5\"", "/f", "expected number");
    BAD("\"f\": false", "/f", "expected number");
    OK("\"b\": false");
    BAD("\"b\": 1", "/b", "expected boolean");
    BAD("\"b\": \"true\"", "/b", "expected boolean");
}

static void test_dates(void)
{
    OK("\"d\": \"2024-02-29\"");
    OK("\"d\": \"2000-02-29\"");
    OK("\"d\": \"0001-01-01\"");
    OK("\"d\": \"9999-12-31\"");
    BAD("\"d\": \"2024-02-30\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"2023-02-29\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"1900-02-29\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"2024-04-31\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"2024-13-01\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"2024-00-10\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"0000-01-01\"", "/d", "not a valid calendar date");
    BAD("\"d\": \"2024-2-3\"", "/d", "expected date (YYYY-MM-DD)");
    BAD("\"d\": \"2024-02-29T00:00:00Z\"", "/d", "expected date (YYYY-MM-DD)");
    BAD("\"d\": \"29/02/2024\"", "/d", "expected date (YYYY-MM-DD)");
    BAD("\"d\": 20240229", "/d", "expected date (YYYY-MM-DD)");
}

static void test_datetimes(void)
{
    static const char bad_format[] = "expected date-time (RFC 3339 with time zone offset)";
    OK("\"dt\": \"2024-02-29T23:59:59Z\"");
    OK("\"dt\": \"2024-02-29t23:59:59z\"");
    OK("\"dt\": \"2024-02-29T23:59:59.123456+02:00\"");
    OK("\"dt\": \"2024-02-29T00:00:00-11:30\"");
    OK("\"dt\": \"2016-12-31T23:59:60Z\"");
    BAD("\"dt\": \"2024-02-30T12:00:00Z\"", "/dt", "not a valid calendar date");
    BAD("\"dt\": \"2024-02-29T12:00:00\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29 12:00:00Z\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T24:00:00Z\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:60:00Z\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:00:61Z\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:00:00.Z\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:00:00+0200\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:00:00+24:00\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29T12:00:00Zjunk\"", "/dt", bad_format);
    BAD("\"dt\": \"2024-02-29\"", "/dt", bad_format);
    BAD("\"dt\": 1709208000", "/dt", bad_format);
}

static void test_decimals(void)
{
    static const char bad[] = "expected decimal string";
    OK("\"dec\": \"-3\"");
    OK("\"dec\": \"+0.5\"");
    OK("\"dec\": \".5\"");
    OK("\"dec\": \"5.\"");
    OK("\"dec\": \"1.5e3\"");
    OK("\"dec\": \"1E-10\"");
    OK("\"dec\": \"1e1000\"");
    OK("\"dec\": 42");
    OK("\"dec\": -9223372036854775808");
    BAD("\"dec\": 711.56", "/dec", "expected decimal as a string (e.g. \"12.50\")");
    BAD("\"dec\": \"\"", "/dec", bad);
    BAD("\"dec\": \"abc\"", "/dec", bad);
    BAD("\"dec\": \"1.2.3\"", "/dec", bad);
    BAD("\"dec\": \"1e\"", "/dec", bad);
    BAD("\"dec\": \"1e1001\"", "/dec", bad);
    BAD("\"dec\": \"NaN\"", "/dec", bad);
    BAD("\"dec\": \" 1\"", "/dec", bad);
    BAD("\"dec\": \".\"", "/dec", bad);
    BAD("\"dec\": true", "/dec", bad);
}

static void test_json_object_list(void)
{
    OK("\"j\": 3");
    OK("\"j\": \"text\"");
    OK("\"j\": {\"a\": [true]}");
    BAD("\"o\": []", "/o", "expected object");
    BAD("\"o\": \"{}\"", "/o", "expected object");
    OK("\"parts\": []");
    BAD("\"parts\": {}", "/parts", "expected array");
    BAD("\"parts\": [{\"n\": 1, \"when\": \"2024-01-31\"}, 7]", "/parts/1", "expected object");
}

static void test_derived(void)
{
    BAD("\"parts\": [{\"when\": \"2024-01-31\"}]", "/parts/0/n", "required field missing");
    BAD("\"parts\": [{\"n\": 1, \"when\": \"2024-01-31\"}, {\"n\": 1.5, \"when\": \"2024-01-31\"}]",
        "/parts/1/n", "expected integer");
    BAD("\"parts\": [{\"n\": 1, \"when\": \"2024-02-30\"}]", "/parts/0/when",
        "not a valid calendar date");
    BAD("\"parts\": [{\"n\": 1, \"when\": \"2024-01-31\", \"label\": 5}]", "/parts/0/label",
        "expected string");
    OK("\"parts\": [{\"n\": 1, \"when\": \"2024-01-31\", \"label\": null, \"extra\": 1}]");
    /* Part copies note as a required field: needed once there are parts */
    BAD("\"note\": null", "/note", "must not be null");
    OK("\"note\": null, \"parts\": []");
}

static void test_every_problem_reported(void)
{
    nn_problems problems;
    nn_problems_init(&problems);
    const char *text = "{\"s\": 1, \"i\": \"x\", \"f\": 1, \"b\": true, \"d\": \"2024-02-30\","
                       " \"dt\": \"2024-02-29T12:00:00Z\", \"dec\": \"1\", \"j\": null, \"o\": {},"
                       " \"note\": \"n\", \"a/b~c\": 1.5,"
                       " \"parts\": [{\"n\": 1}, \"x\", {\"when\": \"2024-01-31\", \"n\": []}]}";
    CHECK_INT(validate_text(text, &problems), NN_ERR_INVALID);
    static const char *const want[][2] = {
        {"/s", "expected string"},           {"/i", "expected integer"},
        {"/d", "not a valid calendar date"}, {"/j", "must not be null"},
        {"/parts/1", "expected object"},     {"/parts/0/when", "required field missing"},
        {"/parts/2/n", "expected integer"},  {"/a~1b~0c", "expected integer"},
    };
    size_t n = sizeof want / sizeof want[0];
    if (CHECK_INT(problems.count, n)) {
        for (size_t i = 0; i < n; i++) {
            CHECK_STR(problems.items[i].path, want[i][0]);
            CHECK_STR(problems.items[i].message, want[i][1]);
        }
    }

    json_t *details = nn_problems_to_json(&problems);
    char *dumped = details ? json_dumps(details, JSON_COMPACT) : NULL;
    CHECK(dumped != NULL);
    if (dumped)
        CHECK(strstr(dumped, "{\"path\":\"/a~1b~0c\",\"message\":\"expected integer\"}") != NULL);
    free(dumped);
    json_decref(details);
    nn_problems_free(&problems);
}

static void test_text_checks(void)
{
    CHECK(nn_validate_date("2024-02-29"));
    CHECK(!nn_validate_date("2024-02-30"));
    CHECK(!nn_validate_date("2024-02-29 "));
    CHECK(nn_validate_datetime("1996-01-02T09:30:00Z"));
    CHECK(!nn_validate_datetime(""));
    CHECK(nn_validate_decimal("0"));
    CHECK(!nn_validate_decimal("-"));
    CHECK(!nn_validate_decimal("1e+"));
    json_t *list = json_pack("[{}, i]", 1);
    CHECK_STR(nn_validate_value(NN_TYPE_LIST_OBJECT, list), NULL); /* elements not checked */
    CHECK_STR(nn_validate_value(NN_TYPE_OBJECT, list), "expected object");
    json_decref(list);
}

int main(void)
{
    test_valid_and_unknown_fields();
    test_shape();
    test_null();
    test_strings();
    test_integers();
    test_floats_and_booleans();
    test_dates();
    test_datetimes();
    test_decimals();
    test_json_object_list();
    test_derived();
    test_every_problem_reported();
    test_text_checks();
    return nn_check_finish();
}
