/*
 * ingest_metrics.c - the ingestion API's metric families and their labels
 * (see ingest_metrics.h).
 */
#include "ingest_metrics.h"

#include "common/metrics.h"

#include <stdlib.h>

#define INGEST_REQUESTS  "ingest_requests_total"
#define HTTP_REQUESTS    "http_requests_total"
#define PUBLISH_DURATION "ingest_publish_duration_seconds"
#define DUPLICATES       "ingest_duplicates_total"
#define IN_FLIGHT        "ingest_in_flight"
#define NATS_CONNECTED   "ingest_nats_connected"
#define READY            "ingest_ready"

/* The status codes the API answers; any other is counted as "other". */
static const unsigned ingest_codes[] = {200, 202, 400, 401, 404, 405, 413, 415, 500, 503};
#define INGEST_CODE_COUNT    (sizeof ingest_codes / sizeof ingest_codes[0])
#define INGEST_OUTCOME_COUNT 4 /* ingest_publish_outcome */

/*
 * Label sets of the hot paths, written once at start-up rather than per
 * request. Entities are numbered by their place in nn_entities, and
 * nn_entity_count stands for "not an entity".
 */
struct ingest_metrics {
    nn_metrics *registry;
    char **request_labels;   /* [entity][code]: entity="Order",code="202" */
    char **publish_labels;   /* [entity][outcome]: entity="Order",outcome="acked" */
    char **duplicate_labels; /* [entity]: entity="Order" */
};

#define INGEST_ENTITY_SLOTS  (nn_entity_count + 1)
#define INGEST_REQUEST_SLOTS (INGEST_ENTITY_SLOTS * (INGEST_CODE_COUNT + 1))
#define INGEST_PUBLISH_SLOTS (INGEST_ENTITY_SLOTS * INGEST_OUTCOME_COUNT)

/* Entity names of the definitions are identifiers: safe as label values. */
static const char *ingest_entity_label(size_t index)
{
    return index < nn_entity_count ? nn_entities[index]->name : "-";
}

static size_t ingest_entity_index(const nn_entity *entity)
{
    for (size_t i = 0; i < nn_entity_count; i++) {
        if (nn_entities[i] == entity)
            return i;
    }
    return nn_entity_count;
}

static size_t ingest_code_index(unsigned code)
{
    for (size_t i = 0; i < INGEST_CODE_COUNT; i++) {
        if (ingest_codes[i] == code)
            return i;
    }
    return INGEST_CODE_COUNT;
}

static const char *ingest_outcome_label(ingest_publish_outcome outcome)
{
    switch (outcome) {
    case INGEST_PUBLISH_ACKED:
        return "acked";
    case INGEST_PUBLISH_REFUSED:
        return "refused";
    case INGEST_PUBLISH_TIMEOUT:
        return "timeout";
    case INGEST_PUBLISH_CANCELLED:
        return "cancelled";
    }
    return "unknown";
}

static void ingest_free_labels(char **labels, size_t count)
{
    if (!labels)
        return;
    for (size_t i = 0; i < count; i++)
        free(labels[i]);
    free(labels);
}

/* Write the label tables; NN_ERR_NOMEM when any is missing. */
static nn_status ingest_make_labels(ingest_metrics *m)
{
    size_t entities = INGEST_ENTITY_SLOTS;
    m->request_labels = calloc(INGEST_REQUEST_SLOTS, sizeof *m->request_labels);
    m->publish_labels = calloc(INGEST_PUBLISH_SLOTS, sizeof *m->publish_labels);
    m->duplicate_labels = calloc(INGEST_ENTITY_SLOTS, sizeof *m->duplicate_labels);
    if (!m->request_labels || !m->publish_labels || !m->duplicate_labels)
        return NN_ERR_NOMEM;
    nn_buf b = NN_BUF_INIT;
    for (size_t e = 0; e < entities; e++) {
        const char *name = ingest_entity_label(e);
        for (size_t c = 0; c <= INGEST_CODE_COUNT; c++) {
            if (c < INGEST_CODE_COUNT)
                nn_buf_printf(&b, "entity=\"%s\",code=\"%u\"", name, ingest_codes[c]);
            else
                nn_buf_printf(&b, "entity=\"%s\",code=\"other\"", name);
            m->request_labels[e * (INGEST_CODE_COUNT + 1) + c] = nn_buf_detach(&b);
        }
        for (int o = 0; o < INGEST_OUTCOME_COUNT; o++) {
            nn_buf_printf(&b, "entity=\"%s\",outcome=\"%s\"", name,
                          ingest_outcome_label((ingest_publish_outcome)o));
            m->publish_labels[e * INGEST_OUTCOME_COUNT + (size_t)o] = nn_buf_detach(&b);
        }
        nn_buf_printf(&b, "entity=\"%s\"", name);
        m->duplicate_labels[e] = nn_buf_detach(&b);
    }
    nn_buf_free(&b);
    for (size_t e = 0; e < entities; e++) {
        for (size_t c = 0; c <= INGEST_CODE_COUNT; c++) {
            if (!m->request_labels[e * (INGEST_CODE_COUNT + 1) + c])
                return NN_ERR_NOMEM;
        }
        for (size_t o = 0; o < INGEST_OUTCOME_COUNT; o++) {
            if (!m->publish_labels[e * INGEST_OUTCOME_COUNT + o])
                return NN_ERR_NOMEM;
        }
        if (!m->duplicate_labels[e])
            return NN_ERR_NOMEM;
    }
    return NN_OK;
}

nn_status ingest_metrics_new(ingest_metrics **out)
{
    *out = NULL;
    ingest_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NN_ERR_NOMEM;
    nn_status st = ingest_make_labels(m);
    if (st == NN_OK)
        st = nn_metrics_new(&m->registry);
    if (st == NN_OK)
        st = nn_metrics_counter(m->registry, INGEST_REQUESTS,
                                "Requests to POST /ingest/{Entity} by entity and status code");
    if (st == NN_OK)
        st = nn_metrics_counter(m->registry, HTTP_REQUESTS,
                                "Requests to the other endpoints by endpoint and status code");
    if (st == NN_OK)
        st = nn_metrics_histogram(m->registry, PUBLISH_DURATION,
                                  "Time from publishing a message to its JetStream answer",
                                  nn_metrics_latency_bounds, nn_metrics_latency_bound_count);
    if (st == NN_OK)
        st = nn_metrics_counter(m->registry, DUPLICATES,
                                "Messages JetStream already had (repeated Idempotency-Key)");
    if (st == NN_OK)
        st = nn_metrics_gauge(m->registry, IN_FLIGHT, "Publishes awaiting their PubAck");
    if (st == NN_OK)
        st = nn_metrics_gauge(m->registry, NATS_CONNECTED, "1 when connected to NATS");
    if (st == NN_OK)
        st = nn_metrics_gauge(m->registry, READY, "1 when connected and the streams exist");
    if (st != NN_OK) {
        ingest_metrics_free(m);
        return st;
    }
    *out = m;
    return NN_OK;
}

void ingest_metrics_free(ingest_metrics *m)
{
    if (!m)
        return;
    nn_metrics_free(m->registry);
    ingest_free_labels(m->request_labels, INGEST_REQUEST_SLOTS);
    ingest_free_labels(m->publish_labels, INGEST_PUBLISH_SLOTS);
    ingest_free_labels(m->duplicate_labels, INGEST_ENTITY_SLOTS);
    free(m);
}

void ingest_metrics_ingest_request(ingest_metrics *m, const nn_entity *entity, unsigned code)
{
    size_t e = ingest_entity_index(entity);
    nn_metrics_add(m->registry, INGEST_REQUESTS,
                   m->request_labels[e * (INGEST_CODE_COUNT + 1) + ingest_code_index(code)], 1);
}

void ingest_metrics_http_request(ingest_metrics *m, const char *endpoint, unsigned code)
{
    nn_buf labels = NN_BUF_INIT;
    nn_buf_printf(&labels, "endpoint=\"%s\",code=\"%u\"", endpoint, code);
    if (nn_buf_status(&labels) == NN_OK)
        nn_metrics_add(m->registry, HTTP_REQUESTS, nn_buf_str(&labels), 1);
    nn_buf_free(&labels);
}

void ingest_metrics_publish(ingest_metrics *m, const nn_entity *entity, const ingest_publish *pub)
{
    size_t e = ingest_entity_index(entity);
    nn_metrics_observe(m->registry, PUBLISH_DURATION,
                       m->publish_labels[e * INGEST_OUTCOME_COUNT + (size_t)pub->outcome],
                       pub->seconds);
    if (pub->outcome == INGEST_PUBLISH_ACKED && pub->duplicate)
        nn_metrics_add(m->registry, DUPLICATES, m->duplicate_labels[e], 1);
}

nn_status ingest_metrics_render(ingest_metrics *m, ingest_publisher *publisher, nn_buf *out)
{
    nn_metrics_set(m->registry, IN_FLIGHT, "", (double)ingest_publisher_in_flight(publisher));
    nn_metrics_set(m->registry, NATS_CONNECTED, "", ingest_publisher_connected(publisher) ? 1 : 0);
    nn_metrics_set(m->registry, READY, "", ingest_publisher_ready(publisher) ? 1 : 0);
    return nn_metrics_render(m->registry, out);
}
