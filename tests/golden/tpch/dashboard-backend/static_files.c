/*
 * static_files.c - the frontend bundle's folder, path mapping, MIME types
 * (see static_files.h).
 */
#include "static_files.h"

#include "common/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_DEFAULT_DIR "dashboard-frontend/dist"

/* The path of the running binary (free() it), NULL when unknown. */
static char *static_self_path(void)
{
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap);
        if (!buf)
            return NULL;
        ssize_t n = readlink("/proc/self/exe", buf, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            return buf;
        }
        free(buf);
        if (cap > (size_t)1 << 20)
            return NULL;
        cap *= 2;
    }
}

static bool static_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool static_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

nn_status static_resolve_root(const char *configured, char **out)
{
    *out = NULL;
    nn_buf tried = NN_BUF_INIT;
    if (configured) {
        nn_buf_puts(&tried, configured);
    } else {
        /* <bin>/../dashboard-frontend/dist: bin/dashboard-backend in the tree */
        char *self = static_self_path();
        char *slash = self ? strrchr(self, '/') : NULL;
        if (slash) {
            nn_buf_append(&tried, self, (size_t)(slash - self));
            nn_buf_puts(&tried, "/../" STATIC_DEFAULT_DIR);
        }
        free(self);
        if (tried.len == 0 || !static_is_dir(nn_buf_str(&tried))) {
            nn_buf_reset(&tried);
            nn_buf_puts(&tried, STATIC_DEFAULT_DIR);
        }
    }
    /* no trailing slash: request paths are appended as they come ("/x") */
    while (tried.len > 1 && tried.data[tried.len - 1] == '/')
        nn_buf_truncate(&tried, tried.len - 1);
    bool found = nn_buf_status(&tried) == NN_OK && static_is_dir(nn_buf_str(&tried));
    *out = nn_buf_detach(&tried);
    if (!*out)
        return NN_ERR_NOMEM;
    return found ? NN_OK : NN_ERR_NOT_FOUND;
}

/* Whether path is safe to append to the root: absolute, no "." or ".."
 * segment, no backslash or control character. */
static bool static_path_ok(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *p = path; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
            return false;
    }
    for (const char *seg = path + 1; *seg;) {
        size_t n = strcspn(seg, "/");
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        seg += n + (seg[n] == '/' ? 1 : 0);
    }
    return true;
}

/* Whether candidate is a regular file; *file receives a copy (free() it). */
static bool static_found(const char *candidate, char **file)
{
    *file = NULL;
    if (!static_is_file(candidate))
        return false;
    *file = strdup(candidate);
    return *file != NULL;
}

/* The last segment of path has an extension ("app.js", not "orders"). */
static bool static_has_extension(const char *path)
{
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    return strchr(last, '.') != NULL;
}

nn_status static_lookup(const char *root, const char *path, char **file, bool *fallback)
{
    *file = NULL;
    *fallback = false;
    if (!static_path_ok(path))
        return NN_ERR_NOT_FOUND;
    nn_buf candidate = NN_BUF_INIT;
    nn_buf_puts(&candidate, root);
    nn_buf_puts(&candidate, path);
    if (path[strlen(path) - 1] == '/')
        nn_buf_puts(&candidate, "index.html");
    else if (static_is_dir(nn_buf_str(&candidate)))
        nn_buf_puts(&candidate, "/index.html");
    if (nn_buf_status(&candidate) != NN_OK) {
        nn_buf_free(&candidate);
        return NN_ERR_NOMEM;
    }
    bool found = static_found(nn_buf_str(&candidate), file);
    if (!found && !static_has_extension(path)) {
        nn_buf_reset(&candidate);
        nn_buf_puts(&candidate, root);
        nn_buf_puts(&candidate, "/index.html");
        found = nn_buf_status(&candidate) == NN_OK && static_found(nn_buf_str(&candidate), file);
        *fallback = found;
    }
    nn_buf_free(&candidate);
    return found ? NN_OK : NN_ERR_NOT_FOUND;
}

const char *static_mime_type(const char *file)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"webmanifest", "application/manifest+json"},
        {"txt", "text/plain; charset=utf-8"},
        {"csv", "text/csv; charset=utf-8"},
        {"xml", "application/xml"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"otf", "font/otf"},
        {"wasm", "application/wasm"},
        {"pdf", "application/pdf"},
    };
    const char *slash = strrchr(file, '/');
    const char *dot = strrchr(slash ? slash : file, '.');
    if (dot) {
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
        }
    }
    return "application/octet-stream";
}

bool static_immutable(const char *root, const char *file)
{
    size_t n = strlen(root);
    return strncmp(file, root, n) == 0 && strncmp(file + n, "/assets/", 8) == 0;
}
