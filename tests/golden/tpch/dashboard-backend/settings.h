/*
 * settings.h - the dashboard backend's configuration: its environment
 * variables (see settings.c for names, defaults and ranges) parsed into one
 * structure.
 */
#ifndef BACKEND_SETTINGS_H
#define BACKEND_SETTINGS_H

#include "common/cli.h"

#include <stdint.h>

typedef struct backend_settings {
    const char *database_url;
    const char *bind_address; /* address the HTTP server listens on */
    int64_t port;
    int64_t poll_interval_ms; /* the poller's period (NOTIFY wakes it sooner) */
    int64_t max_records;      /* rows per entity in a snapshot */
    const char *static_dir;   /* the frontend bundle served at /; NULL: the tree's */
    const char *cors_origin;  /* NULL: no CORS headers */
    int64_t ping_interval_ms; /* WebSocket ping after this much silence */
    int log_level;            /* nn_log_level */
    int log_format;           /* nn_log_format */
} backend_settings;

/* Longest CORS_ORIGIN accepted (it goes into every /api response header). */
#define BACKEND_CORS_ORIGIN_MAX 1024

/* --help, --version and the environment of the dashboard backend. */
extern const nn_cli backend_cli;

#endif
