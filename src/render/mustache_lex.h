/*
 * mustache_lex.h - splitting a template into text and tags (the first step of
 * nn_mustache_compile). Internal to the template engine.
 */
#ifndef NN_MUSTACHE_LEX_H
#define NN_MUSTACHE_LEX_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum mu_tok_kind {
    MU_TOK_TEXT,
    MU_TOK_VAR,      /* {{name}} */
    MU_TOK_RAW,      /* {{{name}}} or {{&name}} */
    MU_TOK_SECTION,  /* {{#name}} */
    MU_TOK_INVERTED, /* {{^name}} */
    MU_TOK_CLOSE,    /* {{/name}} */
    MU_TOK_PARTIAL,  /* {{>name}} */
    MU_TOK_PARENT,   /* {{<name}} */
    MU_TOK_BLOCK,    /* {{$name}} */
    MU_TOK_COMMENT,  /* {{!...}} */
    MU_TOK_DELIM,    /* {{=open close=}} */
} mu_tok_kind;

typedef struct mu_token {
    mu_tok_kind kind;
    bool dynamic;    /* partial, parent, close: the name had a '*' in front */
    size_t start;    /* source range: the text, or the whole tag with its delimiters */
    size_t end;      /*   ...end (exclusive) */
    size_t name;     /* tags: the name, trimmed and without '*' */
    size_t name_len; /*   ...and its length */
} mu_token;

typedef struct mu_tokens {
    mu_token *items;
    size_t n;
    size_t cap;
} mu_tokens;

/*
 * Split len bytes of src into tokens, appended to toks (which the caller
 * frees with free(toks->items), also on failure). Set Delimiter tags are
 * applied as they are met. tname names the template in error messages.
 */
nn_status nn_mu_lex(const char *src, size_t len, const char *tname, mu_tokens *toks, nn_error *err);

#endif
