/*
 * test_entities.c - the generated descriptors (common/entities.c) agree with
 * the entity definitions of tpch and with themselves.
 */
#include "check.h"

#include "common/buf.h"
#include "common/entities.h"

#include <string.h>

/* Every entity as the definitions describe it. */
static void test_definitions(void)
{
    const nn_entity *e;
    const nn_field *f;

    e = nn_entity_find("Customer");
    if (CHECK(e != NULL)) {
        CHECK_INT(e->kind, NN_ENTITY_REFERENCE);
        CHECK_STR(e->table, "customers");
        CHECK_STR(e->pk_column, "id");
        CHECK_INT(e->column_count, 8);
        f = nn_entity_field(e, "customer_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "name");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "address");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "nation_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "phone");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "account_balance");
        CHECK(f != NULL && f->type == NN_TYPE_DECIMAL && f->nullable == false);
        f = nn_entity_field(e, "market_segment");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "comment");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == true);
    }

    e = nn_entity_find("Order");
    if (CHECK(e != NULL)) {
        CHECK_INT(e->kind, NN_ENTITY_ROOT);
        CHECK_STR(e->table, "orders");
        CHECK_STR(e->pk_column, "id");
        CHECK_INT(e->column_count, 11);
        f = nn_entity_field(e, "order_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "customer_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "order_status");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "total_price");
        CHECK(f != NULL && f->type == NN_TYPE_FLOAT && f->nullable == false);
        f = nn_entity_field(e, "order_date");
        CHECK(f != NULL && f->type == NN_TYPE_DATE && f->nullable == false);
        f = nn_entity_field(e, "order_priority");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "clerk");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "ship_priority");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "is_rush");
        CHECK(f != NULL && f->type == NN_TYPE_BOOLEAN && f->nullable == true);
        f = nn_entity_field(e, "placed_at");
        CHECK(f != NULL && f->type == NN_TYPE_DATETIME && f->nullable == true);
        f = nn_entity_field(e, "comment");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == true);
        f = nn_entity_field(e, "line_items");
        CHECK(f != NULL && f->type == NN_TYPE_LIST_OBJECT && f->nullable == false);
    }

    e = nn_entity_find("OrderLineItem");
    if (CHECK(e != NULL)) {
        CHECK_INT(e->kind, NN_ENTITY_DERIVED);
        CHECK(e->parent == nn_entity_find("Order"));
        CHECK_STR(e->parent_field, "line_items");
        CHECK_STR(e->table, "order_line_items");
        CHECK_STR(e->pk_column, "id");
        CHECK_INT(e->column_count, 13);
        f = nn_entity_field(e, "order_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "line_number");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "part_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "supplier_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "quantity");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "extended_price");
        CHECK(f != NULL && f->type == NN_TYPE_FLOAT && f->nullable == false);
        f = nn_entity_field(e, "discount");
        CHECK(f != NULL && f->type == NN_TYPE_FLOAT && f->nullable == false);
        f = nn_entity_field(e, "tax");
        CHECK(f != NULL && f->type == NN_TYPE_FLOAT && f->nullable == false);
        f = nn_entity_field(e, "return_flag");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "line_status");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "ship_date");
        CHECK(f != NULL && f->type == NN_TYPE_DATE && f->nullable == false);
        f = nn_entity_field(e, "ship_mode");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == true);
        f = nn_entity_field(e, "is_gift");
        CHECK(f != NULL && f->type == NN_TYPE_BOOLEAN && f->nullable == true);
    }

    e = nn_entity_find("Product");
    if (CHECK(e != NULL)) {
        CHECK_INT(e->kind, NN_ENTITY_REFERENCE);
        CHECK_STR(e->table, "products");
        CHECK_STR(e->pk_column, "id");
        CHECK_INT(e->column_count, 10);
        f = nn_entity_field(e, "part_key");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "name");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "manufacturer");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "brand");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "part_type");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "size");
        CHECK(f != NULL && f->type == NN_TYPE_INTEGER && f->nullable == false);
        f = nn_entity_field(e, "container");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == false);
        f = nn_entity_field(e, "retail_price");
        CHECK(f != NULL && f->type == NN_TYPE_FLOAT && f->nullable == false);
        f = nn_entity_field(e, "attributes");
        CHECK(f != NULL && f->type == NN_TYPE_JSON && f->nullable == true);
        f = nn_entity_field(e, "comment");
        CHECK(f != NULL && f->type == NN_TYPE_STRING && f->nullable == true);
    }
    CHECK(nn_entity_find("NoSuchEntity") == NULL);
}

/* Whether s contains part. */
static int contains(const char *s, const char *part)
{
    return s && strstr(s, part) != NULL;
}

/* What every descriptor must satisfy, whatever the entities. */
static void test_consistency(void)
{
    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        CHECK(nn_entity_find(e->name) == e);
        CHECK(e->ingestible == (e->kind != NN_ENTITY_DERIVED));
        CHECK(e->ingestible == (e->subject != NULL));
        CHECK((e->kind == NN_ENTITY_DERIVED) == (e->parent != NULL));
        if (e->parent) {
            const nn_field *list = nn_entity_field(e->parent, e->parent_field);
            CHECK(list != NULL && list->type == NN_TYPE_LIST_OBJECT);
            int listed = 0;
            for (size_t c = 0; c < e->parent->child_count; c++)
                listed += e->parent->children[c] == e;
            CHECK_INT(listed, 1);
        }
        int param = 0;
        for (size_t j = 0; j < e->field_count; j++) {
            const nn_field *f = &e->fields[j];
            CHECK(nn_entity_field(e, f->name) == f);
            CHECK(f->json_key != NULL);
            CHECK(f->persisted == (f->column != NULL));
            if (f->persisted) {
                CHECK_INT(f->param, ++param);
                CHECK(contains(e->sql_upsert, f->column_sql));
                CHECK(contains(e->sql_select, f->column_sql));
            }
            if (f->source == NN_FROM_PARENT)
                CHECK(e->parent != NULL && nn_entity_field(e->parent, f->json_key) != NULL);
        }
        if (!e->persistent) {
            CHECK(e->sql_upsert == NULL && e->table == NULL);
            continue;
        }
        CHECK_INT(param, e->column_count);
        CHECK(contains(e->sql_upsert, "INSERT INTO "));
        CHECK(contains(e->sql_upsert, e->table_sql));
        CHECK(contains(e->sql_upsert, "\"_message_id\""));
        CHECK(contains(e->sql_upsert, "RETURNING "));
        CHECK(contains(e->sql_select, e->pk_column_sql));
    }
}

/* Whether s ends with tail. */
static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The upsert of each persistent entity: every column with its placeholder,
 * the message id last, the conflict target and the updated columns. */
static void test_upsert(void)
{
    nn_buf piece = NN_BUF_INIT;
    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        if (!e->persistent)
            continue;
        nn_buf_reset(&piece);
        nn_buf_printf(&piece, "INSERT INTO %s (", e->table_sql);
        CHECK(strncmp(e->sql_upsert, nn_buf_str(&piece), piece.len) == 0);
        nn_buf_reset(&piece);
        nn_buf_printf(&piece, "$%zu) ", e->column_count + 1);
        CHECK(contains(e->sql_upsert, nn_buf_str(&piece)));
        nn_buf_reset(&piece);
        nn_buf_printf(&piece, "RETURNING %s", e->pk_column_sql);
        CHECK(ends_with(e->sql_upsert, nn_buf_str(&piece)));
        const char *conflict = strstr(e->sql_upsert, "ON CONFLICT (");
        const char *set = strstr(e->sql_upsert, "DO UPDATE SET ");
        int has_unicity = 0;
        for (size_t j = 0; j < e->field_count; j++) {
            const nn_field *f = &e->fields[j];
            if (!f->persisted)
                continue;
            has_unicity |= f->in_unicity;
            nn_buf_reset(&piece);
            nn_buf_printf(&piece, "%s, ", f->column_sql);
            CHECK(contains(e->sql_upsert, nn_buf_str(&piece)));
            nn_buf_reset(&piece);
            nn_buf_printf(&piece, "$%d, ", f->param);
            CHECK(contains(e->sql_upsert, nn_buf_str(&piece)));
            nn_buf_reset(&piece);
            nn_buf_printf(&piece, "%s = EXCLUDED.%s, ", f->column_sql, f->column_sql);
            CHECK(contains(set, nn_buf_str(&piece)) == (set && !f->in_unicity));
            if (f->in_unicity)
                CHECK(conflict && set && contains(conflict, f->column_sql) &&
                      strstr(conflict, f->column_sql) < set);
        }
        CHECK((conflict != NULL) == has_unicity);
    }
    CHECK_INT(nn_buf_status(&piece), NN_OK);
    nn_buf_free(&piece);
}

int main(void)
{
    test_definitions();
    test_consistency();
    test_upsert();
    return nn_check_finish();
}
