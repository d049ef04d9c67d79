/*
 * xalloc.c - allocation helpers that exit on out-of-memory (see xalloc.h).
 */
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void nn_oom(size_t size)
{
    fprintf(stderr, "nomnom: out of memory (allocating %zu bytes)\n", size);
    exit(1);
}

void *nn_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        nn_oom(size);
    return p;
}

void *nn_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        nn_oom(count * size);
    return p;
}

void *nn_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        nn_oom(size);
    return p;
}

char *nn_xstrdup(const char *s)
{
    return nn_xstrndup(s, strlen(s));
}

char *nn_xstrndup(const char *s, size_t n)
{
    char *p = nn_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nn_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fprintf(stderr, "nomnom: invalid format string\n");
        exit(1);
    }
    char *p = nn_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void nn_grow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return;
    size_t next = *cap ? *cap : 8;
    while (next < need)
        next *= 2;
    *items = nn_xrealloc(*items, next * elem_size);
    *cap = next;
}
