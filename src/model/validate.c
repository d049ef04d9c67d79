/*
 * validate.c - checks that an entity set is consistent (see validate.h):
 * name syntax, duplicates, the repeated_for link of derived entities,
 * computed_from sources and result types, unicity fields and overrides.
 */
#include "model/validate.h"

#include "base/strbuf.h"

#include <stdarg.h>
#include <string.h>

/* PostgreSQL truncates longer identifiers (NAMEDATALEN - 1). */
#define NN_SQL_NAME_MAX 63

typedef struct nn_validator {
    const nn_entity_set *set;
    nn_error *err;
    bool failed;
} nn_validator;

static void nn_verr(nn_validator *V, nn_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void nn_verr(nn_validator *V, nn_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_error_vat(V->err, pos.file ? pos.file : "(unknown file)", pos.line, pos.column, fmt, ap);
    va_end(ap);
    V->failed = true;
}

static bool nn_is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool nn_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [A-Za-z][A-Za-z0-9_]* */
static bool nn_is_entity_name(const char *s)
{
    if (!nn_is_alpha(s[0]))
        return false;
    for (size_t i = 1; s[i]; i++)
        if (!nn_is_alpha(s[i]) && !nn_is_digit(s[i]) && s[i] != '_')
            return false;
    return true;
}

/* Check a SQL name: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes. Reserved
 * words are fine: the generator always quotes identifiers. */
static void nn_check_sql_name(nn_validator *V, nn_pos pos, const char *what, const char *s)
{
    if (!s)
        return;
    bool ok = nn_is_alpha(s[0]) || s[0] == '_';
    for (size_t i = 1; ok && s[i]; i++)
        ok = nn_is_alpha(s[i]) || nn_is_digit(s[i]) || s[i] == '_';
    if (!ok) {
        nn_verr(V, pos,
                "invalid %s '%s': it must start with a letter or '_' and contain only letters, "
                "digits and '_'",
                what, s);
        return;
    }
    size_t len = strlen(s);
    if (len > NN_SQL_NAME_MAX)
        nn_verr(V, pos, "invalid %s '%s': it is %zu bytes long, at most %d are allowed", what, s,
                len, NN_SQL_NAME_MAX);
}

static bool nn_streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void nn_check_entity_name(nn_validator *V, size_t index)
{
    const nn_entity *e = &V->set->entities[index];
    if (!e->name)
        return;
    if (!nn_is_entity_name(e->name))
        nn_verr(V, e->name_pos,
                "invalid entity name '%s': it must start with a letter and contain only "
                "letters, digits and '_'",
                e->name);
    for (size_t j = 0; j < index; j++) {
        const nn_entity *prev = &V->set->entities[j];
        if (nn_streq(prev->name, e->name)) {
            nn_verr(V, e->name_pos, "duplicate entity name '%s' (first defined at %s:%zu:%zu)",
                    e->name, prev->name_pos.file, prev->name_pos.line, prev->name_pos.column);
            break;
        }
    }
}

static void nn_check_field_names(nn_validator *V, const nn_entity *e)
{
    for (size_t i = 0; i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (!f->name)
            continue;
        nn_check_sql_name(V, f->pos, "field name", f->name);
        for (size_t j = 0; j < i; j++) {
            if (nn_streq(e->fields[j].name, f->name)) {
                nn_verr(V, f->pos,
                        "duplicate field name '%s' in entity %s (first at line %zu, column %zu)",
                        f->name, e->name, e->fields[j].pos.line, e->fields[j].pos.column);
                break;
            }
        }
    }
}

static const nn_field_override *nn_find_override(const nn_entity *e, const char *field)
{
    for (size_t i = 0; i < e->override_count; i++)
        if (nn_streq(e->overrides[i].field, field))
            return &e->overrides[i];
    return NULL;
}

/* Where a field's column name was written: its override, else the field. */
static nn_pos nn_column_pos(const nn_entity *e, const nn_field *f)
{
    const nn_field_override *o = nn_find_override(e, f->name);
    return o && o->column ? o->pos : f->pos;
}

static void nn_check_overrides(nn_validator *V, const nn_entity *e)
{
    for (size_t i = 0; i < e->override_count; i++) {
        const nn_field_override *o = &e->overrides[i];
        if (!o->field)
            continue;
        if (!nn_entity_find_field(e, o->field)) {
            nn_verr(V, o->pos, "field override names unknown field '%s' of entity %s", o->field,
                    e->name);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (nn_streq(e->overrides[j].field, o->field)) {
                nn_verr(V, o->pos, "field '%s' is overridden twice (first at line %zu, column %zu)",
                        o->field, e->overrides[j].pos.line, e->overrides[j].pos.column);
                break;
            }
        }
    }
}

static void nn_check_columns(nn_validator *V, const nn_entity *e)
{
    for (size_t i = 0; i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (!f->persisted || !f->column || !f->name)
            continue;
        nn_pos pos = nn_column_pos(e, f);
        if (strcmp(f->column, f->name) != 0) /* else already checked as a field name */
            nn_check_sql_name(V, pos, "column name", f->column);
        if (nn_streq(f->column, e->id_column)) {
            nn_verr(V, pos,
                    "duplicate column '%s': field '%s' collides with the primary-key column of "
                    "table %s",
                    f->column, f->name, e->table);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const nn_field *g = &e->fields[j];
            if (g->persisted && nn_streq(g->column, f->column) && !nn_streq(g->name, f->name)) {
                nn_verr(V, pos, "duplicate column '%s' in table %s: fields '%s' and '%s'",
                        f->column, e->table, g->name, f->name);
                break;
            }
        }
    }
}

static void nn_check_unicity(nn_validator *V, const nn_entity *e)
{
    for (size_t i = 0; i < e->unicity_count; i++) {
        const char *name = e->unicity_fields[i];
        const nn_field *f = nn_entity_find_field(e, name);
        if (!f)
            nn_verr(V, e->unicity_pos[i],
                    "unicity field '%s' is not a persisted column of %s: there is no such field",
                    name, e->name);
        else if (!f->persisted)
            nn_verr(V, e->unicity_pos[i],
                    "unicity field '%s' is not a persisted column of %s: its field override "
                    "says persisted: false",
                    name, e->name);
        for (size_t j = 0; j < i; j++) {
            if (nn_streq(e->unicity_fields[j], name)) {
                nn_verr(V, e->unicity_pos[i], "unicity field '%s' is listed twice", name);
                break;
            }
        }
    }
}

static void nn_check_persistence(nn_validator *V, size_t index)
{
    const nn_entity *e = &V->set->entities[index];
    nn_check_overrides(V, e);
    if (!e->persistent)
        return;
    nn_check_sql_name(V, e->table_pos, "table name", e->table);
    if (nn_streq(e->table, "message_status"))
        nn_verr(V, e->table_pos, "table name 'message_status' is reserved for nomnom's own table");
    for (size_t j = 0; j < index; j++) {
        const nn_entity *prev = &V->set->entities[j];
        if (prev->persistent && nn_streq(prev->table, e->table)) {
            nn_verr(V, e->table_pos, "duplicate table '%s': entity %s (%s) uses it too", e->table,
                    prev->name, prev->file);
            break;
        }
    }
    nn_check_sql_name(V, e->pk_pos, "primary key name", e->pk_name);
    if (!nn_streq(e->id_column, e->pk_name))
        nn_check_sql_name(V, e->id_column_pos, "id column name", e->id_column);
    nn_check_columns(V, e);
    nn_check_unicity(V, e);
}

/* The type a transform yields fits the field's type. */
static bool nn_transform_fits(nn_transform t, nn_type type)
{
    switch (t) {
    case NN_TRANSFORM_JSON_GET_INT:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_INT:
        return type == NN_TYPE_INTEGER;
    case NN_TRANSFORM_JSON_GET_FLOAT:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_FLOAT:
        return type == NN_TYPE_FLOAT;
    case NN_TRANSFORM_JSON_GET_BOOL:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL:
        return type == NN_TYPE_BOOLEAN;
    case NN_TRANSFORM_JSON_GET_STRING:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_STRING:
        return type == NN_TYPE_STRING || type == NN_TYPE_DATE || type == NN_TYPE_DATETIME ||
               type == NN_TYPE_DECIMAL;
    case NN_TRANSFORM_NONE:
    case NN_TRANSFORM_COPY_FIELD:
        return true; /* copy_field is checked against the copied field */
    }
    return true;
}

static bool nn_transform_optional(nn_transform t)
{
    return t == NN_TRANSFORM_JSON_GET_OPTIONAL_STRING || t == NN_TRANSFORM_JSON_GET_OPTIONAL_INT ||
           t == NN_TRANSFORM_JSON_GET_OPTIONAL_FLOAT || t == NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL;
}

static const char *nn_transform_yields(nn_transform t)
{
    switch (t) {
    case NN_TRANSFORM_JSON_GET_INT:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_INT:
        return "an Integer";
    case NN_TRANSFORM_JSON_GET_FLOAT:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_FLOAT:
        return "a Float";
    case NN_TRANSFORM_JSON_GET_BOOL:
    case NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL:
        return "a Boolean";
    default:
        return "a String (fit for String, Date, DateTime or Decimal fields)";
    }
}

/* One source of F's computed_from, in derived entity E whose parent is
 * PARENT (NULL when missing: already reported). */
static void nn_check_source(nn_validator *V, const nn_entity *e, const nn_entity *parent,
                            const nn_field *f, const char *src, nn_pos pos)
{
    const nn_computed *c = &f->computed;
    const char *elem = e->repeated_for.each_known_as;
    const char *dot = strchr(src, '.');
    if (!dot) {
        nn_verr(V, pos, "source '%s' of field '%s' must be '%s.<field>' or '%s.<key>'", src,
                f->name, e->repeated_for.entity, elem ? elem : "item");
        return;
    }
    size_t head_len = (size_t)(dot - src);
    const char *tail = dot + 1;
    bool is_copy = c->transform == NN_TRANSFORM_COPY_FIELD;

    if (elem && strlen(elem) == head_len && strncmp(src, elem, head_len) == 0) {
        if (is_copy)
            nn_verr(V, pos,
                    "copy_field copies a field of the parent entity: source '%s' must be "
                    "'%s.<field>' (use a json_get_* transform to read '%s')",
                    src, e->repeated_for.entity, src);
        else if (tail[0] == '\0')
            nn_verr(V, pos, "source '%s' of field '%s' has an empty JSON key after '%s.'", src,
                    f->name, elem);
        return;
    }
    const char *pname = e->repeated_for.entity;
    if (pname && strlen(pname) == head_len && strncmp(src, pname, head_len) == 0) {
        if (!parent)
            return; /* the missing parent is reported at repeated_for */
        const nn_field *pf = nn_entity_find_field(parent, tail);
        if (!pf) {
            nn_verr(V, pos, "source '%s' of field '%s' does not exist: entity %s has no field '%s'",
                    src, f->name, parent->name, tail);
            return;
        }
        if (is_copy && pf->type != f->type)
            nn_verr(V, pos, "copy_field source '%s' is %s, but field '%s' is %s", src,
                    nn_type_name(pf->type), f->name, nn_type_name(f->type));
        return;
    }
    if (e->name && strlen(e->name) == head_len && strncmp(src, e->name, head_len) == 0) {
        const nn_field *own = nn_entity_find_field(e, tail);
        if (is_copy)
            nn_verr(V, pos, "copy_field takes a field of the parent entity %s, not '%s'",
                    e->repeated_for.entity, src);
        else if (!own)
            nn_verr(V, pos, "source '%s' of field '%s' does not exist: entity %s has no field '%s'",
                    src, f->name, e->name, tail);
        else if (own == f)
            nn_verr(V, pos, "field '%s' cannot be computed from itself", f->name);
        return;
    }
    nn_verr(V, pos,
            "source '%s' of field '%s' does not exist: '%.*s' is neither the parent entity %s, "
            "this entity %s nor the element name '%s'",
            src, f->name, (int)head_len, src, e->repeated_for.entity, e->name, elem ? elem : "");
}

static void nn_check_computed(nn_validator *V, const nn_entity *e, const nn_entity *parent,
                              const nn_field *f)
{
    const nn_computed *c = &f->computed;
    if (c->transform == NN_TRANSFORM_NONE)
        return; /* no or an unknown transform: reported by the loader */
    const char *tname = nn_transform_name(c->transform);
    if (c->source_count != 1)
        nn_verr(V, c->transform_pos, "%s takes exactly one source, field '%s' gives %zu", tname,
                f->name, c->source_count);
    for (size_t i = 0; i < c->source_count; i++)
        nn_check_source(V, e, parent, f, c->sources[i], c->source_pos[i]);
    if (!nn_transform_fits(c->transform, f->type))
        nn_verr(V, c->transform_pos, "%s yields %s, but field '%s' is %s", tname,
                nn_transform_yields(c->transform), f->name, nn_type_name(f->type));
    if (nn_transform_optional(c->transform) && !f->nullable)
        nn_verr(V, c->transform_pos, "%s can yield null, so field '%s' needs nullable: true", tname,
                f->name);
}

/* Does following repeated_for from E come back to E? */
static bool nn_in_cycle(const nn_entity_set *set, const nn_entity *e)
{
    const nn_entity *cur = e;
    for (size_t steps = 0; steps <= set->count; steps++) {
        if (cur->source_type != NN_SOURCE_DERIVED || !cur->has_repeated_for)
            return false;
        cur = nn_entity_set_find(set, cur->repeated_for.entity);
        if (!cur)
            return false;
        if (cur == e)
            return true;
    }
    return false;
}

static void nn_check_element_name(nn_validator *V, const nn_entity *e)
{
    const nn_repeated_for *rf = &e->repeated_for;
    if (!rf->each_known_as)
        return;
    if (!nn_is_entity_name(rf->each_known_as) && rf->each_known_as[0] != '_')
        nn_verr(V, rf->each_known_as_pos,
                "invalid each_known_as '%s': it must be a name made of letters, digits and '_'",
                rf->each_known_as);
    else if (nn_streq(rf->each_known_as, rf->entity) || nn_streq(rf->each_known_as, e->name))
        nn_verr(V, rf->each_known_as_pos,
                "each_known_as '%s' is also an entity name: sources would be ambiguous",
                rf->each_known_as);
}

static void nn_check_derived(nn_validator *V, const nn_entity *e)
{
    if (e->source_type != NN_SOURCE_DERIVED) {
        for (size_t i = 0; i < e->field_count; i++)
            if (e->fields[i].has_computed)
                nn_verr(V, e->fields[i].computed.pos,
                        "field '%s' has computed_from, but only derived entities have computed "
                        "fields (%s is %s)",
                        e->fields[i].name, e->name, nn_source_type_name(e->source_type));
        return;
    }
    if (!e->has_repeated_for)
        return; /* reported by the loader */
    const nn_repeated_for *rf = &e->repeated_for;
    nn_check_element_name(V, e);
    const nn_entity *parent = nn_entity_set_find(V->set, rf->entity);
    if (!parent) {
        nn_verr(V, rf->entity_pos, "repeated_for entity '%s' does not exist", rf->entity);
    } else if (parent == e) {
        nn_verr(V, rf->entity_pos, "derived entity %s cannot repeat over itself", e->name);
        parent = NULL;
    } else {
        const nn_field *pf = nn_entity_find_field(parent, rf->field);
        if (!pf)
            nn_verr(V, rf->field_pos,
                    "repeated_for field '%s' does not exist: entity %s has no such field",
                    rf->field, parent->name);
        else if (pf->type != NN_TYPE_LIST_OBJECT)
            nn_verr(V, rf->field_pos, "repeated_for field %s.%s is %s, it must be List[Object]",
                    parent->name, rf->field, nn_type_name(pf->type));
        if (nn_in_cycle(V->set, e))
            nn_verr(V, rf->entity_pos, "derived entity %s is part of a repeated_for cycle",
                    e->name);
        if (e->persistent && !parent->persistent)
            nn_verr(V, e->persistence_pos,
                    "%s is persistent, but its parent entity %s has no persistence block", e->name,
                    parent->name);
    }
    for (size_t i = 0; i < e->field_count; i++)
        if (e->fields[i].has_computed)
            nn_check_computed(V, e, parent, &e->fields[i]);
}

nn_status nn_model_validate(nn_entity_set *set, nn_error *err)
{
    nn_validator V = {.set = set, .err = err, .failed = false};
    for (size_t i = 0; i < set->count; i++) {
        nn_check_entity_name(&V, i);
        nn_check_field_names(&V, &set->entities[i]);
        nn_check_derived(&V, &set->entities[i]);
        nn_check_persistence(&V, i);
    }
    return V.failed ? NN_ERR_INPUT : NN_OK;
}
