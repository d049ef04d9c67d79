/*
 * yaml_doc.c - builds the nn_ydoc node tree from libyaml parser events
 * (see yaml_doc.h). Owns reading the file, turning libyaml errors into
 * "file:line:column:" messages and the structural checks listed there.
 */
#include "yaml/yaml_doc.h"

#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deeper nesting is certainly not an entity definition; the limit also bounds
 * the recursion of nn_ydoc_free and of the loader. */
#define NN_YAML_MAX_DEPTH 200

/* A container being filled, with the capacity of its items or pairs array. */
typedef struct nn_yframe {
    nn_ynode *node;
    size_t cap;
} nn_yframe;

typedef struct nn_ybuilder {
    const char *name;
    nn_error *err;
    nn_yframe *stack;
    size_t depth;
    size_t stack_cap;
    nn_ynode *root;
    size_t documents;
    bool failed; /* a non-fatal error (duplicate key) was recorded */
} nn_ybuilder;

static void nn_ynode_free(nn_ynode *n)
{
    if (!n)
        return;
    free(n->scalar);
    for (size_t i = 0; i < n->item_count; i++)
        nn_ynode_free(n->items[i]);
    free(n->items);
    for (size_t i = 0; i < n->pair_count; i++) {
        nn_ynode_free(n->pairs[i].key);
        nn_ynode_free(n->pairs[i].value);
    }
    free(n->pairs);
    free(n);
}

void nn_ydoc_free(nn_ydoc *doc)
{
    if (!doc)
        return;
    nn_ynode_free(doc->root);
    free(doc->file);
    doc->root = NULL;
    doc->file = NULL;
}

static nn_ynode *nn_ynode_new(nn_ynode_kind kind, yaml_mark_t mark)
{
    nn_ynode *n = nn_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = mark.line + 1;
    n->column = mark.column + 1;
    return n;
}

static bool nn_ynode_key_equal(const nn_ynode *a, const nn_ynode *b)
{
    return a->scalar_len == b->scalar_len && memcmp(a->scalar, b->scalar, a->scalar_len) == 0;
}

/* Hang N under the innermost open container (or make it the root). Takes
 * ownership of N, also on failure. */
static nn_status nn_ybuilder_attach(nn_ybuilder *b, nn_ynode *n)
{
    if (b->depth == 0) {
        b->root = n;
        return NN_OK;
    }
    nn_yframe *top = &b->stack[b->depth - 1];
    nn_ynode *parent = top->node;
    if (parent->kind == NN_YNODE_SEQUENCE) {
        nn_grow((void **)&parent->items, &top->cap, parent->item_count + 1, sizeof(nn_ynode *));
        parent->items[parent->item_count++] = n;
        return NN_OK;
    }
    /* A mapping: N is a value when the last key has none yet, else a key. */
    if (parent->pair_count > 0 && parent->pairs[parent->pair_count - 1].value == NULL) {
        parent->pairs[parent->pair_count - 1].value = n;
        return NN_OK;
    }
    if (n->kind != NN_YNODE_SCALAR) {
        nn_status st =
            nn_error_at(b->err, b->name, n->line, n->column,
                        "mapping keys must be plain names, not %s", nn_ynode_describe(n));
        nn_ynode_free(n);
        return st;
    }
    for (size_t i = 0; i < parent->pair_count; i++) {
        const nn_ynode *prev = parent->pairs[i].key;
        if (nn_ynode_key_equal(prev, n)) {
            nn_error_at(b->err, b->name, n->line, n->column,
                        "duplicate key '%s' (first at line %zu, column %zu)", n->scalar, prev->line,
                        prev->column);
            b->failed = true;
            break;
        }
    }
    nn_grow((void **)&parent->pairs, &top->cap, parent->pair_count + 1, sizeof *parent->pairs);
    parent->pairs[parent->pair_count].key = n;
    parent->pairs[parent->pair_count].value = NULL;
    parent->pair_count++;
    return NN_OK;
}

static nn_status nn_ybuilder_open(nn_ybuilder *b, nn_ynode_kind kind, yaml_mark_t mark)
{
    if (b->depth >= NN_YAML_MAX_DEPTH)
        return nn_error_at(b->err, b->name, mark.line + 1, mark.column + 1,
                           "nesting deeper than %d levels", NN_YAML_MAX_DEPTH);
    nn_ynode *n = nn_ynode_new(kind, mark);
    nn_status st = nn_ybuilder_attach(b, n);
    if (st != NN_OK)
        return st;
    nn_grow((void **)&b->stack, &b->stack_cap, b->depth + 1, sizeof *b->stack);
    b->stack[b->depth].node = n;
    b->stack[b->depth].cap = 0;
    b->depth++;
    return NN_OK;
}

static nn_status nn_ybuilder_scalar(nn_ybuilder *b, const yaml_event_t *ev)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(value, '\0', len))
        return nn_error_at(b->err, b->name, ev->start_mark.line + 1, ev->start_mark.column + 1,
                           "scalars must not contain NUL characters");
    nn_ynode *n = nn_ynode_new(NN_YNODE_SCALAR, ev->start_mark);
    n->scalar = nn_xstrndup(value, len);
    n->scalar_len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return nn_ybuilder_attach(b, n);
}

/* Anchors and tags are refused: entity files have no use for them, and
 * accepting them silently would change what a value means. */
static nn_status nn_ybuilder_check_props(nn_ybuilder *b, const yaml_event_t *ev,
                                         const yaml_char_t *anchor, const yaml_char_t *tag)
{
    size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
    if (anchor)
        return nn_error_at(b->err, b->name, line, col,
                           "YAML anchors (&%s) are not supported in entity files",
                           (const char *)anchor);
    if (tag)
        return nn_error_at(b->err, b->name, line, col,
                           "YAML tags (%s) are not supported in entity files", (const char *)tag);
    return NN_OK;
}

static nn_status nn_ybuilder_event(nn_ybuilder *b, const yaml_event_t *ev)
{
    size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
    nn_status st;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return nn_error_at(b->err, b->name, line, col,
                               "a second YAML document: a file holds exactly one entity");
        return NN_OK;
    case YAML_ALIAS_EVENT:
        return nn_error_at(b->err, b->name, line, col,
                           "YAML aliases (*%s) are not supported in entity files",
                           (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        /* An implicit plain tag is not an explicit tag; libyaml leaves tag NULL
         * unless the document wrote one. */
        st = nn_ybuilder_check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
        if (st != NN_OK)
            return st;
        return nn_ybuilder_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        st = nn_ybuilder_check_props(b, ev, ev->data.sequence_start.anchor,
                                     ev->data.sequence_start.tag);
        if (st != NN_OK)
            return st;
        return nn_ybuilder_open(b, NN_YNODE_SEQUENCE, ev->start_mark);
    case YAML_MAPPING_START_EVENT:
        st = nn_ybuilder_check_props(b, ev, ev->data.mapping_start.anchor,
                                     ev->data.mapping_start.tag);
        if (st != NN_OK)
            return st;
        return nn_ybuilder_open(b, NN_YNODE_MAPPING, ev->start_mark);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth > 0)
            b->depth--;
        return NN_OK;
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return NN_OK;
    }
    return NN_OK;
}

/* 1-based line and column of byte OFFSET of DATA (for reader errors, which
 * libyaml reports as an offset only). */
static void nn_yaml_offset_pos(const char *data, size_t len, size_t offset, size_t *line,
                               size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static nn_status nn_yaml_parser_error(const yaml_parser_t *p, const char *name, const char *data,
                                      size_t len, nn_error *err)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    size_t line, col;
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return nn_error_at(err, name, 1, 1, "YAML parser ran out of memory");
    case YAML_READER_ERROR:
        nn_yaml_offset_pos(data, len, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            return nn_error_at(err, name, line, col, "YAML syntax error: %s (byte 0x%02X)", problem,
                               (unsigned)p->problem_value & 0xFFu);
        return nn_error_at(err, name, line, col, "YAML syntax error: %s", problem);
    default:
        break;
    }
    line = p->problem_mark.line + 1;
    col = p->problem_mark.column + 1;
    const char *hint = p->problem_mark.index < len && data[p->problem_mark.index] == '\t'
                           ? "; YAML indents with spaces, not tabs"
                           : "";
    if (p->context)
        return nn_error_at(err, name, line, col,
                           "YAML syntax error: %s (%s at line %zu, column %zu)%s", problem,
                           p->context, p->context_mark.line + 1, p->context_mark.column + 1, hint);
    return nn_error_at(err, name, line, col, "YAML syntax error: %s%s", problem, hint);
}

nn_status nn_ydoc_parse(const char *name, const char *data, size_t len, nn_ydoc *out, nn_error *err)
{
    out->file = NULL;
    out->root = NULL;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return nn_error_at(err, name, 1, 1, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);

    nn_ybuilder b = {.name = name, .err = err};
    nn_status st = NN_OK;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = nn_yaml_parser_error(&parser, name, data, len, err);
            break;
        }
        st = nn_ybuilder_event(&b, &ev);
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (st != NN_OK || end)
            break;
    }
    yaml_parser_delete(&parser);
    free(b.stack);

    if (st == NN_OK && b.failed)
        st = NN_ERR_INPUT;
    if (st != NN_OK) {
        nn_ynode_free(b.root);
        return st;
    }
    out->file = nn_xstrdup(name);
    out->root = b.root;
    return NN_OK;
}

nn_status nn_ydoc_load_file(const char *path, nn_ydoc *out, nn_error *err)
{
    out->file = NULL;
    out->root = NULL;

    FILE *f = fopen(path, "rb");
    if (!f)
        return nn_error_set(err, NN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    nn_strbuf sb;
    nn_strbuf_init(&sb);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nn_strbuf_append(&sb, chunk, n);
    int read_errno = ferror(f) ? errno : 0;
    bool read_failed = ferror(f) != 0;
    if (fclose(f) != 0 && !read_failed) {
        read_failed = true;
        read_errno = errno;
    }
    if (read_failed) {
        nn_strbuf_free(&sb);
        return nn_error_set(err, NN_ERR_IO, "%s: cannot read: %s", path,
                            strerror(read_errno ? read_errno : EIO));
    }
    nn_status st = nn_ydoc_parse(path, sb.buf, sb.len, out, err);
    nn_strbuf_free(&sb);
    return st;
}

const nn_ynode *nn_ynode_get_key(const nn_ynode *map, const char *key)
{
    if (!map || map->kind != NN_YNODE_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->pair_count; i++)
        if (strcmp(map->pairs[i].key->scalar, key) == 0)
            return map->pairs[i].key;
    return NULL;
}

const nn_ynode *nn_ynode_get(const nn_ynode *map, const char *key)
{
    if (!map || map->kind != NN_YNODE_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->pair_count; i++)
        if (strcmp(map->pairs[i].key->scalar, key) == 0)
            return map->pairs[i].value;
    return NULL;
}

bool nn_ynode_is_null(const nn_ynode *n)
{
    if (!n || n->kind != NN_YNODE_SCALAR || !n->plain)
        return false;
    const char *s = n->scalar;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *nn_ynode_describe(const nn_ynode *n)
{
    if (!n || nn_ynode_is_null(n))
        return "an empty value";
    switch (n->kind) {
    case NN_YNODE_MAPPING:
        return "a mapping";
    case NN_YNODE_SEQUENCE:
        return "a sequence";
    case NN_YNODE_SCALAR:
        return "a scalar";
    }
    return "a node";
}
