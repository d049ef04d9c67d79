/*
 * validate.c - payload validation against entity descriptors (see validate.h).
 */
#include "validate.h"

#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- problem lists ------------------------------------------------------ */

void nn_problems_init(nn_problems *p)
{
    p->items = NULL;
    p->count = 0;
    p->cap = 0;
}

void nn_problems_free(nn_problems *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->items[i].path);
    free(p->items);
    nn_problems_init(p);
}

nn_status nn_problems_add(nn_problems *p, const char *path, const char *message)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        if (cap > SIZE_MAX / sizeof *p->items)
            return NN_ERR_NOMEM;
        nn_problem *items = realloc(p->items, cap * sizeof *items);
        if (!items)
            return NN_ERR_NOMEM;
        p->items = items;
        p->cap = cap;
    }
    size_t len = strlen(path);
    char *copy = malloc(len + 1);
    if (!copy)
        return NN_ERR_NOMEM;
    memcpy(copy, path, len + 1);
    p->items[p->count].path = copy;
    p->items[p->count].message = message;
    p->count++;
    return NN_OK;
}

json_t *nn_problems_to_json(const nn_problems *p)
{
    json_t *list = json_array();
    if (!list)
        return NULL;
    for (size_t i = 0; i < p->count; i++) {
        json_t *item =
            json_pack("{s:s, s:s}", "path", p->items[i].path, "message", p->items[i].message);
        if (!item || json_array_append_new(list, item) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* ---- text formats --------------------------------------------------------- */

static const char nn_msg_date[] = "expected date (YYYY-MM-DD)";
static const char nn_msg_datetime[] = "expected date-time (RFC 3339 with time zone offset)";
static const char nn_msg_calendar[] = "not a valid calendar date";

typedef enum nn_date_check {
    NN_DATE_OK,
    NN_DATE_FORMAT,   /* not the expected shape */
    NN_DATE_CALENDAR, /* the shape is right but no such day exists */
} nn_date_check;

/* n decimal digits at s, as a number; -1 when any is not a digit. */
static int nn_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int nn_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* "YYYY-MM-DD" at the start of s (10 characters). */
static nn_date_check nn_check_date_part(const char *s)
{
    int year = nn_digits(s, 4);
    if (year < 0 || s[4] != '-')
        return NN_DATE_FORMAT;
    int month = nn_digits(s + 5, 2);
    if (month < 0 || s[7] != '-')
        return NN_DATE_FORMAT;
    int day = nn_digits(s + 8, 2);
    if (day < 0)
        return NN_DATE_FORMAT;
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > nn_days_in_month(year, month))
        return NN_DATE_CALENDAR;
    return NN_DATE_OK;
}

static nn_date_check nn_check_date(const char *s)
{
    if (strlen(s) != 10)
        return NN_DATE_FORMAT;
    return nn_check_date_part(s);
}

/* "HH:MM" with hours 00-23 and minutes 00-59. */
static bool nn_check_hh_mm(const char *s)
{
    int hour = nn_digits(s, 2);
    int minute = nn_digits(s + 3, 2);
    return hour >= 0 && hour <= 23 && s[2] == ':' && minute >= 0 && minute <= 59;
}

/* RFC 3339 date-time: full-date "T" partial-time time-offset. */
static nn_date_check nn_check_datetime(const char *s)
{
    size_t len = strlen(s);
    /* shortest: 2024-01-31T12:00:00Z */
    if (len < 20 || (s[10] != 'T' && s[10] != 't'))
        return NN_DATE_FORMAT;
    if (!nn_check_hh_mm(s + 11) || s[13] != ':')
        return NN_DATE_FORMAT;
    int second = nn_digits(s + 17, 2);
    if (s[16] != ':' || second < 0 || second > 60)
        return NN_DATE_FORMAT;
    const char *p = s + 19;
    if (*p == '.') {
        const char *frac = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == frac)
            return NN_DATE_FORMAT;
    }
    bool offset_ok;
    if (*p == 'Z' || *p == 'z')
        offset_ok = p[1] == '\0';
    else if (*p == '+' || *p == '-')
        offset_ok = strlen(p + 1) == 5 && nn_check_hh_mm(p + 1);
    else
        offset_ok = false;
    if (!offset_ok)
        return NN_DATE_FORMAT;
    return nn_check_date_part(s);
}

bool nn_validate_date(const char *s)
{
    return nn_check_date(s) == NN_DATE_OK;
}

bool nn_validate_datetime(const char *s)
{
    return nn_check_datetime(s) == NN_DATE_OK;
}

/* Limits of PostgreSQL NUMERIC. */
enum {
    NN_DECIMAL_MAX_INT_DIGITS = 131072,
    NN_DECIMAL_MAX_FRAC_DIGITS = 16383,
    NN_DECIMAL_MAX_EXPONENT = 1000,
};

bool nn_validate_decimal(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t int_digits = strspn(p, "0123456789");
    p += int_digits;
    size_t frac_digits = 0;
    if (*p == '.') {
        p++;
        frac_digits = strspn(p, "0123456789");
        p += frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0)
        return false;
    if (int_digits > NN_DECIMAL_MAX_INT_DIGITS || frac_digits > NN_DECIMAL_MAX_FRAC_DIGITS)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t exp_digits = strspn(p, "0123456789");
        if (exp_digits == 0 || exp_digits > 4 ||
            nn_digits(p, (int)exp_digits) > NN_DECIMAL_MAX_EXPONENT)
            return false;
        p += exp_digits;
    }
    return *p == '\0';
}

/* ---- values --------------------------------------------------------------- */

/* 2^63: a real this large (or -2^63 and below) was an integer beyond 64 bits. */
#define NN_TWO_POW_63 9223372036854775808.0

const char *nn_validate_value(nn_type type, const json_t *value)
{
    switch (type) {
    case NN_TYPE_STRING:
        return json_is_string(value) ? NULL : "expected string";
    case NN_TYPE_INTEGER:
        if (json_is_integer(value))
            return NULL;
        if (json_is_real(value)) {
            /* integers beyond 64 bits are parsed as reals (see json.h) */
            double d = json_real_value(value);
            if (d >= NN_TWO_POW_63 || d <= -NN_TWO_POW_63)
                return "integer out of 64-bit range";
        }
        return "expected integer";
    case NN_TYPE_FLOAT:
        return json_is_number(value) ? NULL : "expected number";
    case NN_TYPE_BOOLEAN:
        return json_is_boolean(value) ? NULL : "expected boolean";
    case NN_TYPE_DATE:
        if (!json_is_string(value))
            return nn_msg_date;
        switch (nn_check_date(json_string_value(value))) {
        case NN_DATE_OK:
            return NULL;
        case NN_DATE_CALENDAR:
            return nn_msg_calendar;
        case NN_DATE_FORMAT:
            break;
        }
        return nn_msg_date;
    case NN_TYPE_DATETIME:
        if (!json_is_string(value))
            return nn_msg_datetime;
        switch (nn_check_datetime(json_string_value(value))) {
        case NN_DATE_OK:
            return NULL;
        case NN_DATE_CALENDAR:
            return nn_msg_calendar;
        case NN_DATE_FORMAT:
            break;
        }
        return nn_msg_datetime;
    case NN_TYPE_DECIMAL:
        if (json_is_integer(value))
            return NULL;
        if (json_is_real(value))
            return "expected decimal as a string (e.g. \"12.50\")";
        if (json_is_string(value) && nn_validate_decimal(json_string_value(value)))
            return NULL;
        return "expected decimal string";
    case NN_TYPE_JSON:
        return NULL;
    case NN_TYPE_OBJECT:
        return json_is_object(value) ? NULL : "expected object";
    case NN_TYPE_LIST_OBJECT:
        return json_is_array(value) ? NULL : "expected array";
    }
    return "unknown type";
}

/* ---- payloads ------------------------------------------------------------- */

/* One step of the JSON pointer of the value being checked: an object key,
 * or (key NULL) an array index. */
typedef struct nn_path_step {
    const char *key;
    size_t index;
} nn_path_step;

/* Steps kept without an allocation; deeper paths move to the heap. */
#define NN_PATH_INLINE_STEPS 16

/*
 * The path is kept as steps and written out as text only when a problem is
 * reported: most payloads are valid, and building "/line_items/0/quantity"
 * for every field of every payload was a measurable share of validating.
 */
typedef struct nn_validator {
    nn_problems *problems;
    nn_path_step inline_steps[NN_PATH_INLINE_STEPS];
    nn_path_step *steps; /* inline_steps or a heap array */
    size_t depth;
    size_t cap;
    nn_buf path; /* the text of the current path, written on demand */
    nn_status status;
} nn_validator;

/* Write the current path as an RFC 6901 pointer into v->path. */
static void nn_path_write(nn_validator *v)
{
    nn_buf_reset(&v->path);
    for (size_t i = 0; i < v->depth; i++) {
        const nn_path_step *step = &v->steps[i];
        if (!step->key) {
            nn_buf_printf(&v->path, "/%zu", step->index);
            continue;
        }
        nn_buf_putc(&v->path, '/');
        /* copy runs without '~' or '/' whole */
        for (const char *p = step->key; *p;) {
            size_t run = strcspn(p, "~/");
            nn_buf_append(&v->path, p, run);
            p += run;
            if (*p) {
                nn_buf_puts(&v->path, *p == '~' ? "~0" : "~1");
                p++;
            }
        }
    }
}

static void nn_report(nn_validator *v, const char *message)
{
    if (v->status == NN_ERR_NOMEM)
        return;
    nn_path_write(v);
    if (nn_buf_status(&v->path) != NN_OK ||
        nn_problems_add(v->problems, nn_buf_str(&v->path), message) != NN_OK)
        v->status = NN_ERR_NOMEM;
    else
        v->status = NN_ERR_INVALID;
}

/* Whether a problem was already reported at the current path. */
static bool nn_reported_here(nn_validator *v)
{
    if (v->problems->count == 0)
        return false;
    nn_path_write(v);
    if (nn_buf_status(&v->path) != NN_OK) {
        v->status = NN_ERR_NOMEM;
        return false;
    }
    const char *path = nn_buf_str(&v->path);
    for (size_t i = 0; i < v->problems->count; i++) {
        if (strcmp(v->problems->items[i].path, path) == 0)
            return true;
    }
    return false;
}

/* Append a step to the path; false (and out of memory recorded) when it cannot grow. */
static bool nn_path_push(nn_validator *v, const char *key, size_t index)
{
    if (v->depth == v->cap) {
        size_t cap = v->cap > 0 ? v->cap * 2 : NN_PATH_INLINE_STEPS;
        nn_path_step *steps = v->steps == v->inline_steps ? NULL : v->steps;
        steps = cap <= SIZE_MAX / sizeof *steps ? realloc(steps, cap * sizeof *steps) : NULL;
        if (!steps) {
            v->status = NN_ERR_NOMEM;
            return false;
        }
        if (v->steps == v->inline_steps)
            memcpy(steps, v->inline_steps, sizeof v->inline_steps);
        v->steps = steps;
        v->cap = cap;
    }
    v->steps[v->depth].key = key;
    v->steps[v->depth].index = index;
    v->depth++;
    return true;
}

/* Append "/key" to the path; returns the depth to restore (nn_path_pop). */
static size_t nn_path_push_key(nn_validator *v, const char *key)
{
    size_t mark = v->depth;
    (void)nn_path_push(v, key, 0);
    return mark;
}

static size_t nn_path_push_index(nn_validator *v, size_t index)
{
    size_t mark = v->depth;
    (void)nn_path_push(v, NULL, index);
    return mark;
}

static void nn_path_pop(nn_validator *v, size_t mark)
{
    if (v->depth > mark)
        v->depth = mark;
}

/* Check one field's value (NULL when absent) at the current path. */
static void nn_check_field(nn_validator *v, const nn_field *f, const json_t *value)
{
    if (!value) {
        if (!f->optional)
            nn_report(v, "required field missing");
        return;
    }
    if (json_is_null(value)) {
        if (!f->optional)
            nn_report(v, "must not be null");
        return;
    }
    const char *message = nn_validate_value(f->type, value);
    if (message) {
        nn_report(v, message);
        return;
    }
    if (f->type == NN_TYPE_LIST_OBJECT) {
        size_t i;
        const json_t *item;
        json_array_foreach(value, i, item)
        {
            if (json_is_object(item))
                continue;
            size_t mark = nn_path_push_index(v, i);
            nn_report(v, "expected object");
            nn_path_pop(v, mark);
        }
    }
}

/* The field of e read from the object itself under key, or NULL. */
static const nn_field *nn_object_field(const nn_entity *e, const char *key)
{
    for (size_t i = 0; i < e->field_count; i++) {
        if (e->fields[i].source == NN_FROM_OBJECT && strcmp(e->fields[i].json_key, key) == 0)
            return &e->fields[i];
    }
    return NULL;
}

/*
 * The parent fields child copies (NN_FROM_PARENT), checked in the parent's
 * object against the child's types; skipped where the parent's own field
 * already checks the same (same type, at least as strict), and where a
 * problem was already reported.
 */
static void nn_check_copied(nn_validator *v, const nn_entity *child, const json_t *parent_obj)
{
    for (size_t i = 0; i < child->field_count; i++) {
        const nn_field *f = &child->fields[i];
        if (f->source != NN_FROM_PARENT || !child->parent)
            continue;
        const nn_field *own = nn_object_field(child->parent, f->json_key);
        if (own && own->type == f->type && (!own->optional || f->optional))
            continue;
        size_t mark = nn_path_push_key(v, f->json_key);
        if (!nn_reported_here(v))
            nn_check_field(v, f, json_object_get(parent_obj, f->json_key));
        nn_path_pop(v, mark);
    }
}

static void nn_check_object(nn_validator *v, const nn_entity *e, const json_t *obj);

/* Each element of list (the field list_field of e), at the current path,
 * against every entity derived from that field. */
static void nn_check_elements(nn_validator *v, const nn_entity *e, const nn_field *list_field,
                              const json_t *list)
{
    for (size_t c = 0; c < e->child_count; c++) {
        const nn_entity *child = e->children[c];
        if (strcmp(child->parent_field, list_field->name) != 0)
            continue;
        size_t i;
        const json_t *item;
        json_array_foreach(list, i, item)
        {
            if (!json_is_object(item))
                continue; /* already reported: "expected object" */
            size_t mark = nn_path_push_index(v, i);
            nn_check_object(v, child, item);
            nn_path_pop(v, mark);
        }
    }
}

/* Check obj (an object) against the fields e reads from it, then the
 * entities derived from its non-empty lists. The recursion follows the entity
 * definitions (parent, derived, derived from derived), never the depth of the
 * input, so a payload cannot make it deeper. */
static void nn_check_object(nn_validator *v, const nn_entity *e, const json_t *obj)
{
    for (size_t i = 0; i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (f->source != NN_FROM_OBJECT)
            continue;
        const json_t *value = json_object_get(obj, f->json_key);
        bool has_rows = f->type == NN_TYPE_LIST_OBJECT && json_array_size(value) > 0;
        size_t mark = nn_path_push_key(v, f->json_key);
        nn_check_field(v, f, value);
        if (has_rows)
            nn_check_elements(v, e, f, value);
        nn_path_pop(v, mark);
        if (!has_rows)
            continue;
        for (size_t c = 0; c < e->child_count; c++) {
            if (strcmp(e->children[c]->parent_field, f->name) == 0)
                nn_check_copied(v, e->children[c], obj);
        }
    }
}

nn_status nn_validate_payload(const nn_entity *entity, const json_t *payload, nn_problems *problems)
{
    nn_validator v = {
        .problems = problems, .depth = 0, .cap = NN_PATH_INLINE_STEPS, .status = NN_OK};
    v.steps = v.inline_steps;
    nn_buf_init(&v.path);
    if (!json_is_object(payload))
        nn_report(&v, "expected object");
    else
        nn_check_object(&v, entity, payload);
    if (nn_buf_status(&v.path) != NN_OK)
        v.status = NN_ERR_NOMEM;
    nn_buf_free(&v.path);
    if (v.steps != v.inline_steps)
        free(v.steps);
    return v.status;
}
