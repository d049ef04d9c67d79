/*
 * buf.h - a growable, always NUL-terminated byte buffer.
 *
 * Used wherever text is assembled from input of unknown length (log lines,
 * JSON pointers, error reports), so no fixed-size buffer can overflow.
 *
 * Errors are sticky: when an allocation fails the buffer records it, keeps
 * its previous content and ignores further appends. Append freely, then check
 * nn_buf_status() once before using the result.
 */
#ifndef NN_BUF_H
#define NN_BUF_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct nn_buf {
    char *data; /* NULL until the first append; see nn_buf_str() */
    size_t len; /* bytes used, not counting the terminating NUL */
    size_t cap; /* bytes allocated */
    bool failed;
} nn_buf;

#define NN_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void nn_buf_init(nn_buf *b);
void nn_buf_free(nn_buf *b);

/* NN_OK, or NN_ERR_NOMEM when an append failed since init (or reset). */
nn_status nn_buf_status(const nn_buf *b);

/* The content as a C string: "" when empty (never NULL). */
const char *nn_buf_str(const nn_buf *b);

/* Empty the buffer (memory is kept) and clear a recorded failure. */
void nn_buf_reset(nn_buf *b);

/* Shorten to len bytes (no-op when already shorter). */
void nn_buf_truncate(nn_buf *b, size_t len);

/* Make room for extra more bytes (plus the NUL) in one allocation, so the
 * appends that follow do not reallocate. false (and failed) when impossible. */
bool nn_buf_reserve(nn_buf *b, size_t extra);

void nn_buf_append(nn_buf *b, const void *data, size_t len);
void nn_buf_puts(nn_buf *b, const char *s);
void nn_buf_putc(nn_buf *b, char c);
void nn_buf_printf(nn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s as a JSON string literal, quotes included; control characters,
 * '"' and '\\' escaped, other bytes (UTF-8) copied as they are. */
void nn_buf_json_string(nn_buf *b, const char *s);

/*
 * Hand the content over as a malloc'ed C string (the caller frees it) and
 * leave the buffer empty. NULL when the buffer has failed (it is freed).
 */
char *nn_buf_detach(nn_buf *b);

#endif
