/*
 * signals.c - the stop flag set by SIGTERM and SIGINT (see signals.h).
 */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Set by the handler, read by the main loop: the worker's only global state. */
static volatile sig_atomic_t worker_stop_flag = 0;

static void worker_on_signal(int signo)
{
    (void)signo;
    worker_stop_flag = 1;
}

nn_status worker_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = worker_on_signal;
    if (sigemptyset(&sa.sa_mask) != 0)
        return NN_ERR_IO;
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return NN_ERR_IO;
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        return NN_ERR_IO;
    return NN_OK;
}

bool worker_stop_requested(void)
{
    return worker_stop_flag != 0;
}

bool worker_sleep_ms(int64_t ms)
{
    /* in slices, so a stop request is noticed within 50 ms */
    const int64_t slice = 50;
    while (ms > 0 && !worker_stop_requested()) {
        int64_t step = ms < slice ? ms : slice;
        struct timespec ts = {.tv_sec = (time_t)(step / 1000),
                              .tv_nsec = (long)(step % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !worker_stop_requested())
            ;
        ms -= step;
    }
    return !worker_stop_requested();
}
