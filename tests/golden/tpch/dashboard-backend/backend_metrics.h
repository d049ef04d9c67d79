/*
 * backend_metrics.h - the Prometheus metrics of the dashboard backend
 * (GET /metrics), declared in one place. Series with an entity label are
 * labelled entity="<Name>"; entity names need no escaping.
 */
#ifndef BACKEND_METRICS_H
#define BACKEND_METRICS_H

#include "common/metrics.h"
#include "common/status.h"

/* WebSocket clients */
#define BM_CLIENTS         "dashboard_ws_clients"
#define BM_CONNECTIONS     "dashboard_ws_connections_total"
#define BM_CLIENTS_DROPPED "dashboard_ws_clients_dropped_total"
#define BM_MESSAGES_SENT   "dashboard_ws_messages_sent_total"
#define BM_BYTES_SENT      "dashboard_ws_bytes_sent_total"
/* what the poller found and the server broadcast */
#define BM_BROADCASTS "dashboard_broadcasts_total"
#define BM_ROWS       "dashboard_rows_total"
/* the poller */
#define BM_POLLS            "dashboard_polls_total"
#define BM_POLL_ERRORS      "dashboard_poll_errors_total"
#define BM_POLL_DURATION    "dashboard_poll_duration_seconds"
#define BM_NOTIFICATIONS    "dashboard_notifications_total"
#define BM_UPDATE_SCANS     "dashboard_update_scans_total"
#define BM_TRACKED_VERSIONS "dashboard_tracked_versions"
#define BM_WINDOW_KEYS      "dashboard_window_keys"
#define BM_DATABASE_UP      "dashboard_database_up"
/* HTTP */
#define BM_HTTP_REQUESTS "dashboard_http_requests_total"

/* Declare every family above in m. */
nn_status backend_metrics_declare(nn_metrics *m);

/* The label set of an entity's series, entity="<name>" (free() it); NULL
 * when out of memory. */
char *backend_metrics_entity_label(const char *entity);

#endif
