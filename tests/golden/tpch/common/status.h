/*
 * status.h - the status codes returned by every fallible function of the
 * runtime (common/) and the services.
 *
 * A function that can fail returns an nn_status; NN_OK is 0, so
 * `if (st != NN_OK)` and `if (st)` both read naturally. Details of a failure
 * travel separately (an error string, a problem list, a log line), never in a
 * global.
 */
#ifndef NN_STATUS_H
#define NN_STATUS_H

typedef enum nn_status {
    NN_OK = 0,
    NN_ERR_NOMEM,       /* an allocation failed */
    NN_ERR_INVALID,     /* the input was rejected: bad value, syntax, schema violation */
    NN_ERR_NOT_FOUND,   /* no such thing (entity, field, file) */
    NN_ERR_IO,          /* a system call failed; errno says why */
    NN_ERR_UNAVAILABLE, /* a dependency (NATS, PostgreSQL) cannot be reached: try again later */
} nn_status;

/* A short lower-case description: "out of memory", "invalid input", ... */
const char *nn_status_str(nn_status st);

#endif
