/*
 * yaml_doc.h - a YAML file as a small tree of mappings, sequences and scalars.
 *
 * Built with libyaml's event parser. Every node (and every mapping key) keeps
 * the 1-based line and column where it starts, so later stages can report
 * errors as "file:line:column: message". Anchors, aliases and explicit tags
 * are rejected, as are duplicate mapping keys, non-scalar mapping keys,
 * scalars holding NUL bytes and files with more than one document.
 */
#ifndef NN_YAML_DOC_H
#define NN_YAML_DOC_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum nn_ynode_kind {
    NN_YNODE_SCALAR,
    NN_YNODE_MAPPING,
    NN_YNODE_SEQUENCE,
} nn_ynode_kind;

typedef struct nn_ynode nn_ynode;

/* One key: value entry of a mapping; the key is always a scalar node. */
typedef struct nn_ypair {
    nn_ynode *key;
    nn_ynode *value;
} nn_ypair;

struct nn_ynode {
    nn_ynode_kind kind;
    size_t line;   /* 1-based */
    size_t column; /* 1-based */
    /* NN_YNODE_SCALAR: NUL-terminated text (no embedded NUL) */
    char *scalar;
    size_t scalar_len;
    bool plain; /* unquoted (plain style): only these can be null or booleans */
    /* NN_YNODE_SEQUENCE */
    nn_ynode **items;
    size_t item_count;
    /* NN_YNODE_MAPPING, in document order */
    nn_ypair *pairs;
    size_t pair_count;
};

typedef struct nn_ydoc {
    char *file;     /* the name used in error messages */
    nn_ynode *root; /* NULL for a file without a document (empty, comments only) */
} nn_ydoc;

/* Read PATH fully and parse it. On failure *out is left empty (safe to free). */
nn_status nn_ydoc_load_file(const char *path, nn_ydoc *out, nn_error *err);

/* Parse LEN bytes of DATA; NAME is the file name used in error messages. */
nn_status nn_ydoc_parse(const char *name, const char *data, size_t len, nn_ydoc *out,
                        nn_error *err);

void nn_ydoc_free(nn_ydoc *doc);

/* The value stored under KEY in MAP, or NULL (also when MAP is not a mapping). */
const nn_ynode *nn_ynode_get(const nn_ynode *map, const char *key);

/* The key node of the entry KEY in MAP, or NULL. */
const nn_ynode *nn_ynode_get_key(const nn_ynode *map, const char *key);

/* A plain scalar that YAML reads as null: empty, "~", "null", "Null", "NULL". */
bool nn_ynode_is_null(const nn_ynode *n);

/* "a mapping", "a sequence", "a scalar" or "an empty value", for messages. */
const char *nn_ynode_describe(const nn_ynode *n);

#endif
