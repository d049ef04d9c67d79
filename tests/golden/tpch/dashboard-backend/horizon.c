/*
 * horizon.c - releasing primary-key ranges once their writers ended (see horizon.h).
 */
#include "horizon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void horizon_init(horizon *h, size_t width)
{
    memset(h, 0, sizeof *h);
    h->width = width;
    h->next_seq = 1;
}

static void horizon_point_free(horizon_point *p)
{
    free(p->last_values);
    free(p->running);
    memset(p, 0, sizeof *p);
}

void horizon_clear(horizon *h)
{
    for (size_t i = 0; i < h->count; i++)
        horizon_point_free(&h->points[i]);
    h->count = 0;
    h->settled_seq = h->next_seq - 1;
}

void horizon_free(horizon *h)
{
    horizon_clear(h);
}

nn_status horizon_record(horizon *h, const int64_t *last_values, const uint64_t *running,
                         size_t running_count, uint64_t *seq)
{
    horizon_point p = {.seq = h->next_seq, .running_count = running_count};
    p.last_values = malloc((h->width ? h->width : 1) * sizeof *p.last_values);
    p.running = malloc((running_count ? running_count : 1) * sizeof *p.running);
    if (!p.last_values || !p.running) {
        horizon_point_free(&p);
        return NN_ERR_NOMEM;
    }
    if (h->width)
        memcpy(p.last_values, last_values, h->width * sizeof *p.last_values);
    if (running_count)
        memcpy(p.running, running, running_count * sizeof *p.running);
    if (h->count == HORIZON_POINTS) {
        /* full: the newest point gives way (the new one releases later, never sooner) */
        horizon_point_free(&h->points[h->count - 1]);
        h->count--;
    }
    h->points[h->count++] = p;
    h->next_seq++;
    if (seq)
        *seq = p.seq;
    return NN_OK;
}

static bool horizon_contains(const uint64_t *sorted, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] == v)
            return true;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Whether any transaction of p is still running. */
static bool horizon_point_busy(const horizon_point *p, const uint64_t *running, size_t n)
{
    for (size_t i = 0; i < p->running_count; i++) {
        if (horizon_contains(running, n, p->running[i]))
            return true;
    }
    return false;
}

size_t horizon_settle(horizon *h, const uint64_t *running, size_t running_count, int64_t *targets)
{
    size_t released = 0;
    while (released < h->count &&
           !horizon_point_busy(&h->points[released], running, running_count)) {
        const horizon_point *p = &h->points[released];
        for (size_t e = 0; e < h->width; e++) {
            if (p->last_values[e] != HORIZON_UNKNOWN && p->last_values[e] > targets[e])
                targets[e] = p->last_values[e];
        }
        h->settled_seq = p->seq;
        released++;
    }
    for (size_t i = 0; i < released; i++)
        horizon_point_free(&h->points[i]);
    memmove(h->points, h->points + released, (h->count - released) * sizeof h->points[0]);
    for (size_t i = h->count - released; i < h->count; i++)
        memset(&h->points[i], 0, sizeof h->points[i]);
    h->count -= released;
    return released;
}

bool horizon_settled(const horizon *h, uint64_t seq)
{
    return seq <= h->settled_seq;
}

static int horizon_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* One unsigned 32-bit decimal number at *p; advances *p past it. */
static bool horizon_parse_u32(const char **p, uint32_t *out)
{
    if (**p < '0' || **p > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(*p, &end, 10);
    if (errno == ERANGE || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    *p = end;
    return true;
}

nn_status horizon_parse_vxids(const char *text, uint64_t **out, size_t *count)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ' ';
    uint64_t *ids = malloc(cap * sizeof *ids);
    if (!ids)
        return NN_ERR_NOMEM;
    size_t n = 0;
    const char *p = text;
    while (*p) {
        uint32_t backend = UINT32_MAX, local;
        /* a prepared transaction's backend is -1 */
        bool prepared = strncmp(p, "-1/", 3) == 0;
        if (prepared)
            p += 2;
        if ((!prepared && !horizon_parse_u32(&p, &backend)) || *p++ != '/' ||
            !horizon_parse_u32(&p, &local) || (*p != ' ' && *p != '\0') || n == cap) {
            free(ids);
            return NN_ERR_INVALID;
        }
        ids[n++] = ((uint64_t)backend << 32) | local;
        if (*p == ' ')
            p++;
    }
    qsort(ids, n, sizeof *ids, horizon_compare);
    *out = ids;
    *count = n;
    return NN_OK;
}
