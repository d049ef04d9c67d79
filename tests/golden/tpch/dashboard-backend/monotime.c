/*
 * monotime.c - CLOCK_MONOTONIC readings (see monotime.h).
 */
#include "monotime.h"

#include <time.h>

static struct timespec monotime_now(void)
{
    struct timespec ts = {0, 0};
    /* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

int64_t monotime_ms(void)
{
    struct timespec ts = monotime_now();
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double monotime_s(void)
{
    struct timespec ts = monotime_now();
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
