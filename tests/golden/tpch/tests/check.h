/*
 * check.h - a minimal unit-test harness for the tests of this folder.
 *
 * Each test_*.c is one program: it calls CHECK* macros, which count and
 * report failures with their file and line, and ends with
 * `return nn_check_finish();`, which prints "N passed, N failed".
 * nn_check_note() prints details of a failure on stderr.
 * The counters are this header's own statics: one test program, one set.
 */
#ifndef NN_CHECK_H
#define NN_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int nn_check_passed;
static int nn_check_failed;

/* printf to stderr: details of a failure. Output that fails counts as a failed check. */
static inline void nn_check_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void nn_check_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(stderr, fmt, ap) < 0)
        nn_check_failed++;
    va_end(ap);
}

static inline int nn_check_result(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        nn_check_passed++;
    } else {
        nn_check_failed++;
        nn_check_note("%s:%d: check failed: %s\n", file, line, what);
    }
    return ok;
}

static inline int nn_check_str(const char *got, const char *want, const char *file, int line,
                               const char *what)
{
    int ok = got && want ? strcmp(got, want) == 0 : got == want;
    if (!nn_check_result(ok, file, line, what))
        nn_check_note("    got:  %s\n    want: %s\n", got ? got : "(null)", want ? want : "(null)");
    return ok;
}

static inline int nn_check_long(long long got, long long want, const char *file, int line,
                                const char *what)
{
    int ok = got == want;
    if (!nn_check_result(ok, file, line, what))
        nn_check_note("    got:  %lld\n    want: %lld\n", got, want);
    return ok;
}

/* CHECK(condition); CHECK_STR(got, want) (NULL equals NULL); CHECK_INT(got, want). */
#define CHECK(cond)          nn_check_result((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_STR(got, want) nn_check_str((got), (want), __FILE__, __LINE__, #got " == " #want)
#define CHECK_INT(got, want) nn_check_long((got), (want), __FILE__, __LINE__, #got " == " #want)

static inline int nn_check_finish(void)
{
    if (printf("%d passed, %d failed\n", nn_check_passed, nn_check_failed) < 0 || fflush(stdout))
        return 1;
    return nn_check_failed ? 1 : 0;
}

#endif
