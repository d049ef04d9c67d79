/*
 * test_examples.c - the sample payloads of examples/payloads.json pass
 * validation against their entities, and each field of them, broken one at
 * a time (removed, given a wrong type), gives exactly the expected problem at
 * the expected JSON pointer. Works from the descriptors alone, so it covers
 * whatever entities this tree was generated for. Runs from the top of the tree.
 */
#include "check.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/json.h"
#include "common/validate.h"

#include <stdlib.h>
#include <string.h>

static const char examples_path[] = "examples/payloads.json";

/* A value of the wrong type for t and the message it earns; NULL for Json,
 * which takes any value. */
static json_t *wrong_value(nn_type t, const char **message)
{
    switch (t) {
    case NN_TYPE_STRING:
        *message = "expected string";
        return json_integer(42);
    case NN_TYPE_INTEGER:
        *message = "expected integer";
        return json_real(1.5);
    case NN_TYPE_FLOAT:
        *message = "expected number";
        return json_string("1.5");
    case NN_TYPE_BOOLEAN:
        *message = "expected boolean";
        return json_string("true");
    case NN_TYPE_DATE:
        *message = "not a valid calendar date";
        return json_string("2024-02-30");
    case NN_TYPE_DATETIME:
        *message = "expected date-time (RFC 3339 with time zone offset)";
        return json_string("2024-02-29");
    case NN_TYPE_DECIMAL:
        *message = "expected decimal as a string (e.g. \"12.50\")";
        return json_real(12.5);
    case NN_TYPE_JSON:
        return NULL;
    case NN_TYPE_OBJECT:
        *message = "expected object";
        return json_array();
    case NN_TYPE_LIST_OBJECT:
        *message = "expected array";
        return json_object();
    }
    return NULL;
}

/* Whether a child of e copies key from e as a required field. */
static int copied_as_required(const nn_entity *e, const char *key)
{
    for (size_t c = 0; c < e->child_count; c++) {
        const nn_entity *child = e->children[c];
        for (size_t i = 0; i < child->field_count; i++) {
            const nn_field *f = &child->fields[i];
            if (f->source == NN_FROM_PARENT && !f->optional && strcmp(f->json_key, key) == 0)
                return 1;
        }
    }
    return 0;
}

/* prefix + "/" + key as an RFC 6901 pointer (free it). */
static char *pointer(const char *prefix, const char *key)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_printf(&b, "%s/", prefix);
    for (const char *p = key; *p; p++) {
        if (*p == '~' || *p == '/')
            nn_buf_puts(&b, *p == '~' ? "~0" : "~1");
        else
            nn_buf_putc(&b, *p);
    }
    return nn_buf_detach(&b);
}

/* Validate payload as e and expect one problem (path, message), or none. */
static void expect(const nn_entity *e, const json_t *payload, const char *path, const char *message)
{
    nn_problems problems;
    nn_problems_init(&problems);
    nn_status st = nn_validate_payload(e, payload, &problems);
    if (!path) {
        CHECK_INT(st, NN_OK);
    } else if (CHECK_INT(problems.count, 1)) {
        CHECK_STR(problems.items[0].path, path);
        CHECK_STR(problems.items[0].message, message);
    }
    if ((path && problems.count != 1) || (!path && problems.count != 0)) {
        nn_check_note("    entity %s, expected %s:\n", e->name, path ? path : "no problem");
        for (size_t i = 0; i < problems.count; i++)
            nn_check_note("    %s: %s\n", problems.items[i].path, problems.items[i].message);
    }
    nn_problems_free(&problems);
}

/*
 * Break each field of e that is read from obj, one at a time: remove it,
 * then give it a wrong value. root is the whole payload (which obj is part
 * of), prefix the JSON pointer of obj; obj is restored after each change.
 */
static void break_fields(const nn_entity *e, const nn_entity *root, json_t *root_payload,
                         json_t *obj, const char *prefix, int copied_checked)
{
    for (size_t i = 0; i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (f->source != NN_FROM_OBJECT)
            continue;
        json_t *saved = json_object_get(obj, f->json_key);
        if (!saved)
            continue;
        char *path = pointer(prefix, f->json_key);
        if (!CHECK(path != NULL))
            return;
        json_incref(saved);

        CHECK_INT(json_object_del(obj, f->json_key), 0);
        int required = !f->optional || (copied_checked && copied_as_required(e, f->json_key));
        expect(root, root_payload, required ? path : NULL, "required field missing");

        const char *message = NULL;
        json_t *wrong = wrong_value(f->type, &message);
        if (wrong) {
            CHECK_INT(json_object_set_new(obj, f->json_key, wrong), 0);
            expect(root, root_payload, path, message);
        }
        CHECK_INT(json_object_set_new(obj, f->json_key, saved), 0);
        free(path);
    }
}

/* The elements of each list field of e (in payload), against e's children. */
static void break_children(const nn_entity *e, json_t *payload)
{
    for (size_t c = 0; c < e->child_count; c++) {
        const nn_entity *child = e->children[c];
        const nn_field *list_field = nn_entity_field(e, child->parent_field);
        if (!CHECK(list_field != NULL))
            continue;
        json_t *first = json_array_get(json_object_get(payload, list_field->json_key), 0);
        if (!CHECK(json_is_object(first)))
            continue;
        char *list_path = pointer("", list_field->json_key);
        char *prefix = list_path ? pointer(list_path, "0") : NULL;
        if (CHECK(prefix != NULL))
            break_fields(child, e, payload, first, prefix, 0);
        free(prefix);
        free(list_path);
    }
}

int main(void)
{
    json_error_t err;
    json_t *examples = json_load_file(examples_path, 0, &err);
    if (!CHECK(json_is_object(examples))) {
        nn_check_note("%s:%d: %s\n", examples_path, err.line, err.text);
        return nn_check_finish();
    }
    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        json_t *payload = json_object_get(examples, e->name);
        if (!e->ingestible) {
            CHECK(payload == NULL);
            continue;
        }
        if (!CHECK(payload != NULL)) {
            nn_check_note("    no example for %s\n", e->name);
            continue;
        }
        expect(e, payload, NULL, NULL);
        break_fields(e, e, payload, payload, "", 1);
        break_children(e, payload);
    }
    json_decref(examples);
    return nn_check_finish();
}
