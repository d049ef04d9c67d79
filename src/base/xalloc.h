/*
 * xalloc.h - allocation helpers that never return NULL.
 *
 * nomnom is a short-lived command-line tool: like git, it treats running out of
 * memory as fatal. These wrappers print a message and exit(1) on failure, so
 * callers never have to check an allocation.
 */
#ifndef NN_XALLOC_H
#define NN_XALLOC_H

#include <stddef.h>

void *nn_xmalloc(size_t size);
void *nn_xcalloc(size_t count, size_t size);
void *nn_xrealloc(void *ptr, size_t size);
char *nn_xstrdup(const char *s);
char *nn_xstrndup(const char *s, size_t n);
/* printf into a fresh heap string. */
char *nn_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *items (of *cap elements of elem_size bytes) so it holds at least need. */
void nn_grow(void **items, size_t *cap, size_t need, size_t elem_size);

#endif
