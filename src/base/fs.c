/*
 * fs.c - file-system helpers (see fs.h).
 */
#include "base/fs.h"

#include "base/strbuf.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

nn_status nn_fs_read(const char *path, char **data, size_t *len, nn_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
    nn_strbuf sb;
    nn_strbuf_init(&sb);
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            nn_strbuf_free(&sb);
            return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(saved));
        }
        if (n == 0)
            break;
        nn_strbuf_append(&sb, chunk, (size_t)n);
    }
    close(fd);
    *data = nn_strbuf_detach(&sb, len);
    return NN_OK;
}

nn_status nn_fs_write(const char *path, const char *data, size_t len, mode_t mode, nn_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(saved));
        }
        done += (size_t)n;
    }
    /* open() applies the umask; the template's mode is what the tree should have */
    if (fchmod(fd, mode) != 0 || close(fd) != 0)
        return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
    return NN_OK;
}

nn_status nn_fs_mkdirs(const char *path, nn_error *err)
{
    if (nn_fs_is_dir(path))
        return NN_OK; /* the common case: one stat instead of a mkdir per component */
    char *copy = nn_xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            nn_error_set(err, NN_ERR_IO, "%s: %s", copy, strerror(errno));
            free(copy);
            return NN_ERR_IO;
        }
        *p = '/';
    }
    nn_status st = NN_OK;
    if (mkdir(copy, 0755) != 0 && (errno != EEXIST || !nn_fs_is_dir(copy)))
        st = nn_error_set(err, NN_ERR_IO, "%s: %s", copy, strerror(errno));
    free(copy);
    return st;
}

nn_status nn_fs_remove_tree(const char *path, nn_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? NN_OK
                               : nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        nn_dir_list list;
        nn_status s = nn_fs_list(path, &list, err);
        if (s != NN_OK)
            return s;
        for (size_t i = 0; i < list.count && s == NN_OK; i++) {
            char *child = nn_path_join(path, list.names[i]);
            s = nn_fs_remove_tree(child, err);
            free(child);
        }
        nn_dir_list_free(&list);
        if (s != NN_OK)
            return s;
        if (rmdir(path) != 0)
            return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
        return NN_OK;
    }
    if (unlink(path) != 0)
        return nn_error_set(err, NN_ERR_IO, "%s: %s", path, strerror(errno));
    return NN_OK;
}

static int nn_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

nn_status nn_fs_list(const char *dir, nn_dir_list *out, nn_error *err)
{
    out->names = NULL;
    out->count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return nn_error_set(err, NN_ERR_IO, "%s: %s", dir, strerror(errno));
    size_t cap = 0;
    struct dirent *ent;
    errno = 0;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        nn_grow((void **)&out->names, &cap, out->count + 1, sizeof *out->names);
        out->names[out->count++] = nn_xstrdup(ent->d_name);
    }
    int saved = errno;
    closedir(d);
    if (saved != 0) {
        nn_dir_list_free(out);
        return nn_error_set(err, NN_ERR_IO, "%s: %s", dir, strerror(saved));
    }
    if (out->count)
        qsort(out->names, out->count, sizeof *out->names, nn_cmp_names);
    return NN_OK;
}

void nn_dir_list_free(nn_dir_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    list->names = NULL;
    list->count = 0;
}

bool nn_fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool nn_fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

char *nn_path_join(const char *a, const char *b)
{
    if (!*a)
        return nn_xstrdup(b);
    if (!*b)
        return nn_xstrdup(a);
    size_t la = strlen(a);
    return nn_xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

/* Length of path without trailing slashes (but keep a lone "/"). */
static size_t nn_path_trimmed_len(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    return n;
}

char *nn_path_basename(const char *path)
{
    size_t n = nn_path_trimmed_len(path);
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return nn_xstrndup(path + start, n - start);
}

char *nn_path_dirname(const char *path)
{
    size_t n = nn_path_trimmed_len(path);
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        return nn_xstrdup(".");
    return nn_xstrndup(path, n);
}
