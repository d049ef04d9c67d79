/*
 * test_mustache_spec.c - runs the official Mustache specification tests
 * (the .json files in tests/data/mustache-spec, MIT licensed, see LICENSE there) against
 * the template engine, with HTML escaping on as the specification assumes.
 * Lambdas are out of scope: ~lambdas.json is skipped if present.
 *
 * Prints every failure and ends with "mustache spec: N passed, M failed".
 */
#include "base/error.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "render/mustache.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_DIR NOMNOM_TEST_DATA "/mustache-spec"

/* Partials come from the test's "partials" object. */
static nn_status spec_partial(void *ctx, const char *name, char **text, size_t *len)
{
    const json_t *p = json_object_get((const json_t *)ctx, name);
    *text = NULL;
    *len = 0;
    if (json_is_string(p)) {
        *len = json_string_length(p);
        *text = nn_xstrndup(json_string_value(p), *len);
    }
    return NN_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run the tests of one spec file; returns false when the file cannot be read. */
static int run_file(const char *file, int *passed, int *failed)
{
    char *path = nn_xasprintf("%s/%s", SPEC_DIR, file);
    json_error_t jerr;
    json_t *spec = json_load_file(path, 0, &jerr);
    free(path);
    if (!spec) {
        (void)fprintf(stderr, "%s:%d: %s\n", file, jerr.line, jerr.text);
        return 0;
    }
    json_t *tests = json_object_get(spec, "tests");
    size_t i;
    json_t *test;
    json_array_foreach(tests, i, test)
    {
        const char *name = json_string_value(json_object_get(test, "name"));
        json_t *tmpl = json_object_get(test, "template");
        json_t *expected = json_object_get(test, "expected");
        json_t *partials = json_object_get(test, "partials");
        nn_mustache_options opts = {
            .escape_html = true,
            .partial = spec_partial,
            .partial_ctx = partials,
            .template_name = name,
        };
        nn_strbuf out;
        nn_error err;
        nn_strbuf_init(&out);
        nn_error_init(&err);
        nn_status st = nn_mustache_render(json_string_value(tmpl), json_string_length(tmpl),
                                          json_object_get(test, "data"), &opts, &out, &err);
        if (st == NN_OK && out.len == json_string_length(expected) &&
            memcmp(out.buf, json_string_value(expected), out.len) == 0) {
            (*passed)++;
        } else {
            (*failed)++;
            printf("FAIL %s / %s\n", file, name);
            printf("  template: %s\n", json_string_value(tmpl));
            printf("  expected: [%s]\n", json_string_value(expected));
            if (st == NN_OK)
                printf("  got:      [%s]\n", out.buf);
            else
                printf("  error:    %s", err.text.buf);
        }
        nn_strbuf_free(&out);
        nn_error_free(&err);
    }
    json_decref(spec);
    return 1;
}

int main(void)
{
    DIR *dir = opendir(SPEC_DIR);
    if (!dir) {
        perror(SPEC_DIR);
        return 1;
    }
    char **files = NULL;
    size_t nfiles = 0;
    size_t cap = 0;
    const struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        if (strcmp(de->d_name, "~lambdas.json") == 0) {
            printf("skipping %s: lambdas are out of scope\n", de->d_name);
            continue;
        }
        void *items = files;
        nn_grow(&items, &cap, nfiles + 1, sizeof *files);
        files = items;
        files[nfiles++] = nn_xstrdup(de->d_name);
    }
    closedir(dir);
    if (nfiles)
        qsort(files, nfiles, sizeof *files, cmp_names);

    int passed = 0;
    int failed = 0;
    int ok = 1;
    for (size_t i = 0; i < nfiles; i++) {
        ok &= run_file(files[i], &passed, &failed);
        free(files[i]);
    }
    free(files);
    printf("mustache spec: %d passed, %d failed\n", passed, failed);
    return ok && failed == 0 && passed > 0 ? 0 : 1;
}
