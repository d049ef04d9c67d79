/*
 * poller.h - the one reader of the database: a thread that follows every
 * entity table for all clients at once.
 *
 * It holds two connections: one LISTENs on nomnom_changes (the worker
 * NOTIFYs after each commit), the other runs the polls. A poll happens every
 * POLL_INTERVAL_MS, and soon after a notification arrives: POLL_MIN_GAP_MS
 * after the previous poll ended, or POLL_BUSY_GAP_MS when that poll found
 * rows. Under a steady stream of commits the rows of that gap then travel
 * together, in one message per entity for every client, instead of one
 * message per commit. Each poll reads, in one REPEATABLE READ transaction,
 * what changed in every table (tracker.h) and the counts (stats.h), and
 * hands the results to the server thread as events (events.h).
 *
 * When the database cannot be reached the poller says so once
 * (EVENT_DB_DOWN), retries with exponential backoff (POLL_BACKOFF_MIN_MS
 * doubling up to POLL_BACKOFF_MAX_MS) and, once back, carries on from where
 * it was (EVENT_DB_UP): nothing committed meanwhile is missed or repeated.
 */
#ifndef BACKEND_POLLER_H
#define BACKEND_POLLER_H

#include "events.h"
#include "settings.h"

#include "common/metrics.h"
#include "common/status.h"

#define POLL_MIN_GAP_MS     20
#define POLL_BUSY_GAP_MS    50
#define POLL_BACKOFF_MIN_MS 250
#define POLL_BACKOFF_MAX_MS 5000

typedef struct poller poller;

/* A poller reading settings->database_url and pushing to queue. */
nn_status poller_new(const backend_settings *settings, event_queue *queue, nn_metrics *metrics,
                     poller **out);

/* Start the thread. Call with the signals the server handles blocked. */
nn_status poller_start(poller *p);

/* Stop the thread (cancelling a running query) and wait for it. */
void poller_stop(poller *p);

void poller_free(poller *p);

#endif
