/*
 * template_tree.h - renders a whole template folder into an in-memory tree.
 *
 * The template folder mirrors the output tree. A file whose name ends in
 * ".mustache" is rendered with the render model (without escaping) and written
 * without that suffix; any other file is copied byte for byte. Path components
 * may hold Mustache tags too ("helm/{{project.name_kebab}}/Chart.yaml").
 * Partials live in "_partials/NAME.mustache" and are not output. Folders named
 * node_modules are skipped. An overlay folder (--templates) wins over the
 * built-in templates file by file, partials included.
 */
#ifndef NN_TEMPLATE_TREE_H
#define NN_TEMPLATE_TREE_H

#include "base/error.h"

#include <jansson.h>
#include <sys/types.h>

typedef struct nn_output_file {
    char *path; /* relative to the output folder, '/'-separated */
    char *data;
    size_t len;
    mode_t mode; /* 0644, or 0755 for templates that are executable */
} nn_output_file;

typedef struct nn_output_tree {
    nn_output_file *files; /* sorted by path */
    size_t count;
    size_t cap;
} nn_output_tree;

/* The built-in template folder of this nomnom (fresh string), or NULL. */
char *nn_templates_builtin_dir(void);

/* Render builtin_dir (and overlay_dir, which may be NULL) into out. */
nn_status nn_template_tree_render(const char *builtin_dir, const char *overlay_dir, json_t *model,
                                  nn_output_tree *out, nn_error *err);

void nn_output_tree_free(nn_output_tree *tree);

#endif
