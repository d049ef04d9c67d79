/*
 * strbuf.h - a growable, always NUL-terminated byte buffer (after git's strbuf).
 *
 * The buffer may hold NUL bytes; len is authoritative. Appends never fail
 * (allocation failure exits, see xalloc.h).
 */
#ifndef NN_STRBUF_H
#define NN_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct nn_strbuf {
    char *buf;  /* always NUL-terminated; never NULL after nn_strbuf_init */
    size_t len; /* bytes used, not counting the terminating NUL */
    size_t cap; /* bytes allocated */
} nn_strbuf;

void nn_strbuf_init(nn_strbuf *sb);
void nn_strbuf_free(nn_strbuf *sb);
void nn_strbuf_reset(nn_strbuf *sb);
void nn_strbuf_append(nn_strbuf *sb, const char *data, size_t len);
void nn_strbuf_puts(nn_strbuf *sb, const char *s);
void nn_strbuf_putc(nn_strbuf *sb, char c);
void nn_strbuf_printf(nn_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nn_strbuf_vprintf(nn_strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hand the buffer over to the caller (who frees it) and reset sb. */
char *nn_strbuf_detach(nn_strbuf *sb, size_t *len);

#endif
