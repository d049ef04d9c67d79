/*
 * manifest.c - reading and writing .nomnom/manifest.json (see manifest.h).
 */
#include "write/manifest.h"

#include "base/fs.h"
#include "base/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

char *nn_content_hash(const char *data, size_t len)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bit */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 1099511628211ULL;
    }
    return nn_xasprintf("fnv1a64:%016" PRIx64, h);
}

json_t *nn_manifest_build(const nn_output_tree *tree, const char *version, const char *input_hash)
{
    json_t *files = json_array();
    for (size_t i = 0; i < tree->count; i++) {
        const nn_output_file *f = &tree->files[i];
        char *hash = nn_content_hash(f->data, f->len);
        json_array_append_new(files, json_pack("{s:s, s:s}", "path", f->path, "hash", hash));
        free(hash);
    }
    return json_pack("{s:s, s:s, s:s, s:o}", "generator", "nomnom", "nomnom_version", version,
                     "input_hash", input_hash, "files", files);
}

nn_status nn_manifest_load(const char *out_dir, json_t **manifest, nn_error *err)
{
    *manifest = NULL;
    char *path = nn_path_join(out_dir, NN_MANIFEST_PATH);
    if (!nn_fs_exists(path)) {
        free(path);
        return NN_OK;
    }
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    nn_status st = NN_OK;
    if (!doc || !json_is_array(json_object_get(doc, "files"))) {
        st = nn_error_set(err, NN_ERR_INPUT, "%s:%d:%d: not a nomnom manifest: %s", path,
                          doc ? 1 : jerr.line, doc ? 1 : jerr.column,
                          doc ? "no \"files\" list" : jerr.text);
        json_decref(doc);
        doc = NULL;
    }
    free(path);
    *manifest = doc;
    return st;
}

const char *nn_manifest_hash_of(json_t *manifest, const char *path)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(manifest, "files"), i, f)
    {
        const char *p = json_string_value(json_object_get(f, "path"));
        if (p && strcmp(p, path) == 0)
            return json_string_value(json_object_get(f, "hash"));
    }
    return NULL;
}
