/*
 * metrics.c - a small Prometheus registry (see metrics.h).
 */
#include "metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum nn_metric_type {
    NN_METRIC_COUNTER,
    NN_METRIC_GAUGE,
    NN_METRIC_HISTOGRAM
} nn_metric_type;

typedef struct nn_series {
    char *labels;
    double value;     /* counter, gauge; histogram: sum */
    uint64_t count;   /* histogram: observations */
    uint64_t *bucket; /* histogram: observations <= bounds[i] (not cumulative) */
    struct nn_series *next;
} nn_series;

typedef struct nn_family {
    char *name;
    char *help;
    nn_metric_type type;
    double *bounds;
    size_t bound_count;
    nn_series *series;
    struct nn_family *next;
} nn_family;

struct nn_metrics {
    pthread_mutex_t lock;
    nn_family *families; /* in declaration order */
    nn_family *last;
};

const double nn_metrics_latency_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1,     2.5,  5,     10};
const size_t nn_metrics_latency_bound_count =
    sizeof nn_metrics_latency_bounds / sizeof nn_metrics_latency_bounds[0];

nn_status nn_metrics_new(nn_metrics **out)
{
    nn_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NN_ERR_NOMEM;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NN_ERR_NOMEM;
    }
    *out = m;
    return NN_OK;
}

void nn_metrics_free(nn_metrics *m)
{
    if (!m)
        return;
    for (nn_family *f = m->families, *nf; f; f = nf) {
        nf = f->next;
        for (nn_series *s = f->series, *ns; s; s = ns) {
            ns = s->next;
            free(s->labels);
            free(s->bucket);
            free(s);
        }
        free(f->name);
        free(f->help);
        free(f->bounds);
        free(f);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static nn_family *nn_family_find(nn_metrics *m, const char *name)
{
    for (nn_family *f = m->families; f; f = f->next) {
        if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

static nn_status nn_family_declare(nn_metrics *m, const char *name, const char *help,
                                   nn_metric_type type, const double *bounds, size_t bound_count)
{
    nn_family *f = calloc(1, sizeof *f);
    if (!f)
        return NN_ERR_NOMEM;
    f->name = strdup(name);
    f->help = strdup(help);
    f->type = type;
    f->bound_count = bound_count;
    if (bound_count) {
        f->bounds = malloc(bound_count * sizeof *f->bounds);
        if (f->bounds)
            memcpy(f->bounds, bounds, bound_count * sizeof *f->bounds);
    }
    if (!f->name || !f->help || (bound_count && !f->bounds)) {
        free(f->name);
        free(f->help);
        free(f->bounds);
        free(f);
        return NN_ERR_NOMEM;
    }
    pthread_mutex_lock(&m->lock);
    nn_status st = NN_OK;
    if (nn_family_find(m, name)) {
        st = NN_ERR_INVALID;
    } else {
        if (m->last)
            m->last->next = f;
        else
            m->families = f;
        m->last = f;
    }
    pthread_mutex_unlock(&m->lock);
    if (st != NN_OK) {
        free(f->name);
        free(f->help);
        free(f->bounds);
        free(f);
    }
    return st;
}

nn_status nn_metrics_counter(nn_metrics *m, const char *name, const char *help)
{
    return nn_family_declare(m, name, help, NN_METRIC_COUNTER, NULL, 0);
}

nn_status nn_metrics_gauge(nn_metrics *m, const char *name, const char *help)
{
    return nn_family_declare(m, name, help, NN_METRIC_GAUGE, NULL, 0);
}

nn_status nn_metrics_histogram(nn_metrics *m, const char *name, const char *help,
                               const double *bounds, size_t bound_count)
{
    return nn_family_declare(m, name, help, NN_METRIC_HISTOGRAM, bounds, bound_count);
}

/* The series of f with these labels, created on first use; NULL when out of memory.
 * Called with the lock held. */
static nn_series *nn_series_get(nn_family *f, const char *labels)
{
    nn_series **tail = &f->series;
    for (nn_series *s = f->series; s; s = s->next) {
        if (strcmp(s->labels, labels) == 0)
            return s;
        tail = &s->next;
    }
    nn_series *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->labels = strdup(labels);
    if (f->bound_count)
        s->bucket = calloc(f->bound_count, sizeof *s->bucket);
    if (!s->labels || (f->bound_count && !s->bucket)) {
        free(s->labels);
        free(s->bucket);
        free(s);
        return NULL;
    }
    *tail = s;
    return s;
}

static void nn_metrics_update(nn_metrics *m, const char *name, const char *labels, double v,
                              nn_metric_type type)
{
    pthread_mutex_lock(&m->lock);
    nn_family *f = nn_family_find(m, name);
    nn_series *s = f ? nn_series_get(f, labels ? labels : "") : NULL;
    if (s) {
        if (type == NN_METRIC_HISTOGRAM && f->type == NN_METRIC_HISTOGRAM) {
            s->value += v;
            s->count++;
            for (size_t i = 0; i < f->bound_count; i++) {
                if (v <= f->bounds[i]) {
                    s->bucket[i]++;
                    break;
                }
            }
        } else if (type == NN_METRIC_GAUGE && f->type == NN_METRIC_GAUGE) {
            s->value = v;
        } else if (type == NN_METRIC_COUNTER && f->type != NN_METRIC_HISTOGRAM) {
            s->value += v;
        }
    }
    pthread_mutex_unlock(&m->lock);
}

void nn_metrics_add(nn_metrics *m, const char *name, const char *labels, double v)
{
    nn_metrics_update(m, name, labels, v, NN_METRIC_COUNTER);
}

void nn_metrics_set(nn_metrics *m, const char *name, const char *labels, double v)
{
    nn_metrics_update(m, name, labels, v, NN_METRIC_GAUGE);
}

void nn_metrics_observe(nn_metrics *m, const char *name, const char *labels, double v)
{
    nn_metrics_update(m, name, labels, v, NN_METRIC_HISTOGRAM);
}

/* name{labels,extra} or name{extra} or name */
static void nn_put_series_name(nn_buf *out, const char *name, const char *suffix,
                               const char *labels, const char *extra)
{
    nn_buf_printf(out, "%s%s", name, suffix);
    bool has_labels = labels && *labels;
    if (has_labels || extra) {
        nn_buf_printf(out, "{%s%s%s}", has_labels ? labels : "", has_labels && extra ? "," : "",
                      extra ? extra : "");
    }
}

static void nn_render_histogram(nn_buf *out, const nn_family *f, const nn_series *s)
{
    uint64_t cumulative = 0;
    for (size_t i = 0; i < f->bound_count; i++) {
        cumulative += s->bucket[i];
        char le[64];
        snprintf(le, sizeof le, "le=\"%g\"", f->bounds[i]);
        nn_put_series_name(out, f->name, "_bucket", s->labels, le);
        nn_buf_printf(out, " %llu\n", (unsigned long long)cumulative);
    }
    nn_put_series_name(out, f->name, "_bucket", s->labels, "le=\"+Inf\"");
    nn_buf_printf(out, " %llu\n", (unsigned long long)s->count);
    nn_put_series_name(out, f->name, "_sum", s->labels, NULL);
    nn_buf_printf(out, " %.9g\n", s->value);
    nn_put_series_name(out, f->name, "_count", s->labels, NULL);
    nn_buf_printf(out, " %llu\n", (unsigned long long)s->count);
}

nn_status nn_metrics_render(nn_metrics *m, nn_buf *out)
{
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    pthread_mutex_lock(&m->lock);
    for (const nn_family *f = m->families; f; f = f->next) {
        nn_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
                      type_names[f->type]);
        for (const nn_series *s = f->series; s; s = s->next) {
            if (f->type == NN_METRIC_HISTOGRAM) {
                nn_render_histogram(out, f, s);
            } else {
                nn_put_series_name(out, f->name, "", s->labels, NULL);
                nn_buf_printf(out, " %.17g\n", s->value);
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
    return nn_buf_status(out);
}
