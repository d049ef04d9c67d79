/*
 * settings.c - the dashboard backend's environment variables (see settings.h).
 */
#include "settings.h"

#include <stddef.h>

static const nn_config_var backend_vars[] = {
    NN_CONFIG_DATABASE_URL(backend_settings, database_url),
    {
        .name = "BIND_ADDRESS",
        .kind = NN_CONFIG_STRING,
        .fallback = "0.0.0.0",
        .offset = offsetof(backend_settings, bind_address),
        .help = "IP address to listen on (0.0.0.0: every IPv4 interface, :: every interface)",
    },
    NN_CONFIG_PORT(backend_settings, port, "3000"),
    {
        .name = "POLL_INTERVAL_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "500",
        .min = 10,
        .max = 60000,
        .offset = offsetof(backend_settings, poll_interval_ms),
        .help = "how often new rows are read (NOTIFY nomnom_changes reads at once)",
    },
    {
        .name = "MAX_RECORDS",
        .kind = NN_CONFIG_INT,
        .fallback = "100",
        .min = 1,
        .max = 10000,
        .offset = offsetof(backend_settings, max_records),
        .help = "newest rows per entity sent to a client when it connects",
    },
    {
        .name = "STATIC_DIR",
        .kind = NN_CONFIG_STRING,
        .offset = offsetof(backend_settings, static_dir),
        .help = "folder of the frontend bundle served at / (unset: the tree's "
                "dashboard-frontend/dist, next to bin/, else in the working directory)",
    },
    {
        .name = "CORS_ORIGIN",
        .kind = NN_CONFIG_STRING,
        .offset = offsetof(backend_settings, cors_origin),
        .help = "origin allowed to call /api from another site, or *",
    },
    {
        .name = "WS_PING_INTERVAL",
        .kind = NN_CONFIG_MS,
        .fallback = "30s",
        .min = 1000,
        .max = 3600000,
        .offset = offsetof(backend_settings, ping_interval_ms),
        .help = "a silent WebSocket is pinged after this long (whole seconds) and closed "
                "when the pong does not come",
    },
    NN_CONFIG_LOG_LEVEL(backend_settings, log_level),
    NN_CONFIG_LOG_FORMAT(backend_settings, log_format),
};

const nn_cli backend_cli = {
    .program = "dashboard-backend",
    .summary = "Serves the dashboard: the entities and statistics over /api, new rows pushed\n"
               "over the WebSocket /ws, and the frontend bundle at /.",
    .vars = backend_vars,
    .var_count = sizeof backend_vars / sizeof backend_vars[0],
    .log_level_offset = offsetof(backend_settings, log_level),
    .log_format_offset = offsetof(backend_settings, log_format),
};
