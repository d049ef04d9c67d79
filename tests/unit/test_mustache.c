/*
 * test_mustache.c - template engine cases beyond the official specification:
 * error messages and their line:column, raw output with escaping off, value
 * formatting, indentation details, partial loading failures, and a large
 * render that must stay fast.
 */
#include "base/error.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "render/mustache.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Partials from a JSON object (ctx); the name "fail" makes the callback fail. */
static nn_status obj_partial(void *ctx, const char *name, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    if (strcmp(name, "fail") == 0)
        return NN_ERR_IO;
    const json_t *p = json_object_get((const json_t *)ctx, name);
    if (json_is_string(p)) {
        *len = json_string_length(p);
        *text = nn_xstrndup(json_string_value(p), *len);
    }
    return NN_OK;
}

/*
 * Render tmpl with data (JSON text) and partials (JSON text or NULL); check
 * the output equals want, or, when want_err is set, that rendering fails with
 * exactly that error text.
 */
static void expect(int line, const char *tmpl, const char *data, const char *partials, bool escape,
                   const char *want, const char *want_err)
{
    json_error_t jerr;
    json_t *d = json_loads(data, JSON_DECODE_ANY, &jerr);
    json_t *p = partials ? json_loads(partials, 0, &jerr) : json_object();
    if (!d || !p) {
        printf("%s:%d: bad test JSON: %s\n", __FILE__, line, jerr.text);
        failures++;
        json_decref(d);
        json_decref(p);
        return;
    }
    nn_mustache_options opts = {
        .escape_html = escape,
        .partial = obj_partial,
        .partial_ctx = p,
        .template_name = "t.mustache",
    };
    nn_strbuf out;
    nn_error err;
    nn_strbuf_init(&out);
    nn_error_init(&err);
    nn_strbuf_puts(&out, "kept:");
    nn_status st = nn_mustache_render(tmpl, strlen(tmpl), d, &opts, &out, &err);
    if (want_err) {
        if (st == NN_OK || strcmp(err.text.buf, want_err) != 0 || strcmp(out.buf, "kept:") != 0) {
            printf("%s:%d: template %s\n  want error: %s  got (%d): %s  output: [%s]\n", __FILE__,
                   line, tmpl, want_err, (int)st, err.text.buf, out.buf);
            failures++;
        }
    } else if (st != NN_OK || strcmp(out.buf + 5, want) != 0) {
        printf("%s:%d: template %s\n  want: [%s]\n  got:  [%s] %s\n", __FILE__, line, tmpl, want,
               out.buf + 5, err.text.buf);
        failures++;
    }
    nn_strbuf_free(&out);
    nn_error_free(&err);
    json_decref(d);
    json_decref(p);
}

#define OK(tmpl, data, partials, want) expect(__LINE__, tmpl, data, partials, false, want, NULL)
#define OK_ESC(tmpl, data, want)       expect(__LINE__, tmpl, data, NULL, true, want, NULL)
#define ERR(tmpl, data, partials, msg) expect(__LINE__, tmpl, data, partials, false, NULL, msg)

static void test_errors(void)
{
    ERR("line one\n  {{name", "{}", NULL, "t.mustache:2:3: unclosed tag: no '}}' after '{{'\n");
    ERR("{{{name}}", "{}", NULL, "t.mustache:1:1: unclosed tag: no '}}}' after '{{'\n");
    ERR("a\n{{=<% %>=}}\n<%x", "{}", NULL, "t.mustache:3:1: unclosed tag: no '%>' after '<%'\n");
    ERR("a\n{{#items}}\nx\n", "{}", NULL, "t.mustache:2:1: '#items' is never closed\n");
    ERR("{{#a}}\n {{^b}}{{/b}}\n {{/c}}", "{}", NULL,
        "t.mustache:3:2: closing tag '/c' does not match '#a' opened at 1:1\n");
    ERR("x {{/a}}", "{}", NULL, "t.mustache:1:3: closing tag '/a' has no opening tag\n");
    ERR("{{<p}}{{$b}}{{/p}}", "{}", NULL,
        "t.mustache:1:13: closing tag '/p' does not match '$b' opened at 1:7\n");
    ERR("{{=<%=}}", "{}", NULL,
        "t.mustache:1:1: invalid delimiters '<%': expected two delimiters separated by spaces\n");
    ERR("{{= a b c =}}", "{}", NULL,
        "t.mustache:1:1: invalid delimiters 'a b c': expected two delimiters separated by "
        "spaces\n");
    ERR("ab{{ }}", "{}", NULL, "t.mustache:1:3: tag has no name\n");
    ERR("{{#a b}}{{/a b}}", "{}", NULL, "t.mustache:1:1: tag name 'a b' contains whitespace\n");
    ERR("{{a..b}}", "{}", NULL, "t.mustache:1:1: invalid name 'a..b'\n");
    /* Columns count characters, not bytes. */
    ERR("h\xc3\xa9llo {{#x}}", "{}", NULL, "t.mustache:1:7: '#x' is never closed\n");
    /* Objects and arrays cannot be written out. */
    ERR("a\n  {{obj}}", "{\"obj\": {}}", NULL,
        "t.mustache:2:3: 'obj' is an object, which cannot be written out\n");
    ERR("{{#l}}{{.}}{{/l}}", "{\"l\": [[1]]}", NULL,
        "t.mustache:1:7: '.' is an array, which cannot be written out\n");
    /* An error in a partial names the partial, then where it was included. */
    ERR("x\n {{>p}}", "{}", "{\"p\": \"ok\\n{{#s}}\"}",
        "p:2:1: '#s' is never closed\nt.mustache:2:2: in partial 'p', included here\n");
    ERR("{{>fail}}", "{}", NULL, "t.mustache:1:1: cannot load partial 'fail'\n");
    /* Unbounded recursion is an error, not a crash. */
    ERR("{{>loop}}", "{}", "{\"loop\": \"{{>loop}}\"}",
        "loop:1:1: templates nested more than 1000 deep (does a partial include itself?)\n");
}

static void test_values(void)
{
    const char *data =
        "{\"s\": \"<a href=\\\"x\\\">&'</a>\", \"i\": -42, \"big\": 9007199254740993,"
        " \"r\": 1.21, \"third\": 0.3333333333333333, \"tenth\": 0.1,"
        " \"whole\": 3.0, \"huge\": 1e300, \"t\": true, \"f\": false, \"n\": null}";
    /* Escaping off (what nomnom uses): values are written raw. */
    OK("{{s}}|{{{s}}}|{{&s}}", data, NULL,
       "<a href=\"x\">&'</a>|<a href=\"x\">&'</a>|<a href=\"x\">&'</a>");
    OK_ESC("{{s}}|{{{s}}}", data,
           "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;|<a href=\"x\">&'</a>");
    OK("{{i}} {{big}} {{r}} {{third}} {{tenth}} {{whole}} {{huge}}", data, NULL,
       "-42 9007199254740993 1.21 0.3333333333333333 0.1 3 1e+300");
    OK("[{{t}}][{{f}}][{{n}}][{{missing}}]", data, NULL, "[true][false][][]");
    /* A '*' in front of a section's name is part of the name. */
    OK("{{#*a}}{{.}}{{/*a}} {{<*p}}{{/ * p}}", "{\"*a\": \"x\", \"p\": \"q\"}", "{\"q\": \"Q\"}",
       "x Q");
    /* Falsy: false, null, missing, [], ""; truthy: 0, {}, "0". */
    OK("{{#e}}x{{/e}}{{^e}}empty{{/e}} {{#z}}zero{{/z}} {{#o}}obj{{/o}} {{#sz}}{{.}}{{/sz}}",
       "{\"e\": \"\", \"z\": 0, \"o\": {}, \"sz\": \"0\"}", NULL, "empty zero obj 0");
    /* A string with a NUL byte is written whole. */
    {
        json_t *d = json_pack("{s:s%}", "v", "a\0b", (size_t)3);
        nn_strbuf out;
        nn_error err;
        nn_strbuf_init(&out);
        nn_error_init(&err);
        CHECK(nn_mustache_render("<{{v}}>", 7, d, NULL, &out, &err) == NN_OK);
        CHECK(out.len == 5 && memcmp(out.buf, "<a\0b>", 5) == 0);
        nn_strbuf_free(&out);
        nn_error_free(&err);
        json_decref(d);
    }
}

static void test_indentation(void)
{
    /* Nested standalone partials add up their indentation; empty lines get none. */
    OK("begin\n  {{>outer}}\nend\n", "{}",
       "{\"outer\": \"o1\\n\\n  {{>inner}}\\no2\\n\", \"inner\": \"i1\\n\\ni2\\n\"}",
       "begin\n  o1\n\n    i1\n\n    i2\n  o2\nend\n");
    /* Lines from values are not indented; a line that renders empty gets no indentation. */
    OK("  {{>p}}\n", "{\"v\": \"a\\nb\", \"e\": \"\"}", "{\"p\": \"{{v}}\\n{{e}}\\nz\\n\"}",
       "  a\nb\n\n  z\n");
    /* Sections inside an indented partial. */
    OK("    {{>p}}\n", "{\"l\": [1, 2]}", "{\"p\": \"{{#l}}\\nitem {{.}}\\n{{/l}}\\n\"}",
       "    item 1\n    item 2\n");
    /*
     * A block argument loses its own indentation and takes the block's; the
     * newline after a one-line {{$b}}{{/b}} stays (see the spec's "Standalone
     * block"), so a block meant to hold whole lines sits on lines of its own.
     */
    OK("{{<base}}\n  {{$body}}\n      x = 1;\n      y = 2;\n  {{/body}}\n{{/base}}\n", "{}",
       "{\"base\": \"fn() {\\n    {{$body}}\\n    {{/body}}\\n}\\n\"}",
       "fn() {\n    x = 1;\n    y = 2;\n}\n");
    OK("{{<base}}{{$body}}\nx = 1;\n{{/body}}{{/base}}", "{}",
       "{\"base\": \"fn() {\\n    {{$body}}{{/body}}\\n}\\n\"}", "fn() {\n    x = 1;\n\n}\n");
    /* Dynamic partial names. */
    OK("{{#items}}{{>*kind}};{{/items}}",
       "{\"items\": [{\"kind\": \"a\", \"v\": 1}, {\"kind\": \"b\", \"v\": 2}, {\"kind\": 3}]}",
       "{\"a\": \"A{{v}}\", \"b\": \"B{{v}}\"}", "A1;B2;;");
}

static void test_compiled_reuse(void)
{
    nn_mustache_template *t = NULL;
    nn_error err;
    nn_error_init(&err);
    const char *src = "{{#xs}}{{.}},{{/xs}}";
    CHECK(nn_mustache_compile(src, strlen(src), "reuse", &t, &err) == NN_OK);
    nn_strbuf out;
    nn_strbuf_init(&out);
    for (int i = 0; i < 3; i++) {
        json_t *d = json_pack("{s:[i,i]}", "xs", i, i + 1);
        CHECK(nn_mustache_render_compiled(t, d, NULL, &out, &err) == NN_OK);
        json_decref(d);
    }
    CHECK(strcmp(out.buf, "0,1,1,2,2,3,") == 0);
    nn_strbuf_free(&out);
    nn_mustache_free(t);
    nn_mustache_free(NULL);

    /* Errors name the template given to nn_mustache_compile. */
    CHECK(nn_mustache_compile("{{#a}}", 6, "named.mustache", &t, &err) == NN_ERR_INPUT);
    CHECK(t == NULL);
    CHECK(strcmp(err.text.buf, "named.mustache:1:1: '#a' is never closed\n") == 0);
    nn_error_free(&err);
}

/* 200 entities of 12 fields through a template with partials, 20 times over. */
static void test_large(void)
{
    json_t *entities = json_array();
    for (int e = 0; e < 200; e++) {
        json_t *fields = json_array();
        for (int f = 0; f < 12; f++) {
            json_array_append_new(fields, json_pack("{s:s+, s:s, s:b, s:i}", "name", "field_",
                                                    f == 0 ? "id" : "value", "type",
                                                    f % 3 ? "TEXT" : "BIGINT", "nullable", f % 2,
                                                    "pos", f));
        }
        char name[32];
        /* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling) */
        (void)snprintf(name, sizeof name, "entity_%d", e);
        json_array_append_new(entities, json_pack("{s:s, s:o}", "name", name, "fields", fields));
    }
    json_t *data = json_pack("{s:o, s:s}", "entities", entities, "schema", "public");
    json_t *partials = json_pack("{s:s, s:s}", "column",
                                 "{{name}} {{type}}{{^nullable}} NOT NULL{{/nullable}}\n", "table",
                                 "CREATE TABLE {{schema}}.{{name}} (\n"
                                 "{{#fields}}\n"
                                 "    {{>column}}\n"
                                 "{{/fields}}\n"
                                 ");\n"
                                 "{{! comment }}\n");
    const char *src = "-- generated\n"
                      "{{#entities}}\n"
                      "{{>table}}\n"
                      "\n"
                      "{{/entities}}\n";
    nn_mustache_template *t = NULL;
    nn_error err;
    nn_error_init(&err);
    CHECK(nn_mustache_compile(src, strlen(src), "big", &t, &err) == NN_OK);
    nn_mustache_options opts = {.partial = obj_partial, .partial_ctx = partials};
    nn_strbuf out;
    nn_strbuf_init(&out);
    clock_t start = clock();
    for (int i = 0; i < 20 && t; i++) {
        nn_strbuf_reset(&out);
        CHECK(nn_mustache_render_compiled(t, data, &opts, &out, &err) == NN_OK);
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    size_t lines = 0;
    for (size_t i = 0; i < out.len; i++)
        lines += out.buf[i] == '\n';
    CHECK(lines == 1 + 200 * (1 + 12 + 1 + 1));
    CHECK(strstr(out.buf, "CREATE TABLE public.entity_199 (\n    field_id BIGINT NOT NULL\n"
                          "    field_value TEXT\n") != NULL);
    printf("large render: 20 x %zu bytes in %.3f s\n", out.len, secs);
    CHECK(secs < 1.0);
    nn_strbuf_free(&out);
    nn_error_free(&err);
    nn_mustache_free(t);
    json_decref(data);
    json_decref(partials);
}

int main(void)
{
    test_errors();
    test_values();
    test_indentation();
    test_compiled_reuse();
    test_large();
    if (failures) {
        printf("test_mustache: %d failed\n", failures);
        return 1;
    }
    printf("test_mustache: all passed\n");
    return 0;
}
