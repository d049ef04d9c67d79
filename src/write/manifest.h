/*
 * manifest.h - .nomnom/manifest.json: what nomnom generated into a folder.
 *
 * It records the nomnom version, a hash of the input (the render model) and
 * every generated file with a hash of its content, so a later run knows which
 * files it owns, which were edited by hand, and which to delete.
 */
#ifndef NN_MANIFEST_H
#define NN_MANIFEST_H

#include "base/error.h"
#include "render/template_tree.h"

#include <jansson.h>
#include <stdint.h>

#define NN_MANIFEST_PATH ".nomnom/manifest.json"

/* "fnv1a64:0123456789abcdef" for the given bytes (fresh string). */
char *nn_content_hash(const char *data, size_t len);

/* The manifest document for a rendered tree (new reference). */
json_t *nn_manifest_build(const nn_output_tree *tree, const char *version, const char *input_hash);

/* Load OUT/.nomnom/manifest.json; *manifest is NULL when there is none. */
nn_status nn_manifest_load(const char *out_dir, json_t **manifest, nn_error *err);

/* The recorded content hash of path, or NULL when the manifest does not list it. */
const char *nn_manifest_hash_of(json_t *manifest, const char *path);

#endif
