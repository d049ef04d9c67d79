/*
 * mustache_parse.c - nn_mustache_compile: turns the tokens of a template into
 * the node tree the renderer walks.
 *
 * Three passes over the tokens: match every section-like tag with its closing
 * tag; decide which tags are standalone (alone on their line, so the line
 * disappears) and trim the text around them; build the tree, placing an
 * MU_LINE node wherever a template line starts.
 *
 * Standalone rules. Comments, Set Delimiter, section, inverted and partial
 * tags, and closing tags of sections and blocks, are standalone when only
 * whitespace shares their line. The ~inheritance spec adds:
 *  - a parent tag pair {{<p}}...{{/p}} is standalone when the opening tag
 *    starts its line and the closing tag ends its line (the text in between
 *    is ignored anyway);
 *  - a block argument {{$b}} inside a parent is standalone when it ends its
 *    line; its closing tag drops the whitespace in front of it;
 *  - a block {{$b}}{{/b}} with nothing in between, alone on its line, keeps
 *    the line's newline but uses the whitespace in front as indentation.
 * Indentation: a standalone partial or parent indents what it expands by the
 * whitespace in front of it. The content of a block whose opening tag is
 * standalone loses its own indentation (the longest whitespace prefix shared
 * by its lines) and is indented, where a block is expanded, by the indentation
 * of the block's default content there (or the tag's, when that is empty).
 */
#include "render/mustache_int.h"

#include "base/xalloc.h"
#include "render/mustache_lex.h"

#include <stdlib.h>
#include <string.h>

/* Sections nested deeper than this are refused (the parser recurses). */
#define MU_MAX_NESTING 256

/* What the passes learn about each token. */
typedef struct mu_info {
    size_t match;    /* opening tag: its closing tag; closing tag: its opening tag */
    size_t lo;       /* text: what is left after trimming, [lo, hi) */
    size_t hi;       /*   ... */
    bool in_parent;  /* opening tag: directly inside a parent's arguments */
    bool standalone; /* tag: see the standalone rules above */
    bool pair;       /* block: {{$b}}{{/b}} alone on its line */
} mu_info;

typedef struct parser {
    const char *src;
    size_t len;
    const char *tname;
    const mu_token *toks;
    mu_info *info;
    size_t n;
    nn_error *err;
    /* tree building */
    bool at_bol;      /* the next token starts a template line */
    size_t strip_off; /* whitespace removed from the start of every line (source range) */
    size_t strip_len;
} parser;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_opener(mu_tok_kind k)
{
    return k == MU_TOK_SECTION || k == MU_TOK_INVERTED || k == MU_TOK_PARENT || k == MU_TOK_BLOCK;
}

static char sigil(mu_tok_kind k)
{
    switch (k) {
    case MU_TOK_SECTION:
        return '#';
    case MU_TOK_INVERTED:
        return '^';
    case MU_TOK_PARENT:
        return '<';
    default:
        return '$';
    }
}

/* Tags a and b have the same name, counting a '*' in front as part of it. */
static bool same_name(const parser *p, const mu_token *a, const mu_token *b)
{
    if (a->dynamic != b->dynamic) {
        if (a->dynamic) {
            const mu_token *t = a;
            a = b;
            b = t;
        }
        /* b is dynamic: a must be spelled "*" + b's name. */
        return a->name_len == b->name_len + 1 && p->src[a->name] == '*' &&
               memcmp(p->src + a->name + 1, p->src + b->name, b->name_len) == 0;
    }
    return a->name_len == b->name_len &&
           memcmp(p->src + a->name, p->src + b->name, a->name_len) == 0;
}

/* Pass 1: match opening and closing tags. */
static nn_status match_tags(parser *p)
{
    size_t *stack = NULL;
    size_t depth = 0;
    size_t cap = 0;
    nn_status st = NN_OK;
    for (size_t i = 0; i < p->n && st == NN_OK; i++) {
        const mu_token *t = &p->toks[i];
        p->info[i].lo = t->start;
        p->info[i].hi = t->end;
        if (is_opener(t->kind)) {
            if (depth == MU_MAX_NESTING) {
                st = nn_mu_error(p->err, p->tname, p->src, p->len, t->start,
                                 "sections nested more than %d deep", MU_MAX_NESTING);
                break;
            }
            p->info[i].in_parent = depth > 0 && p->toks[stack[depth - 1]].kind == MU_TOK_PARENT;
            void *items = stack;
            nn_grow(&items, &cap, depth + 1, sizeof *stack);
            stack = items;
            stack[depth++] = i;
        } else if (t->kind == MU_TOK_CLOSE) {
            if (depth == 0) {
                st = nn_mu_error(p->err, p->tname, p->src, p->len, t->start,
                                 "closing tag '/%s%.*s' has no opening tag", t->dynamic ? "*" : "",
                                 (int)t->name_len, p->src + t->name);
                break;
            }
            size_t o = stack[--depth];
            const mu_token *open = &p->toks[o];
            if (!same_name(p, open, t)) {
                size_t line, column;
                nn_mu_position(p->src, p->len, open->start, &line, &column);
                st =
                    nn_mu_error(p->err, p->tname, p->src, p->len, t->start,
                                "closing tag '/%s%.*s' does not match '%c%s%.*s' opened at %zu:%zu",
                                t->dynamic ? "*" : "", (int)t->name_len, p->src + t->name,
                                sigil(open->kind), open->dynamic ? "*" : "", (int)open->name_len,
                                p->src + open->name, line, column);
                break;
            }
            p->info[o].match = i;
            p->info[i].match = o;
        }
    }
    if (st == NN_OK && depth > 0) {
        const mu_token *open = &p->toks[stack[depth - 1]];
        st = nn_mu_error(p->err, p->tname, p->src, p->len, open->start,
                         "'%c%s%.*s' is never closed", sigil(open->kind), open->dynamic ? "*" : "",
                         (int)open->name_len, p->src + open->name);
    }
    free(stack);
    return st;
}

/* Only blanks between the start of its line and tag i. */
static bool left_clear(const parser *p, size_t i)
{
    if (i == 0)
        return true;
    const mu_token *t = &p->toks[i - 1];
    if (t->kind != MU_TOK_TEXT)
        return false;
    for (size_t k = t->end; k > t->start; k--) {
        if (p->src[k - 1] == '\n')
            return true;
        if (!is_blank(p->src[k - 1]))
            return false;
    }
    return i == 1;
}

/* Only blanks between tag i and the end of its line. */
static bool right_clear(const parser *p, size_t i)
{
    if (i + 1 == p->n)
        return true;
    const mu_token *t = &p->toks[i + 1];
    if (t->kind != MU_TOK_TEXT)
        return false;
    for (size_t k = t->start; k < t->end; k++) {
        char c = p->src[k];
        if (c == '\n' || (c == '\r' && k + 1 < t->end && p->src[k + 1] == '\n'))
            return true;
        if (!is_blank(c))
            return false;
    }
    return i + 2 == p->n;
}

/* Drop the rest of the line (and its newline) from the text after tag i. */
static void trim_after(parser *p, size_t i)
{
    if (i + 1 >= p->n || p->toks[i + 1].kind != MU_TOK_TEXT)
        return;
    const mu_token *t = &p->toks[i + 1];
    size_t k = t->start;
    while (k < t->end && is_blank(p->src[k]))
        k++;
    if (k < t->end && p->src[k] == '\r')
        k++;
    if (k < t->end && p->src[k] == '\n')
        k++;
    if (k > p->info[i + 1].lo)
        p->info[i + 1].lo = k;
}

/* Drop the start of the line (the whitespace in front of tag i) from the text before it. */
static void trim_before(parser *p, size_t i)
{
    if (i == 0 || p->toks[i - 1].kind != MU_TOK_TEXT)
        return;
    const mu_token *t = &p->toks[i - 1];
    size_t k = t->end;
    while (k > t->start && p->src[k - 1] != '\n')
        k--;
    if (k < p->info[i - 1].hi)
        p->info[i - 1].hi = k;
}

/* Pass 2: decide which tags are standalone, and trim the text around them. */
static void find_standalone(parser *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const mu_token *t = &p->toks[i];
        mu_info *in = &p->info[i];
        switch (t->kind) {
        case MU_TOK_TEXT:
        case MU_TOK_VAR:
        case MU_TOK_RAW:
            break;
        case MU_TOK_PARENT:
            in->standalone = left_clear(p, i) && right_clear(p, in->match);
            if (in->standalone) {
                p->info[in->match].standalone = true;
                trim_before(p, i);
                trim_after(p, in->match);
            }
            break;
        case MU_TOK_BLOCK:
            if (in->in_parent) {
                in->standalone = right_clear(p, i);
                if (in->standalone)
                    trim_after(p, i);
            } else if (left_clear(p, i) && right_clear(p, i)) {
                in->standalone = true;
                trim_before(p, i);
                trim_after(p, i);
            } else if (in->match == i + 1 && left_clear(p, i) && right_clear(p, i + 1)) {
                in->pair = true;
                trim_before(p, i);
            }
            break;
        case MU_TOK_CLOSE: {
            const mu_token *open = &p->toks[in->match];
            if (open->kind == MU_TOK_PARENT)
                break; /* decided with its opening tag */
            if (open->kind == MU_TOK_BLOCK && p->info[in->match].in_parent) {
                /* The text after it is the parent's, and ignored. */
                if (left_clear(p, i))
                    trim_before(p, i);
                break;
            }
            if (left_clear(p, i) && right_clear(p, i)) {
                in->standalone = true;
                trim_before(p, i);
                trim_after(p, i);
            }
            break;
        }
        default: /* comment, delimiters, section, inverted, partial */
            if (left_clear(p, i) && right_clear(p, i)) {
                in->standalone = true;
                trim_before(p, i);
                trim_after(p, i);
            }
            break;
        }
    }
}

/* Pass 3: build the tree. */

/* A tag that is not standalone starts the line it is at the start of. */
static void tag_on_line(parser *p, mu_list *out)
{
    if (p->at_bol)
        nn_mu_list_push(out)->kind = MU_LINE;
    p->at_bol = false;
}

static void add_text(parser *p, size_t lo, size_t hi, mu_list *out)
{
    const char *src = p->src;
    size_t at = lo;
    while (at < hi) {
        if (p->at_bol) {
            for (size_t k = 0; k < p->strip_len && at < hi && src[at] == src[p->strip_off + k]; k++)
                at++;
            if (at == hi)
                break;
            /* Empty lines get no indentation. */
            if (!(src[at] == '\n' || (src[at] == '\r' && at + 1 < hi && src[at + 1] == '\n')))
                nn_mu_list_push(out)->kind = MU_LINE;
            p->at_bol = false;
        }
        const char *nl = memchr(src + at, '\n', hi - at);
        size_t end = nl ? (size_t)(nl - src) + 1 : hi;
        mu_node *node = nn_mu_list_push(out);
        node->kind = MU_TEXT;
        node->off = at;
        node->len = end - at;
        at = end;
        if (nl)
            p->at_bol = true;
    }
}

/* The whitespace in front of tag i (which is left-clear), less the strip. */
static void tag_indent(const parser *p, size_t i, mu_node *node)
{
    size_t start = p->toks[i].start;
    size_t ls = start;
    while (ls > 0 && p->src[ls - 1] != '\n')
        ls--;
    for (size_t k = 0; k < p->strip_len && ls < start && p->src[ls] == p->src[p->strip_off + k];
         k++)
        ls++;
    node->ind_off = ls;
    node->ind_len = start - ls;
}

/*
 * The indentation of the content of standalone block i: the longest blank
 * prefix its non-blank lines share. Returns false when it has no such line.
 */
static bool content_indent(const parser *p, size_t i, size_t *off, size_t *len)
{
    const char *src = p->src;
    size_t at = p->toks[i + 1].kind == MU_TOK_TEXT ? p->info[i + 1].lo : p->toks[i].end;
    size_t end = p->toks[p->info[i].match].start;
    bool found = false;
    while (at < end) {
        const char *nl = memchr(src + at, '\n', end - at);
        size_t eol = nl ? (size_t)(nl - src) : end;
        size_t ws = at;
        while (ws < eol && is_blank(src[ws]))
            ws++;
        bool blank = ws == eol || (src[ws] == '\r' && ws + 1 == eol);
        if (!blank && !found) {
            *off = at;
            *len = ws - at;
            found = true;
        } else if (!blank) {
            size_t k = 0;
            while (k < *len && k < ws - at && src[*off + k] == src[at + k])
                k++;
            *len = k;
        }
        at = eol + 1;
    }
    return found;
}

static void build_list(parser *p, size_t from, size_t to, mu_list *out);

static void set_name(const parser *p, const mu_token *t, mu_node *node)
{
    node->pos = t->start;
    node->off = t->name;
    node->len = t->name_len;
    node->dynamic = t->dynamic;
    if ((t->kind == MU_TOK_PARTIAL || t->kind == MU_TOK_PARENT) && !t->dynamic)
        node->name = nn_xstrndup(p->src + t->name, t->name_len);
}

/* Block i: an argument of a parent (is_arg) or a block to expand here. */
static void build_block(parser *p, size_t i, bool is_arg, mu_list *out)
{
    const mu_info *in = &p->info[i];
    mu_node node = {.kind = MU_BLOCK};
    set_name(p, &p->toks[i], &node);
    size_t saved_off = p->strip_off;
    size_t saved_len = p->strip_len;
    size_t off = 0;
    size_t len = 0;

    if (in->standalone) {
        if (!is_arg)
            tag_indent(p, i, &node);
        if (content_indent(p, i, &off, &len)) {
            if (!is_arg) {
                size_t rel = len >= p->strip_len ? p->strip_len : len;
                node.ind_off = off + rel;
                node.ind_len = len - rel;
            }
            p->strip_off = off;
            p->strip_len = len;
        }
        node.indented = !is_arg;
        p->at_bol = true;
    } else if (in->pair) {
        tag_indent(p, i, &node);
        node.indented = true;
        p->at_bol = false;
    } else {
        if (!is_arg)
            tag_on_line(p, out);
        p->at_bol = false;
    }
    node.body_bol = p->at_bol;

    build_list(p, i + 1, in->match, &node.children);
    if (!is_arg) {
        if (!p->info[in->match].standalone)
            tag_on_line(p, &node.children);
        p->at_bol = p->info[in->match].standalone;
    }
    p->strip_off = saved_off;
    p->strip_len = saved_len;
    *nn_mu_list_push(out) = node;
}

/* The arguments of a parent: its blocks. Everything else in it is ignored. */
static void build_args(parser *p, size_t from, size_t to, mu_list *out)
{
    for (size_t i = from; i < to; i++) {
        if (p->toks[i].kind == MU_TOK_BLOCK)
            build_block(p, i, true, out);
        if (is_opener(p->toks[i].kind))
            i = p->info[i].match;
    }
}

static void build_list(parser *p, size_t from, size_t to, mu_list *out)
{
    for (size_t i = from; i < to; i++) {
        const mu_token *t = &p->toks[i];
        const mu_info *in = &p->info[i];
        mu_node node = {0};
        switch (t->kind) {
        case MU_TOK_TEXT:
            add_text(p, in->lo, in->hi, out);
            break;
        case MU_TOK_VAR:
        case MU_TOK_RAW:
            tag_on_line(p, out);
            node.kind = t->kind == MU_TOK_VAR ? MU_VAR : MU_RAW;
            set_name(p, t, &node);
            *nn_mu_list_push(out) = node;
            break;
        case MU_TOK_COMMENT:
        case MU_TOK_DELIM:
        case MU_TOK_CLOSE: /* closing tags are consumed with their opening tag */
            if (in->standalone)
                p->at_bol = true;
            else
                tag_on_line(p, out);
            break;
        case MU_TOK_SECTION:
        case MU_TOK_INVERTED:
            if (!in->standalone)
                tag_on_line(p, out);
            p->at_bol = in->standalone;
            node.kind = t->kind == MU_TOK_SECTION ? MU_SECTION : MU_INVERTED;
            set_name(p, t, &node);
            build_list(p, i + 1, in->match, &node.children);
            if (!p->info[in->match].standalone)
                tag_on_line(p, &node.children);
            p->at_bol = p->info[in->match].standalone;
            *nn_mu_list_push(out) = node;
            i = in->match;
            break;
        case MU_TOK_PARTIAL:
        case MU_TOK_PARENT:
            node.kind = t->kind == MU_TOK_PARTIAL ? MU_PARTIAL : MU_PARENT;
            set_name(p, t, &node);
            if (in->standalone) {
                node.indented = true;
                tag_indent(p, i, &node);
            } else {
                tag_on_line(p, out);
            }
            if (t->kind == MU_TOK_PARENT) {
                build_args(p, i + 1, in->match, &node.children);
                i = in->match;
            }
            p->at_bol = in->standalone;
            *nn_mu_list_push(out) = node;
            break;
        case MU_TOK_BLOCK:
            build_block(p, i, false, out);
            i = in->match;
            break;
        }
    }
}

nn_status nn_mustache_compile(const char *tmpl, size_t len, const char *name,
                              nn_mustache_template **out, nn_error *err)
{
    *out = NULL;
    nn_mustache_template *t = nn_xcalloc(1, sizeof *t);
    t->src = nn_xstrndup(len ? tmpl : "", len);
    t->len = len;
    t->name = nn_xstrdup(name ? name : "template");

    mu_tokens toks = {0};
    nn_status st = nn_mu_lex(t->src, t->len, t->name, &toks, err);
    parser p = {
        .src = t->src,
        .len = t->len,
        .tname = t->name,
        .toks = toks.items,
        .info = nn_xcalloc(toks.n, sizeof(mu_info)),
        .n = toks.n,
        .err = err,
        .at_bol = true,
    };
    if (st == NN_OK)
        st = match_tags(&p);
    if (st == NN_OK) {
        find_standalone(&p);
        build_list(&p, 0, p.n, &t->root);
    }
    free(p.info);
    free(toks.items);
    if (st != NN_OK) {
        nn_mustache_free(t);
        return st;
    }
    *out = t;
    return NN_OK;
}
