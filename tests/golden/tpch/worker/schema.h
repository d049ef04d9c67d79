/*
 * schema.h - applies sql/schema.sql at start-up.
 *
 * The schema is idempotent (it creates only what is missing). It is applied
 * under a PostgreSQL advisory lock, so replicas starting together apply it
 * one after the other instead of racing on CREATE TABLE.
 */
#ifndef WORKER_SCHEMA_H
#define WORKER_SCHEMA_H

#include "db.h"

#include "common/status.h"

/*
 * Read the file at path and apply it. NN_OK; NN_ERR_NOT_FOUND or NN_ERR_IO
 * when the file cannot be read; NN_ERR_UNAVAILABLE when the database went
 * away (try again); NN_ERR_INVALID when PostgreSQL refused the schema.
 * Failures are logged.
 */
nn_status worker_schema_apply(worker_db *db, const char *path);

#endif
