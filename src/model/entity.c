/*
 * entity.c - the entity model's helpers (see entity.h): freeing a set,
 * look-ups by name, and the names of types, source types and transforms.
 */
#include "model/entity.h"

#include <stdlib.h>
#include <string.h>

static void nn_field_free(nn_field *f)
{
    free(f->name);
    free(f->doc);
    free(f->column);
    for (size_t i = 0; i < f->computed.source_count; i++)
        free(f->computed.sources[i]);
    free(f->computed.sources);
    free(f->computed.source_pos);
    for (size_t i = 0; i < f->computed.arg_count; i++) {
        free(f->computed.args[i].key);
        free(f->computed.args[i].value);
    }
    free(f->computed.args);
}

static void nn_entity_free(nn_entity *e)
{
    for (size_t i = 0; i < e->field_count; i++)
        nn_field_free(&e->fields[i]);
    free(e->fields);
    free(e->repeated_for.entity);
    free(e->repeated_for.field);
    free(e->repeated_for.each_known_as);
    for (size_t i = 0; i < e->unicity_count; i++)
        free(e->unicity_fields[i]);
    free(e->unicity_fields);
    free(e->unicity_pos);
    for (size_t i = 0; i < e->override_count; i++) {
        free(e->overrides[i].field);
        free(e->overrides[i].column);
    }
    free(e->overrides);
    free(e->name);
    free(e->doc);
    free(e->prefix);
    free(e->table);
    free(e->id_column);
    free(e->pk_name);
    free(e->file); /* last: the nn_pos.file pointers above borrow it */
}

void nn_entity_set_free(nn_entity_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        nn_entity_free(&set->entities[i]);
    free(set->entities);
    free(set->dir);
    free(set->project_name);
    memset(set, 0, sizeof *set);
}

const nn_entity *nn_entity_set_find(const nn_entity_set *set, const char *name)
{
    if (!set || !name)
        return NULL;
    for (size_t i = 0; i < set->count; i++)
        if (set->entities[i].name && strcmp(set->entities[i].name, name) == 0)
            return &set->entities[i];
    return NULL;
}

const nn_field *nn_entity_find_field(const nn_entity *e, const char *name)
{
    if (!e || !name)
        return NULL;
    for (size_t i = 0; i < e->field_count; i++)
        if (e->fields[i].name && strcmp(e->fields[i].name, name) == 0)
            return &e->fields[i];
    return NULL;
}

static const char *const nn_type_names[] = {
    [NN_TYPE_STRING] = "String",   [NN_TYPE_INTEGER] = "Integer",
    [NN_TYPE_FLOAT] = "Float",     [NN_TYPE_BOOLEAN] = "Boolean",
    [NN_TYPE_DATE] = "Date",       [NN_TYPE_DATETIME] = "DateTime",
    [NN_TYPE_DECIMAL] = "Decimal", [NN_TYPE_JSON] = "Json",
    [NN_TYPE_OBJECT] = "Object",   [NN_TYPE_LIST_OBJECT] = "List[Object]",
};

#define NN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *nn_type_name(nn_type t)
{
    if ((size_t)t < NN_COUNT(nn_type_names))
        return nn_type_names[t];
    return "?";
}

int nn_type_parse(const char *s, nn_type *out)
{
    for (size_t i = 0; i < NN_COUNT(nn_type_names); i++) {
        if (strcmp(s, nn_type_names[i]) == 0) {
            *out = (nn_type)i;
            return 0;
        }
    }
    return -1;
}

const char *nn_source_type_name(nn_source_type s)
{
    switch (s) {
    case NN_SOURCE_ROOT:
        return "root";
    case NN_SOURCE_DERIVED:
        return "derived";
    case NN_SOURCE_REFERENCE:
        return "reference";
    }
    return "?";
}

static const char *const nn_transform_names[] = {
    [NN_TRANSFORM_NONE] = "none",
    [NN_TRANSFORM_COPY_FIELD] = "copy_field",
    [NN_TRANSFORM_JSON_GET_STRING] = "json_get_string",
    [NN_TRANSFORM_JSON_GET_INT] = "json_get_int",
    [NN_TRANSFORM_JSON_GET_FLOAT] = "json_get_float",
    [NN_TRANSFORM_JSON_GET_BOOL] = "json_get_bool",
    [NN_TRANSFORM_JSON_GET_OPTIONAL_STRING] = "json_get_optional_string",
    [NN_TRANSFORM_JSON_GET_OPTIONAL_INT] = "json_get_optional_int",
    [NN_TRANSFORM_JSON_GET_OPTIONAL_FLOAT] = "json_get_optional_float",
    [NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL] = "json_get_optional_bool",
};

const char *nn_transform_name(nn_transform t)
{
    if ((size_t)t < NN_COUNT(nn_transform_names))
        return nn_transform_names[t];
    return "?";
}

/* "none" is not a transform one can write: it means "not computed". */
int nn_transform_parse(const char *s, nn_transform *out)
{
    for (size_t i = NN_TRANSFORM_NONE + 1; i < NN_COUNT(nn_transform_names); i++) {
        if (strcmp(s, nn_transform_names[i]) == 0) {
            *out = (nn_transform)i;
            return 0;
        }
    }
    return -1;
}
