/*
 * buf.c - growable byte buffer with sticky allocation failure (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_buf_init(nn_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void nn_buf_free(nn_buf *b)
{
    free(b->data);
    nn_buf_init(b);
}

nn_status nn_buf_status(const nn_buf *b)
{
    return b->failed ? NN_ERR_NOMEM : NN_OK;
}

const char *nn_buf_str(const nn_buf *b)
{
    return b->data ? b->data : "";
}

void nn_buf_reset(nn_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->failed = false;
}

void nn_buf_truncate(nn_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

bool nn_buf_reserve(nn_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

void nn_buf_append(nn_buf *b, const void *data, size_t len)
{
    if (!nn_buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void nn_buf_puts(nn_buf *b, const char *s)
{
    nn_buf_append(b, s, strlen(s));
}

void nn_buf_putc(nn_buf *b, char c)
{
    nn_buf_append(b, &c, 1);
}

void nn_buf_printf(nn_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    /* format straight into the free space; measure and grow only when short */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (room)
            b->data[b->len] = '\0';
        b->failed = true;
        return;
    }
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return;
    }
    if (!nn_buf_reserve(b, (size_t)n)) {
        if (room)
            b->data[b->len] = '\0';
        return;
    }
    va_start(ap, fmt);
    int written = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (written != n) {
        b->data[b->len] = '\0';
        b->failed = true;
        return;
    }
    b->len += (size_t)n;
}

void nn_buf_json_string(nn_buf *b, const char *s)
{
    nn_buf_putc(b, '"');
    const char *run = s; /* start of the bytes not yet copied */
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        nn_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"':
            nn_buf_puts(b, "\\\"");
            break;
        case '\\':
            nn_buf_puts(b, "\\\\");
            break;
        case '\n':
            nn_buf_puts(b, "\\n");
            break;
        case '\r':
            nn_buf_puts(b, "\\r");
            break;
        case '\t':
            nn_buf_puts(b, "\\t");
            break;
        default:
            nn_buf_printf(b, "\\u%04x", c);
            break;
        }
    }
    nn_buf_puts(b, run);
    nn_buf_putc(b, '"');
}

char *nn_buf_detach(nn_buf *b)
{
    if (b->failed) {
        nn_buf_free(b);
        return NULL;
    }
    char *s = b->data;
    if (!s)
        s = calloc(1, 1);
    nn_buf_init(b);
    return s;
}
