/*
 * entities.h - descriptors of the entities this tree was generated for.
 *
 * entities.c (generated from the entity definitions) describes every entity
 * and field as data, so the services handle them generically: the ingestion
 * API validates payloads with them, the worker extracts rows with them, the
 * dashboard backend lists them.
 *
 * Kinds: a root entity is posted by clients and stored; a reference entity is
 * posted and stored the same way (reference data); a derived entity is never
 * posted: one row is extracted per element of a list field of its parent.
 *
 * Where a field's value comes from (nn_field.source, nn_field.json_key):
 * NN_FROM_OBJECT: the key json_key of the entity's own object, which is the
 *   posted payload for root and reference entities and one element of the
 *   parent's list for derived entities;
 * NN_FROM_PARENT: the key json_key of the parent's payload (copy_field).
 *
 * SQL: each persistent entity carries ready, parameterised statements with
 * quoted identifiers (see nn_entity.sql_upsert). Every table also has two
 * columns of the pipeline's own: "_message_id" (UUID of the message that
 * last wrote the row, NULL for rows written outside the pipeline) and
 * "_ingested_at" (when the row was first stored).
 */
#ifndef NN_ENTITIES_H
#define NN_ENTITIES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nn_type {
    NN_TYPE_STRING,      /* JSON string; TEXT */
    NN_TYPE_INTEGER,     /* JSON integer within 64 bits; BIGINT */
    NN_TYPE_FLOAT,       /* JSON number; DOUBLE PRECISION */
    NN_TYPE_BOOLEAN,     /* JSON true/false; BOOLEAN */
    NN_TYPE_DATE,        /* "YYYY-MM-DD"; DATE */
    NN_TYPE_DATETIME,    /* RFC 3339 with offset; TIMESTAMPTZ */
    NN_TYPE_DECIMAL,     /* decimal number as a string ("711.56"); NUMERIC */
    NN_TYPE_JSON,        /* any JSON value; JSONB */
    NN_TYPE_OBJECT,      /* JSON object; JSONB */
    NN_TYPE_LIST_OBJECT, /* JSON array of objects; JSONB */
} nn_type;

typedef enum nn_entity_kind {
    NN_ENTITY_ROOT,
    NN_ENTITY_DERIVED,
    NN_ENTITY_REFERENCE,
} nn_entity_kind;

typedef enum nn_field_source {
    NN_FROM_OBJECT, /* the entity's own object (payload, or list element) */
    NN_FROM_PARENT, /* the parent's payload (copy_field) */
} nn_field_source;

typedef struct nn_field {
    const char *name;
    nn_type type;
    bool nullable;          /* the column accepts NULL */
    bool optional;          /* the value may be absent or null in the input */
    bool persisted;         /* stored in a column of the entity's table */
    bool in_unicity;        /* one of the columns rows are upserted on */
    const char *column;     /* column name, NULL when not persisted */
    const char *column_sql; /* the same, quoted: "\"order_key\"" */
    const char *sql_type;   /* "BIGINT", ... */
    int param;              /* its $n in sql_upsert; 0 when not persisted */
    nn_field_source source;
    const char *json_key;  /* the key the value is read from */
    const char *transform; /* "copy_field", "json_get_int", ...; NULL when read as is */
} nn_field;

typedef struct nn_entity nn_entity;

struct nn_entity {
    const char *name; /* "Order": as in /ingest/{name} and entity_type */
    nn_entity_kind kind;
    bool ingestible;     /* clients post it (root and reference) */
    bool persistent;     /* it has a table */
    const char *subject; /* "messages.ingest.Order"; NULL for derived entities */
    const char *dlq_subject;

    const nn_field *fields; /* in declaration order */
    size_t field_count;

    /* derived entities: the parent and its list field the rows come from */
    const nn_entity *parent;
    const char *parent_field;
    /* entities derived from this one (each child's parent_field names the list) */
    const nn_entity *const *children;
    size_t child_count;

    /* persistent entities; NULL/0 otherwise */
    const char *table;
    const char *table_sql;
    const char *pk_column;
    const char *pk_column_sql;
    size_t column_count; /* persisted fields: $1..$column_count of sql_upsert */
    /*
     * INSERT of one row, $1..$column_count the persisted fields in
     * declaration order, $column_count+1 the message id; upserted
     * (ON CONFLICT on the unicity columns DO UPDATE) when the entity has
     * unicity fields; RETURNING the primary key.
     */
    const char *sql_upsert;
    /* SELECT of every column (primary key first, then the fields, then
     * "_message_id" and "_ingested_at") FROM the table, for the caller to
     * complete with WHERE / ORDER BY / LIMIT. */
    const char *sql_select;
};

/* Every entity, in definition order. */
extern const nn_entity *const nn_entities[];
extern const size_t nn_entity_count;

/* The entity called name (case-sensitive), or NULL. */
const nn_entity *nn_entity_find(const char *name);

/* The field called name of e, or NULL. */
const nn_field *nn_entity_field(const nn_entity *e, const char *name);

/* "String", "Integer", ..., "List[Object]": the names of the entity definitions. */
const char *nn_type_name(nn_type type);

/* "root", "derived", "reference". */
const char *nn_entity_kind_name(nn_entity_kind kind);

#endif
