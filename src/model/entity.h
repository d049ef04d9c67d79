/*
 * entity.h - the entity model: what the YAML files say, after loading.
 *
 * The YAML loader (src/yaml/) fills these structures and records where each
 * item came from; model validation (validate.c) checks the cross-references;
 * the render model builder (render_model.c) turns them into the JSON document
 * the templates receive. Every string is owned by the structure holding it.
 */
#ifndef NN_ENTITY_H
#define NN_ENTITY_H

#include <stdbool.h>
#include <stddef.h>

/* Where something was written: file name plus 1-based line and column. */
typedef struct nn_pos {
    const char *file; /* borrowed from the owning nn_entity's file */
    size_t line;
    size_t column;
} nn_pos;

typedef enum nn_source_type {
    NN_SOURCE_ROOT,      /* posted to the ingestion API, stored as a row */
    NN_SOURCE_DERIVED,   /* extracted from a list field of another entity */
    NN_SOURCE_REFERENCE, /* reference data, posted and stored like a root */
} nn_source_type;

typedef enum nn_type {
    NN_TYPE_STRING,
    NN_TYPE_INTEGER,
    NN_TYPE_FLOAT,
    NN_TYPE_BOOLEAN,
    NN_TYPE_DATE,
    NN_TYPE_DATETIME,
    NN_TYPE_DECIMAL,
    NN_TYPE_JSON,
    NN_TYPE_OBJECT,
    NN_TYPE_LIST_OBJECT,
} nn_type;

typedef enum nn_transform {
    NN_TRANSFORM_NONE, /* not computed: read from the payload under the field's name */
    NN_TRANSFORM_COPY_FIELD,
    NN_TRANSFORM_JSON_GET_STRING,
    NN_TRANSFORM_JSON_GET_INT,
    NN_TRANSFORM_JSON_GET_FLOAT,
    NN_TRANSFORM_JSON_GET_BOOL,
    NN_TRANSFORM_JSON_GET_OPTIONAL_STRING,
    NN_TRANSFORM_JSON_GET_OPTIONAL_INT,
    NN_TRANSFORM_JSON_GET_OPTIONAL_FLOAT,
    NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL,
} nn_transform;

/* One `args` entry of computed_from: a scalar key/value pair. */
typedef struct nn_arg {
    char *key;
    char *value;
    nn_pos pos;
} nn_arg;

typedef struct nn_computed {
    nn_pos pos; /* the `computed_from:` key */
    nn_transform transform;
    nn_pos transform_pos;
    char **sources; /* dotted paths: "Order.order_key", "item.quantity" */
    nn_pos *source_pos;
    size_t source_count;
    nn_arg *args;
    size_t arg_count;
} nn_computed;

typedef struct nn_field {
    char *name;
    nn_type type;
    char *doc;      /* NULL when absent */
    bool nullable;  /* default false */
    bool persisted; /* a table column (field_overrides may turn it off) */
    char *column;   /* column name; field_overrides may rename it */
    bool has_computed;
    nn_computed computed;
    nn_pos pos; /* the `- name:` item */
    nn_pos type_pos;
} nn_field;

typedef struct nn_repeated_for {
    char *entity;        /* parent entity name */
    char *field;         /* the parent's list field */
    char *each_known_as; /* name of one element in computed_from sources */
    nn_pos pos;
    nn_pos entity_pos;
    nn_pos field_pos;
    nn_pos each_known_as_pos; /* == pos when defaulted to "item" */
} nn_repeated_for;

typedef struct nn_field_override {
    char *field;  /* the field it applies to */
    char *column; /* NULL: keep the field's name */
    bool has_persisted;
    bool persisted;
    nn_pos pos;
} nn_field_override;

typedef struct nn_entity {
    char *file; /* the YAML file it came from (path as given) */
    nn_pos pos; /* the `entity:` key */
    char *name;
    nn_pos name_pos;
    nn_source_type source_type;
    char *doc;
    char *prefix;
    nn_field *fields;
    size_t field_count;
    bool has_repeated_for;
    nn_repeated_for repeated_for;

    /* persistence */
    bool persistent;        /* has a persistence block: it gets a table */
    nn_pos persistence_pos; /* the `persistence:` key */
    char *table;
    nn_pos table_pos; /* conformant_table, else persistence_pos */
    char *id_column;
    nn_pos id_column_pos; /* conformant_id_column, else pk_pos */
    char **unicity_fields;
    nn_pos *unicity_pos;
    size_t unicity_count;
    char *pk_name;
    nn_pos pk_pos;   /* primary_key.name, else primary_key, else persistence_pos */
    nn_type pk_type; /* NN_TYPE_INTEGER or NN_TYPE_STRING (uuid text) */
    bool pk_autogenerate;
    nn_field_override *overrides;
    size_t override_count;
} nn_entity;

typedef struct nn_entity_set {
    char *dir;           /* the folder the entities were loaded from */
    char *project_name;  /* derived from the folder (see loader) */
    nn_entity *entities; /* in file-name order */
    size_t count;
} nn_entity_set;

void nn_entity_set_free(nn_entity_set *set);
const nn_entity *nn_entity_set_find(const nn_entity_set *set, const char *name);
const nn_field *nn_entity_find_field(const nn_entity *e, const char *name);

const char *nn_type_name(nn_type t);               /* "List[Object]" */
int nn_type_parse(const char *s, nn_type *out);    /* 0 ok, -1 unknown */
const char *nn_source_type_name(nn_source_type s); /* "root" */
const char *nn_transform_name(nn_transform t);     /* "json_get_int" */
int nn_transform_parse(const char *s, nn_transform *out);

#endif
