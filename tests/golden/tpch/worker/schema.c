/*
 * schema.c - the schema applied under an advisory lock (see schema.h).
 */
#include "schema.h"

#include "common/buf.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The advisory lock key of schema changes ("nomnom" in ASCII): the same in
 * every service of every tree, so no two of them migrate at once. */
#define WORKER_SCHEMA_LOCK_KEY "121390269213037"

static nn_status worker_schema_read(const char *path, nn_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nn_status st = errno == ENOENT ? NN_ERR_NOT_FOUND : NN_ERR_IO;
        nn_log_error("cannot open the schema file", NN_LOG_STR("path", path),
                     NN_LOG_STR("error", strerror(errno)));
        return st;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nn_buf_append(out, chunk, n);
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0)
        failed = true;
    if (failed) {
        nn_log_error("cannot read the schema file", NN_LOG_STR("path", path));
        return NN_ERR_IO;
    }
    if (nn_buf_status(out) != NN_OK)
        return NN_ERR_NOMEM;
    if (memchr(nn_buf_str(out), '\0', out->len)) {
        nn_log_error("the schema file holds a NUL byte", NN_LOG_STR("path", path));
        return NN_ERR_INVALID;
    }
    return NN_OK;
}

static void worker_schema_log_failure(const char *what, nn_status st, const char *error)
{
    nn_log_fields(st == NN_ERR_UNAVAILABLE ? NN_LOG_WARN : NN_LOG_ERROR, what,
                  (nn_log_field[]){NN_LOG_STR("error", error ? error : nn_status_str(st))}, 1);
}

nn_status worker_schema_apply(worker_db *db, const char *path)
{
    nn_buf text = NN_BUF_INIT;
    nn_status st = worker_schema_read(path, &text);
    if (st != NN_OK) {
        nn_buf_free(&text);
        return st;
    }

    const char *const key[] = {WORKER_SCHEMA_LOCK_KEY};
    char *error = NULL;
    st = worker_db_params(db, "SELECT pg_advisory_lock($1::bigint)", 1, key, &error);
    if (st != NN_OK) {
        worker_schema_log_failure("cannot take the schema lock", st, error);
        free(error);
        nn_buf_free(&text);
        return st;
    }

    st = worker_db_script(db, nn_buf_str(&text), &error);
    nn_buf_free(&text);
    /* refused while the connection works: retrying the same file cannot help */
    if (st == NN_ERR_UNAVAILABLE && worker_db_connected(db))
        st = NN_ERR_INVALID;
    if (st == NN_OK) {
        nn_log_info("schema applied", NN_LOG_STR("path", path));
    } else {
        worker_schema_log_failure("applying the schema failed", st, error);
        free(error);
        error = NULL;
        /* leave the transaction the script may have left open */
        if (worker_db_command(db, "ROLLBACK", &error) != NN_OK)
            nn_log_debug("rollback after the schema failed", NN_LOG_STR("error", error));
    }
    free(error);
    error = NULL;
    nn_status unlock =
        worker_db_params(db, "SELECT pg_advisory_unlock($1::bigint)", 1, key, &error);
    if (unlock != NN_OK) {
        /* the lock goes with the session: drop the connection to be sure */
        worker_schema_log_failure("cannot release the schema lock", unlock, error);
        worker_db_close(db);
        if (st == NN_OK)
            st = NN_ERR_UNAVAILABLE;
    }
    free(error);
    return st;
}
