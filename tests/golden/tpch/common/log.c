/*
 * log.c - structured logging to standard error (see log.h).
 */
#include "log.h"

#include "buf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Set once by nn_log_setup() before threads start; read-only afterwards. */
static const char *nn_log_service = "";
static nn_log_level nn_log_min_level = NN_LOG_INFO;
static nn_log_format nn_log_fmt = NN_LOG_TEXT;

void nn_log_setup(const char *service, nn_log_level level, nn_log_format format)
{
    nn_log_service = service ? service : "";
    nn_log_min_level = level;
    nn_log_fmt = format;
}

bool nn_log_enabled(nn_log_level level)
{
    return level >= nn_log_min_level;
}

const char *nn_log_level_name(nn_log_level level)
{
    switch (level) {
    case NN_LOG_DEBUG:
        return "debug";
    case NN_LOG_INFO:
        return "info";
    case NN_LOG_WARN:
        return "warn";
    case NN_LOG_ERROR:
        return "error";
    }
    return "info";
}

/* RFC 3339 UTC time with milliseconds: 2024-05-01T12:00:00.123Z */
static void nn_log_put_time(nn_buf *line)
{
    struct timespec now;
    struct tm tm;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || !gmtime_r(&now.tv_sec, &tm)) {
        nn_buf_puts(line, "-");
        return;
    }
    nn_buf_printf(line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000L);
}

/* Whether a text-format value must be quoted to stay one unambiguous token. */
static bool nn_log_needs_quotes(const char *s)
{
    if (*s == '\0')
        return true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
            return true;
    }
    return false;
}

/* Text-format string: as is when safe, else a quoted JSON-style string. */
static void nn_log_put_text_value(nn_buf *line, const char *s)
{
    if (!s)
        nn_buf_putc(line, '-');
    else if (nn_log_needs_quotes(s))
        nn_buf_json_string(line, s);
    else
        nn_buf_puts(line, s);
}

/* The message in text format: control characters escaped so a line stays a line. */
static void nn_log_put_text_message(nn_buf *line, const char *msg)
{
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            nn_buf_printf(line, "\\x%02x", *p);
        else
            nn_buf_putc(line, (char)*p);
    }
}

static void nn_log_put_field(nn_buf *line, const nn_log_field *f)
{
    bool json = nn_log_fmt == NN_LOG_JSON;
    if (json) {
        nn_buf_putc(line, ',');
        nn_buf_json_string(line, f->key);
        nn_buf_putc(line, ':');
    } else {
        nn_buf_putc(line, ' ');
        nn_buf_puts(line, f->key);
        nn_buf_putc(line, '=');
    }
    switch (f->kind) {
    case NN_LOG_FIELD_STR:
        if (json && f->v.s)
            nn_buf_json_string(line, f->v.s);
        else if (json)
            nn_buf_puts(line, "null");
        else
            nn_log_put_text_value(line, f->v.s);
        break;
    case NN_LOG_FIELD_INT:
        nn_buf_printf(line, "%lld", (long long)f->v.i);
        break;
    case NN_LOG_FIELD_FLOAT:
        if (isfinite(f->v.f))
            nn_buf_printf(line, "%.15g", f->v.f);
        else
            nn_buf_puts(line, json ? "null" : "NaN");
        break;
    case NN_LOG_FIELD_BOOL:
        nn_buf_puts(line, f->v.b ? "true" : "false");
        break;
    case NN_LOG_FIELD_END:
        break;
    }
}

/* Write all of data to standard error, retrying on EINTR and short writes. */
static void nn_log_emit(const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* nowhere left to report a failing standard error */
        data += n;
        len -= (size_t)n;
    }
}

/* Start a line: time, level, service and message. */
static void nn_log_begin(nn_buf *line, nn_log_level level, const char *msg)
{
    if (nn_log_fmt == NN_LOG_JSON) {
        nn_buf_puts(line, "{\"time\":\"");
        nn_log_put_time(line);
        nn_buf_printf(line, "\",\"level\":\"%s\",\"service\":", nn_log_level_name(level));
        nn_buf_json_string(line, nn_log_service);
        nn_buf_puts(line, ",\"msg\":");
        nn_buf_json_string(line, msg);
    } else {
        nn_log_put_time(line);
        nn_buf_printf(line, " %-5s %s: ", nn_log_level_name(level), nn_log_service);
        nn_log_put_text_message(line, msg);
    }
}

/* End the line, write it out in one write(2) and free it. */
static void nn_log_finish(nn_buf *line)
{
    nn_buf_puts(line, nn_log_fmt == NN_LOG_JSON ? "}\n" : "\n");
    if (nn_buf_status(line) == NN_OK) {
        nn_log_emit(line->data, line->len);
    } else {
        static const char oom[] = "log: out of memory, a line was dropped\n";
        nn_log_emit(oom, sizeof oom - 1);
    }
    nn_buf_free(line);
}

void nn_log_write(nn_log_level level, const char *msg, ...)
{
    if (!nn_log_enabled(level))
        return;
    nn_buf line = NN_BUF_INIT;
    nn_log_begin(&line, level, msg);
    va_list ap;
    va_start(ap, msg);
    for (;;) {
        nn_log_field f = va_arg(ap, nn_log_field);
        if (f.kind == NN_LOG_FIELD_END || !f.key)
            break;
        nn_log_put_field(&line, &f);
    }
    va_end(ap);
    nn_log_finish(&line);
}

void nn_log_fields(nn_log_level level, const char *msg, const nn_log_field *fields, size_t count)
{
    if (!nn_log_enabled(level))
        return;
    nn_buf line = NN_BUF_INIT;
    nn_log_begin(&line, level, msg);
    for (size_t i = 0; i < count; i++) {
        if (fields[i].kind != NN_LOG_FIELD_END && fields[i].key)
            nn_log_put_field(&line, &fields[i]);
    }
    nn_log_finish(&line);
}
