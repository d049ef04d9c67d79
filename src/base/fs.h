/*
 * fs.h - the few file-system operations nomnom needs, with errors reported
 * through nn_error ("path: reason").
 */
#ifndef NN_FS_H
#define NN_FS_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read a whole file; *data is NUL-terminated and owned by the caller. */
nn_status nn_fs_read(const char *path, char **data, size_t *len, nn_error *err);
/* Create or replace path with data and the given mode. */
nn_status nn_fs_write(const char *path, const char *data, size_t len, mode_t mode, nn_error *err);
/* mkdir -p */
nn_status nn_fs_mkdirs(const char *path, nn_error *err);
/* rm -rf (a missing path is not an error). */
nn_status nn_fs_remove_tree(const char *path, nn_error *err);

typedef struct nn_dir_list {
    char **names; /* sorted by strcmp, without "." and ".." */
    size_t count;
} nn_dir_list;

nn_status nn_fs_list(const char *dir, nn_dir_list *out, nn_error *err);
void nn_dir_list_free(nn_dir_list *list);

bool nn_fs_is_dir(const char *path);
bool nn_fs_exists(const char *path);
/* "a" + "b" -> "a/b" (fresh string; either side may be empty). */
char *nn_path_join(const char *a, const char *b);
/* The final component of a path, ignoring trailing slashes (fresh string). */
char *nn_path_basename(const char *path);
/* Everything before the final component ("." when there is none; fresh string). */
char *nn_path_dirname(const char *path);

#endif
