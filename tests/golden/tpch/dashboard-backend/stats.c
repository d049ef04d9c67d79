/*
 * stats.c - exact counts, recounted only when they may have changed (see stats.h).
 */
#include "stats.h"

#include "db.h"
#include "monotime.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/log.h"

#include <stdlib.h>
#include <string.h>

/* The statuses a message can have (schema.sql), always listed, even at 0. */
static const char *const stats_statuses[] = {"processing", "processed", "failed", "dlq"};
#define STATS_STATUS_COUNT (sizeof stats_statuses / sizeof stats_statuses[0])

/* A count runs no more often than this many times its own duration. */
#define STATS_SPACING 20

nn_status stats_new(stats **out)
{
    stats *s = calloc(1, sizeof *s);
    if (!s)
        return NN_ERR_NOMEM;
    s->entities = calloc(nn_entity_count ? nn_entity_count : 1, sizeof *s->entities);
    s->changes = calloc(nn_entity_count + 1, sizeof *s->changes);
    nn_buf sql = NN_BUF_INIT;
    nn_buf_puts(&sql, "SELECT 0");
    for (size_t i = 0; i < nn_entity_count; i++) {
        if (!nn_entities[i]->persistent)
            continue;
        if (s->entities)
            s->entities[s->entity_count++] = i;
        nn_buf_printf(&sql, ", (SELECT count(*) FROM %s)", nn_entities[i]->table_sql);
    }
    s->sql_counts = nn_buf_detach(&sql);
    if (!s->entities || !s->changes || !s->sql_counts) {
        stats_free(s);
        return NN_ERR_NOMEM;
    }
    stats_reset(s);
    *out = s;
    return NN_OK;
}

void stats_free(stats *s)
{
    if (!s)
        return;
    free(s->sql_counts);
    free(s->entities);
    free(s->changes);
    free(s->last_body);
    free(s);
}

void stats_reset(stats *s)
{
    free(s->last_body);
    s->last_body = NULL;
    s->pending = true;
    s->next_ms = 0;
    for (size_t i = 0; i <= s->entity_count; i++)
        s->changes[i] = -1;
}

bool stats_due(stats *s, const int64_t *changes, bool rows_sent, int64_t now_ms)
{
    if (rows_sent)
        s->pending = true;
    for (size_t i = 0; i <= s->entity_count && !s->pending; i++) {
        if (changes[i] < 0 || changes[i] != s->changes[i])
            s->pending = true;
    }
    return s->pending && now_ms >= s->next_ms;
}

/* Append "name":count of the message_status counts in res (status, count). */
static void stats_put_statuses(nn_buf *b, const PGresult *res)
{
    int n = PQntuples(res);
    size_t written = 0;
    /* the known statuses first, in their order, then any other */
    for (size_t k = 0; k < STATS_STATUS_COUNT; k++) {
        const char *count = "0";
        for (int i = 0; i < n; i++) {
            if (strcmp(PQgetvalue(res, i, 0), stats_statuses[k]) == 0)
                count = PQgetvalue(res, i, 1);
        }
        nn_buf_printf(b, "%s\"%s\":%s", written++ ? "," : "", stats_statuses[k], count);
    }
    for (int i = 0; i < n; i++) {
        bool known = false;
        for (size_t k = 0; k < STATS_STATUS_COUNT && !known; k++)
            known = strcmp(PQgetvalue(res, i, 0), stats_statuses[k]) == 0;
        if (known)
            continue;
        nn_buf_puts(b, written++ ? "," : "");
        nn_buf_json_string(b, PQgetvalue(res, i, 0));
        nn_buf_printf(b, ":%s", PQgetvalue(res, i, 1));
    }
}

static nn_status stats_send(stats *s, const nn_buf *body, outbox *out)
{
    event *ev = event_new(EVENT_STATS);
    nn_buf msg = NN_BUF_INIT;
    nn_buf_puts(&msg, "{\"type\":\"stats\",");
    nn_buf_puts(&msg, nn_buf_str(body) + 1); /* the body without its opening brace */
    if (ev) {
        ev->message = wsmsg_from_buf(&msg);
        ev->stats_body = strdup(nn_buf_str(body));
    }
    nn_buf_free(&msg);
    char *last = strdup(nn_buf_str(body));
    if (!ev || !ev->message || !ev->stats_body || !last) {
        event_free(ev);
        free(last);
        return NN_ERR_NOMEM;
    }
    free(s->last_body);
    s->last_body = last;
    return outbox_push(out, ev);
}

nn_status stats_run(stats *s, PGconn *conn, const int64_t *changes, int64_t now_ms, outbox *out)
{
    double started = monotime_s();
    PGresult *counts = NULL, *statuses = NULL;
    nn_status st = db_exec(conn, s->sql_counts, 0, NULL, PGRES_TUPLES_OK, &counts);
    if (st == NN_OK)
        st = db_exec(conn,
                     "SELECT \"status\", count(*) FROM \"message_status\" GROUP BY \"status\" "
                     "ORDER BY \"status\"",
                     0, NULL, PGRES_TUPLES_OK, &statuses);
    if (st == NN_OK && PQntuples(counts) != 1)
        st = NN_ERR_INVALID;
    if (st != NN_OK) {
        nn_buf err = NN_BUF_INIT;
        db_error(conn, &err);
        nn_log_warn("query failed", NN_LOG_STR("query", "count rows"),
                    NN_LOG_STR("error", nn_buf_str(&err)));
        nn_buf_free(&err);
        PQclear(counts);
        PQclear(statuses);
        return st;
    }

    nn_buf body = NN_BUF_INIT;
    nn_buf_puts(&body, "{\"entities\":{");
    for (size_t i = 0; i < s->entity_count; i++) {
        if (i)
            nn_buf_putc(&body, ',');
        nn_buf_json_string(&body, nn_entities[s->entities[i]]->name);
        nn_buf_printf(&body, ":%s", PQgetvalue(counts, 0, (int)i + 1));
    }
    nn_buf_puts(&body, "},\"message_status\":{");
    stats_put_statuses(&body, statuses);
    nn_buf_puts(&body, "}}");
    PQclear(counts);
    PQclear(statuses);

    int64_t took_ms = (int64_t)((monotime_s() - started) * 1000.0);
    int64_t spacing = took_ms * STATS_SPACING;
    s->next_ms = now_ms + (spacing > STATS_MIN_INTERVAL_MS ? spacing : STATS_MIN_INTERVAL_MS);
    s->pending = false;
    memcpy(s->changes, changes, (s->entity_count + 1) * sizeof *s->changes);

    st = nn_buf_status(&body);
    if (st == NN_OK && (!s->last_body || strcmp(s->last_body, nn_buf_str(&body)) != 0))
        st = stats_send(s, &body, out);
    nn_buf_free(&body);
    return st;
}
