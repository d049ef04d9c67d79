/*
 * rest.c - JSON bodies of the backend's endpoints (see rest.h).
 */
#include "rest.h"

#include "common/entities.h"
#include "common/version.h"

static void rest_put_entity(nn_buf *b, const nn_entity *e)
{
    nn_buf_puts(b, "{\"name\":");
    nn_buf_json_string(b, e->name);
    nn_buf_puts(b, ",\"table\":");
    nn_buf_json_string(b, e->table);
    nn_buf_puts(b, ",\"primary_key\":");
    nn_buf_json_string(b, e->pk_column);
    nn_buf_puts(b, ",\"kind\":");
    nn_buf_json_string(b, nn_entity_kind_name(e->kind));
    nn_buf_puts(b, ",\"fields\":[");
    bool first = true;
    for (size_t i = 0; i < e->field_count; i++) {
        const nn_field *f = &e->fields[i];
        if (!f->persisted)
            continue;
        nn_buf_puts(b, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        nn_buf_json_string(b, f->column);
        nn_buf_puts(b, ",\"type\":");
        nn_buf_json_string(b, nn_type_name(f->type));
        nn_buf_printf(b, ",\"nullable\":%s}", f->nullable ? "true" : "false");
    }
    nn_buf_puts(b, "]}");
}

char *rest_entities_body(void)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_puts(&b, "{\"project\":");
    nn_buf_json_string(&b, NN_PROJECT_NAME);
    nn_buf_puts(&b, ",\"entities\":[");
    bool first = true;
    for (size_t i = 0; i < nn_entity_count; i++) {
        if (!nn_entities[i]->persistent)
            continue;
        if (!first)
            nn_buf_putc(&b, ',');
        first = false;
        rest_put_entity(&b, nn_entities[i]);
    }
    nn_buf_puts(&b, "]}");
    return nn_buf_detach(&b);
}

void rest_put_health(nn_buf *out, bool database_up, size_t clients)
{
    nn_buf_printf(out, "{\"status\":\"ok\",\"database\":\"%s\",\"clients\":%zu}",
                  database_up ? "up" : "down", clients);
}

void rest_put_ready(nn_buf *out, bool ready)
{
    if (ready)
        nn_buf_puts(out, "{\"status\":\"ready\"}");
    else
        nn_buf_puts(out, "{\"status\":\"not ready\",\"reason\":\"the database is unavailable\"}");
}

void rest_put_error(nn_buf *out, const char *code, const char *message)
{
    nn_buf_puts(out, "{\"error\":");
    nn_buf_json_string(out, code);
    nn_buf_puts(out, ",\"message\":");
    nn_buf_json_string(out, message);
    nn_buf_putc(out, '}');
}
