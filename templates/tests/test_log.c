/*
 * test_log.c - log lines (common/log.c) in text and JSON format, captured
 * from standard error: levels, field types, quoting, one line per event;
 * buffered lines: none lost or cut, written by the timer and at the stop.
 */
#include "check.h"

#include "common/log.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Standard error, redirected into a temporary file while capturing. */
static FILE *capture_file;
static int saved_stderr = -1;

static void capture_start(void)
{
    capture_file = tmpfile();
    saved_stderr = dup(STDERR_FILENO);
    if (!capture_file || saved_stderr < 0 || dup2(fileno(capture_file), STDERR_FILENO) < 0) {
        perror("capture");
        exit(1);
    }
}

/* Stop capturing; returns what was written (free it). */
static char *capture_end(void)
{
    if (dup2(saved_stderr, STDERR_FILENO) < 0 || close(saved_stderr) != 0) {
        perror("restore stderr");
        exit(1);
    }
    long size = ftell(capture_file);
    char *text = calloc(1, size > 0 ? (size_t)size + 1 : 1);
    if (!text || fseek(capture_file, 0, SEEK_SET) != 0 ||
        (size > 0 && fread(text, 1, (size_t)size, capture_file) != (size_t)size)) {
        perror("read capture");
        exit(1);
    }
    if (fclose(capture_file) != 0) {
        perror("close capture");
        exit(1);
    }
    return text;
}

static void test_text(void)
{
    nn_log_setup("svc", NN_LOG_INFO, NN_LOG_TEXT);
    capture_start();
    nn_log_debug("hidden");
    nn_log_info("listening", NN_LOG_INT("port", 8080), NN_LOG_STR("host", "0.0.0.0"));
    nn_log_warn("odd \"value\"", NN_LOG_STR("v", "two words"), NN_LOG_STR("e", ""),
                NN_LOG_STR("n", NULL), NN_LOG_BOOL("ok", false), NN_LOG_FLOAT("f", 0.25));
    nn_log_error("multi\nline", NN_LOG_STR("s", "a=b\n"));
    char *out = capture_end();

    CHECK(strstr(out, "hidden") == NULL);
    CHECK(strstr(out, " info  svc: listening port=8080 host=0.0.0.0\n") != NULL);
    CHECK(strstr(out, " warn  svc: odd \"value\" v=\"two words\" e=\"\" n=- ok=false f=0.25\n") !=
          NULL);
    CHECK(strstr(out, " error svc: multi\\x0aline s=\"a=b\\n\"\n") != NULL);
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 3);
    /* each line starts with an RFC 3339 UTC time with milliseconds */
    CHECK(strlen(out) > 24 && out[4] == '-' && out[10] == 'T' && out[19] == '.' && out[23] == 'Z');
    free(out);
}

static void test_json(void)
{
    nn_log_setup("svc", NN_LOG_DEBUG, NN_LOG_JSON);
    capture_start();
    nn_log_debug("first", NN_LOG_STR("quote", "say \"hi\"\t\xc3\xa9"), NN_LOG_INT("n", -3));
    nn_log_fields(NN_LOG_INFO, "second",
                  (const nn_log_field[]){NN_LOG_BOOL("b", true), NN_LOG_STR("null", NULL)}, 2);
    char *out = capture_end();

    char *second = strchr(out, '\n');
    CHECK(second != NULL);
    if (!second) {
        free(out);
        return;
    }
    *second++ = '\0';
    json_error_t err;
    json_t *a = json_loads(out, 0, &err);
    json_t *b = json_loads(second, 0, &err);
    CHECK(a != NULL && b != NULL);
    CHECK_STR(json_string_value(json_object_get(a, "level")), "debug");
    CHECK_STR(json_string_value(json_object_get(a, "service")), "svc");
    CHECK_STR(json_string_value(json_object_get(a, "msg")), "first");
    CHECK_STR(json_string_value(json_object_get(a, "quote")), "say \"hi\"\t\xc3\xa9");
    CHECK_INT(json_integer_value(json_object_get(a, "n")), -3);
    CHECK(json_is_string(json_object_get(a, "time")));
    CHECK(json_is_true(json_object_get(b, "b")));
    CHECK(json_is_null(json_object_get(b, "null")));
    json_decref(a);
    json_decref(b);
    free(out);
}

static void test_levels(void)
{
    nn_log_setup("svc", NN_LOG_WARN, NN_LOG_TEXT);
    CHECK(!nn_log_enabled(NN_LOG_INFO));
    CHECK(nn_log_enabled(NN_LOG_WARN));
    CHECK(nn_log_enabled(NN_LOG_ERROR));
    CHECK_STR(nn_log_level_name(NN_LOG_WARN), "warn");
}

#define BUFFERED_LINES 3000

static void *log_lines(void *arg)
{
    const char *who = arg;
    for (int i = 0; i < BUFFERED_LINES; i++) {
        nn_log_field fields[] = {NN_LOG_STR("who", who), NN_LOG_INT("i", i),
                                 NN_LOG_INT("neg", -i - 1)};
        nn_log_fields_buffered(NN_LOG_INFO, "request", fields, 3);
    }
    return NULL;
}

static void test_buffered(void)
{
    nn_log_setup("svc", NN_LOG_INFO, NN_LOG_TEXT);
    /* not started: written at once */
    capture_start();
    nn_log_fields_buffered(NN_LOG_INFO, "direct", (const nn_log_field[]){NN_LOG_INT("n", 1)}, 1);
    CHECK(lseek(STDERR_FILENO, 0, SEEK_CUR) > 0);
    char *out = capture_end();
    CHECK(strstr(out, " info  svc: direct n=1\n") != NULL);
    free(out);

    /* two threads, a flush interval longer than the test: the buffers fill
     * up and are written whole, the rest at the stop */
    CHECK_INT(nn_log_buffer_start(60000), NN_OK);
    CHECK_INT(nn_log_buffer_start(60000), NN_ERR_INVALID);
    capture_start();
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, log_lines, "a") == 0);
    CHECK(pthread_create(&b, NULL, log_lines, "b") == 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    nn_log_buffer_stop();
    out = capture_end();
    size_t lines = 0, good = 0;
    for (char *line = out, *end; (end = strchr(line, '\n')) != NULL; line = end + 1) {
        *end = '\0';
        lines++;
        char who = '?';
        int i = -1, neg = 0;
        const char *at = strstr(line, " info  svc: request who=");
        if (at && sscanf(at, " info  svc: request who=%c i=%d neg=%d", &who, &i, &neg) == 3 &&
            (who == 'a' || who == 'b') && neg == -i - 1)
            good++;
    }
    CHECK_INT(lines, 2 * BUFFERED_LINES);
    CHECK_INT(good, 2 * BUFFERED_LINES);
    free(out);

    /* a short interval: the line is written without a stop */
    CHECK_INT(nn_log_buffer_start(20), NN_OK);
    capture_start();
    nn_log_fields_buffered(NN_LOG_INFO, "later", (const nn_log_field[]){NN_LOG_INT("n", 2)}, 1);
    bool written = false;
    for (int tries = 0; tries < 200 && !written; tries++) {
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
        written = lseek(STDERR_FILENO, 0, SEEK_CUR) > 0;
    }
    CHECK(written);
    nn_log_buffer_stop();
    out = capture_end();
    CHECK(strstr(out, " info  svc: later n=2\n") != NULL);
    free(out);
}

int main(void)
{
    test_text();
    test_json();
    test_levels();
    test_buffered();
    return nn_check_finish();
}
