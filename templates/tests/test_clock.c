/*
 * test_clock.c - the current time as RFC 3339 text (common/clock.c): its
 * shape, agreement with time(2), and the per-thread second cache across
 * calls and threads.
 */
#include "check.h"

#include "common/clock.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* Whether text is "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static bool looks_right(const char *text)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (strlen(text) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        bool ok = shape[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == shape[i];
        if (!ok)
            return false;
    }
    return true;
}

/* t as "YYYY-MM-DDTHH:MM:SS" into out (20 bytes); the same width as the
 * clock's text, so the two compare in time order as strings. */
static void second_text(time_t t, char out[20])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm) != 19)
        out[0] = '\0';
}

/* Whether the second of text lies in [from, to]. */
static bool within(const char *text, time_t from, time_t to)
{
    char low[20], high[20];
    second_text(from, low);
    second_text(to, high);
    return strncmp(text, low, 19) >= 0 && strncmp(text, high, 19) <= 0;
}

static void *other_thread(void *arg)
{
    char *text = arg;
    if (nn_clock_now_text(text) != NN_OK)
        text[0] = '\0';
    return NULL;
}

int main(void)
{
    char text[NN_CLOCK_TEXT_SIZE];
    time_t before = time(NULL);
    CHECK_INT(nn_clock_now_text(text), NN_OK);
    time_t after = time(NULL);
    CHECK(looks_right(text));
    CHECK(within(text, before, after));

    /* many calls within a second: the cached second stays right */
    char previous[NN_CLOCK_TEXT_SIZE];
    memcpy(previous, text, sizeof text);
    bool ordered = true, shaped = true;
    for (int i = 0; i < 100000; i++) {
        if (nn_clock_now_text(text) != NN_OK || !looks_right(text)) {
            shaped = false;
            break;
        }
        ordered =
            ordered && strcmp(previous, text) <= 0; /* the same width: text order is time order */
        memcpy(previous, text, sizeof text);
    }
    CHECK(shaped);
    CHECK(ordered);
    CHECK(within(text, before, time(NULL)));

    /* another thread has its own cache */
    char theirs[NN_CLOCK_TEXT_SIZE] = "";
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, other_thread, theirs) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(looks_right(theirs));
    CHECK(within(theirs, before, time(NULL)));
    return nn_check_finish();
}
