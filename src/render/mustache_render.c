/*
 * mustache_render.c - renders a compiled template against a jansson document:
 * the context stack and name lookup, value formatting and HTML escaping,
 * partials and parents (loaded through the caller's callback, compiled once
 * per render and cached by name), block arguments, and indentation.
 *
 * Indentation is written lazily: an MU_LINE node only notes the indentation
 * due, and it is written in front of the next output, unless that output
 * starts with a newline (so empty lines get no trailing whitespace) or the
 * output is not at the start of a line (a block expanded in mid-line).
 */
#include "render/mustache_int.h"

#include "base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sections, partials and blocks nested deeper than this while rendering fail. */
#define MU_MAX_DEPTH 1000

/* A parent being expanded: its block arguments override the blocks it contains. */
typedef struct mu_frame {
    const mu_node *parent;            /* the {{<name}} node; children are its arguments */
    const nn_mustache_template *tmpl; /* the template that node is in */
    const struct mu_frame *outer;     /* the frame the parent tag was rendered in */
} mu_frame;

/* One piece of the current indentation. */
typedef struct mu_seg {
    const char *s;
    size_t n;
} mu_seg;

/* Partials loaded during one render, by name; tmpl NULL: there is no such partial. */
typedef struct mu_slot {
    char *name;
    nn_mustache_template *tmpl;
} mu_slot;

typedef struct mu_cache {
    mu_slot *slots;
    size_t cap; /* 0 or a power of two */
    size_t used;
} mu_cache;

typedef struct mu_render {
    const nn_mustache_options *opts;
    nn_strbuf *out;
    nn_error *err;
    const nn_mustache_template *tmpl; /* the template whose nodes are being rendered */
    const json_t **ctx;               /* the context stack, top last */
    size_t nctx;
    size_t ctx_cap;
    mu_seg *ind; /* the indentation is ind[ind_base..nind) */
    size_t nind;
    size_t ind_cap;
    size_t ind_base;
    nn_strbuf pending; /* indentation not written yet */
    bool out_bol;      /* the output is at the start of a line */
    const mu_frame *frame;
    unsigned depth;
    mu_cache cache;
} mu_render;

/* --- the partial cache ------------------------------------------------- */

static size_t hash_name(const char *s)
{
    uint64_t h = 14695981039346656037U; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211U;
    }
    return (size_t)h;
}

/* The slot holding name, or the empty slot where it belongs (cap > 0). */
static mu_slot *cache_slot(const mu_cache *c, const char *name)
{
    size_t mask = c->cap - 1;
    size_t i = hash_name(name) & mask;
    while (c->slots[i].name && strcmp(c->slots[i].name, name) != 0)
        i = (i + 1) & mask;
    return &c->slots[i];
}

static const mu_slot *cache_get(const mu_cache *c, const char *name)
{
    if (c->cap == 0)
        return NULL;
    const mu_slot *slot = cache_slot(c, name);
    return slot->name ? slot : NULL;
}

static void cache_put(mu_cache *c, const char *name, nn_mustache_template *tmpl)
{
    if ((c->used + 1) * 2 > c->cap) {
        mu_cache bigger = {.cap = c->cap ? c->cap * 2 : 16, .used = c->used};
        bigger.slots = nn_xcalloc(bigger.cap, sizeof *bigger.slots);
        for (size_t i = 0; i < c->cap; i++) {
            if (c->slots[i].name)
                *cache_slot(&bigger, c->slots[i].name) = c->slots[i];
        }
        free(c->slots);
        *c = bigger;
    }
    mu_slot *slot = cache_slot(c, name);
    slot->name = nn_xstrdup(name);
    slot->tmpl = tmpl;
    c->used++;
}

static void cache_free(mu_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->slots[i].name);
        nn_mustache_free(c->slots[i].tmpl);
    }
    free(c->slots);
}

/* --- output ------------------------------------------------------------ */

static void emit(mu_render *rs, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (rs->pending.len) {
        if (!(s[0] == '\n' || (s[0] == '\r' && n > 1 && s[1] == '\n')))
            nn_strbuf_append(rs->out, rs->pending.buf, rs->pending.len);
        nn_strbuf_reset(&rs->pending);
    }
    nn_strbuf_append(rs->out, s, n);
    rs->out_bol = s[n - 1] == '\n';
}

static void emit_escaped(mu_render *rs, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        emit(rs, s + start, i - start);
        emit(rs, rep, strlen(rep));
        start = i + 1;
    }
    emit(rs, s + start, n - start);
}

/* A template line starts: the current indentation is due before its first output. */
static void line_marker(mu_render *rs)
{
    if (!rs->out_bol || rs->pending.len)
        return;
    for (size_t i = rs->ind_base; i < rs->nind; i++)
        nn_strbuf_append(&rs->pending, rs->ind[i].s, rs->ind[i].n);
}

static void indent_push(mu_render *rs, const char *s, size_t n)
{
    void *items = rs->ind;
    nn_grow(&items, &rs->ind_cap, rs->nind + 1, sizeof *rs->ind);
    rs->ind = items;
    rs->ind[rs->nind++] = (mu_seg){s, n};
}

/* --- values ------------------------------------------------------------ */

static void ctx_push(mu_render *rs, const json_t *v)
{
    void *items = rs->ctx;
    nn_grow(&items, &rs->ctx_cap, rs->nctx + 1, sizeof(const json_t *));
    rs->ctx = items;
    rs->ctx[rs->nctx++] = v;
}

/* Resolve a (dotted) name against the context stack; NULL when it is missing. */
static const json_t *lookup(const mu_render *rs, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return rs->nctx ? rs->ctx[rs->nctx - 1] : NULL;
    const char *dot = memchr(name, '.', len);
    size_t part = dot ? (size_t)(dot - name) : len;
    const json_t *v = NULL;
    for (size_t i = rs->nctx; i-- > 0 && !v;) {
        if (json_is_object(rs->ctx[i]))
            v = json_object_getn(rs->ctx[i], name, part);
    }
    /* The other parts resolve against the value found, never the stack. */
    while (v && part < len) {
        name += part + 1;
        len -= part + 1;
        dot = memchr(name, '.', len);
        part = dot ? (size_t)(dot - name) : len;
        v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
    }
    return v;
}

static bool truthy(const json_t *v)
{
    if (!v)
        return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return false;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    default:
        return true;
    }
}

/* The shortest of %.15g, %.16g, %.17g that reads back as d. */
static size_t format_real(double d, char *buf, size_t size)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        /* bounded by size; C11 Annex K's snprintf_s does not exist in glibc */
        /* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling) */
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}

static nn_status write_value(mu_render *rs, const mu_node *node, const json_t *v)
{
    char buf[64];
    const char *s = buf;
    size_t n = 0;
    if (!v)
        return NN_OK;
    switch (json_typeof(v)) {
    case JSON_STRING:
        s = json_string_value(v);
        n = json_string_length(v);
        break;
    case JSON_INTEGER: {
        /* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling) */
        int len = snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        n = len > 0 ? (size_t)len : 0;
        break;
    }
    case JSON_REAL:
        n = format_real(json_real_value(v), buf, sizeof buf);
        break;
    case JSON_TRUE:
        s = "true";
        n = 4;
        break;
    case JSON_FALSE:
        s = "false";
        n = 5;
        break;
    case JSON_NULL:
        return NN_OK;
    case JSON_OBJECT:
    case JSON_ARRAY: {
        const char *what = json_is_object(v) ? "an object" : "an array";
        const nn_mustache_template *t = rs->tmpl;
        return nn_mu_error(rs->err, t->name, t->src, t->len, node->pos,
                           "'%.*s' is %s, which cannot be written out", (int)node->len,
                           t->src + node->off, what);
    }
    }
    if (node->kind == MU_VAR && rs->opts->escape_html)
        emit_escaped(rs, s, n);
    else
        emit(rs, s, n);
    return NN_OK;
}

/* --- nodes ------------------------------------------------------------- */

static nn_status render_list(mu_render *rs, const mu_list *l);

static nn_status enter(mu_render *rs, const mu_node *node)
{
    if (rs->depth >= MU_MAX_DEPTH) {
        const nn_mustache_template *t = rs->tmpl;
        return nn_mu_error(rs->err, t->name, t->src, t->len, node->pos,
                           "templates nested more than %d deep (does a partial include itself?)",
                           MU_MAX_DEPTH);
    }
    rs->depth++;
    return NN_OK;
}

static nn_status render_section(mu_render *rs, const mu_node *node)
{
    const json_t *v = lookup(rs, rs->tmpl->src + node->off, node->len);
    if (!truthy(v))
        return NN_OK;
    nn_status st = enter(rs, node);
    if (st != NN_OK)
        return st;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && st == NN_OK; i++) {
            ctx_push(rs, json_array_get(v, i));
            st = render_list(rs, &node->children);
            rs->nctx--;
        }
    } else {
        ctx_push(rs, v);
        st = render_list(rs, &node->children);
        rs->nctx--;
    }
    rs->depth--;
    return st;
}

/* The compiled partial called name, or NULL when there is none. */
static nn_status load_partial(mu_render *rs, const mu_node *node, const char *name,
                              const nn_mustache_template **out)
{
    const mu_slot *slot = cache_get(&rs->cache, name);
    if (slot) {
        *out = slot->tmpl;
        return NN_OK;
    }
    nn_mustache_template *tmpl = NULL;
    if (rs->opts->partial) {
        char *text = NULL;
        size_t len = 0;
        nn_status st = rs->opts->partial(rs->opts->partial_ctx, name, &text, &len);
        if (st != NN_OK) {
            free(text);
            size_t line, column;
            nn_mu_position(rs->tmpl->src, rs->tmpl->len, node->pos, &line, &column);
            return nn_error_set(rs->err, st, "%s:%zu:%zu: cannot load partial '%s'", rs->tmpl->name,
                                line, column, name);
        }
        if (text) {
            st = nn_mustache_compile(text, len, name, &tmpl, rs->err);
            free(text);
            if (st != NN_OK)
                return nn_mu_error(rs->err, rs->tmpl->name, rs->tmpl->src, rs->tmpl->len, node->pos,
                                   "in partial '%s', included here", name);
        }
    }
    cache_put(&rs->cache, name, tmpl);
    *out = tmpl;
    return NN_OK;
}

/* {{>name}} and {{<name}}...{{/name}}. */
static nn_status render_partial(mu_render *rs, const mu_node *node)
{
    const nn_mustache_template *here = rs->tmpl;
    const char *name = node->name;
    if (node->dynamic) {
        const json_t *v = lookup(rs, here->src + node->off, node->len);
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
            return NN_OK;
        name = json_string_value(v);
    }
    const nn_mustache_template *tmpl = NULL;
    nn_status st = load_partial(rs, node, name, &tmpl);
    if (st != NN_OK || !tmpl)
        return st;
    st = enter(rs, node);
    if (st != NN_OK)
        return st;

    size_t saved_nind = rs->nind;
    size_t saved_base = rs->ind_base;
    const mu_frame *saved_frame = rs->frame;
    if (node->indented)
        indent_push(rs, here->src + node->ind_off, node->ind_len);
    else
        rs->ind_base = rs->nind; /* inline: the partial's lines are not indented */
    mu_frame frame = {.parent = node, .tmpl = here, .outer = rs->frame};
    if (node->kind == MU_PARENT)
        rs->frame = &frame;
    rs->tmpl = tmpl;

    st = render_list(rs, &tmpl->root);

    rs->tmpl = here;
    rs->frame = saved_frame;
    rs->nind = saved_nind;
    rs->ind_base = saved_base;
    rs->depth--;
    return st;
}

/* {{$name}}...{{/name}}: the outermost parent's argument of that name, or the default. */
static nn_status render_block(mu_render *rs, const mu_node *node)
{
    const nn_mustache_template *here = rs->tmpl;
    const mu_node *body = node;
    const mu_frame *owner = NULL;
    for (const mu_frame *f = rs->frame; f; f = f->outer) {
        const mu_list *args = &f->parent->children;
        for (size_t i = 0; i < args->n; i++) {
            const mu_node *arg = &args->items[i];
            if (arg->len == node->len &&
                memcmp(f->tmpl->src + arg->off, here->src + node->off, node->len) == 0) {
                body = arg;
                owner = f;
                break;
            }
        }
    }
    if (body->children.n == 0)
        return NN_OK;
    nn_status st = enter(rs, node);
    if (st != NN_OK)
        return st;

    size_t saved_nind = rs->nind;
    const mu_frame *saved_frame = rs->frame;
    if (node->indented)
        indent_push(rs, here->src + node->ind_off, node->ind_len);
    if (owner) {
        /* An argument renders as part of the template that passed it. */
        rs->tmpl = owner->tmpl;
        rs->frame = owner->outer;
    }
    if (node->indented && !body->body_bol)
        line_marker(rs);

    st = render_list(rs, &body->children);

    rs->tmpl = here;
    rs->frame = saved_frame;
    rs->nind = saved_nind;
    rs->depth--;
    return st;
}

static nn_status render_list(mu_render *rs, const mu_list *l)
{
    nn_status st = NN_OK;
    for (size_t i = 0; i < l->n && st == NN_OK; i++) {
        const mu_node *node = &l->items[i];
        const char *src = rs->tmpl->src;
        switch (node->kind) {
        case MU_TEXT:
            emit(rs, src + node->off, node->len);
            break;
        case MU_LINE:
            line_marker(rs);
            break;
        case MU_VAR:
        case MU_RAW:
            st = write_value(rs, node, lookup(rs, src + node->off, node->len));
            break;
        case MU_SECTION:
            st = render_section(rs, node);
            break;
        case MU_INVERTED:
            if (!truthy(lookup(rs, src + node->off, node->len))) {
                st = enter(rs, node);
                if (st == NN_OK) {
                    st = render_list(rs, &node->children);
                    rs->depth--;
                }
            }
            break;
        case MU_PARTIAL:
        case MU_PARENT:
            st = render_partial(rs, node);
            break;
        case MU_BLOCK:
            st = render_block(rs, node);
            break;
        }
    }
    return st;
}

/* --- the API ----------------------------------------------------------- */

nn_status nn_mustache_render_compiled(const nn_mustache_template *tmpl, const json_t *data,
                                      const nn_mustache_options *opts, nn_strbuf *out,
                                      nn_error *err)
{
    static const nn_mustache_options defaults = {0};
    mu_render rs = {
        .opts = opts ? opts : &defaults,
        .out = out,
        .err = err,
        .tmpl = tmpl,
        .out_bol = true,
    };
    nn_strbuf_init(&rs.pending);
    if (data)
        ctx_push(&rs, data);
    size_t start = out->len;

    nn_status st = render_list(&rs, &tmpl->root);

    if (st != NN_OK && out->cap) { /* leave out as it was */
        out->len = start;
        out->buf[start] = '\0';
    }
    nn_strbuf_free(&rs.pending);
    free(rs.ctx);
    free(rs.ind);
    cache_free(&rs.cache);
    return st;
}

nn_status nn_mustache_render(const char *tmpl, size_t len, const json_t *data,
                             const nn_mustache_options *opts, nn_strbuf *out, nn_error *err)
{
    nn_mustache_template *t = NULL;
    nn_status st = nn_mustache_compile(tmpl, len, opts ? opts->template_name : NULL, &t, err);
    if (st != NN_OK)
        return st;
    st = nn_mustache_render_compiled(t, data, opts, out, err);
    nn_mustache_free(t);
    return st;
}
