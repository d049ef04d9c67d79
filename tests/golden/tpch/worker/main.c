/*
 * main.c - the worker: entry point, start-up and shutdown.
 *
 * Start-up, in order: the environment (settings.c); PostgreSQL, retried until
 * reachable, with sql/schema.sql applied under an advisory lock (schema.c) -
 * with --migrate-only the worker exits here; /health, /ready and /metrics
 * (http.c), served once the schema is in place; NATS, the streams and the
 * durable consumer (consumer.c), retried until reachable. Then CONCURRENCY
 * consuming loops (loop.c), one thread each, until SIGTERM or SIGINT
 * (signals.c): each finishes the batch in hand, commits and acknowledges it,
 * and the worker exits 0.
 *
 * Exit codes: 0 after a stop or --migrate-only, 1 when something fails for
 * good (schema refused, port taken, out of memory), 2 for a bad command line
 * or environment.
 */
#include "consumer.h"
#include "db.h"
#include "http.h"
#include "loop.h"
#include "settings.h"
#include "signals.h"
#include "stats.h"

#include "common/log.h"
#include "common/metrics.h"

#include <nats/nats.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* What /ready looks at, from the HTTP thread (both checks are thread-safe). */
typedef struct worker_health {
    worker_loop *loops;
    size_t loop_count;
    worker_nats *nats;
} worker_health;

static void worker_ready(void *ctx, bool *database, bool *nats)
{
    worker_health *health = ctx;
    *database = true;
    for (size_t i = 0; i < health->loop_count; i++)
        *database = *database && worker_db_is_up(&health->loops[i].db);
    *nats = worker_nats_connected(health->nats);
}

/* Connect to NATS, retrying with backoff; false when a stop came first. */
static bool worker_open_nats(worker_nats *nats, const worker_settings *settings)
{
    int64_t wait = 100;
    for (;;) {
        nn_status st = worker_nats_open(nats, settings);
        if (st == NN_OK)
            return true;
        if (st == NN_ERR_NOMEM || !worker_sleep_ms(wait))
            return false;
        wait = wait < 5000 ? wait * 2 : 5000;
    }
}

/* Run the loops on their threads until they all return. 0, or 1 when one failed. */
static int worker_run_loops(worker_loop *loops, size_t count)
{
    if (count == 0)
        return 0;
    pthread_t *threads = calloc(count, sizeof *threads);
    if (!threads)
        return 1;
    size_t started = 0;
    for (; started < count; started++) {
        int err = pthread_create(&threads[started], NULL, worker_loop_run, &loops[started]);
        if (err != 0) {
            nn_log_error("cannot start a consuming loop", NN_LOG_STR("error", strerror(err)));
            break;
        }
    }
    int code = started == count ? 0 : 1;
    if (code != 0)
        raise(SIGTERM); /* the loops already running stop too */
    for (size_t i = 0; i < started; i++) {
        int err = pthread_join(threads[i], NULL);
        if (err != 0 || loops[i].result != NN_OK) {
            nn_log_error("a consuming loop failed", NN_LOG_INT("loop", (int64_t)i),
                         NN_LOG_STR("error", err ? strerror(err) : nn_status_str(loops[i].result)));
            code = 1;
        }
    }
    free(threads);
    return code;
}

/* Everything after the schema: HTTP, NATS, the loops. loops[0].db is connected. */
static int worker_serve(const worker_settings *settings, worker_loop *loops, nn_metrics *metrics)
{
    size_t count = (size_t)settings->concurrency;
    worker_nats nats = {0};
    worker_health health = {.loops = loops, .loop_count = count, .nats = &nats};
    worker_http *http = NULL;
    if (worker_http_start(&http, settings->metrics_host, settings->metrics_port, metrics,
                          worker_ready, &health) != NN_OK)
        return 1;

    int code = 0;
    if (worker_open_nats(&nats, settings)) {
        for (size_t i = 0; i < count; i++)
            loops[i].nats = &nats;
        code = worker_run_loops(loops, count);
    } else if (!worker_stop_requested()) {
        code = 1;
    }
    worker_http_stop(http); /* before what /ready reads goes */
    worker_nats_close(&nats);
    return code;
}

int main(int argc, char **argv)
{
    worker_settings settings;
    nn_cli cli;
    nn_cli_flag migrate_flag;
    worker_cli_init(&cli, &migrate_flag, &settings);
    int exit_code;
    if (!nn_cli_start(&cli, argc, argv, &settings, &exit_code))
        return exit_code;
    if (worker_settings_check(&settings) != NN_OK)
        return 2;
    if (worker_signals_install() != NN_OK) {
        nn_log_error("cannot install the signal handlers");
        return 1;
    }

    nn_metrics *metrics = NULL;
    worker_loop *loops = calloc((size_t)settings.concurrency, sizeof *loops);
    if (!loops || nn_metrics_new(&metrics) != NN_OK || worker_stats_declare(metrics) != NN_OK) {
        nn_log_error("out of memory");
        nn_metrics_free(metrics);
        free(loops);
        return 1;
    }
    for (size_t i = 0; i < (size_t)settings.concurrency; i++) {
        loops[i].index = i;
        loops[i].settings = &settings;
        loops[i].metrics = metrics;
        worker_db_init(&loops[i].db, settings.database_url);
    }

    /* the first loop's connection applies the schema; the others connect by themselves */
    int code = 0;
    nn_status st = worker_loop_database(&loops[0].db, metrics, 0, settings.schema_file);
    if (st == NN_OK && settings.migrate_only)
        nn_log_info("--migrate-only: the schema is up to date");
    else if (st == NN_OK)
        code = worker_serve(&settings, loops, metrics);
    else if (!(st == NN_ERR_UNAVAILABLE && worker_stop_requested()))
        code = 1;

    for (size_t i = 0; i < (size_t)settings.concurrency; i++)
        worker_db_close(&loops[i].db);
    free(loops);
    nn_metrics_free(metrics);
    nats_CloseAndWait(2000);
    nn_log_info("stopped", NN_LOG_INT("exit_code", code));
    return code;
}
