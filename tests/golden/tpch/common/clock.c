/*
 * clock.c - the current time as RFC 3339 UTC text (see clock.h).
 */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* "2024-05-01T12:00:00": the part a whole second shares */
#define NN_CLOCK_SECOND_LEN 19

/* This thread's last formatted second and its text. */
static _Thread_local time_t nn_clock_second = -1;
static _Thread_local char nn_clock_second_text[NN_CLOCK_SECOND_LEN + 1];

nn_status nn_clock_now_text(char text[NN_CLOCK_TEXT_SIZE])
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return NN_ERR_IO;
    if (now.tv_sec != nn_clock_second) {
        struct tm tm;
        if (!gmtime_r(&now.tv_sec, &tm))
            return NN_ERR_IO;
        int n = snprintf(nn_clock_second_text, sizeof nn_clock_second_text,
                         "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (n != NN_CLOCK_SECOND_LEN) {
            nn_clock_second = -1;
            return NN_ERR_IO;
        }
        nn_clock_second = now.tv_sec;
    }
    long ms = now.tv_nsec / 1000000L;
    memcpy(text, nn_clock_second_text, NN_CLOCK_SECOND_LEN);
    char *frac = text + NN_CLOCK_SECOND_LEN;
    frac[0] = '.';
    frac[1] = (char)('0' + ms / 100);
    frac[2] = (char)('0' + ms / 10 % 10);
    frac[3] = (char)('0' + ms % 10);
    frac[4] = 'Z';
    frac[5] = '\0';
    return NN_OK;
}
