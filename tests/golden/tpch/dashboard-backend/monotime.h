/*
 * monotime.h - a monotonic clock for schedules and durations (never the wall
 * clock, which may jump).
 */
#ifndef BACKEND_MONOTIME_H
#define BACKEND_MONOTIME_H

#include <stdint.h>

/* Milliseconds since an arbitrary fixed point. */
int64_t monotime_ms(void);

/* Seconds since the same point, with sub-millisecond resolution. */
double monotime_s(void);

#endif
