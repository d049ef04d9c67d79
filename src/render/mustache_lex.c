/*
 * mustache_lex.c - the template tokenizer: finds the tags (with the current
 * delimiters), classifies them by their sigil, checks their names and applies
 * Set Delimiter tags. Everything between tags is a text token.
 */
#include "render/mustache_lex.h"

#include "base/xalloc.h"
#include "render/mustache_int.h"

#include <stdint.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* First occurrence of pat (plen > 0 bytes) in src[from, len), or SIZE_MAX. */
static size_t find(const char *src, size_t from, size_t len, const char *pat, size_t plen)
{
    if (plen > len)
        return SIZE_MAX;
    size_t last = len - plen;
    while (from <= last) {
        const char *p = memchr(src + from, pat[0], last - from + 1);
        if (!p)
            return SIZE_MAX;
        size_t at = (size_t)(p - src);
        if (memcmp(p, pat, plen) == 0)
            return at;
        from = at + 1;
    }
    return SIZE_MAX;
}

/*
 * For {{{name}}} and {{=a b=}}: the first closing delimiter in src[from, len)
 * that has c in front of it (and after from). Returns the offset of that c.
 */
static size_t find_after(const char *src, size_t from, size_t len, const char *pat, size_t plen,
                         char c)
{
    size_t at = from;
    for (;;) {
        size_t e = find(src, at, len, pat, plen);
        if (e == SIZE_MAX)
            return SIZE_MAX;
        if (e > from && src[e - 1] == c)
            return e - 1;
        at = e + 1;
    }
}

static void trim(const char *src, size_t *lo, size_t *hi)
{
    while (*lo < *hi && is_space(src[*lo]))
        (*lo)++;
    while (*hi > *lo && is_space(src[*hi - 1]))
        (*hi)--;
}

static void push(mu_tokens *toks, const mu_token *t)
{
    void *items = toks->items;
    nn_grow(&items, &toks->cap, toks->n + 1, sizeof *toks->items);
    toks->items = items;
    toks->items[toks->n++] = *t;
}

/* A context name: "." or dot-separated non-empty parts. */
static bool valid_context_name(const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return true;
    if (name[0] == '.' || name[len - 1] == '.')
        return false;
    for (size_t i = 1; i < len; i++) {
        if (name[i] == '.' && name[i - 1] == '.')
            return false;
    }
    return true;
}

/* Check and store the name of tag t, found in src[lo, hi). */
static nn_status tag_name(const char *src, size_t len, const char *tname, mu_token *t, size_t lo,
                          size_t hi, nn_error *err)
{
    trim(src, &lo, &hi);
    if ((t->kind == MU_TOK_PARTIAL || t->kind == MU_TOK_PARENT || t->kind == MU_TOK_CLOSE) &&
        lo < hi && src[lo] == '*') {
        t->dynamic = true;
        lo++;
        trim(src, &lo, &hi);
    }
    if (lo == hi)
        return nn_mu_error(err, tname, src, len, t->start, "tag has no name");
    for (size_t i = lo; i < hi; i++) {
        if (is_space(src[i]))
            return nn_mu_error(err, tname, src, len, t->start,
                               "tag name '%.*s' contains whitespace", (int)(hi - lo), src + lo);
    }
    bool context = t->kind == MU_TOK_VAR || t->kind == MU_TOK_RAW || t->kind == MU_TOK_SECTION ||
                   t->kind == MU_TOK_INVERTED || t->dynamic;
    if (context && !valid_context_name(src + lo, hi - lo))
        return nn_mu_error(err, tname, src, len, t->start, "invalid name '%.*s'", (int)(hi - lo),
                           src + lo);
    t->name = lo;
    t->name_len = hi - lo;
    return NN_OK;
}

typedef struct delims {
    const char *open;
    size_t olen;
    const char *close;
    size_t clen;
} delims;

/* {{=open close=}} with its content in src[lo, hi): change d. */
static nn_status set_delims(const char *src, size_t len, const char *tname, size_t at, size_t lo,
                            size_t hi, delims *d, nn_error *err)
{
    trim(src, &lo, &hi);
    size_t a = lo;
    while (a < hi && !is_space(src[a]))
        a++;
    size_t b = a;
    while (b < hi && is_space(src[b]))
        b++;
    bool ok = a > lo && b < hi;
    for (size_t i = b; ok && i < hi; i++)
        ok = !is_space(src[i]);
    if (!ok)
        return nn_mu_error(err, tname, src, len, at,
                           "invalid delimiters '%.*s': expected two delimiters separated by spaces",
                           (int)(hi - lo), src + lo);
    d->open = src + lo;
    d->olen = a - lo;
    d->close = src + b;
    d->clen = hi - b;
    return NN_OK;
}

static mu_tok_kind sigil_kind(char c)
{
    switch (c) {
    case '{':
    case '&':
        return MU_TOK_RAW;
    case '#':
        return MU_TOK_SECTION;
    case '^':
        return MU_TOK_INVERTED;
    case '/':
        return MU_TOK_CLOSE;
    case '>':
        return MU_TOK_PARTIAL;
    case '<':
        return MU_TOK_PARENT;
    case '$':
        return MU_TOK_BLOCK;
    case '!':
        return MU_TOK_COMMENT;
    case '=':
        return MU_TOK_DELIM;
    default:
        return MU_TOK_VAR;
    }
}

nn_status nn_mu_lex(const char *src, size_t len, const char *tname, mu_tokens *toks, nn_error *err)
{
    delims d = {"{{", 2, "}}", 2};
    size_t pos = 0;
    while (pos < len) {
        size_t at = find(src, pos, len, d.open, d.olen);
        if (at == SIZE_MAX)
            at = len;
        if (at > pos)
            push(toks, &(mu_token){.kind = MU_TOK_TEXT, .start = pos, .end = at});
        if (at == len)
            break;

        size_t q = at + d.olen;
        char c = '\0'; /* the sigil */
        if (q < len)
            c = src[q];
        mu_token t = {.kind = sigil_kind(c), .start = at};
        size_t lo = t.kind == MU_TOK_VAR ? q : q + 1;
        size_t hi; /* content is src[lo, hi) */
        if (c == '{' || c == '=') {
            hi = find_after(src, q + 1, len, d.close, d.clen, c == '{' ? '}' : '=');
            t.end = hi == SIZE_MAX ? hi : hi + 1 + d.clen;
        } else {
            hi = lo <= len ? find(src, lo, len, d.close, d.clen) : SIZE_MAX;
            t.end = hi == SIZE_MAX ? hi : hi + d.clen;
        }
        if (hi == SIZE_MAX) {
            const char *want = c == '{' ? "}" : c == '=' ? "=" : "";
            return nn_mu_error(err, tname, src, len, at, "unclosed tag: no '%s%.*s' after '%.*s'",
                               want, (int)d.clen, d.close, (int)d.olen, d.open);
        }

        nn_status st = NN_OK;
        if (t.kind == MU_TOK_DELIM)
            st = set_delims(src, len, tname, at, lo, hi, &d, err);
        else if (t.kind != MU_TOK_COMMENT)
            st = tag_name(src, len, tname, &t, lo, hi, err);
        if (st != NN_OK)
            return st;
        push(toks, &t);
        pos = t.end;
    }
    return NN_OK;
}
