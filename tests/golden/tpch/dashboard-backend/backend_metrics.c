/*
 * backend_metrics.c - declaration of the dashboard backend's metrics (see
 * backend_metrics.h).
 */
#include "backend_metrics.h"

#include "common/buf.h"

nn_status backend_metrics_declare(nn_metrics *m)
{
    static const struct {
        const char *name;
        const char *help;
        int kind; /* 0 counter, 1 gauge, 2 latency histogram */
    } families[] = {
        {BM_CLIENTS, "WebSocket clients connected", 1},
        {BM_CONNECTIONS, "WebSocket connections accepted", 0},
        {BM_CLIENTS_DROPPED, "WebSocket clients dropped because they read too slowly", 0},
        {BM_MESSAGES_SENT, "WebSocket messages queued for the clients, one per client", 0},
        {BM_BYTES_SENT, "WebSocket message bytes queued for the clients, counted per client", 0},
        {BM_BROADCASTS, "Messages broadcast to the clients by type", 0},
        {BM_ROWS, "Rows broadcast by entity", 0},
        {BM_POLLS, "Polls of the database", 0},
        {BM_POLL_ERRORS, "Polls or connection attempts that failed", 0},
        {BM_POLL_DURATION, "Duration of a poll of every table", 2},
        {BM_NOTIFICATIONS, "NOTIFY nomnom_changes received", 0},
        {BM_UPDATE_SCANS, "Scans of a table for updated rows by entity", 0},
        {BM_TRACKED_VERSIONS, "Row versions remembered to send each exactly once, by entity", 1},
        {BM_WINDOW_KEYS, "Keys above the horizon, re-read at each poll, by entity", 1},
        {BM_DATABASE_UP, "1 when the database is reachable and followed", 1},
        {BM_HTTP_REQUESTS, "HTTP requests by status code", 0},
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        nn_status st;
        if (families[i].kind == 0)
            st = nn_metrics_counter(m, families[i].name, families[i].help);
        else if (families[i].kind == 1)
            st = nn_metrics_gauge(m, families[i].name, families[i].help);
        else
            st = nn_metrics_histogram(m, families[i].name, families[i].help,
                                      nn_metrics_latency_bounds, nn_metrics_latency_bound_count);
        if (st != NN_OK)
            return st;
    }
    nn_metrics_set(m, BM_CLIENTS, "", 0);
    nn_metrics_set(m, BM_DATABASE_UP, "", 0);
    return NN_OK;
}

char *backend_metrics_entity_label(const char *entity)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_puts(&b, "entity=");
    nn_buf_json_string(&b, entity); /* a quoted, escaped label value */
    return nn_buf_detach(&b);
}
