/*
 * mustache.h - the template engine: Mustache, as the official specification
 * defines it (comments, delimiters, interpolation, inverted, partials,
 * sections, plus the optional ~inheritance and ~dynamic-names modules; no
 * lambdas). Templates are rendered against a jansson document.
 *
 * Compile a template once with nn_mustache_compile() and render it as often as
 * needed with nn_mustache_render_compiled(); a compiled template is immutable,
 * so it can be shared. nn_mustache_render() does both for a one-off render.
 *
 * Values: strings are written as they are, integers in decimal, reals in the
 * shortest form that reads back to the same double (1.21 -> "1.21"), true and
 * false as "true" and "false", null and missing names as nothing. Objects and
 * arrays cannot be interpolated (an input error). A section is skipped for
 * false, null, a missing name, an empty array and an empty string; it repeats
 * for each element of an array and runs once, with the value pushed onto the
 * context stack, for anything else.
 *
 * Errors (NN_ERR_INPUT) are reported as "TEMPLATE:LINE:COLUMN: message", the
 * column counting characters from 1.
 */
#ifndef NN_MUSTACHE_H
#define NN_MUSTACHE_H

#include "base/error.h"
#include "base/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Looks up the partial (or parent) called name. On success sets *text to a
 * heap buffer of *len bytes that the engine frees, or to NULL when there is
 * no such partial: the specification renders a missing partial as nothing.
 * Any other status stops the render.
 */
typedef nn_status (*nn_mustache_partial_fn)(void *ctx, const char *name, char **text, size_t *len);

typedef struct nn_mustache_options {
    bool escape_html;               /* escape & < > " ' in {{name}} (not in {{{name}}}) */
    nn_mustache_partial_fn partial; /* NULL: every partial is missing */
    void *partial_ctx;              /* passed to partial */
    const char *template_name;      /* for error messages; NULL means "template" */
} nn_mustache_options;

/* A parsed template; see nn_mustache_compile. */
typedef struct nn_mustache_template nn_mustache_template;

/*
 * Parse len bytes of tmpl (which need not be NUL-terminated) into *out.
 * name (NULL means "template") prefixes error messages, here and when the
 * template is rendered. The template keeps its own copy of the text.
 */
nn_status nn_mustache_compile(const char *tmpl, size_t len, const char *name,
                              nn_mustache_template **out, nn_error *err);

/*
 * Render a compiled template against data, appending to out. opts may be
 * NULL (no escaping, no partials); opts->template_name is not used, the name
 * given to nn_mustache_compile is. Partials are loaded and compiled once per
 * call. On failure out is left as it was before the call.
 */
nn_status nn_mustache_render_compiled(const nn_mustache_template *tmpl, const json_t *data,
                                      const nn_mustache_options *opts, nn_strbuf *out,
                                      nn_error *err);

/* Free a compiled template; NULL is ignored. */
void nn_mustache_free(nn_mustache_template *tmpl);

/* Compile, render and free: a one-off render of len bytes of tmpl. */
nn_status nn_mustache_render(const char *tmpl, size_t len, const json_t *data,
                             const nn_mustache_options *opts, nn_strbuf *out, nn_error *err);

#endif
