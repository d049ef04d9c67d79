/*
 * main.c - the ingestion API: entry point, start-up and shutdown.
 *
 * Start-up: environment (settings.c), OpenAPI document, metrics, the NATS
 * publisher (connects in the background when NATS is down: the service still
 * starts and answers /health), then the HTTP server.
 *
 * SIGTERM or SIGINT: stop accepting connections, answer 503 to new requests,
 * wait up to SHUTDOWN_TIMEOUT for the publishes in flight to be acknowledged
 * (what is still pending then is answered 503), let the answers go out, close
 * NATS, exit 0. The signals are blocked in every thread and taken by
 * sigwait() here, so no handler and no global flag are needed.
 */
#include "app.h"
#include "http.h"
#include "ingest_metrics.h"
#include "json_arena.h"
#include "openapi.h"
#include "publisher.h"
#include "settings.h"

#include "common/log.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* After the drain, how long the last answers may take to be written out. */
#define INGEST_FLUSH_ANSWERS_MS 2000
/* Access log lines are written in batches, at the latest this long after
 * their request ended (one write(2) per line costs ~5% of a request). */
#define INGEST_ACCESS_LOG_FLUSH_MS 100

/* Block the stop signals (threads started later inherit the mask) and
 * ignore SIGPIPE (a client that went away is an error code, not a crash). */
static bool ingest_signals_setup(sigset_t *stop)
{
    sigemptyset(stop);
    sigaddset(stop, SIGTERM);
    sigaddset(stop, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, stop, NULL) != 0)
        return false;
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGPIPE, &ignore, NULL) == 0;
}

static int ingest_wait_for_stop(const sigset_t *stop)
{
    for (;;) {
        int sig = 0;
        if (sigwait(stop, &sig) == 0)
            return sig;
    }
}

static void ingest_shutdown(ingest_app *app, ingest_http *http)
{
    const ingest_settings *settings = app->settings;
    atomic_store(&app->draining, true);
    ingest_http_quiesce(http);
    size_t pending = ingest_publisher_in_flight(app->publisher);
    nn_log_info("draining", NN_LOG_INT("in_flight", pending),
                NN_LOG_INT("timeout_ms", settings->shutdown_timeout_ms));
    size_t cancelled = ingest_publisher_drain(app->publisher, settings->shutdown_timeout_ms);
    if (cancelled > 0)
        nn_log_warn("publishes still unanswered at the shutdown timeout: answered 503",
                    NN_LOG_INT("count", cancelled));
    if (!ingest_http_wait_idle(http, INGEST_FLUSH_ANSWERS_MS))
        nn_log_warn("requests still open at shutdown: their connections are closed");
    ingest_http_stop(http);
}

int main(int argc, char **argv)
{
    ingest_settings settings;
    int exit_code;
    if (!nn_cli_start(&ingest_cli, argc, argv, &settings, &exit_code))
        return exit_code;

    sigset_t stop;
    if (!ingest_signals_setup(&stop)) {
        nn_log_error("cannot set up signal handling");
        return 1;
    }

    ingest_app app = {.settings = &settings};
    atomic_init(&app.draining, false);
    app.api_token_len = settings.api_token ? strlen(settings.api_token) : 0;

    ingest_publisher_config publisher_config = {
        .urls = settings.nats_url,
        .name = ingest_cli.program,
        .publish_timeout_ms = settings.publish_timeout_ms,
        .max_in_flight = settings.max_in_flight,
        .send_asap = settings.nats_send_asap,
        .streams = settings.streams,
    };
    ingest_http *http = NULL;
    /* before any jansson value exists */
    nn_status st = ingest_json_arena_install();
    if (st == NN_OK)
        st = ingest_openapi_build(&app.openapi, &app.openapi_len);
    if (st == NN_OK && settings.access_log)
        st = nn_log_buffer_start(INGEST_ACCESS_LOG_FLUSH_MS);
    if (st == NN_OK)
        st = ingest_metrics_new(&app.metrics);
    if (st == NN_OK)
        st = ingest_publisher_start(&publisher_config, &app.publisher);
    if (st == NN_OK)
        st = ingest_http_start(&app, &http);

    if (st == NN_OK) {
        for (size_t i = 0; i < nn_entity_count; i++) {
            const nn_entity *e = nn_entities[i];
            if (e->ingestible)
                nn_log_debug("endpoint", NN_LOG_STR("entity", e->name),
                             NN_LOG_STR("subject", e->subject));
        }
        int sig = ingest_wait_for_stop(&stop);
        nn_log_info("stopping", NN_LOG_STR("signal", sig == SIGINT ? "SIGINT" : "SIGTERM"));
        ingest_shutdown(&app, http);
    } else {
        nn_log_error("cannot start", NN_LOG_STR("error", nn_status_str(st)));
    }

    ingest_publisher_free(app.publisher);
    ingest_metrics_free(app.metrics);
    free(app.openapi);
    nn_log_buffer_stop(); /* the HTTP threads, the only buffered loggers, are gone */
    if (st == NN_OK)
        nn_log_info("stopped");
    return st == NN_OK ? 0 : 1;
}
