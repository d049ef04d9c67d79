/*
 * static_files.h - where the frontend bundle is, which file a request path
 * names, and its MIME type.
 *
 * STATIC_DIR when set; otherwise the tree's dashboard-frontend/dist found
 * from the binary (<bin>/../dashboard-frontend/dist), then from the working
 * directory. A request path is mapped inside that folder only (a path with
 * a "." or ".." segment, a backslash or a control character names nothing;
 * symbolic links the bundle itself holds are followed); a folder serves its
 * index.html; a path that
 * names no file and has no extension (a route of the single-page app) gets
 * the bundle's index.html; anything else is not found.
 */
#ifndef BACKEND_STATIC_FILES_H
#define BACKEND_STATIC_FILES_H

#include "common/status.h"

#include <stdbool.h>

/*
 * The bundle's folder (free() it). configured: STATIC_DIR, or NULL for the
 * default. NN_ERR_NOT_FOUND when the folder does not exist (*out is then the
 * path tried, for the message).
 */
nn_status static_resolve_root(const char *configured, char **out);

/*
 * The file to serve for the request path (URL-decoded, starting with '/')
 * under root (from static_resolve_root): NN_OK with *file (free() it) and
 * *fallback set when it is the index.html of the app rather than the file
 * asked for; NN_ERR_NOT_FOUND; NN_ERR_NOMEM.
 */
nn_status static_lookup(const char *root, const char *path, char **file, bool *fallback);

/* The Content-Type of a file by its extension (application/octet-stream
 * when unknown). */
const char *static_mime_type(const char *file);

/* Whether the file's name carries a content hash, so it may be cached for
 * ever (files under assets/, as the bundler names them). */
bool static_immutable(const char *root, const char *file);

#endif
