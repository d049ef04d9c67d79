/*
 * main.c - the dashboard backend: entry point.
 *
 * Three threads:
 *   main     the HTTP/WebSocket server's event loop (server.c);
 *   poller   reads the database for every client at once (poller.c) and
 *            hands events to the server through a queue (events.c);
 *   signals  waits for SIGTERM/SIGINT (sigwait) and asks the server to stop.
 * SIGTERM, SIGINT (and SIGUSR1, which ends the signal thread at exit) are
 * blocked in every thread, so no signal handler runs and there is no global
 * state. On SIGTERM the clients get a close frame
 * (1001 "going away"), the poller stops, and the program exits 0.
 */
#include "backend_metrics.h"
#include "events.h"
#include "poller.h"
#include "server.h"
#include "settings.h"

#include "common/log.h"
#include "common/metrics.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The poller may run ahead of the server by this many bytes of messages. */
#define BACKEND_QUEUE_BYTES ((size_t)16 * 1024 * 1024)

typedef struct backend_signals {
    sigset_t set;
    server *srv;
    atomic_bool ending; /* set before the SIGUSR1 that ends the thread */
} backend_signals;

static void *backend_signal_main(void *arg)
{
    backend_signals *sig = arg;
    int number = 0;
    for (;;) {
        if (sigwait(&sig->set, &number) != 0)
            return NULL;
        if (number != SIGUSR1)
            break;
        if (atomic_load(&sig->ending))
            return NULL; /* the program is ending anyway */
    }
    if (!atomic_load(&sig->srv->stop_requested))
        nn_log_info("stopping", NN_LOG_STR("signal", number == SIGINT ? "SIGINT" : "SIGTERM"));
    server_request_stop(sig->srv);
    return NULL;
}

/* Checks between variables nn_cli_start cannot make. */
static bool backend_check_settings(const backend_settings *settings)
{
    if (settings->cors_origin && strlen(settings->cors_origin) > BACKEND_CORS_ORIGIN_MAX) {
        nn_log_error("CORS_ORIGIN is too long", NN_LOG_INT("max", BACKEND_CORS_ORIGIN_MAX));
        return false;
    }
    return true;
}

/* Run with everything set up; false when something failed. */
static bool backend_run(const backend_settings *settings, nn_metrics *metrics, event_queue *queue)
{
    server srv;
    if (server_init(&srv, settings, metrics, queue) != NN_OK) {
        server_free(&srv);
        return false;
    }
    event_queue_set_wake(queue, server_wake, &srv);

    poller *poll = NULL;
    if (poller_new(settings, queue, metrics, &poll) != NN_OK || poller_start(poll) != NN_OK) {
        nn_log_error("cannot start the poller");
        poller_free(poll);
        server_free(&srv);
        return false;
    }

    backend_signals sig = {.srv = &srv};
    atomic_init(&sig.ending, false);
    sigemptyset(&sig.set);
    sigaddset(&sig.set, SIGTERM);
    sigaddset(&sig.set, SIGINT);
    sigaddset(&sig.set, SIGUSR1);
    pthread_t signal_thread;
    bool signals = pthread_create(&signal_thread, NULL, backend_signal_main, &sig) == 0;
    if (!signals) {
        nn_log_error("cannot start the signal thread");
        server_request_stop(&srv);
    }

    bool ok = server_run(&srv) && signals;

    poller_stop(poll);
    if (signals) {
        /* end the signal thread if no signal came (it waits for SIGUSR1 too) */
        atomic_store(&sig.ending, true);
        int rc = pthread_kill(signal_thread, SIGUSR1);
        if (rc != 0 && rc != ESRCH) /* ESRCH: it ended after a signal already */
            nn_log_error("cannot wake the signal thread", NN_LOG_STR("error", strerror(rc)));
        rc = pthread_join(signal_thread, NULL);
        if (rc != 0)
            nn_log_error("cannot join the signal thread", NN_LOG_STR("error", strerror(rc)));
    }
    poller_free(poll);
    server_free(&srv);
    nn_log_info("stopped");
    return ok;
}

int main(int argc, char **argv)
{
    backend_settings settings;
    int exit_code;
    if (!nn_cli_start(&backend_cli, argc, argv, &settings, &exit_code))
        return exit_code;
    if (!backend_check_settings(&settings))
        return 2;

    /* Block the stop signals before any thread starts (every thread inherits
     * the mask; the signal thread takes them with sigwait), and ignore SIGPIPE:
     * a client that vanished is an error from write, not a crash. */
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGUSR1);
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    if (pthread_sigmask(SIG_BLOCK, &blocked, NULL) != 0 || sigaction(SIGPIPE, &ignore, NULL) != 0) {
        nn_log_error("cannot set up signal handling");
        return 1;
    }

    nn_metrics *metrics = NULL;
    if (nn_metrics_new(&metrics) != NN_OK || backend_metrics_declare(metrics) != NN_OK) {
        nn_log_error("out of memory");
        nn_metrics_free(metrics);
        return 1;
    }
    event_queue queue;
    if (event_queue_init(&queue, BACKEND_QUEUE_BYTES) != NN_OK) {
        nn_log_error("out of memory");
        nn_metrics_free(metrics);
        return 1;
    }
    bool ok = backend_run(&settings, metrics, &queue);
    event_queue_destroy(&queue);
    nn_metrics_free(metrics);
    return ok ? 0 : 1;
}
