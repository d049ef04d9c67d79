/*
 * openapi.c - the OpenAPI 3.1 document, built from the entity descriptors
 * (see openapi.h).
 *
 * Every json_pack() "o" steals its argument, also when it fails, so a
 * failure anywhere (out of memory) makes the whole document NULL without
 * leaking the parts.
 */
#include "openapi.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/version.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INGEST_DECIMAL_PATTERN "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$"

/* {"$ref": "#/components/<section>/<name>"} */
static json_t *ingest_ref(const char *section, const char *name)
{
    nn_buf ref = NN_BUF_INIT;
    nn_buf_printf(&ref, "#/components/%s/%s", section, name);
    json_t *schema =
        nn_buf_status(&ref) == NN_OK ? json_pack("{s:s}", "$ref", nn_buf_str(&ref)) : NULL;
    nn_buf_free(&ref);
    return schema;
}

/* The schema of one non-null value of a type (what nn_validate_value accepts). */
static json_t *ingest_type_schema(nn_type type)
{
    switch (type) {
    case NN_TYPE_STRING:
        return json_pack("{s:s}", "type", "string");
    case NN_TYPE_INTEGER:
        return json_pack("{s:s, s:s, s:I, s:I}", "type", "integer", "format", "int64", "minimum",
                         (json_int_t)INT64_MIN, "maximum", (json_int_t)INT64_MAX);
    case NN_TYPE_FLOAT:
        return json_pack("{s:s, s:s}", "type", "number", "format", "double");
    case NN_TYPE_BOOLEAN:
        return json_pack("{s:s}", "type", "boolean");
    case NN_TYPE_DATE:
        return json_pack("{s:s, s:s}", "type", "string", "format", "date");
    case NN_TYPE_DATETIME:
        return json_pack("{s:s, s:s, s:s}", "type", "string", "format", "date-time", "description",
                         "RFC 3339 with a time zone offset");
    case NN_TYPE_DECIMAL:
        return json_pack("{s:[s, s], s:s, s:s}", "type", "string", "integer", "pattern",
                         INGEST_DECIMAL_PATTERN, "description",
                         "an exact decimal number: a string such as \"711.56\", or an integer");
    case NN_TYPE_JSON:
        return json_object();
    case NN_TYPE_OBJECT:
        return json_pack("{s:s}", "type", "object");
    case NN_TYPE_LIST_OBJECT:
        return json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "object");
    }
    return NULL;
}

/* Let schema accept null too (an optional field), or refuse null (a
 * required field of any type). */
static json_t *ingest_nullable(json_t *schema, bool optional)
{
    if (!schema)
        return NULL;
    json_t *type = json_object_get(schema, "type");
    if (!optional) {
        if (!type && json_object_set_new(schema, "not", json_pack("{s:s}", "type", "null")) != 0)
            goto fail;
        return schema;
    }
    if (json_is_string(type)) {
        json_t *both = json_pack("[O, s]", type, "null");
        if (!both || json_object_set_new(schema, "type", both) != 0)
            goto fail;
    } else if (json_is_array(type)) {
        if (json_array_append_new(type, json_string("null")) != 0)
            goto fail;
    }
    return schema;
fail:
    json_decref(schema);
    return NULL;
}

/* The items of a list field: the entities derived from it, else any object. */
static json_t *ingest_list_items(const nn_entity *e, const nn_field *f)
{
    json_t *refs = json_array();
    for (size_t c = 0; refs && c < e->child_count; c++) {
        const nn_entity *child = e->children[c];
        if (strcmp(child->parent_field, f->name) == 0 &&
            json_array_append_new(refs, ingest_ref("schemas", child->name)) != 0) {
            json_decref(refs);
            refs = NULL;
        }
    }
    if (!refs)
        return NULL;
    if (json_array_size(refs) == 0) {
        json_decref(refs);
        return json_pack("{s:s}", "type", "object");
    }
    if (json_array_size(refs) == 1) {
        json_t *only = json_incref(json_array_get(refs, 0));
        json_decref(refs);
        return only;
    }
    return json_pack("{s:o}", "allOf", refs);
}

static json_t *ingest_field_schema(const nn_entity *e, const nn_field *f)
{
    json_t *schema = ingest_type_schema(f->type);
    if (schema && f->type == NN_TYPE_LIST_OBJECT &&
        json_object_set_new(schema, "items", ingest_list_items(e, f)) != 0) {
        json_decref(schema);
        schema = NULL;
    }
    return ingest_nullable(schema, f->optional);
}

/* The object an entity reads its fields from: the payload (root, reference)
 * or one element of its parent's list (derived). */
static json_t *ingest_entity_schema(const nn_entity *e)
{
    json_t *properties = json_object();
    json_t *required = json_array();
    bool ok = properties && required;
    for (size_t i = 0; ok && i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (f->source != NN_FROM_OBJECT)
            continue; /* copied from the parent: described there */
        ok = json_object_set_new(properties, f->json_key, ingest_field_schema(e, f)) == 0;
        if (ok && !f->optional)
            ok = json_array_append_new(required, json_string(f->json_key)) == 0;
    }
    if (!ok) {
        json_decref(properties);
        json_decref(required);
        return NULL;
    }
    nn_buf description = NN_BUF_INIT;
    if (e->kind == NN_ENTITY_DERIVED && e->parent)
        nn_buf_printf(&description, "%s (derived): one element of %s.%s; each becomes a %s row",
                      e->name, e->parent->name, e->parent_field, e->name);
    else
        nn_buf_printf(&description, "%s (%s entity), posted to /ingest/%s; unknown fields are kept",
                      e->name, nn_entity_kind_name(e->kind), e->name);
    json_t *schema =
        json_pack("{s:s, s:s, s:o, s:o, s:b}", "type", "object", "description",
                  nn_buf_status(&description) == NN_OK ? nn_buf_str(&description) : NULL,
                  "properties", properties, "required", required, "additionalProperties", 1);
    nn_buf_free(&description);
    return schema;
}

static json_t *ingest_json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *ingest_error_response(const char *description)
{
    return json_pack("{s:s, s:o}", "description", description, "content",
                     ingest_json_content(ingest_ref("schemas", "Error")));
}

static json_t *ingest_components(void)
{
    json_t *schemas = json_object();
    for (size_t i = 0; schemas && i < nn_entity_count; i++) {
        if (json_object_set_new(schemas, nn_entities[i]->name,
                                ingest_entity_schema(nn_entities[i])) != 0) {
            json_decref(schemas);
            schemas = NULL;
        }
    }
    json_t *accepted =
        json_pack("{s:s, s:[s, s], s:{s:{s:s, s:s}, s:{s:s, s:[s]}}}", "type", "object", "required",
                  "message_id", "status", "properties", "message_id", "type", "string", "format",
                  "uuid", "status", "type", "string", "enum", "accepted");
    json_t *error = json_pack(
        "{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:[s, s], s:{s:{s:s, s:s}, "
        "s:{s:s}}}}}}",
        "type", "object", "required", "error", "message", "properties", "error", "type", "string",
        "message", "type", "string", "details", "type", "array", "items", "type", "object",
        "required", "path", "message", "properties", "path", "type", "string", "description",
        "JSON pointer (RFC 6901) of the offending value", "message", "type", "string");
    if (schemas && (json_object_set_new(schemas, "Accepted", accepted) != 0 ||
                    json_object_set_new(schemas, "Error", error) != 0)) {
        json_decref(schemas);
        schemas = NULL;
    } else if (!schemas) {
        json_decref(accepted);
        json_decref(error);
    }

    json_t *parameters = json_pack(
        "{s:{s:s, s:s, s:b, s:s, s:{s:s, s:i, s:i}}, s:{s:s, s:s, s:b, s:s, s:{s:s, s:i, s:i}}}",
        "IdempotencyKey", "name", "Idempotency-Key", "in", "header", "required", 0, "description",
        "the message id: a UUID is used as it is, any other key gives a stable name-based UUID; "
        "a repeated key within the duplicate window is stored once and answered the same",
        "schema", "type", "string", "minLength", 1, "maxLength", 255, "Source", "name", "X-Source",
        "in", "header", "required", 0, "description",
        "the envelope's source (default: the client address)", "schema", "type", "string",
        "minLength", 1, "maxLength", 255);
    json_t *unavailable = json_pack(
        "{s:s, s:{s:{s:s, s:{s:s}}}, s:o}", "description",
        "NATS JetStream is unavailable or did not acknowledge the message: retry", "headers",
        "Retry-After", "description", "seconds to wait before retrying", "schema", "type",
        "integer", "content", ingest_json_content(ingest_ref("schemas", "Error")));
    json_t *responses = json_pack(
        "{s:{s:s, s:o}, s:o, s:o, s:o, s:o, s:o, s:o}", "Accepted", "description",
        "acknowledged by JetStream", "content",
        ingest_json_content(ingest_ref("schemas", "Accepted")), "BadRequest",
        ingest_error_response("invalid JSON, or a payload that does not match the entity "
                              "(details lists every problem with its JSON pointer)"),
        "Unauthorized",
        ingest_error_response("API_TOKEN is set and the bearer token is "
                              "missing or wrong"),
        "NotFound", ingest_error_response("no such entity, or one that is not posted"), "TooLarge",
        ingest_error_response("the body is larger than MAX_BODY_BYTES"), "UnsupportedMediaType",
        ingest_error_response("Content-Type is not application/json"), "Unavailable", unavailable);
    return json_pack("{s:o, s:o, s:o, s:{s:{s:s, s:s}}}", "schemas", schemas, "parameters",
                     parameters, "responses", responses, "securitySchemes", "bearer", "type",
                     "http", "scheme", "bearer");
}

static json_t *ingest_post_operation(const nn_entity *e)
{
    nn_buf id = NN_BUF_INIT, summary = NN_BUF_INIT;
    nn_buf_printf(&id, "ingest%s", e->name);
    nn_buf_printf(&summary, "Ingest one %s", e->name);
    json_t *op = NULL;
    if (nn_buf_status(&id) == NN_OK && nn_buf_status(&summary) == NN_OK)
        op = json_pack(
            "{s:s, s:s, s:[s], s:[o, o], s:{s:b, s:o}, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o}}",
            "operationId", nn_buf_str(&id), "summary", nn_buf_str(&summary), "tags", "ingest",
            "parameters", ingest_ref("parameters", "IdempotencyKey"),
            ingest_ref("parameters", "Source"), "requestBody", "required", 1, "content",
            ingest_json_content(ingest_ref("schemas", e->name)), "responses", "202",
            ingest_ref("responses", "Accepted"), "400", ingest_ref("responses", "BadRequest"),
            "401", ingest_ref("responses", "Unauthorized"), "404",
            ingest_ref("responses", "NotFound"), "413", ingest_ref("responses", "TooLarge"), "415",
            ingest_ref("responses", "UnsupportedMediaType"), "503",
            ingest_ref("responses", "Unavailable"));
    nn_buf_free(&id);
    nn_buf_free(&summary);
    return op ? json_pack("{s:o}", "post", op) : NULL;
}

/* GET operation of a service endpoint. */
static json_t *ingest_get_operation(const char *id, const char *summary, const char *type,
                                    bool can_fail)
{
    json_t *responses =
        json_pack("{s:{s:s, s:{s:{}}}}", "200", "description", "OK", "content", type);
    if (responses && can_fail &&
        json_object_set_new(responses, "503", ingest_ref("responses", "Unavailable")) != 0) {
        json_decref(responses);
        responses = NULL;
    }
    return json_pack("{s:{s:s, s:s, s:[s], s:o}}", "get", "operationId", id, "summary", summary,
                     "tags", "service", "responses", responses);
}

static json_t *ingest_paths(void)
{
    json_t *paths = json_object();
    for (size_t i = 0; paths && i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        if (!e->ingestible)
            continue;
        nn_buf path = NN_BUF_INIT;
        nn_buf_printf(&path, "/ingest/%s", e->name);
        if (nn_buf_status(&path) != NN_OK ||
            json_object_set_new(paths, nn_buf_str(&path), ingest_post_operation(e)) != 0) {
            json_decref(paths);
            paths = NULL;
        }
        nn_buf_free(&path);
    }
    if (!paths)
        return NULL;
    if (json_object_set_new(paths, "/health",
                            ingest_get_operation("health", "the process is alive",
                                                 "application/json", false)) != 0 ||
        json_object_set_new(paths, "/ready",
                            ingest_get_operation("ready", "NATS is connected and the streams exist",
                                                 "application/json", true)) != 0 ||
        json_object_set_new(
            paths, "/metrics",
            ingest_get_operation("metrics", "Prometheus metrics", "text/plain", false)) != 0 ||
        json_object_set_new(
            paths, "/openapi.json",
            ingest_get_operation("openapi", "this document", "application/json", false)) != 0) {
        json_decref(paths);
        return NULL;
    }
    return paths;
}

nn_status ingest_openapi_build(char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    json_t *doc = json_pack(
        "{s:s, s:{s:s+, s:s, s:s}, s:[{}, {s:[]}], s:o, s:o}", "openapi", "3.1.0", "info", "title",
        NN_PROJECT_TITLE, " ingestion API", "version", NN_NOMNOM_VERSION, "description",
        "POST an entity as JSON: it is validated against the entity definitions, published to "
        "NATS JetStream, and answered 202 once JetStream acknowledged it.",
        "security", "bearer", "paths", ingest_paths(), "components", ingest_components());
    if (!doc)
        return NN_ERR_NOMEM;
    char *text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    if (!text)
        return NN_ERR_NOMEM;
    *out = text;
    *len = strlen(text);
    return NN_OK;
}
