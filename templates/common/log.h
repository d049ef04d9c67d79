/*
 * log.h - leveled, structured logging to standard error.
 *
 * One line per event, in text or JSON lines (LOG_FORMAT), each with a
 * constant message and typed key=value fields:
 *
 *     nn_log_info("listening", NN_LOG_INT("port", port), NN_LOG_STR("host", host));
 *
 * text: 2024-05-01T12:00:00.123Z info  ingestion-api: listening port=8080 host=0.0.0.0
 * json: {"time":"2024-05-01T12:00:00.123Z","level":"info","service":"ingestion-api",
 *        "msg":"listening","port":8080,"host":"0.0.0.0"}
 *
 * Each line goes out in a single write(2), so lines of concurrent threads never
 * interleave. Global state: the service name, level and format, set once by
 * nn_log_setup() before any thread starts, read-only afterwards.
 *
 * Lines of a hot path (an access log line per request) can be buffered
 * instead: nn_log_fields_buffered() appends the line to a buffer of the
 * calling thread, written out in one write(2) when it holds
 * NN_LOG_BUFFER_BYTES, and by a background thread every flush_ms otherwise
 * (nn_log_buffer_start), and at nn_log_buffer_stop(). Lines stay whole; only
 * their order across threads, and against unbuffered lines, may differ from
 * the order of their times.
 */
#ifndef NN_LOG_H
#define NN_LOG_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum nn_log_level {
    NN_LOG_DEBUG,
    NN_LOG_INFO,
    NN_LOG_WARN,
    NN_LOG_ERROR,
} nn_log_level;

typedef enum nn_log_format {
    NN_LOG_TEXT,
    NN_LOG_JSON,
} nn_log_format;

/* The spellings accepted by LOG_LEVEL and LOG_FORMAT, in enum order
 * (for an NN_CONFIG_CHOICE variable, see config.h). */
#define NN_LOG_LEVEL_CHOICES  "debug|info|warn|error"
#define NN_LOG_FORMAT_CHOICES "text|json"

typedef enum nn_log_kind {
    NN_LOG_FIELD_END, /* terminates the field list (added by the nn_log_* macros) */
    NN_LOG_FIELD_STR,
    NN_LOG_FIELD_INT,
    NN_LOG_FIELD_FLOAT,
    NN_LOG_FIELD_BOOL,
} nn_log_kind;

typedef struct nn_log_field {
    const char *key;
    nn_log_kind kind;
    union {
        const char *s; /* NULL is logged as null (json) or - (text) */
        int64_t i;
        double f;
        bool b;
    } v;
} nn_log_field;

#define NN_LOG_STR(k, val) ((nn_log_field){.key = (k), .kind = NN_LOG_FIELD_STR, .v.s = (val)})
#define NN_LOG_INT(k, val)                                                                         \
    ((nn_log_field){.key = (k), .kind = NN_LOG_FIELD_INT, .v.i = (int64_t)(val)})
#define NN_LOG_FLOAT(k, val) ((nn_log_field){.key = (k), .kind = NN_LOG_FIELD_FLOAT, .v.f = (val)})
#define NN_LOG_BOOL(k, val)  ((nn_log_field){.key = (k), .kind = NN_LOG_FIELD_BOOL, .v.b = (val)})
#define NN_LOG_END           ((nn_log_field){.key = NULL, .kind = NN_LOG_FIELD_END})

/* Configure logging; service names every line. Defaults: "", info, text. */
void nn_log_setup(const char *service, nn_log_level level, nn_log_format format);

/* Whether a line of this level would be written (to skip costly field preparation). */
bool nn_log_enabled(nn_log_level level);

/* Write one line: msg, then nn_log_field values up to NN_LOG_END. Prefer the macros. */
void nn_log_write(nn_log_level level, const char *msg, ...);

/* The same with the fields in an array (count of them, no NN_LOG_END needed). */
void nn_log_fields(nn_log_level level, const char *msg, const nn_log_field *fields, size_t count);

/* A thread's buffered lines are written out once they hold this many bytes. */
#define NN_LOG_BUFFER_BYTES 16384

/*
 * Start buffering: nn_log_fields_buffered() lines are written at the latest
 * flush_ms (> 0) after they were logged. NN_OK, NN_ERR_INVALID (already
 * started, flush_ms < 1) or NN_ERR_NOMEM (no thread).
 */
nn_status nn_log_buffer_start(int64_t flush_ms);

/* Write every buffered line, stop the background thread and free the
 * buffers. Call once no thread logs buffered lines any more. Without
 * nn_log_buffer_start() before, nothing happens. */
void nn_log_buffer_stop(void);

/* nn_log_fields(), buffered when buffering was started (else written at once). */
void nn_log_fields_buffered(nn_log_level level, const char *msg, const nn_log_field *fields,
                            size_t count);

#define nn_log_debug(...) nn_log_write(NN_LOG_DEBUG, __VA_ARGS__, NN_LOG_END)
#define nn_log_info(...)  nn_log_write(NN_LOG_INFO, __VA_ARGS__, NN_LOG_END)
#define nn_log_warn(...)  nn_log_write(NN_LOG_WARN, __VA_ARGS__, NN_LOG_END)
#define nn_log_error(...) nn_log_write(NN_LOG_ERROR, __VA_ARGS__, NN_LOG_END)

/* "debug", "info", "warn", "error". */
const char *nn_log_level_name(nn_log_level level);

#endif
