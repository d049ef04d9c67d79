/*
 * template_tree.c - walks the template folders and renders every file into an
 * nn_output_tree (see template_tree.h).
 */
#include "render/template_tree.h"

#include "base/fs.h"
#include "base/xalloc.h"
#include "render/mustache.h"
#include "render/partial_dirs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NN_TEMPLATE_SUFFIX ".mustache"
#define NN_PARTIALS_DIR    "_partials"

/* One template: where it is read from and where it goes (relative). */
typedef struct nn_template_entry {
    char *rel;    /* path relative to its template folder */
    char *source; /* full path of the file that wins */
} nn_template_entry;

typedef struct nn_template_list {
    nn_template_entry *items;
    size_t count;
    size_t cap;
} nn_template_list;

static void nn_template_list_free(nn_template_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].rel);
        free(list->items[i].source);
    }
    free(list->items);
}

/* Add rel -> source, replacing an entry of the same rel (the overlay wins). */
static void nn_template_list_put(nn_template_list *list, const char *rel, const char *source)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i].rel, rel) == 0) {
            free(list->items[i].source);
            list->items[i].source = nn_xstrdup(source);
            return;
        }
    }
    nn_grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items);
    list->items[list->count].rel = nn_xstrdup(rel);
    list->items[list->count].source = nn_xstrdup(source);
    list->count++;
}

static nn_status nn_collect(const char *top, const char *rel, nn_template_list *list, nn_error *err)
{
    char *dir = nn_path_join(top, rel);
    nn_dir_list names;
    nn_status st = nn_fs_list(dir, &names, err);
    for (size_t i = 0; st == NN_OK && i < names.count; i++) {
        const char *name = names.names[i];
        if (strcmp(name, "node_modules") == 0 || (!*rel && strcmp(name, NN_PARTIALS_DIR) == 0))
            continue;
        char *child_rel = nn_path_join(rel, name);
        char *child = nn_path_join(top, child_rel);
        if (nn_fs_is_dir(child))
            st = nn_collect(top, child_rel, list, err);
        else
            nn_template_list_put(list, child_rel, child);
        free(child);
        free(child_rel);
    }
    nn_dir_list_free(&names);
    free(dir);
    return st;
}

static int nn_cmp_entries(const void *a, const void *b)
{
    return strcmp(((const nn_template_entry *)a)->rel, ((const nn_template_entry *)b)->rel);
}

static bool nn_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static nn_status nn_render_text(const char *text, size_t len, const char *name, json_t *model,
                                nn_partial_dirs *pd, nn_strbuf *out, nn_error *err)
{
    nn_mustache_options opts = {
        .escape_html = false,
        .partial = nn_partial_dirs_load,
        .partial_ctx = pd,
        .template_name = name,
    };
    return nn_mustache_render(text, len, model, &opts, out, err);
}

static nn_status nn_render_entry(const nn_template_entry *entry, json_t *model, nn_partial_dirs *pd,
                                 nn_output_tree *out, nn_error *err)
{
    char *data;
    size_t len;
    nn_status st = nn_fs_read(entry->source, &data, &len, err);
    if (st != NN_OK)
        return st;
    struct stat sb;
    mode_t mode = (stat(entry->source, &sb) == 0 && (sb.st_mode & S_IXUSR)) ? 0755 : 0644;

    /* the output path: suffix dropped, tags in it rendered */
    char *rel = nn_xstrdup(entry->rel);
    bool is_template = nn_ends_with(rel, NN_TEMPLATE_SUFFIX);
    if (is_template)
        rel[strlen(rel) - strlen(NN_TEMPLATE_SUFFIX)] = '\0';
    nn_strbuf path;
    nn_strbuf_init(&path);
    if (strstr(rel, "{{"))
        st = nn_render_text(rel, strlen(rel), entry->rel, model, pd, &path, err);
    else
        nn_strbuf_puts(&path, rel);
    free(rel);

    nn_strbuf body;
    nn_strbuf_init(&body);
    if (st == NN_OK && is_template) {
        st = nn_render_text(data, len, entry->source, model, pd, &body, err);
        free(data);
        data = NULL;
    }
    if (st == NN_OK && (path.len == 0 || strstr(path.buf, "..") || path.buf[0] == '/'))
        st = nn_error_set(err, NN_ERR_INPUT, "%s: renders to an unusable path \"%s\"",
                          entry->source, path.buf);
    if (st != NN_OK) {
        free(data);
        nn_strbuf_free(&body);
        nn_strbuf_free(&path);
        return st;
    }
    nn_grow((void **)&out->files, &out->cap, out->count + 1, sizeof *out->files);
    nn_output_file *f = &out->files[out->count++];
    f->path = nn_strbuf_detach(&path, NULL);
    f->mode = mode;
    if (is_template) {
        f->data = nn_strbuf_detach(&body, &f->len);
    } else {
        f->data = data;
        f->len = len;
    }
    return NN_OK;
}

static int nn_cmp_files(const void *a, const void *b)
{
    return strcmp(((const nn_output_file *)a)->path, ((const nn_output_file *)b)->path);
}

nn_status nn_template_tree_render(const char *builtin_dir, const char *overlay_dir, json_t *model,
                                  nn_output_tree *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    nn_template_list list = {0};
    nn_status st = nn_collect(builtin_dir, "", &list, err);
    if (st == NN_OK && overlay_dir)
        st = nn_collect(overlay_dir, "", &list, err);
    if (st == NN_OK && list.count)
        qsort(list.items, list.count, sizeof *list.items, nn_cmp_entries);

    /* overlay partials first, so --templates can replace a built-in one */
    char *overlay_partials = overlay_dir ? nn_path_join(overlay_dir, NN_PARTIALS_DIR) : NULL;
    char *builtin_partials = nn_path_join(builtin_dir, NN_PARTIALS_DIR);
    nn_partial_dirs pd = {.dirs = {overlay_partials ? overlay_partials : builtin_partials,
                                   overlay_partials ? builtin_partials : NULL}};
    for (size_t i = 0; st == NN_OK && i < list.count; i++)
        st = nn_render_entry(&list.items[i], model, &pd, out, err);
    nn_template_list_free(&list);
    free(overlay_partials);
    free(builtin_partials);

    if (st == NN_OK && out->count) {
        qsort(out->files, out->count, sizeof *out->files, nn_cmp_files);
        for (size_t i = 1; i < out->count; i++) {
            if (strcmp(out->files[i - 1].path, out->files[i].path) == 0) {
                st = nn_error_set(err, NN_ERR_INPUT, "two templates render to the same path %s",
                                  out->files[i].path);
                break;
            }
        }
    }
    if (st != NN_OK)
        nn_output_tree_free(out);
    return st;
}

void nn_output_tree_free(nn_output_tree *tree)
{
    for (size_t i = 0; i < tree->count; i++) {
        free(tree->files[i].path);
        free(tree->files[i].data);
    }
    free(tree->files);
    memset(tree, 0, sizeof *tree);
}

char *nn_templates_builtin_dir(void)
{
    /* next to an installed binary: PREFIX/bin/nomnom -> PREFIX/share/nomnom/templates */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *bindir = nn_path_dirname(exe);
        char *candidate = nn_xasprintf("%s/../share/nomnom/templates", bindir);
        free(bindir);
        if (nn_fs_is_dir(candidate))
            return candidate;
        free(candidate);
    }
    /* a build tree uses the templates of its source tree */
    if (nn_fs_is_dir(NOMNOM_SOURCE_TEMPLATES))
        return nn_xstrdup(NOMNOM_SOURCE_TEMPLATES);
    if (nn_fs_is_dir(NOMNOM_INSTALLED_TEMPLATES))
        return nn_xstrdup(NOMNOM_INSTALLED_TEMPLATES);
    return NULL;
}
