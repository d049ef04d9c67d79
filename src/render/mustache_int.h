/*
 * mustache_int.h - what the template engine's parser and renderer share: the
 * compiled form of a template, a tree of nodes over the template's own copy of
 * its text. Not part of the public API (see mustache.h).
 *
 * Indentation: wherever a line of the template starts, the tree holds an
 * MU_LINE node. The renderer writes the current indentation there (the
 * whitespace in front of the standalone partials, parents and blocks being
 * expanded), so a partial is indented as the specification asks without
 * re-parsing it for every indentation it is used with.
 */
#ifndef NN_MUSTACHE_INT_H
#define NN_MUSTACHE_INT_H

#include "render/mustache.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum mu_kind {
    MU_TEXT,     /* bytes [off, off+len) of the source, at most one line */
    MU_LINE,     /* a template line starts here: indent it */
    MU_VAR,      /* {{name}} */
    MU_RAW,      /* {{{name}}} or {{&name}}: never escaped */
    MU_SECTION,  /* {{#name}}children{{/name}} */
    MU_INVERTED, /* {{^name}}children{{/name}} */
    MU_PARTIAL,  /* {{>name}} */
    MU_PARENT,   /* {{<name}}...{{/name}}: children are the MU_BLOCK arguments */
    MU_BLOCK,    /* {{$name}}children{{/name}}: children are the default (or argument) */
} mu_kind;

typedef struct mu_node mu_node;

typedef struct mu_list {
    mu_node *items;
    size_t n;
    size_t cap;
} mu_list;

struct mu_node {
    mu_kind kind;
    bool dynamic;     /* partial, parent: the name names a value that names the template */
    bool indented;    /* partial, parent, block: standalone, so ind is the indentation */
    bool body_bol;    /* block: its content starts at the start of a line */
    size_t pos;       /* source offset of the tag, for error messages */
    size_t off;       /* text: the bytes; tags: the name (context names may be dotted) */
    size_t len;       /*   ...and their length */
    size_t ind_off;   /* indentation this node adds to what is expanded (source range) */
    size_t ind_len;   /*   ...and its length */
    char *name;       /* partial, parent (not dynamic): NUL-terminated copy of the name */
    mu_list children; /* section, inverted, block: content; parent: block arguments */
};

struct nn_mustache_template {
    char *src;  /* own copy of the text (NUL-terminated, may hold NULs) */
    size_t len; /* bytes in src */
    char *name; /* for error messages */
    mu_list root;
};

/* Append a zeroed node to l and return it (valid until l grows again). */
mu_node *nn_mu_list_push(mu_list *l);
void nn_mu_list_free(mu_list *l);

/* The 1-based line and column (in characters) of source offset off. */
void nn_mu_position(const char *src, size_t len, size_t off, size_t *line, size_t *column);

/*
 * Record "NAME:LINE:COLUMN: message" about source offset off of the template
 * called name; returns NN_ERR_INPUT.
 */
nn_status nn_mu_error(nn_error *err, const char *name, const char *src, size_t len, size_t off,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
