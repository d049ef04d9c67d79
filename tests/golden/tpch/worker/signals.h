/*
 * signals.h - SIGTERM and SIGINT ask the worker to stop.
 *
 * The handler only sets a flag (the one piece of global mutable state of the
 * worker); the main loop polls it between batches and in its waits, so the
 * batch in hand is always finished, committed and acknowledged first.
 */
#ifndef WORKER_SIGNALS_H
#define WORKER_SIGNALS_H

#include "common/status.h"

#include <stdbool.h>
#include <stdint.h>

/* Install the handlers (and ignore SIGPIPE). NN_ERR_IO when sigaction fails. */
nn_status worker_signals_install(void);

/* Whether SIGTERM or SIGINT has arrived. */
bool worker_stop_requested(void);

/* Sleep ms milliseconds, waking early when a stop is requested; false then. */
bool worker_sleep_ms(int64_t ms);

#endif
