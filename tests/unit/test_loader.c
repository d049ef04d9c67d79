/*
 * test_loader.c - unit tests of the YAML document layer, the entity loader
 * and model validation: the tpch reference example loads into the expected
 * model, and every error rule reports "file:line:column: message".
 */
#include "base/error.h"
#include "base/xalloc.h"
#include "model/entity.h"
#include "model/validate.h"
#include "yaml/entity_loader.h"
#include "yaml/yaml_doc.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct tctx {
    const char *name; /* the running test */
    bool ok;
    int passed;
    int failed;
} tctx;

#define CHECK(t, cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: [%s] check failed: %s\n", __FILE__, __LINE__, (t)->name,       \
                    #cond);                                                                        \
            (t)->ok = false;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_STR(t, got, want)                                                                    \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (!got_ || strcmp(got_, want_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: [%s] got '%s', want '%s'\n", __FILE__, __LINE__, (t)->name,    \
                    got_ ? got_ : "(null)", want_);                                                \
            (t)->ok = false;                                                                       \
        }                                                                                          \
    } while (0)

/* Like CHECK, but ends the test at its `out:` label when COND fails. */
#define REQUIRE(t, cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: [%s] requirement failed: %s\n", __FILE__, __LINE__, (t)->name, \
                    #cond);                                                                        \
            (t)->ok = false;                                                                       \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* The type of field NAME of E as an int, -1 when there is no such field. */
static int type_of(const nn_entity *e, const char *name)
{
    const nn_field *f = nn_entity_find_field(e, name);
    return f ? (int)f->type : -1;
}

/* ---- temporary folders ------------------------------------------------ */

static char *make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = nn_xasprintf("%s/nn_loader_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        exit(1);
    }
    return path;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = nn_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    free(path);
}

/* Remove DIR and everything under it (the tests create at most two levels). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        const struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char *path = nn_xasprintf("%s/%s", dir, de->d_name);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(path);
            else if (unlink(path) != 0)
                perror(path);
            free(path);
        }
        closedir(d);
    }
    if (rmdir(dir) != 0)
        perror(dir);
}

/* ---- helpers ---------------------------------------------------------- */

typedef struct tfile {
    const char *name;
    const char *text;
} tfile;

/* Load FILES from a fresh folder; expect NN_ERR_INPUT with a message that
 * holds WHERE ("bad.yaml:3:5:") and PHRASE, and an empty set. */
static void expect_fail(tctx *t, const tfile *files, size_t n, const char *where,
                        const char *phrase)
{
    char *dir = make_tmpdir();
    for (size_t i = 0; i < n; i++)
        write_file(dir, files[i].name, files[i].text);
    nn_entity_set set;
    nn_error err;
    nn_error_init(&err);
    nn_status st = nn_entities_load(dir, &set, &err);
    CHECK(t, st == NN_ERR_INPUT);
    CHECK(t, err.status == NN_ERR_INPUT);
    CHECK(t, set.count == 0 && set.entities == NULL && set.dir == NULL);
    /* where and phrase must be on the same line of the report */
    bool found = false;
    for (const char *p = strstr(err.text.buf, where); p && !found; p = strstr(p + 1, where)) {
        const char *eol = strchr(p, '\n');
        char *line = nn_xstrndup(p, eol ? (size_t)(eol - p) : strlen(p));
        found = strstr(line, phrase) != NULL;
        free(line);
    }
    if (getenv("NN_TEST_VERBOSE"))
        fprintf(stderr, "[%s]\n%s", t->name, err.text.buf);
    if (!found) {
        fprintf(stderr, "[%s] want an error at '%s' saying '%s', got:\n%s", t->name, where, phrase,
                err.text.buf);
        t->ok = false;
    }
    nn_entity_set_free(&set);
    nn_error_free(&err);
    remove_tree(dir);
    free(dir);
}

static void expect_fail1(tctx *t, const char *text, const char *where, const char *phrase)
{
    tfile f = {"bad.yaml", text};
    expect_fail(t, &f, 1, where, phrase);
}

/* Load FILES from a fresh folder and expect success; the caller frees *set. */
static bool expect_ok(tctx *t, const tfile *files, size_t n, nn_entity_set *set)
{
    char *dir = make_tmpdir();
    for (size_t i = 0; i < n; i++)
        write_file(dir, files[i].name, files[i].text);
    nn_error err;
    nn_error_init(&err);
    nn_status st = nn_entities_load(dir, set, &err);
    CHECK(t, st == NN_OK);
    if (st != NN_OK)
        fprintf(stderr, "[%s] unexpected errors:\n%s", t->name, err.text.buf);
    nn_error_free(&err);
    remove_tree(dir);
    free(dir);
    return st == NN_OK;
}

/* A root entity with a list field: the parent of the derived entities below. */
#define ORDER_YAML                                                                                 \
    "entity:\n"                                                                                    \
    "  name: Order\n"                                                                              \
    "  source_type: root\n"                                                                        \
    "  fields:\n"                                                                                  \
    "    - name: order_key\n"                                                                      \
    "      type: Integer\n"                                                                        \
    "    - name: line_items\n"                                                                     \
    "      type: List[Object]\n"                                                                   \
    "  persistence:\n"                                                                             \
    "    database:\n"                                                                              \
    "      unicity_fields: [order_key]\n"                                                          \
    "    field_overrides:\n"                                                                       \
    "      - field: line_items\n"                                                                  \
    "        persisted: false\n"

/* Lines 1-8 of a derived entity over Order.line_items. */
#define ITEM_HEAD(parent, field)                                                                   \
    "entity:\n"                                                                                    \
    "  name: Item\n"                                                                               \
    "  source_type: derived\n"                                                                     \
    "  repeated_for:\n"                                                                            \
    "    entity: " parent "\n"                                                                     \
    "    field: " field "\n"                                                                       \
    "    each_known_as: item\n"                                                                    \
    "  fields:\n"

/* Lines 9-13 (after ITEM_HEAD): a field computed with TRANSFORM from SOURCE. */
#define ITEM_FIELD(type, transform, source)                                                        \
    "    - name: quantity\n"                                                                       \
    "      type: " type "\n"                                                                       \
    "      computed_from:\n"                                                                       \
    "        transform: " transform "\n"                                                           \
    "        sources: [" source "]\n"

static void expect_item_fail(tctx *t, const char *item_text, const char *where, const char *phrase)
{
    tfile files[] = {{"item.yaml", item_text}, {"order.yaml", ORDER_YAML}};
    expect_fail(t, files, 2, where, phrase);
}

/* ---- the reference example -------------------------------------------- */

static void test_tpch(tctx *t)
{
    nn_entity_set set;
    nn_error err;
    nn_error_init(&err);
    nn_status st = nn_entities_load(NOMNOM_SOURCE_DIR "/config/examples/tpch/entities", &set, &err);
    CHECK(t, st == NN_OK);
    if (st != NN_OK) {
        fprintf(stderr, "%s", err.text.buf);
        nn_error_free(&err);
        return;
    }
    CHECK(t, err.count == 0);
    CHECK_STR(t, set.project_name, "tpch");
    REQUIRE(t, set.count == 4);
    /* file-name order: customer, order, order_line_item, product */
    CHECK_STR(t, set.entities[0].name, "Customer");
    CHECK_STR(t, set.entities[1].name, "Order");
    CHECK_STR(t, set.entities[2].name, "OrderLineItem");
    CHECK_STR(t, set.entities[3].name, "Product");
    CHECK(t, strstr(set.entities[1].file, "order.yaml") != NULL);

    const nn_entity *cust = nn_entity_set_find(&set, "Customer");
    REQUIRE(t, cust != NULL);
    CHECK(t, cust->source_type == NN_SOURCE_REFERENCE);
    CHECK(t, cust->field_count == 8);
    CHECK_STR(t, cust->prefix, "cust");
    const nn_field *bal = nn_entity_find_field(cust, "account_balance");
    REQUIRE(t, bal != NULL);
    CHECK(t, bal->type == NN_TYPE_DECIMAL && !bal->nullable);
    const nn_field *ccomment = nn_entity_find_field(cust, "comment");
    REQUIRE(t, ccomment != NULL);
    CHECK(t, ccomment->nullable && ccomment->type == NN_TYPE_STRING);

    const nn_entity *order = nn_entity_set_find(&set, "Order");
    REQUIRE(t, order != NULL);
    CHECK(t, order->source_type == NN_SOURCE_ROOT);
    CHECK(t, order->field_count == 12);
    CHECK(t, order->pos.line == 3 && order->pos.column == 1);
    CHECK(t, order->name_pos.line == 4 && order->name_pos.column == 9);
    CHECK_STR(t, order->doc, "A customer order (TPC-H ORDERS) with its line items.");
    CHECK(t, order->persistent);
    CHECK_STR(t, order->table, "orders");
    CHECK_STR(t, order->id_column, "id");
    CHECK_STR(t, order->pk_name, "id");
    CHECK(t, order->pk_type == NN_TYPE_INTEGER && order->pk_autogenerate);
    CHECK(t, order->unicity_count == 1);
    CHECK_STR(t, order->unicity_fields[0], "order_key");
    CHECK(t, order->unicity_pos[0].line == 44 && order->unicity_pos[0].column == 24);
    const nn_field *items = nn_entity_find_field(order, "line_items");
    REQUIRE(t, items != NULL);
    CHECK(t, items->type == NN_TYPE_LIST_OBJECT && !items->persisted);
    CHECK(t, items->pos.line == 37 && items->pos.column == 7);
    CHECK(t, items->type_pos.line == 38 && items->type_pos.column == 13);
    CHECK(t, order->override_count == 1 && order->overrides[0].has_persisted &&
                 !order->overrides[0].persisted);
    const nn_field *placed = nn_entity_find_field(order, "placed_at");
    REQUIRE(t, placed != NULL);
    CHECK(t, placed->type == NN_TYPE_DATETIME && placed->nullable && placed->persisted);
    CHECK_STR(t, placed->column, "placed_at");
    CHECK(t, type_of(order, "is_rush") == NN_TYPE_BOOLEAN);
    CHECK(t, type_of(order, "order_date") == NN_TYPE_DATE);
    CHECK(t, type_of(order, "total_price") == NN_TYPE_FLOAT);
    CHECK(t, type_of(order, "order_key") == NN_TYPE_INTEGER);
    CHECK(t, !order->fields[0].has_computed);

    const nn_entity *li = nn_entity_set_find(&set, "OrderLineItem");
    REQUIRE(t, li != NULL);
    CHECK(t, li->source_type == NN_SOURCE_DERIVED && li->has_repeated_for);
    CHECK_STR(t, li->repeated_for.entity, "Order");
    CHECK_STR(t, li->repeated_for.field, "line_items");
    CHECK_STR(t, li->repeated_for.each_known_as, "item");
    CHECK(t, li->repeated_for.entity_pos.line == 8 && li->repeated_for.entity_pos.column == 13);
    CHECK(t, li->field_count == 13);
    CHECK(t, li->unicity_count == 2);
    CHECK_STR(t, li->unicity_fields[1], "line_number");
    CHECK_STR(t, li->table, "order_line_items");
    const nn_field *ok = nn_entity_find_field(li, "order_key");
    REQUIRE(t, ok != NULL);
    CHECK(t, ok->has_computed && ok->computed.transform == NN_TRANSFORM_COPY_FIELD);
    REQUIRE(t, ok->computed.source_count == 1);
    CHECK_STR(t, ok->computed.sources[0], "Order.order_key");
    CHECK(t, ok->computed.source_pos[0].line == 16 && ok->computed.source_pos[0].column == 19);
    const nn_field *ship = nn_entity_find_field(li, "ship_mode");
    REQUIRE(t, ship != NULL && ship->computed.source_count == 1);
    CHECK(t, ship->computed.transform == NN_TRANSFORM_JSON_GET_OPTIONAL_STRING);
    CHECK_STR(t, ship->computed.sources[0], "item.ship_mode");
    const nn_field *ext = nn_entity_find_field(li, "extended_price");
    REQUIRE(t, ext != NULL);
    CHECK(t, ext->computed.transform == NN_TRANSFORM_JSON_GET_FLOAT);
    CHECK(t, ext->computed.transform_pos.line == 40 && ext->computed.transform_pos.column == 20);

    const nn_entity *prod = nn_entity_set_find(&set, "Product");
    REQUIRE(t, prod != NULL);
    CHECK(t, prod->source_type == NN_SOURCE_REFERENCE); /* via the alias `type` */
    CHECK(t, type_of(prod, "attributes") == NN_TYPE_JSON);
    CHECK(t, nn_entity_set_find(&set, "Nope") == NULL);
    CHECK(t, nn_entity_find_field(prod, "nope") == NULL);
out:
    nn_entity_set_free(&set);
    nn_error_free(&err);
}

/* ---- model helpers ---------------------------------------------------- */

static void test_names(tctx *t)
{
    for (int i = NN_TYPE_STRING; i <= NN_TYPE_LIST_OBJECT; i++) {
        nn_type back;
        CHECK(t, nn_type_parse(nn_type_name((nn_type)i), &back) == 0 && back == (nn_type)i);
    }
    CHECK_STR(t, nn_type_name(NN_TYPE_LIST_OBJECT), "List[Object]");
    nn_type ty;
    CHECK(t, nn_type_parse("string", &ty) == -1);
    for (int i = NN_TRANSFORM_COPY_FIELD; i <= NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL; i++) {
        nn_transform back;
        CHECK(t, nn_transform_parse(nn_transform_name((nn_transform)i), &back) == 0 &&
                     back == (nn_transform)i);
    }
    nn_transform tr;
    CHECK(t, nn_transform_parse("none", &tr) == -1);
    CHECK_STR(t, nn_transform_name(NN_TRANSFORM_JSON_GET_INT), "json_get_int");
    CHECK_STR(t, nn_source_type_name(NN_SOURCE_DERIVED), "derived");
}

/* ---- the YAML document layer ------------------------------------------ */

static void test_yaml_doc(tctx *t)
{
    const char *text = "# comment\n"
                       "top:\n"
                       "  key: 'quoted'\n"
                       "  list: [a, ~]\n"
                       "  empty:\n";
    nn_ydoc doc;
    nn_error err;
    nn_error_init(&err);
    REQUIRE(t, nn_ydoc_parse("doc.yaml", text, strlen(text), &doc, &err) == NN_OK);
    const nn_ynode *top = nn_ynode_get(doc.root, "top");
    REQUIRE(t, top != NULL);
    CHECK(t, top->kind == NN_YNODE_MAPPING && top->line == 3 && top->column == 3);
    const nn_ynode *key = nn_ynode_get_key(top, "key");
    REQUIRE(t, key != NULL);
    CHECK(t, key->line == 3 && key->column == 3);
    const nn_ynode *val = nn_ynode_get(top, "key");
    REQUIRE(t, val != NULL);
    CHECK(t, val->line == 3 && val->column == 8 && !val->plain);
    CHECK_STR(t, val->scalar, "quoted");
    const nn_ynode *list = nn_ynode_get(top, "list");
    REQUIRE(t, list != NULL && list->kind == NN_YNODE_SEQUENCE && list->item_count == 2);
    CHECK(t, list->items[1]->line == 4 && list->items[1]->column == 13);
    CHECK(t, nn_ynode_is_null(list->items[1]) && !nn_ynode_is_null(list->items[0]));
    CHECK(t, nn_ynode_is_null(nn_ynode_get(top, "empty")));
    CHECK(t, nn_ynode_get(top, "missing") == NULL);
    nn_ydoc_free(&doc);

    /* a file with comments only has no root */
    CHECK(t, nn_ydoc_parse("c.yaml", "# nothing\n", 10, &doc, &err) == NN_OK && !doc.root);
    nn_ydoc_free(&doc);
    CHECK(t, err.count == 0);

    CHECK(t, nn_ydoc_parse("x.yaml", "a: [1\n", 6, &doc, &err) == NN_ERR_INPUT);
    CHECK(t, doc.root == NULL && doc.file == NULL);
    CHECK(t, strstr(err.text.buf, "x.yaml:2:1: YAML syntax error: did not find expected") != NULL);
out:
    nn_ydoc_free(&doc);
    nn_error_free(&err);
}

/* ---- one test per error rule ------------------------------------------ */

static void test_yaml_syntax_error(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: Foo: bar\n",
                 "bad.yaml:2:12:", "YAML syntax error: mapping values are not allowed");
    expect_fail1(t,
                 "entity:\n"
                 "\tname: Foo\n",
                 "bad.yaml:2:1:", "not tabs");
}

static void test_yaml_structure(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  name: B\n",
                 "bad.yaml:3:3:", "duplicate key 'name' (first at line 2, column 3)");
    expect_fail1(t,
                 "entity:\n"
                 "  name: &n A\n"
                 "  doc: *n\n",
                 "bad.yaml:2:9:", "anchors");
    expect_fail1(t, "entity: {name: A}\n---\nentity: {name: B}\n",
                 "bad.yaml:2:1:", "second YAML document");
    expect_fail1(t, "# nothing here\n", "bad.yaml:1:1:", "empty file");
    expect_fail1(t, "- entity\n", "bad.yaml:1:1:", "top level must be a mapping, not a sequence");
}

static void test_unknown_key(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "      nulable: true\n",
                 "bad.yaml:7:7:",
                 "unknown key 'nulable' in a field (allowed keys: name, type, doc, nullable, "
                 "computed_from)");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "  persistence:\n"
                 "    database:\n"
                 "      table: as\n",
                 "bad.yaml:9:7:", "unknown key 'table' in persistence.database");
    expect_fail1(t,
                 "entities:\n"
                 "  name: A\n",
                 "bad.yaml:1:1:", "unknown key 'entities'");
}

static void test_wrong_kind_and_missing(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields: a\n",
                 "bad.yaml:4:11:", "'fields' must be a sequence, not a scalar");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n",
                 "bad.yaml:2:3:", "missing required key 'source_type'");
    expect_fail1(t,
                 "entity:\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - type: String\n",
                 "bad.yaml:2:3:", "missing required key 'name' in the entity");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - type: String\n",
                 "bad.yaml:5:7:", "missing required key 'name' in a field");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n",
                 "bad.yaml:2:3:", "missing required key 'fields'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: derived\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n",
                 "bad.yaml:2:3:", "missing required key 'repeated_for' in a derived entity");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  repeated_for: {entity: B, field: c}\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n",
                 "bad.yaml:4:3:", "'repeated_for' is only allowed in derived entities");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: leaf\n"
                 "  fields: [{name: a, type: String}]\n",
                 "bad.yaml:3:16:", "unknown source_type 'leaf'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  type: root\n"
                 "  fields: [{name: a, type: String}]\n",
                 "bad.yaml:4:3:", "both 'source_type' and its alias 'type'");
}

static void test_unknown_type(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: Strin\n",
                 "bad.yaml:6:13:", "unknown type 'Strin' (allowed types: String, Integer");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields: [{name: a, type: String}]\n"
                 "  persistence:\n"
                 "    primary_key: {type: Float}\n",
                 "bad.yaml:6:25:", "primary key type must be Integer or String");
}

static void test_bad_boolean(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "      nullable: maybe\n",
                 "bad.yaml:7:17:", "invalid boolean 'maybe' for 'nullable'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields: [{name: a, type: String}]\n"
                 "  persistence:\n"
                 "    primary_key:\n"
                 "      autogenerate: 'yes'\n",
                 "bad.yaml:7:21:", "invalid boolean 'yes' for 'autogenerate'");
}

static void test_duplicate_field(tctx *t)
{
    expect_fail1(
        t,
        "entity:\n"
        "  name: A\n"
        "  source_type: root\n"
        "  fields:\n"
        "    - name: a\n"
        "      type: String\n"
        "    - name: a\n"
        "      type: Integer\n",
        "bad.yaml:7:7:", "duplicate field name 'a' in entity A (first at line 5, column 7)");
}

static void test_duplicate_entity(tctx *t)
{
    tfile files[] = {
        {"a.yaml", "entity:\n  name: Thing\n  source_type: root\n  fields: [{name: a, type: "
                   "String}]\n"},
        {"b.yaml", "entity:\n  name: Thing\n  source_type: reference\n  fields: [{name: b, "
                   "type: String}]\n"},
    };
    expect_fail(t, files, 2, "b.yaml:2:9:", "duplicate entity name 'Thing' (first defined at");
}

static void test_duplicate_columns(tctx *t)
{
    /* a field whose column is the primary-key column */
    expect_fail1(
        t,
        "entity:\n"
        "  name: A\n"
        "  source_type: root\n"
        "  fields:\n"
        "    - name: id\n"
        "      type: Integer\n"
        "  persistence: {}\n",
        "bad.yaml:5:7:", "duplicate column 'id': field 'id' collides with the primary-key");
    /* an override renaming a column onto another field's */
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: Integer\n"
                 "    - name: b\n"
                 "      type: Integer\n"
                 "  persistence:\n"
                 "    field_overrides:\n"
                 "      - field: b\n"
                 "        column: a\n",
                 "bad.yaml:11:9:", "duplicate column 'a' in table a: fields 'a' and 'b'");
    /* two entities on the same table */
    tfile files[] = {
        {"a.yaml", "entity:\n  name: A\n  source_type: root\n  fields: [{name: a, type: "
                   "String}]\n  persistence: {database: {conformant_table: t}}\n"},
        {"b.yaml", "entity:\n  name: B\n  source_type: root\n  fields: [{name: a, type: "
                   "String}]\n  persistence: {database: {conformant_table: t}}\n"},
    };
    expect_fail(t, files, 2, "b.yaml:5:46:", "duplicate table 't'");
}

static void test_bad_names(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: 9Lives\n"
                 "  source_type: root\n"
                 "  fields: [{name: a, type: String}]\n",
                 "bad.yaml:2:9:", "invalid entity name '9Lives'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: first-name\n"
                 "      type: String\n",
                 "bad.yaml:5:7:", "invalid field name 'first-name'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a234567890123456789012345678901234567890123456789012345678901234\n"
                 "      type: String\n",
                 "bad.yaml:5:7:", "64 bytes long, at most 63");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields: [{name: a, type: String}]\n"
                 "  persistence:\n"
                 "    database: {conformant_table: my table}\n",
                 "bad.yaml:6:34:", "invalid table name 'my table'");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields: [{name: a, type: String}]\n"
                 "  persistence:\n"
                 "    database: {conformant_table: message_status}\n",
                 "bad.yaml:6:34:", "reserved");
}

static void test_reserved_words_load(tctx *t)
{
    tfile files[] = {{"user.yaml", "entity:\n"
                                   "  name: User\n"
                                   "  source_type: root\n"
                                   "  fields:\n"
                                   "    - name: order\n"
                                   "      type: Integer\n"
                                   "    - name: user\n"
                                   "      type: String\n"
                                   "    - name: select\n"
                                   "      type: Boolean\n"
                                   "  persistence:\n"
                                   "    database:\n"
                                   "      unicity_fields: [order, user]\n"}};
    nn_entity_set set;
    if (!expect_ok(t, files, 1, &set))
        return;
    const nn_entity *u = nn_entity_set_find(&set, "User");
    REQUIRE(t, u != NULL && u->field_count == 3);
    CHECK_STR(t, u->table, "user");
    CHECK_STR(t, u->fields[0].name, "order");
    CHECK_STR(t, u->fields[0].column, "order");
    CHECK_STR(t, u->fields[1].column, "user");
    CHECK(t, u->fields[1].persisted && u->unicity_count == 2);
out:
    nn_entity_set_free(&set);
}

static void test_missing_parent(tctx *t)
{
    expect_item_fail(
        t, ITEM_HEAD("Ordr", "line_items") ITEM_FIELD("Integer", "json_get_int", "item.quantity"),
        "item.yaml:5:13:", "repeated_for entity 'Ordr' does not exist");
}

static void test_missing_parent_field(tctx *t)
{
    expect_item_fail(
        t, ITEM_HEAD("Order", "lines") ITEM_FIELD("Integer", "json_get_int", "item.quantity"),
        "item.yaml:6:12:",
        "repeated_for field 'lines' does not exist: entity Order has no such field");
    expect_item_fail(
        t, ITEM_HEAD("Order", "order_key") ITEM_FIELD("Integer", "json_get_int", "item.quantity"),
        "item.yaml:6:12:", "Order.order_key is Integer, it must be List[Object]");
}

static void test_missing_source(tctx *t)
{
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "copy_field", "Order.nope"),
        "item.yaml:13:19:",
        "source 'Order.nope' of field 'quantity' does not exist: entity Order has "
        "no field 'nope'");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "json_get_int", "Cart.quantity"),
        "item.yaml:13:19:", "'Cart' is neither the parent entity Order");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "json_get_int", "item."),
        "item.yaml:13:19:", "empty JSON key");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "json_get_int", "quantity"),
        "item.yaml:13:19:", "must be 'Order.<field>' or 'item.<key>'");
}

static void test_transform_rules(tctx *t)
{
    expect_item_fail(t,
                     ITEM_HEAD("Order", "line_items")
                         ITEM_FIELD("Integer", "json_get_number", "item.quantity"),
                     "item.yaml:12:20:", "unknown transform 'json_get_number' (allowed");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "copy_field", "item.quantity"),
        "item.yaml:13:19:", "copy_field copies a field of the parent entity");
    expect_item_fail(t,
                     ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "copy_field",
                                                                 "Order.order_key, "
                                                                 "Order.order_key"),
                     "item.yaml:12:20:", "copy_field takes exactly one source");
    expect_item_fail(t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Integer", "json_get_int", ""),
                     "item.yaml:12:20:", "json_get_int takes exactly one source");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("String", "copy_field", "Order.order_key"),
        "item.yaml:13:19:", "copy_field source 'Order.order_key' is Integer");
    expect_item_fail(
        t, ITEM_HEAD("Order", "line_items") ITEM_FIELD("Float", "json_get_int", "item.quantity"),
        "item.yaml:12:20:", "json_get_int yields an Integer, but field 'quantity' is");
    expect_item_fail(t,
                     ITEM_HEAD("Order", "line_items")
                         ITEM_FIELD("Integer", "json_get_float", "item.quantity"),
                     "item.yaml:12:20:", "json_get_float yields a Float");
    expect_item_fail(t,
                     ITEM_HEAD("Order", "line_items")
                         ITEM_FIELD("Integer", "json_get_string", "item.quantity"),
                     "item.yaml:12:20:", "json_get_string yields a String");
    expect_item_fail(t,
                     ITEM_HEAD("Order", "line_items")
                         ITEM_FIELD("Integer", "json_get_optional_int", "item.quantity"),
                     "item.yaml:12:20:", "needs nullable: true");
    /* computed fields only on derived entities */
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: Integer\n"
                 "      computed_from: {transform: json_get_int, sources: [x.y]}\n",
                 "bad.yaml:7:7:", "only derived entities have computed fields");
}

static void test_derived_ok(tctx *t)
{
    /* json_get_string fits Date/DateTime/Decimal; one scalar source is fine;
     * no persistence block: not persistent, and so fine under any parent */
    tfile files[] = {{"item.yaml",
                      ITEM_HEAD("Order", "line_items")
                          ITEM_FIELD("Decimal", "json_get_string",
                                     "item.amount") "    - name: day\n"
                                                    "      type: Date\n"
                                                    "      nullable: true\n"
                                                    "      computed_from:\n"
                                                    "        transform: json_get_optional_string\n"
                                                    "        sources: item.day\n"
                                                    "        args: {format: iso}\n"},
                     {"order.yaml", ORDER_YAML}};
    nn_entity_set set;
    if (!expect_ok(t, files, 2, &set))
        return;
    const nn_entity *item = nn_entity_set_find(&set, "Item");
    REQUIRE(t, item != NULL);
    CHECK(t, !item->persistent && item->table == NULL);
    const nn_field *day = nn_entity_find_field(item, "day");
    REQUIRE(t, day && day->computed.source_count == 1 && day->computed.arg_count == 1);
    CHECK_STR(t, day->computed.sources[0], "item.day");
    CHECK_STR(t, day->computed.args[0].key, "format");
    CHECK_STR(t, day->computed.args[0].value, "iso");
out:
    nn_entity_set_free(&set);
}

static void test_persistent_child_of_plain_parent(tctx *t)
{
    tfile files[] = {
        {"item.yaml", ITEM_HEAD("Order", "line_items") ITEM_FIELD(
                          "Integer", "json_get_int", "item.quantity") "  persistence: {}\n"},
        {"order.yaml", "entity:\n  name: Order\n  source_type: root\n  fields:\n    - name: "
                       "line_items\n      type: List[Object]\n"}};
    expect_fail(t, files, 2, "item.yaml:14:3:",
                "Item is persistent, but its parent entity Order has no persistence block");
}

static void test_unicity(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "    - name: tags\n"
                 "      type: Json\n"
                 "  persistence:\n"
                 "    database:\n"
                 "      unicity_fields: [a, tags]\n"
                 "    field_overrides:\n"
                 "      - field: tags\n"
                 "        persisted: false\n",
                 "bad.yaml:11:27:", "unicity field 'tags' is not a persisted column");
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "  persistence:\n"
                 "    database:\n"
                 "      unicity_fields:\n"
                 "        - key\n",
                 "bad.yaml:10:11:", "unicity field 'key' is not a persisted column");
}

static void test_override_unknown_field(tctx *t)
{
    expect_fail1(t,
                 "entity:\n"
                 "  name: A\n"
                 "  source_type: root\n"
                 "  fields:\n"
                 "    - name: a\n"
                 "      type: String\n"
                 "  persistence:\n"
                 "    field_overrides:\n"
                 "      - field: b\n"
                 "        column: bee\n",
                 "bad.yaml:9:9:", "field override names unknown field 'b'");
}

static void test_empty_folder(tctx *t)
{
    char *dir = make_tmpdir();
    write_file(dir, "notes.txt", "not an entity\n");
    nn_entity_set set;
    nn_error err;
    nn_error_init(&err);
    CHECK(t, nn_entities_load(dir, &set, &err) == NN_ERR_INPUT);
    CHECK(t, strstr(err.text.buf, dir) != NULL);
    CHECK(t, strstr(err.text.buf, "no entity definitions found") != NULL);
    CHECK(t, set.count == 0 && set.dir == NULL);
    nn_error_free(&err);

    /* a folder that does not exist is an I/O error */
    char *missing = nn_xasprintf("%s/missing", dir);
    nn_error_init(&err);
    CHECK(t, nn_entities_load(missing, &set, &err) == NN_ERR_IO);
    CHECK(t, strstr(err.text.buf, "cannot open the entities folder") != NULL);
    nn_error_free(&err);
    free(missing);
    remove_tree(dir);
    free(dir);
}

static void test_all_problems_reported(tctx *t)
{
    char *dir = make_tmpdir();
    write_file(dir, "a.yaml",
               "entity:\n"
               "  name: A\n"
               "  source_type: root\n"
               "  colour: red\n"
               "  fields:\n"
               "    - name: a\n"
               "      type: Text\n"
               "      nullable: perhaps\n");
    write_file(dir, "b.yaml", "entity: [\n");
    nn_entity_set set;
    nn_error err;
    nn_error_init(&err);
    CHECK(t, nn_entities_load(dir, &set, &err) == NN_ERR_INPUT);
    CHECK(t, err.count == 4);
    CHECK(t, strstr(err.text.buf, "a.yaml:4:3: unknown key 'colour'") != NULL);
    CHECK(t, strstr(err.text.buf, "a.yaml:7:13: unknown type 'Text'") != NULL);
    CHECK(t, strstr(err.text.buf, "a.yaml:8:17: invalid boolean 'perhaps'") != NULL);
    CHECK(t, strstr(err.text.buf, "b.yaml:2:1: YAML syntax error") != NULL);
    nn_error_free(&err);
    remove_tree(dir);
    free(dir);

    /* validation too goes on after the first problem */
    dir = make_tmpdir();
    write_file(dir, "a.yaml",
               "entity:\n"
               "  name: A\n"
               "  source_type: root\n"
               "  fields:\n"
               "    - name: a\n"
               "      type: String\n"
               "    - name: a\n"
               "      type: String\n"
               "  persistence:\n"
               "    database: {unicity_fields: [zz]}\n");
    nn_error_init(&err);
    CHECK(t, nn_entities_load(dir, &set, &err) == NN_ERR_INPUT);
    CHECK(t, err.count == 2);
    CHECK(t, strstr(err.text.buf, "a.yaml:7:7: duplicate field name 'a'") != NULL);
    CHECK(t, strstr(err.text.buf, "a.yaml:10:33: unicity field 'zz'") != NULL);
    nn_error_free(&err);
    remove_tree(dir);
    free(dir);
}

static void test_defaults_and_order(tctx *t)
{
    char *dir = make_tmpdir();
    char *proj = nn_xasprintf("%s/My_Shop.v2", dir);
    char *ents = nn_xasprintf("%s/entities", proj);
    CHECK(t, mkdir(proj, 0700) == 0 && mkdir(ents, 0700) == 0);
    /* "B.yaml" sorts before "a.yml" in strcmp order; hidden files are skipped */
    write_file(ents, "a.yml",
               "entity:\n"
               "  name: OrderLineItem\n"
               "  source_type: reference\n"
               "  fields: [{name: code, type: String, doc: The code.}]\n"
               "  persistence:\n"
               "    primary_key: {name: uid, type: String, autogenerate: false}\n"
               "    field_overrides:\n"
               "      - field: code\n"
               "        column: code_text\n");
    write_file(ents, "B.yaml",
               "entity:\n"
               "  name: Note\n"
               "  type: root\n"
               "  fields: [{name: text, type: String}]\n");
    write_file(ents, ".hidden.yaml", "not: [valid\n");
    char *with_slash = nn_xasprintf("%s/", ents);
    nn_entity_set set;
    nn_error err;
    nn_error_init(&err);
    CHECK(t, nn_entities_load(with_slash, &set, &err) == NN_OK);
    if (err.count)
        fprintf(stderr, "%s", err.text.buf);
    CHECK_STR(t, set.project_name, "my-shop-v2");
    CHECK_STR(t, set.dir, with_slash);
    CHECK(t, set.count == 2);
    if (set.count == 2) {
        const nn_entity *note = &set.entities[0];
        const nn_entity *li = &set.entities[1];
        CHECK_STR(t, note->name, "Note");
        CHECK(t, !note->persistent && note->table == NULL && note->unicity_count == 0);
        CHECK(t, note->source_type == NN_SOURCE_ROOT);
        CHECK_STR(t, li->name, "OrderLineItem");
        CHECK_STR(t, li->table, "order_line_item");
        CHECK_STR(t, li->pk_name, "uid");
        CHECK_STR(t, li->id_column, "uid");
        CHECK(t, li->pk_type == NN_TYPE_STRING && !li->pk_autogenerate);
        CHECK_STR(t, li->fields[0].column, "code_text");
        CHECK_STR(t, li->fields[0].doc, "The code.");
        CHECK(t, li->fields[0].persisted && !li->fields[0].nullable);
    }
    nn_entity_set_free(&set);
    nn_error_free(&err);

    /* a folder not called "entities" names the project itself */
    nn_error_init(&err);
    CHECK(t, nn_entities_load(proj, &set, &err) == NN_ERR_INPUT); /* no yaml files there */
    nn_error_free(&err);
    write_file(proj, "x.yaml", "entity: {name: X, type: root, fields: [{name: x, type: Json}]}\n");
    nn_error_init(&err);
    CHECK(t, nn_entities_load(proj, &set, &err) == NN_OK);
    CHECK_STR(t, set.project_name, "my-shop-v2");
    CHECK(t, set.count == 1 && !set.entities[0].persistent);
    nn_entity_set_free(&set);
    nn_error_free(&err);

    free(with_slash);
    free(ents);
    free(proj);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(tctx *);
    } tests[] = {
        {"tpch", test_tpch},
        {"names", test_names},
        {"yaml_doc", test_yaml_doc},
        {"yaml_syntax_error", test_yaml_syntax_error},
        {"yaml_structure", test_yaml_structure},
        {"unknown_key", test_unknown_key},
        {"wrong_kind_and_missing", test_wrong_kind_and_missing},
        {"unknown_type", test_unknown_type},
        {"bad_boolean", test_bad_boolean},
        {"duplicate_field", test_duplicate_field},
        {"duplicate_entity", test_duplicate_entity},
        {"duplicate_columns", test_duplicate_columns},
        {"bad_names", test_bad_names},
        {"reserved_words_load", test_reserved_words_load},
        {"missing_parent", test_missing_parent},
        {"missing_parent_field", test_missing_parent_field},
        {"missing_source", test_missing_source},
        {"transform_rules", test_transform_rules},
        {"derived_ok", test_derived_ok},
        {"persistent_child_of_plain_parent", test_persistent_child_of_plain_parent},
        {"unicity", test_unicity},
        {"override_unknown_field", test_override_unknown_field},
        {"empty_folder", test_empty_folder},
        {"all_problems_reported", test_all_problems_reported},
        {"defaults_and_order", test_defaults_and_order},
    };
    tctx t = {0};
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        t.name = tests[i].name;
        t.ok = true;
        tests[i].fn(&t);
        if (t.ok)
            t.passed++;
        else
            t.failed++;
        printf("%s %s\n", t.ok ? "ok  " : "FAIL", tests[i].name);
    }
    printf("loader: %d passed, %d failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
