/*
 * log.c - structured logging to standard error, line by line or buffered per
 * thread (see log.h).
 */
#include "log.h"

#include "buf.h"
#include "clock.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The level name padded to 5 columns, for the text format. */
static const char *nn_log_level_padded(nn_log_level level)
{
    switch (level) {
    case NN_LOG_DEBUG:
        return "debug";
    case NN_LOG_INFO:
        return "info ";
    case NN_LOG_WARN:
        return "warn ";
    case NN_LOG_ERROR:
        return "error";
    }
    return "info ";
}

/* RFC 3339 UTC time with milliseconds: 2024-05-01T12:00:00.123Z */
static void nn_log_put_time(nn_buf *line)
{
    char text[NN_CLOCK_TEXT_SIZE];
    nn_buf_puts(line, nn_clock_now_text(text) == NN_OK ? text : "-");
}

/* A decimal integer, without printf. */
static void nn_log_put_int(nn_buf *line, int64_t v)
{
    char digits[24]; /* 20 digits of UINT64_MAX, the sign */
    size_t at = sizeof digits;
    uint64_t magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (v < 0)
        digits[--at] = '-';
    nn_buf_append(line, digits + at, sizeof digits - at);
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
        nn_log_put_int(line, f->v.i);
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
        nn_buf_puts(line, "\",\"level\":\"");
        nn_buf_puts(line, nn_log_level_name(level));
        nn_buf_puts(line, "\",\"service\":");
        nn_buf_json_string(line, nn_log_service);
        nn_buf_puts(line, ",\"msg\":");
        nn_buf_json_string(line, msg);
    } else {
        nn_log_put_time(line);
        nn_buf_putc(line, ' ');
        nn_buf_puts(line, nn_log_level_padded(level));
        nn_buf_putc(line, ' ');
        nn_buf_puts(line, nn_log_service);
        nn_buf_puts(line, ": ");
        nn_log_put_text_message(line, msg);
    }
}

static void nn_log_end(nn_buf *line)
{
    nn_buf_puts(line, nn_log_fmt == NN_LOG_JSON ? "}\n" : "\n");
}

static void nn_log_emit_buf(const nn_buf *b)
{
    if (nn_buf_status(b) == NN_OK) {
        nn_log_emit(b->data, b->len);
    } else {
        static const char oom[] = "log: out of memory, lines were dropped\n";
        nn_log_emit(oom, sizeof oom - 1);
    }
}

/* End the line, write it out in one write(2) and free it. */
static void nn_log_finish(nn_buf *line)
{
    nn_log_end(line);
    nn_log_emit_buf(line);
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

/* A whole line but its end: time, level, service, msg and the fields. */
static void nn_log_put_line(nn_buf *line, nn_log_level level, const char *msg,
                            const nn_log_field *fields, size_t count)
{
    nn_log_begin(line, level, msg);
    for (size_t i = 0; i < count; i++) {
        if (fields[i].kind != NN_LOG_FIELD_END && fields[i].key)
            nn_log_put_field(line, &fields[i]);
    }
}

void nn_log_fields(nn_log_level level, const char *msg, const nn_log_field *fields, size_t count)
{
    if (!nn_log_enabled(level))
        return;
    nn_buf line = NN_BUF_INIT;
    nn_log_put_line(&line, level, msg, fields, count);
    nn_log_finish(&line);
}

/* ---- buffered lines ----------------------------------------------------------- */

/* The buffer of one thread; its lock is taken by the thread and the flusher. */
typedef struct nn_log_thread_buf {
    pthread_mutex_t lock;
    nn_buf lines;
    struct nn_log_thread_buf *next;
} nn_log_thread_buf;

static struct {
    pthread_mutex_t lock;    /* guards every field below */
    pthread_cond_t wake;     /* stop asked */
    nn_log_thread_buf *bufs; /* every thread's buffer */
    pthread_t flusher;
    int64_t flush_ms;
    bool stop;
} nn_log_buffered = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static atomic_bool nn_log_buffering;
/* Bumped by each nn_log_buffer_start(): a thread's buffer of an earlier
 * start has been freed by the stop that followed it. */
static atomic_uint nn_log_generation;
static _Thread_local nn_log_thread_buf *nn_log_mine;
static _Thread_local unsigned nn_log_mine_generation;

/* Write out and empty b; its lock is held. */
static void nn_log_flush_locked(nn_log_thread_buf *b)
{
    if (b->lines.len > 0 || nn_buf_status(&b->lines) != NN_OK)
        nn_log_emit_buf(&b->lines);
    nn_buf_reset(&b->lines);
}

static void nn_log_flush_all(void)
{
    pthread_mutex_lock(&nn_log_buffered.lock);
    for (nn_log_thread_buf *b = nn_log_buffered.bufs; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        nn_log_flush_locked(b);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&nn_log_buffered.lock);
}

static void *nn_log_flusher(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&nn_log_buffered.lock);
    while (!nn_log_buffered.stop) {
        struct timespec deadline;
        if (clock_gettime(CLOCK_REALTIME, &deadline) != 0)
            break;
        int64_t ns = deadline.tv_nsec + nn_log_buffered.flush_ms * 1000000LL;
        deadline.tv_sec += (time_t)(ns / 1000000000LL);
        deadline.tv_nsec = (long)(ns % 1000000000LL);
        (void)pthread_cond_timedwait(&nn_log_buffered.wake, &nn_log_buffered.lock, &deadline);
        pthread_mutex_unlock(&nn_log_buffered.lock);
        nn_log_flush_all();
        pthread_mutex_lock(&nn_log_buffered.lock);
    }
    pthread_mutex_unlock(&nn_log_buffered.lock);
    return NULL;
}

nn_status nn_log_buffer_start(int64_t flush_ms)
{
    if (flush_ms < 1 || atomic_load(&nn_log_buffering))
        return NN_ERR_INVALID;
    nn_log_buffered.flush_ms = flush_ms;
    nn_log_buffered.stop = false;
    atomic_fetch_add(&nn_log_generation, 1);
    if (pthread_create(&nn_log_buffered.flusher, NULL, nn_log_flusher, NULL) != 0)
        return NN_ERR_NOMEM;
    atomic_store(&nn_log_buffering, true);
    return NN_OK;
}

void nn_log_buffer_stop(void)
{
    if (!atomic_load(&nn_log_buffering))
        return;
    pthread_mutex_lock(&nn_log_buffered.lock);
    nn_log_buffered.stop = true;
    pthread_cond_broadcast(&nn_log_buffered.wake);
    pthread_mutex_unlock(&nn_log_buffered.lock);
    int rc = pthread_join(nn_log_buffered.flusher, NULL);
    atomic_store(&nn_log_buffering, false);
    nn_log_flush_all();
    if (rc != 0)
        nn_log_error("cannot join the log flusher", NN_LOG_STR("error", strerror(rc)));

    pthread_mutex_lock(&nn_log_buffered.lock);
    nn_log_thread_buf *b = nn_log_buffered.bufs;
    nn_log_buffered.bufs = NULL;
    pthread_mutex_unlock(&nn_log_buffered.lock);
    while (b) {
        nn_log_thread_buf *next = b->next;
        nn_buf_free(&b->lines);
        pthread_mutex_destroy(&b->lock);
        free(b);
        b = next;
    }
}

/* The calling thread's buffer, created on its first line; NULL when out of memory. */
static nn_log_thread_buf *nn_log_thread_buffer(void)
{
    unsigned generation = atomic_load(&nn_log_generation);
    if (nn_log_mine && nn_log_mine_generation == generation)
        return nn_log_mine;
    nn_log_thread_buf *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        free(b);
        return NULL;
    }
    nn_buf_init(&b->lines);
    pthread_mutex_lock(&nn_log_buffered.lock);
    b->next = nn_log_buffered.bufs;
    nn_log_buffered.bufs = b;
    pthread_mutex_unlock(&nn_log_buffered.lock);
    nn_log_mine = b;
    nn_log_mine_generation = generation;
    return b;
}

void nn_log_fields_buffered(nn_log_level level, const char *msg, const nn_log_field *fields,
                            size_t count)
{
    if (!nn_log_enabled(level))
        return;
    nn_log_thread_buf *b = atomic_load(&nn_log_buffering) ? nn_log_thread_buffer() : NULL;
    if (!b) {
        nn_log_fields(level, msg, fields, count);
        return;
    }
    pthread_mutex_lock(&b->lock);
    nn_log_put_line(&b->lines, level, msg, fields, count);
    nn_log_end(&b->lines);
    if (b->lines.len >= NN_LOG_BUFFER_BYTES || nn_buf_status(&b->lines) != NN_OK)
        nn_log_flush_locked(b);
    pthread_mutex_unlock(&b->lock);
}
