/*
 * mustache_tree.c - the compiled template's storage: node lists, freeing a
 * template, and error messages that point at a place in a template.
 */
#include "render/mustache_int.h"

#include "base/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

mu_node *nn_mu_list_push(mu_list *l)
{
    void *items = l->items;
    nn_grow(&items, &l->cap, l->n + 1, sizeof *l->items);
    l->items = items;
    mu_node *node = &l->items[l->n++];
    *node = (mu_node){0};
    return node;
}

void nn_mu_list_free(mu_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        nn_mu_list_free(&l->items[i].children);
        free(l->items[i].name);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->cap = 0;
}

void nn_mustache_free(nn_mustache_template *tmpl)
{
    if (!tmpl)
        return;
    nn_mu_list_free(&tmpl->root);
    free(tmpl->src);
    free(tmpl->name);
    free(tmpl);
}

void nn_mu_position(const char *src, size_t len, size_t off, size_t *line, size_t *column)
{
    if (off > len)
        off = len;
    size_t line_start = 0;
    *line = 1;
    for (size_t i = 0; i < off; i++) {
        if (src[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    }
    /* Columns count characters: skip UTF-8 continuation bytes. */
    *column = 1;
    for (size_t i = line_start; i < off; i++) {
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            (*column)++;
    }
}

nn_status nn_mu_error(nn_error *err, const char *name, const char *src, size_t len, size_t off,
                      const char *fmt, ...)
{
    size_t line, column;
    nn_mu_position(src, len, off, &line, &column);

    va_list ap;
    va_start(ap, fmt);
    nn_status st = nn_error_vat(err, name, line, column, fmt, ap);
    va_end(ap);
    return st;
}
