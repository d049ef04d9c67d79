/*
 * render_model.c - entity model -> render model (JSON) for the templates.
 *
 * Templates are logic-less, so everything they need is spelled out here:
 * names in every case, SQL types and quoted identifiers, JSON Schema types,
 * flags per type, and first/last/index on every list item so templates can
 * place separators without arithmetic.
 */
#include "model/render_model.h"

#include "base/strbuf.h"
#include "base/xalloc.h"
#include "model/naming.h"

#include <stdlib.h>
#include <string.h>

/* How each field type is spelled downstream. */
typedef struct nn_type_info {
    nn_type type;
    const char *id;          /* lower-case identifier: "list_object" */
    const char *sql_type;    /* PostgreSQL column type */
    const char *json_type;   /* JSON Schema "type" */
    const char *json_format; /* JSON Schema "format", or NULL */
} nn_type_info;

static const nn_type_info nn_type_infos[] = {
    {NN_TYPE_STRING, "string", "TEXT", "string", NULL},
    {NN_TYPE_INTEGER, "integer", "BIGINT", "integer", NULL},
    {NN_TYPE_FLOAT, "float", "DOUBLE PRECISION", "number", NULL},
    {NN_TYPE_BOOLEAN, "boolean", "BOOLEAN", "boolean", NULL},
    {NN_TYPE_DATE, "date", "DATE", "string", "date"},
    {NN_TYPE_DATETIME, "datetime", "TIMESTAMPTZ", "string", "date-time"},
    {NN_TYPE_DECIMAL, "decimal", "NUMERIC", "string", "decimal"},
    {NN_TYPE_JSON, "json", "JSONB", NULL, NULL},
    {NN_TYPE_OBJECT, "object", "JSONB", "object", NULL},
    {NN_TYPE_LIST_OBJECT, "list_object", "JSONB", "array", NULL},
};

static const nn_type_info *nn_type_info_of(nn_type t)
{
    for (size_t i = 0; i < sizeof nn_type_infos / sizeof nn_type_infos[0]; i++) {
        if (nn_type_infos[i].type == t)
            return &nn_type_infos[i];
    }
    abort(); /* every nn_type has a row above */
}

/* Set a key to a fresh string (NULL becomes JSON null). */
static void nn_set_str(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

/* Set a key to a string the caller allocated; frees it. */
static void nn_set_owned(json_t *obj, const char *key, char *value)
{
    json_object_set_new(obj, key, json_string(value));
    free(value);
}

static void nn_set_bool(json_t *obj, const char *key, bool value)
{
    json_object_set_new(obj, key, json_boolean(value));
}

/*
 * The doc on one line, safe inside a C, SQL or shell comment: whitespace runs
 * (newlines included) become one space, and "*" + "/" becomes "* /". NULL stays NULL.
 */
static void nn_set_doc(json_t *obj, const char *doc)
{
    nn_set_str(obj, "doc", doc);
    nn_set_bool(obj, "has_doc", doc != NULL);
    if (!doc) {
        nn_set_str(obj, "doc_line", NULL);
        return;
    }
    size_t n = strlen(doc);
    char *line = nn_xmalloc(n * 2 + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = doc[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (len > 0 && line[len - 1] != ' ')
                line[len++] = ' ';
            continue;
        }
        line[len++] = c;
        if (c == '*' && doc[i + 1] == '/')
            line[len++] = ' ';
    }
    while (len > 0 && line[len - 1] == ' ')
        len--;
    line[len] = '\0';
    nn_set_owned(obj, "doc_line", line);
}

/* name, name_snake, name_upper, name_kebab, name_title for one name. */
static void nn_set_names(json_t *obj, const char *prefix, const char *name)
{
    static const struct {
        const char *suffix;
        char *(*spell)(const char *);
    } spellings[] = {
        {"_snake", nn_name_snake},
        {"_upper", nn_name_upper},
        {"_kebab", nn_name_kebab},
        {"_title", nn_name_title},
    };
    nn_set_str(obj, prefix, name);
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        char *key = nn_xasprintf("%s%s", prefix, spellings[i].suffix);
        nn_set_owned(obj, key, spellings[i].spell(name));
        free(key);
    }
}

/* Give each item of a list its position: index, number (1-based), first, last. */
static void nn_mark_positions(json_t *list)
{
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(list, i);
        json_object_set_new(item, "index", json_integer((json_int_t)i));
        json_object_set_new(item, "number", json_integer((json_int_t)i + 1));
        nn_set_bool(item, "first", i == 0);
        nn_set_bool(item, "last", i + 1 == n);
    }
}

static void nn_set_type(json_t *obj, nn_type type)
{
    const nn_type_info *info = nn_type_info_of(type);
    nn_set_str(obj, "type", nn_type_name(type));
    nn_set_str(obj, "type_id", info->id);
    nn_set_owned(obj, "type_upper", nn_name_upper(info->id));
    nn_set_str(obj, "sql_type", info->sql_type);
    nn_set_str(obj, "json_type", info->json_type);
    nn_set_str(obj, "json_format", info->json_format);
    for (size_t i = 0; i < sizeof nn_type_infos / sizeof nn_type_infos[0]; i++) {
        char *key = nn_xasprintf("is_%s", nn_type_infos[i].id);
        nn_set_bool(obj, key, nn_type_infos[i].type == type);
        free(key);
    }
    nn_set_bool(obj, "is_jsonb", strcmp(info->sql_type, "JSONB") == 0);
    nn_set_bool(obj, "is_number", type == NN_TYPE_INTEGER || type == NN_TYPE_FLOAT);
}

/*
 * json_key, and json_key_escaped: the same escaped for the inside of a C or
 * JSON string literal ('\\' and '"' escaped, \n \r \t \b \f; other
 * control characters as \u00XX, which JSON accepts and a C compiler refuses).
 */
static void nn_set_json_key(json_t *f, const char *key)
{
    nn_set_str(f, "json_key", key);
    nn_strbuf sb;
    nn_strbuf_init(&sb);
    for (const char *p = key; *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\\':
        case '"':
            nn_strbuf_putc(&sb, '\\');
            nn_strbuf_putc(&sb, (char)c);
            break;
        case '\n':
            nn_strbuf_puts(&sb, "\\n");
            break;
        case '\r':
            nn_strbuf_puts(&sb, "\\r");
            break;
        case '\t':
            nn_strbuf_puts(&sb, "\\t");
            break;
        case '\b':
            nn_strbuf_puts(&sb, "\\b");
            break;
        case '\f':
            nn_strbuf_puts(&sb, "\\f");
            break;
        default:
            if (c < 0x20)
                nn_strbuf_printf(&sb, "\\u%04x", c);
            else
                nn_strbuf_putc(&sb, (char)c);
            break;
        }
    }
    nn_set_owned(f, "json_key_escaped", nn_strbuf_detach(&sb, NULL));
}

/* The computed_from part of a field: what to read and from where. */
static void nn_set_computed(json_t *f, const nn_entity *e, const nn_field *field)
{
    nn_set_bool(f, "computed", field->has_computed);
    if (!field->has_computed) {
        nn_set_str(f, "transform", NULL);
        nn_set_bool(f, "is_copy_field", false);
        nn_set_bool(f, "is_json_get", false);
        nn_set_bool(f, "optional", field->nullable);
        nn_set_bool(f, "source_is_parent", false);
        /* a plain field is read from the payload under its own name */
        nn_set_json_key(f, field->name);
        return;
    }
    const nn_computed *c = &field->computed;
    const char *tname = nn_transform_name(c->transform);
    bool copy = c->transform == NN_TRANSFORM_COPY_FIELD;
    nn_set_str(f, "transform", tname);
    nn_set_owned(f, "transform_upper", nn_name_upper(tname));
    nn_set_bool(f, "is_copy_field", copy);
    nn_set_bool(f, "is_json_get", !copy);
    nn_set_bool(f, "optional", strstr(tname, "optional") != NULL || field->nullable);

    const char *source = c->source_count ? c->sources[0] : "";
    const char *dot = strchr(source, '.');
    char *head = nn_xstrndup(source, dot ? (size_t)(dot - source) : strlen(source));
    const char *tail = dot ? dot + 1 : "";
    bool from_parent = e->has_repeated_for && strcmp(head, e->repeated_for.entity) == 0;
    nn_set_str(f, "source", source);
    if (copy || from_parent) {
        /* "Order.order_key": a field of the parent (or, for copy_field, of this entity) */
        nn_set_str(f, "source_entity", head);
        nn_set_str(f, "source_field", tail);
    } else {
        /* "item.quantity": a key of one element of the parent's list */
        nn_set_str(f, "source_entity", NULL);
        nn_set_str(f, "source_field", NULL);
    }
    nn_set_bool(f, "source_is_parent", from_parent);
    nn_set_json_key(f, tail);
    free(head);

    json_t *args = json_object();
    for (size_t i = 0; i < c->arg_count; i++)
        nn_set_str(args, c->args[i].key, c->args[i].value);
    json_object_set_new(f, "args", args);
}

static bool nn_is_unicity_field(const nn_entity *e, const char *name)
{
    for (size_t i = 0; i < e->unicity_count; i++) {
        if (strcmp(e->unicity_fields[i], name) == 0)
            return true;
    }
    return false;
}

static json_t *nn_field_model(const nn_entity_set *set, const nn_entity *e, const nn_field *field,
                              bool with_children);

/* The derived entities extracted from the list field `field` of e, each with
 * its fields and element_fields (the fields read from each element of the
 * list), one level deep: their fields carry no children. */
static json_t *nn_field_children(const nn_entity_set *set, const nn_entity *e, const char *field)
{
    json_t *children = json_array();
    for (size_t i = 0; i < set->count; i++) {
        const nn_entity *c = &set->entities[i];
        if (!c->has_repeated_for || strcmp(c->repeated_for.entity, e->name) != 0 ||
            strcmp(c->repeated_for.field, field) != 0)
            continue;
        json_t *ref = json_object();
        nn_set_names(ref, "name", c->name);
        json_t *fields = json_array();
        json_t *element_fields = json_array(); /* those read from each list element */
        for (size_t j = 0; j < c->field_count; j++) {
            json_t *f = nn_field_model(set, c, &c->fields[j], false);
            if (!json_is_true(json_object_get(f, "source_is_parent")))
                json_array_append_new(element_fields, json_copy(f));
            json_array_append_new(fields, f);
        }
        nn_mark_positions(fields);
        nn_mark_positions(element_fields);
        json_object_set_new(ref, "fields", fields);
        json_object_set_new(ref, "element_fields", element_fields);
        json_array_append_new(children, ref);
    }
    nn_mark_positions(children);
    return children;
}

static json_t *nn_field_model(const nn_entity_set *set, const nn_entity *e, const nn_field *field,
                              bool with_children)
{
    json_t *f = json_object();
    nn_set_names(f, "name", field->name);
    nn_set_doc(f, field->doc);
    nn_set_type(f, field->type);
    nn_set_bool(f, "nullable", field->nullable);
    nn_set_bool(f, "required", !field->nullable);
    nn_set_bool(f, "persisted", e->persistent && field->persisted);
    nn_set_str(f, "column", field->column);
    nn_set_owned(f, "column_sql", nn_sql_quote_ident(field->column));
    nn_set_bool(f, "in_unicity", e->persistent && nn_is_unicity_field(e, field->name));
    nn_set_computed(f, e, field);
    /* set on every field, so a template never picks up the entity's keys instead */
    json_object_set_new(f, "param", json_null()); /* see nn_columns_model */
    json_t *children = with_children && field->type == NN_TYPE_LIST_OBJECT
                           ? nn_field_children(set, e, field->name)
                           : json_array();
    nn_set_bool(f, "has_children", json_array_size(children) > 0);
    json_object_set_new(f, "children", children);
    return f;
}

/* A short reference to another entity (parent, child) without its fields. */
static json_t *nn_entity_ref(const nn_entity *e)
{
    json_t *ref = json_object();
    nn_set_names(ref, "name", e->name);
    if (e->persistent) {
        nn_set_str(ref, "table", e->table);
        nn_set_owned(ref, "table_sql", nn_sql_quote_ident(e->table));
    }
    return ref;
}

static json_t *nn_primary_key_model(const nn_entity *e)
{
    json_t *pk = json_object();
    bool integer = e->pk_type == NN_TYPE_INTEGER;
    nn_set_str(pk, "name", e->pk_name);
    nn_set_str(pk, "column", e->id_column);
    nn_set_owned(pk, "column_sql", nn_sql_quote_ident(e->id_column));
    nn_set_str(pk, "type", nn_type_name(e->pk_type));
    nn_set_bool(pk, "is_integer", integer);
    nn_set_bool(pk, "is_uuid", !integer);
    nn_set_bool(pk, "autogenerate", e->pk_autogenerate);
    const char *sql;
    if (integer)
        sql = e->pk_autogenerate ? "BIGINT GENERATED BY DEFAULT AS IDENTITY" : "BIGINT";
    else
        sql = e->pk_autogenerate ? "UUID DEFAULT gen_random_uuid()" : "UUID";
    nn_set_str(pk, "sql_type", sql);
    return pk;
}

/* Columns written by the worker, numbered for SQL placeholders ($1, $2, ...). */
static json_t *nn_columns_model(json_t *fields)
{
    json_t *columns = json_array();
    size_t i;
    json_t *f;
    json_int_t param = 0;
    json_array_foreach(fields, i, f)
    {
        /* the field itself also learns its placeholder (null when not persisted) */
        bool persisted = json_is_true(json_object_get(f, "persisted"));
        json_object_set_new(f, "param", persisted ? json_integer(++param) : json_null());
        if (persisted)
            json_array_append_new(columns, json_copy(f));
    }
    nn_mark_positions(columns);
    json_array_foreach(columns, i, f)
    {
        json_object_set_new(f, "param", json_integer((json_int_t)i + 1));
    }
    return columns;
}

static json_t *nn_unicity_model(const nn_entity *e)
{
    json_t *list = json_array();
    for (size_t i = 0; i < e->unicity_count; i++) {
        const nn_field *field = nn_entity_find_field(e, e->unicity_fields[i]);
        const char *column = field ? field->column : e->unicity_fields[i];
        json_t *u = json_object();
        nn_set_str(u, "name", e->unicity_fields[i]);
        nn_set_str(u, "column", column);
        nn_set_owned(u, "column_sql", nn_sql_quote_ident(column));
        json_array_append_new(list, u);
    }
    nn_mark_positions(list);
    return list;
}

/*
 * How a derived row refers to its parent row: when both are persistent, the
 * parent has unicity fields, and the child copies every one of them from the
 * parent into a column (copy_field), these pairs form a natural foreign key.
 * Otherwise the list is empty.
 */
static json_t *nn_parent_key_model(const nn_entity *child, const nn_entity *parent)
{
    json_t *key = json_array();
    if (!child->persistent || !parent->persistent || parent->unicity_count == 0)
        return key;
    for (size_t i = 0; i < parent->unicity_count; i++) {
        const nn_field *pf = nn_entity_find_field(parent, parent->unicity_fields[i]);
        const nn_field *cf = NULL;
        for (size_t j = 0; pf && j < child->field_count && !cf; j++) {
            const nn_field *f = &child->fields[j];
            const nn_computed *c = &f->computed;
            if (!f->persisted || !f->has_computed || c->transform != NN_TRANSFORM_COPY_FIELD ||
                c->source_count == 0)
                continue;
            const char *src = c->sources[0];
            size_t n = strlen(parent->name);
            if (strncmp(src, parent->name, n) == 0 && src[n] == '.' &&
                strcmp(src + n + 1, pf->name) == 0)
                cf = f;
        }
        if (!pf || !cf) {
            json_array_clear(key);
            return key;
        }
        json_t *pair = json_object();
        nn_set_str(pair, "column", cf->column);
        nn_set_owned(pair, "column_sql", nn_sql_quote_ident(cf->column));
        nn_set_str(pair, "parent_column", pf->column);
        nn_set_owned(pair, "parent_column_sql", nn_sql_quote_ident(pf->column));
        json_array_append_new(key, pair);
    }
    nn_mark_positions(key);
    return key;
}

static json_t *nn_entity_model(const nn_entity_set *set, const nn_entity *e)
{
    json_t *m = json_object();
    nn_set_names(m, "name", e->name);
    nn_set_doc(m, e->doc);
    nn_set_str(m, "prefix", e->prefix);
    nn_set_str(m, "source_type", nn_source_type_name(e->source_type));
    nn_set_bool(m, "is_root", e->source_type == NN_SOURCE_ROOT);
    nn_set_bool(m, "is_derived", e->source_type == NN_SOURCE_DERIVED);
    nn_set_bool(m, "is_reference", e->source_type == NN_SOURCE_REFERENCE);
    nn_set_bool(m, "is_ingestible", e->source_type != NN_SOURCE_DERIVED);
    nn_set_bool(m, "is_persistent", e->persistent);
    if (e->source_type != NN_SOURCE_DERIVED) {
        char *subject = nn_xasprintf("messages.ingest.%s", e->name);
        nn_set_owned(m, "subject", subject);
    }

    json_t *fields = json_array();
    for (size_t i = 0; i < e->field_count; i++)
        json_array_append_new(fields, nn_field_model(set, e, &e->fields[i], true));
    nn_mark_positions(fields);
    json_object_set_new(m, "fields", fields);

    if (e->persistent) {
        nn_set_str(m, "table", e->table);
        nn_set_owned(m, "table_sql", nn_sql_quote_ident(e->table));
        json_object_set_new(m, "primary_key", nn_primary_key_model(e));
        json_t *columns = nn_columns_model(fields);
        json_int_t column_count = (json_int_t)json_array_size(columns);
        json_object_set_new(m, "column_count", json_integer(column_count));
        /* the first placeholder after the columns, for templates that add parameters */
        json_object_set_new(m, "next_param", json_integer(column_count + 1));
        json_object_set_new(m, "columns", columns);
        json_t *unicity = nn_unicity_model(e);
        nn_set_bool(m, "has_unicity", json_array_size(unicity) > 0);
        json_object_set_new(m, "unicity", unicity);
    }

    if (e->has_repeated_for) {
        json_t *rf = json_object();
        nn_set_str(rf, "entity", e->repeated_for.entity);
        nn_set_str(rf, "field", e->repeated_for.field);
        nn_set_str(rf, "each_known_as", e->repeated_for.each_known_as);
        const nn_entity *parent = nn_entity_set_find(set, e->repeated_for.entity);
        if (parent)
            json_object_set_new(rf, "parent", nn_entity_ref(parent));
        json_t *key = parent ? nn_parent_key_model(e, parent) : json_array();
        nn_set_bool(rf, "has_parent_key", json_array_size(key) > 0);
        json_object_set_new(rf, "parent_key", key);
        json_object_set_new(m, "repeated_for", rf);
    }

    /* derived entities extracted from this one's list fields */
    json_t *children = json_array();
    for (size_t i = 0; i < set->count; i++) {
        const nn_entity *c = &set->entities[i];
        if (c->has_repeated_for && strcmp(c->repeated_for.entity, e->name) == 0) {
            json_t *ref = nn_entity_ref(c);
            nn_set_str(ref, "field", c->repeated_for.field);
            json_array_append_new(children, ref);
        }
    }
    nn_mark_positions(children);
    nn_set_bool(m, "has_children", json_array_size(children) > 0);
    json_object_set_new(m, "children", children);
    return m;
}

/* A list of the entities that pass the filter, positions marked. The items are
 * shallow copies: they share every value but their own index/first/last. */
static json_t *nn_entity_subset(json_t *all, const char *flag)
{
    json_t *list = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e)
    {
        if (!flag || json_is_true(json_object_get(e, flag)))
            json_array_append_new(list, json_copy(e));
    }
    nn_mark_positions(list);
    return list;
}

json_t *nn_render_model_build(const nn_entity_set *set, const char *nomnom_version)
{
    json_t *model = json_object();

    json_t *nomnom = json_object();
    nn_set_str(nomnom, "version", nomnom_version);
    json_object_set_new(model, "nomnom", nomnom);

    json_t *project = json_object();
    nn_set_names(project, "name", set->project_name);
    json_object_set_new(model, "project", project);

    json_t *all = json_array();
    for (size_t i = 0; i < set->count; i++)
        json_array_append_new(all, nn_entity_model(set, &set->entities[i]));

    json_object_set_new(model, "persistent_entities", nn_entity_subset(all, "is_persistent"));
    json_object_set_new(model, "ingestible_entities", nn_entity_subset(all, "is_ingestible"));
    json_object_set_new(model, "root_entities", nn_entity_subset(all, "is_root"));
    json_object_set_new(model, "derived_entities", nn_entity_subset(all, "is_derived"));
    json_object_set_new(model, "reference_entities", nn_entity_subset(all, "is_reference"));
    nn_mark_positions(all);
    json_object_set_new(model, "entities", all);
    return model;
}
