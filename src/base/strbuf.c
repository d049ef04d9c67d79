/*
 * strbuf.c - growable byte buffer (see strbuf.h).
 */
#include "base/strbuf.h"

#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char nn_strbuf_empty[1];

void nn_strbuf_init(nn_strbuf *sb)
{
    sb->buf = nn_strbuf_empty;
    sb->len = 0;
    sb->cap = 0;
}

void nn_strbuf_free(nn_strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    nn_strbuf_init(sb);
}

void nn_strbuf_reset(nn_strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

static void nn_strbuf_reserve(nn_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *buf = sb->cap ? sb->buf : NULL;
    sb->buf = nn_xrealloc(buf, cap);
    if (!sb->cap)
        sb->buf[0] = '\0';
    sb->cap = cap;
}

void nn_strbuf_append(nn_strbuf *sb, const char *data, size_t len)
{
    if (len == 0)
        return;
    nn_strbuf_reserve(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void nn_strbuf_puts(nn_strbuf *sb, const char *s)
{
    nn_strbuf_append(sb, s, strlen(s));
}

void nn_strbuf_putc(nn_strbuf *sb, char c)
{
    nn_strbuf_append(sb, &c, 1);
}

void nn_strbuf_vprintf(nn_strbuf *sb, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n <= 0)
        return;
    nn_strbuf_reserve(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void nn_strbuf_printf(nn_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *nn_strbuf_detach(nn_strbuf *sb, size_t *len)
{
    char *out = sb->cap ? sb->buf : nn_xstrdup("");
    if (len)
        *len = sb->len;
    nn_strbuf_init(sb);
    return out;
}
