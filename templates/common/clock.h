/*
 * clock.h - the current time as RFC 3339 UTC text with milliseconds
 * ("2024-05-01T12:00:00.123Z"), as logs, envelopes and DLQ documents write it.
 *
 * Each thread keeps the text of the last second it formatted, so most calls
 * cost a clock_gettime and a copy, not a gmtime_r and a printf (the
 * ingestion API takes a timestamp per request and logs a line per request).
 */
#ifndef NN_CLOCK_H
#define NN_CLOCK_H

#include "status.h"

/* "2024-05-01T12:00:00.123Z" and its NUL; years beyond 9999 do not fit (NN_ERR_IO). */
#define NN_CLOCK_TEXT_SIZE 25

/* Now into text. NN_OK, or NN_ERR_IO when the clock cannot be read or formatted. */
nn_status nn_clock_now_text(char text[NN_CLOCK_TEXT_SIZE]);

#endif
