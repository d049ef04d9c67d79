/*
 * error.h - status codes and the error report that every stage fills in.
 *
 * Functions that can fail return an nn_status and, when they fail, append one
 * or more human-readable lines to an nn_error. Lines about input carry a
 * "file:line:column: " prefix (YAML) so the user knows exactly where to look.
 */
#ifndef NN_ERROR_H
#define NN_ERROR_H

#include "base/strbuf.h"

#include <stdarg.h>
#include <stddef.h>

typedef enum nn_status {
    NN_OK = 0,
    NN_ERR_INPUT = 1, /* bad entity definitions, template or data: exit code 1 */
    NN_ERR_USAGE = 2, /* bad command line: exit code 2 */
    NN_ERR_IO = 3,    /* the file system refused something: reported as exit code 1 */
} nn_status;

typedef struct nn_error {
    nn_status status; /* the first failure recorded, NN_OK when empty */
    size_t count;     /* number of messages */
    nn_strbuf text;   /* messages, each ending in '\n' */
} nn_error;

void nn_error_init(nn_error *err);
void nn_error_free(nn_error *err);

/* Record a message; returns st so callers can `return nn_error_set(...)`. */
nn_status nn_error_set(nn_error *err, nn_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a message about input at file:line:column (1-based). */
nn_status nn_error_at(nn_error *err, const char *file, size_t line, size_t column, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

/* nn_error_at with a va_list, for functions that wrap it. */
nn_status nn_error_vat(nn_error *err, const char *file, size_t line, size_t column, const char *fmt,
                       va_list ap) __attribute__((format(printf, 5, 0)));

#endif
