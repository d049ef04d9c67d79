/*
 * rows.c - payloads to rows, as PostgreSQL array literals (see rows.h).
 *
 * An array literal is {e1,e2,...}: a string element is written in double
 * quotes with '"' and '\' escaped by a backslash, a number or boolean as it
 * is, a missing value as NULL (unquoted).
 */
#include "rows.h"

#include "sql.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- array literals ------------------------------------------------------- */

void worker_array_open(nn_buf *array)
{
    nn_buf_reset(array);
    nn_buf_putc(array, '{');
}

void worker_array_close(nn_buf *array)
{
    nn_buf_putc(array, '}');
}

/* Start a new element: a comma unless it is the first. */
static void worker_array_next(nn_buf *array)
{
    if (array->len > 1)
        nn_buf_putc(array, ',');
}

/* The n bytes at s as a quoted element. */
static void worker_array_quoted(nn_buf *array, const char *s, size_t n)
{
    nn_buf_putc(array, '"');
    const char *run = s;
    const char *end = s + n;
    for (const char *p = s; p < end; p++) {
        if (*p != '"' && *p != '\\')
            continue;
        nn_buf_append(array, run, (size_t)(p - run));
        nn_buf_putc(array, '\\');
        run = p; /* the character itself goes out with the next run */
    }
    nn_buf_append(array, run, (size_t)(end - run));
    nn_buf_putc(array, '"');
}

void worker_array_text(nn_buf *array, const char *text)
{
    worker_array_next(array);
    if (text)
        worker_array_quoted(array, text, strlen(text));
    else
        nn_buf_puts(array, "NULL");
}

void worker_array_int(nn_buf *array, long long value)
{
    /* by hand: printf is a measurable share of extraction (bench/worker.sh) */
    char digits[24]; /* 19 digits, a sign and room to spare */
    size_t n = sizeof digits;
    unsigned long long magnitude =
        value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[--n] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        digits[--n] = '-';
    worker_array_next(array);
    nn_buf_append(array, digits + n, sizeof digits - n);
}

/* ---- the set of rows -------------------------------------------------------- */

/* Nesting depth of an entity: 0 for root and reference, parent's + 1 for derived. */
static size_t worker_entity_depth(const nn_entity *e)
{
    size_t depth = 0;
    for (const nn_entity *p = e->parent; p; p = p->parent)
        depth++;
    return depth;
}

static nn_status worker_table_init(worker_table_rows *t, const nn_entity *e)
{
    t->entity = e;
    t->row_count = 0;
    t->upsert_index = worker_upsert_count;
    for (size_t i = 0; i < worker_upsert_count; i++) {
        if (strcmp(worker_upserts[i].entity, e->name) == 0)
            t->upsert_index = i;
    }
    if (t->upsert_index == worker_upsert_count)
        return NN_ERR_NOT_FOUND;
    size_t n = e->column_count + 1;
    t->columns = calloc(n, sizeof *t->columns);
    t->marks = calloc(n, sizeof *t->marks);
    if (!t->columns || !t->marks)
        return NN_ERR_NOMEM;
    for (size_t c = 0; c < n; c++)
        worker_array_open(&t->columns[c]);
    return NN_OK;
}

nn_status worker_rows_init(worker_rows *rows)
{
    memset(rows, 0, sizeof *rows);
    nn_buf_init(&rows->scratch);
    size_t persistent = 0, max_depth = 0;
    for (size_t i = 0; i < nn_entity_count; i++) {
        if (!nn_entities[i]->persistent)
            continue;
        persistent++;
        size_t depth = worker_entity_depth(nn_entities[i]);
        if (depth > max_depth)
            max_depth = depth;
    }
    rows->tables = calloc(persistent ? persistent : 1, sizeof *rows->tables);
    if (!rows->tables)
        return NN_ERR_NOMEM;
    /* parents first: by depth, then in definition order */
    for (size_t depth = 0; depth <= max_depth; depth++) {
        for (size_t i = 0; i < nn_entity_count; i++) {
            const nn_entity *e = nn_entities[i];
            if (!e->persistent || worker_entity_depth(e) != depth)
                continue;
            nn_status st = worker_table_init(&rows->tables[rows->table_count++], e);
            if (st != NN_OK) {
                worker_rows_free(rows);
                return st;
            }
        }
    }
    return NN_OK;
}

void worker_rows_free(worker_rows *rows)
{
    for (size_t t = 0; t < rows->table_count; t++) {
        worker_table_rows *table = &rows->tables[t];
        if (table->columns) {
            for (size_t c = 0; c <= table->entity->column_count; c++)
                nn_buf_free(&table->columns[c]);
        }
        free(table->columns);
        free(table->marks);
    }
    free(rows->tables);
    nn_buf_free(&rows->scratch);
    memset(rows, 0, sizeof *rows);
}

void worker_rows_reset(worker_rows *rows)
{
    for (size_t t = 0; t < rows->table_count; t++) {
        worker_table_rows *table = &rows->tables[t];
        for (size_t c = 0; c <= table->entity->column_count; c++)
            worker_array_open(&table->columns[c]);
        table->row_count = 0;
    }
    rows->row_count = 0;
}

static worker_table_rows *worker_rows_table(worker_rows *rows, const nn_entity *e)
{
    for (size_t t = 0; t < rows->table_count; t++) {
        if (rows->tables[t].entity == e)
            return &rows->tables[t];
    }
    return NULL;
}

/* ---- values ----------------------------------------------------------------- */

static int worker_rows_dump(const char *chunk, size_t size, void *data)
{
    nn_buf *b = data;
    nn_buf_append(b, chunk, size);
    return nn_buf_status(b) == NN_OK ? 0 : -1;
}

static nn_status worker_rows_refuse(char **error, const nn_entity *e, const nn_field *f)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_printf(&b, "%s.%s: value does not fit type %s", e->name, f->name, nn_type_name(f->type));
    *error = nn_buf_detach(&b);
    return *error ? NN_ERR_INVALID : NN_ERR_NOMEM;
}

/* Append value (NULL when absent) of field f as the next element of column. */
static nn_status worker_rows_value(worker_rows *rows, nn_buf *column, const nn_entity *e,
                                   const nn_field *f, const json_t *value, char **error)
{
    if (!value || json_is_null(value)) {
        worker_array_text(column, NULL);
        return NN_OK;
    }
    char number[32]; /* "%lld" and "%.17g" need at most 24 */
    switch (f->type) {
    case NN_TYPE_STRING:
    case NN_TYPE_DATE:
    case NN_TYPE_DATETIME:
        if (!json_is_string(value))
            return worker_rows_refuse(error, e, f);
        worker_array_next(column);
        worker_array_quoted(column, json_string_value(value), json_string_length(value));
        return NN_OK;
    case NN_TYPE_INTEGER:
        if (!json_is_integer(value))
            return worker_rows_refuse(error, e, f);
        worker_array_int(column, (long long)json_integer_value(value));
        return NN_OK;
    case NN_TYPE_FLOAT:
        if (json_is_integer(value)) {
            worker_array_int(column, (long long)json_integer_value(value));
            return NN_OK;
        }
        if (!json_is_real(value))
            return worker_rows_refuse(error, e, f);
        /* 17 significant digits read back as the same double */
        snprintf(number, sizeof number, "%.17g", json_real_value(value));
        worker_array_next(column);
        nn_buf_puts(column, number);
        return NN_OK;
    case NN_TYPE_BOOLEAN:
        if (!json_is_boolean(value))
            return worker_rows_refuse(error, e, f);
        worker_array_next(column);
        nn_buf_putc(column, json_is_true(value) ? 't' : 'f');
        return NN_OK;
    case NN_TYPE_DECIMAL:
        if (json_is_integer(value)) {
            worker_array_int(column, (long long)json_integer_value(value));
            return NN_OK;
        }
        if (!json_is_string(value))
            return worker_rows_refuse(error, e, f);
        worker_array_next(column);
        worker_array_quoted(column, json_string_value(value), json_string_length(value));
        return NN_OK;
    case NN_TYPE_JSON:
    case NN_TYPE_OBJECT:
    case NN_TYPE_LIST_OBJECT:
        nn_buf_reset(&rows->scratch);
        if (json_dump_callback(value, worker_rows_dump, &rows->scratch,
                               JSON_COMPACT | JSON_ENCODE_ANY) != 0)
            return NN_ERR_NOMEM;
        worker_array_next(column);
        worker_array_quoted(column, rows->scratch.data, rows->scratch.len);
        return NN_OK;
    }
    return worker_rows_refuse(error, e, f);
}

/* The row of e read from obj (and parent, for copied fields), then the rows
 * derived from it. The recursion follows the entity definitions, never the
 * depth of the input. */
static nn_status worker_rows_object(worker_rows *rows, const nn_entity *e, const json_t *obj,
                                    const json_t *parent, const char *message_id, char **error)
{
    if (e->persistent) {
        worker_table_rows *t = worker_rows_table(rows, e);
        if (!t)
            return NN_ERR_NOT_FOUND;
        for (size_t i = 0; i < e->field_count; i++) {
            const nn_field *f = &e->fields[i];
            if (!f->persisted || f->param < 1 || (size_t)f->param > e->column_count)
                continue;
            const json_t *from = f->source == NN_FROM_PARENT ? parent : obj;
            const json_t *value = from ? json_object_get(from, f->json_key) : NULL;
            nn_status st = worker_rows_value(rows, &t->columns[f->param - 1], e, f, value, error);
            if (st != NN_OK)
                return st;
        }
        worker_array_text(&t->columns[e->column_count], message_id);
        t->row_count++;
        rows->row_count++;
    }
    for (size_t c = 0; c < e->child_count; c++) {
        const nn_entity *child = e->children[c];
        const nn_field *list_field = nn_entity_field(e, child->parent_field);
        if (!list_field)
            continue; /* never: the generator checks derived entities' fields */
        const json_t *list = json_object_get(obj, list_field->json_key);
        size_t index;
        const json_t *item;
        json_array_foreach(list, index, item)
        {
            if (!json_is_object(item))
                return worker_rows_refuse(error, e, list_field);
            nn_status st = worker_rows_object(rows, child, item, obj, message_id, error);
            if (st != NN_OK)
                return st;
        }
    }
    return NN_OK;
}

nn_status worker_rows_add(worker_rows *rows, const nn_entity *entity, const json_t *payload,
                          const char *message_id, char **error)
{
    *error = NULL;
    for (size_t t = 0; t < rows->table_count; t++) {
        worker_table_rows *table = &rows->tables[t];
        for (size_t c = 0; c <= table->entity->column_count; c++)
            table->marks[c] = table->columns[c].len;
        table->mark_rows = table->row_count;
    }
    nn_status st;
    if (json_is_object(payload)) {
        st = worker_rows_object(rows, entity, payload, NULL, message_id, error);
    } else {
        nn_buf b = NN_BUF_INIT;
        nn_buf_printf(&b, "%s: the payload is not an object", entity->name);
        *error = nn_buf_detach(&b);
        st = *error ? NN_ERR_INVALID : NN_ERR_NOMEM;
    }
    for (size_t t = 0; t < rows->table_count && st == NN_OK; t++) {
        for (size_t c = 0; c <= rows->tables[t].entity->column_count; c++) {
            if (nn_buf_status(&rows->tables[t].columns[c]) != NN_OK)
                st = NN_ERR_NOMEM;
        }
    }
    if (st == NN_OK)
        return NN_OK;
    /* take this message's rows back: every table as it was before it */
    for (size_t t = 0; t < rows->table_count; t++) {
        worker_table_rows *table = &rows->tables[t];
        for (size_t c = 0; c <= table->entity->column_count; c++)
            nn_buf_truncate(&table->columns[c], table->marks[c]);
        rows->row_count -= table->row_count - table->mark_rows;
        table->row_count = table->mark_rows;
    }
    return st;
}

nn_status worker_rows_finish(worker_rows *rows)
{
    nn_status st = NN_OK;
    for (size_t t = 0; t < rows->table_count; t++) {
        worker_table_rows *table = &rows->tables[t];
        for (size_t c = 0; c <= table->entity->column_count; c++) {
            worker_array_close(&table->columns[c]);
            if (nn_buf_status(&table->columns[c]) != NN_OK)
                st = NN_ERR_NOMEM;
        }
    }
    return st;
}

void worker_rows_params(const worker_rows *rows, size_t t, const char **values)
{
    const worker_table_rows *table = &rows->tables[t];
    for (size_t c = 0; c <= table->entity->column_count; c++)
        values[c] = nn_buf_str(&table->columns[c]);
}

size_t worker_rows_max_params(const worker_rows *rows)
{
    size_t max = 0;
    for (size_t t = 0; t < rows->table_count; t++) {
        if (rows->tables[t].entity->column_count + 1 > max)
            max = rows->tables[t].entity->column_count + 1;
    }
    return max;
}
