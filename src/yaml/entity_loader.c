/*
 * entity_loader.c - turns the YAML trees of an entities folder into the
 * entity model (see entity_loader.h): folder listing, the key-by-key reading
 * of one entity file with its defaults, and the project name.
 */

#include "yaml/entity_loader.h"

#include "base/strbuf.h"
#include "base/xalloc.h"
#include "model/naming.h"
#include "model/validate.h"
#include "yaml/yaml_doc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The state of reading one file. */
typedef struct nn_loader {
    const char *file; /* the entity's file: every nn_pos borrows it */
    nn_error *err;
    bool failed;
} nn_loader;

static const char *const nn_top_keys[] = {"entity", NULL};
static const char *const nn_entity_keys[] = {
    "name", "source_type", "type", "doc", "prefix", "fields", "repeated_for", "persistence", NULL};
static const char *const nn_field_keys[] = {"name",     "type",          "doc",
                                            "nullable", "computed_from", NULL};
static const char *const nn_computed_keys[] = {"transform", "sources", "args", NULL};
static const char *const nn_repeated_keys[] = {"entity", "field", "each_known_as", NULL};
static const char *const nn_persistence_keys[] = {"database", "primary_key", "field_overrides",
                                                  NULL};
static const char *const nn_database_keys[] = {"conformant_table", "conformant_id_column",
                                               "unicity_fields", NULL};
static const char *const nn_pk_keys[] = {"name", "type", "autogenerate", NULL};
static const char *const nn_override_keys[] = {"field", "column", "persisted", NULL};

static void nn_loader_error(nn_loader *L, const nn_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void nn_loader_error(nn_loader *L, const nn_ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_error_vat(L->err, L->file, at ? at->line : 1, at ? at->column : 1, fmt, ap);
    va_end(ap);
    L->failed = true;
}

static nn_pos nn_loader_pos(const nn_loader *L, const nn_ynode *n)
{
    nn_pos p = {L->file, n->line, n->column};
    return p;
}

static void nn_join_names(nn_strbuf *sb, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        if (i)
            nn_strbuf_puts(sb, ", ");
        nn_strbuf_puts(sb, names[i]);
    }
}

static bool nn_name_in(const char *s, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return true;
    return false;
}

/* Report every key of MAP that is not in ALLOWED, at the key's position. */
static void nn_check_keys(nn_loader *L, const nn_ynode *map, const char *what,
                          const char *const *allowed)
{
    for (size_t i = 0; i < map->pair_count; i++) {
        const nn_ynode *key = map->pairs[i].key;
        if (nn_name_in(key->scalar, allowed))
            continue;
        nn_strbuf list;
        nn_strbuf_init(&list);
        nn_join_names(&list, allowed);
        nn_loader_error(L, key, "unknown key '%s' in %s (allowed keys: %s)", key->scalar, what,
                        list.buf);
        nn_strbuf_free(&list);
    }
}

/* N must be of KIND; WHAT names it in the message ("'fields'"). */
static bool nn_expect_kind(nn_loader *L, const nn_ynode *n, nn_ynode_kind kind, const char *what)
{
    if (n->kind == kind && !nn_ynode_is_null(n))
        return true;
    const char *want = kind == NN_YNODE_MAPPING    ? "a mapping"
                       : kind == NN_YNODE_SEQUENCE ? "a sequence"
                                                   : "a scalar";
    nn_loader_error(L, n, "%s must be %s, not %s", what, want, nn_ynode_describe(n));
    return false;
}

/*
 * The string under KEY of MAP: a fresh copy, or NULL when the key is absent
 * or empty (a missing REQUIRED key is reported at the mapping, in CTX).
 * *pos, when given, receives the value's position.
 */
static char *nn_get_string(nn_loader *L, const nn_ynode *map, const char *key, bool required,
                           const char *ctx, nn_pos *pos)
{
    const nn_ynode *v = nn_ynode_get(map, key);
    if (!v || nn_ynode_is_null(v)) {
        if (required && !v)
            nn_loader_error(L, map, "missing required key '%s' in %s", key, ctx);
        else if (required)
            nn_loader_error(L, v, "'%s' must not be empty", key);
        return NULL;
    }
    if (v->kind != NN_YNODE_SCALAR) {
        nn_loader_error(L, v, "'%s' must be a scalar, not %s", key, nn_ynode_describe(v));
        return NULL;
    }
    if (pos)
        *pos = nn_loader_pos(L, v);
    return nn_xstrdup(v->scalar);
}

/* Read the boolean under KEY into *out; leave *out alone when absent. */
static void nn_get_bool(nn_loader *L, const nn_ynode *map, const char *key, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "False", "FALSE", NULL};
    const nn_ynode *v = nn_ynode_get(map, key);
    if (!v)
        return;
    if (v->kind == NN_YNODE_SCALAR && v->plain && nn_name_in(v->scalar, yes)) {
        *out = true;
        return;
    }
    if (v->kind == NN_YNODE_SCALAR && v->plain && nn_name_in(v->scalar, no)) {
        *out = false;
        return;
    }
    if (v->kind == NN_YNODE_SCALAR && !nn_ynode_is_null(v))
        nn_loader_error(L, v, "invalid boolean '%s' for '%s': expected true or false%s", v->scalar,
                        key, v->plain ? "" : " without quotes");
    else
        nn_loader_error(L, v, "invalid boolean for '%s': expected true or false, not %s", key,
                        nn_ynode_describe(v));
}

static void nn_type_list(nn_strbuf *sb)
{
    for (int t = NN_TYPE_STRING; t <= NN_TYPE_LIST_OBJECT; t++) {
        if (t != NN_TYPE_STRING)
            nn_strbuf_puts(sb, ", ");
        nn_strbuf_puts(sb, nn_type_name((nn_type)t));
    }
}

static void nn_transform_list(nn_strbuf *sb)
{
    for (int t = NN_TRANSFORM_COPY_FIELD; t <= NN_TRANSFORM_JSON_GET_OPTIONAL_BOOL; t++) {
        if (t != NN_TRANSFORM_COPY_FIELD)
            nn_strbuf_puts(sb, ", ");
        nn_strbuf_puts(sb, nn_transform_name((nn_transform)t));
    }
}

/* Parse the type under KEY of MAP into *out; returns false when absent/bad. */
static bool nn_get_type(nn_loader *L, const nn_ynode *map, const char *key, const char *ctx,
                        nn_type *out, nn_pos *pos)
{
    nn_pos p;
    char *s = nn_get_string(L, map, key, true, ctx, &p);
    if (!s)
        return false;
    bool ok = nn_type_parse(s, out) == 0;
    if (!ok) {
        nn_strbuf list;
        nn_strbuf_init(&list);
        nn_type_list(&list);
        nn_error_at(L->err, L->file, p.line, p.column, "unknown type '%s' (allowed types: %s)", s,
                    list.buf);
        L->failed = true;
        nn_strbuf_free(&list);
    } else if (pos) {
        *pos = p;
    }
    free(s);
    return ok;
}

static void nn_load_sources(nn_loader *L, const nn_ynode *v, nn_computed *c)
{
    if (v->kind == NN_YNODE_SCALAR && !nn_ynode_is_null(v)) {
        c->sources = nn_xmalloc(sizeof *c->sources);
        c->source_pos = nn_xmalloc(sizeof *c->source_pos);
        c->sources[0] = nn_xstrdup(v->scalar);
        c->source_pos[0] = nn_loader_pos(L, v);
        c->source_count = 1;
        return;
    }
    if (!nn_expect_kind(L, v, NN_YNODE_SEQUENCE, "'sources'"))
        return;
    c->sources = nn_xcalloc(v->item_count, sizeof *c->sources);
    c->source_pos = nn_xcalloc(v->item_count, sizeof *c->source_pos);
    for (size_t i = 0; i < v->item_count; i++) {
        const nn_ynode *item = v->items[i];
        if (!nn_expect_kind(L, item, NN_YNODE_SCALAR, "each item of 'sources'"))
            continue;
        c->sources[c->source_count] = nn_xstrdup(item->scalar);
        c->source_pos[c->source_count] = nn_loader_pos(L, item);
        c->source_count++;
    }
}

static void nn_load_args(nn_loader *L, const nn_ynode *v, nn_computed *c)
{
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'args'"))
        return;
    c->args = nn_xcalloc(v->pair_count, sizeof *c->args);
    for (size_t i = 0; i < v->pair_count; i++) {
        const nn_ynode *key = v->pairs[i].key;
        const nn_ynode *val = v->pairs[i].value;
        if (val->kind != NN_YNODE_SCALAR) {
            nn_loader_error(L, val, "the value of argument '%s' must be a scalar, not %s",
                            key->scalar, nn_ynode_describe(val));
            continue;
        }
        nn_arg *a = &c->args[c->arg_count++];
        a->key = nn_xstrdup(key->scalar);
        a->value = nn_xstrdup(val->scalar);
        a->pos = nn_loader_pos(L, key);
    }
}

static void nn_load_computed(nn_loader *L, const nn_ynode *key, const nn_ynode *v, nn_field *f)
{
    nn_computed *c = &f->computed;
    f->has_computed = true;
    c->pos = nn_loader_pos(L, key);
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'computed_from'"))
        return;
    nn_check_keys(L, v, "computed_from", nn_computed_keys);

    nn_pos tpos;
    char *t = nn_get_string(L, v, "transform", true, "computed_from", &tpos);
    if (t) {
        c->transform_pos = tpos;
        if (nn_transform_parse(t, &c->transform) != 0) {
            nn_strbuf list;
            nn_strbuf_init(&list);
            nn_transform_list(&list);
            nn_error_at(L->err, L->file, tpos.line, tpos.column,
                        "unknown transform '%s' (allowed transforms: %s)", t, list.buf);
            L->failed = true;
            nn_strbuf_free(&list);
        }
        free(t);
    }

    const nn_ynode *sources = nn_ynode_get(v, "sources");
    if (sources)
        nn_load_sources(L, sources, c);
    else
        nn_loader_error(L, v, "missing required key 'sources' in computed_from");

    const nn_ynode *args = nn_ynode_get(v, "args");
    if (args)
        nn_load_args(L, args, c);
}

static void nn_load_field(nn_loader *L, const nn_ynode *item, nn_field *f)
{
    f->pos = nn_loader_pos(L, item);
    f->persisted = true;
    if (!nn_expect_kind(L, item, NN_YNODE_MAPPING, "each item of 'fields'"))
        return;
    nn_check_keys(L, item, "a field", nn_field_keys);
    f->name = nn_get_string(L, item, "name", true, "a field", NULL);
    if (f->name)
        f->column = nn_xstrdup(f->name);
    nn_get_type(L, item, "type", "a field", &f->type, &f->type_pos);
    f->doc = nn_get_string(L, item, "doc", false, "a field", NULL);
    nn_get_bool(L, item, "nullable", &f->nullable);
    const nn_ynode *ckey = nn_ynode_get_key(item, "computed_from");
    if (ckey)
        nn_load_computed(L, ckey, nn_ynode_get(item, "computed_from"), f);
}

static void nn_load_fields(nn_loader *L, const nn_ynode *map, nn_entity *e)
{
    const nn_ynode *v = nn_ynode_get(map, "fields");
    if (!v) {
        nn_loader_error(L, map, "missing required key 'fields' in the entity");
        return;
    }
    if (!nn_expect_kind(L, v, NN_YNODE_SEQUENCE, "'fields'"))
        return;
    if (v->item_count == 0) {
        nn_loader_error(L, v, "'fields' is empty: an entity needs at least one field");
        return;
    }
    e->fields = nn_xcalloc(v->item_count, sizeof *e->fields);
    e->field_count = v->item_count;
    for (size_t i = 0; i < v->item_count; i++)
        nn_load_field(L, v->items[i], &e->fields[i]);
}

static void nn_load_repeated_for(nn_loader *L, const nn_ynode *key, const nn_ynode *v, nn_entity *e)
{
    nn_repeated_for *rf = &e->repeated_for;
    e->has_repeated_for = true;
    rf->pos = nn_loader_pos(L, key);
    rf->entity_pos = rf->pos;
    rf->field_pos = rf->pos;
    rf->each_known_as_pos = rf->pos;
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'repeated_for'"))
        return;
    nn_check_keys(L, v, "repeated_for", nn_repeated_keys);
    rf->entity = nn_get_string(L, v, "entity", true, "repeated_for", &rf->entity_pos);
    rf->field = nn_get_string(L, v, "field", true, "repeated_for", &rf->field_pos);
    rf->each_known_as =
        nn_get_string(L, v, "each_known_as", false, "repeated_for", &rf->each_known_as_pos);
    if (!rf->each_known_as)
        rf->each_known_as = nn_xstrdup("item");
}

static void nn_load_unicity(nn_loader *L, const nn_ynode *v, nn_entity *e)
{
    if (!nn_expect_kind(L, v, NN_YNODE_SEQUENCE, "'unicity_fields'"))
        return;
    e->unicity_fields = nn_xcalloc(v->item_count, sizeof *e->unicity_fields);
    e->unicity_pos = nn_xcalloc(v->item_count, sizeof *e->unicity_pos);
    for (size_t i = 0; i < v->item_count; i++) {
        const nn_ynode *item = v->items[i];
        if (!nn_expect_kind(L, item, NN_YNODE_SCALAR, "each item of 'unicity_fields'"))
            continue;
        e->unicity_fields[e->unicity_count] = nn_xstrdup(item->scalar);
        e->unicity_pos[e->unicity_count] = nn_loader_pos(L, item);
        e->unicity_count++;
    }
}

static void nn_load_database(nn_loader *L, const nn_ynode *v, nn_entity *e)
{
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'database'"))
        return;
    nn_check_keys(L, v, "persistence.database", nn_database_keys);
    e->table = nn_get_string(L, v, "conformant_table", false, "database", &e->table_pos);
    e->id_column =
        nn_get_string(L, v, "conformant_id_column", false, "database", &e->id_column_pos);
    const nn_ynode *u = nn_ynode_get(v, "unicity_fields");
    if (u)
        nn_load_unicity(L, u, e);
}

static void nn_load_primary_key(nn_loader *L, const nn_ynode *key, const nn_ynode *v, nn_entity *e)
{
    e->pk_pos = nn_loader_pos(L, key);
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'primary_key'"))
        return;
    nn_check_keys(L, v, "persistence.primary_key", nn_pk_keys);
    e->pk_name = nn_get_string(L, v, "name", false, "primary_key", &e->pk_pos);
    if (nn_ynode_get(v, "type")) {
        nn_pos tpos;
        if (nn_get_type(L, v, "type", "primary_key", &e->pk_type, &tpos) &&
            e->pk_type != NN_TYPE_INTEGER && e->pk_type != NN_TYPE_STRING) {
            nn_error_at(L->err, L->file, tpos.line, tpos.column,
                        "primary key type must be Integer or String (a uuid), not %s",
                        nn_type_name(e->pk_type));
            L->failed = true;
        }
    }
    nn_get_bool(L, v, "autogenerate", &e->pk_autogenerate);
}

static void nn_load_override(nn_loader *L, const nn_ynode *item, nn_field_override *o)
{
    o->pos = nn_loader_pos(L, item);
    if (!nn_expect_kind(L, item, NN_YNODE_MAPPING, "each item of 'field_overrides'"))
        return;
    nn_check_keys(L, item, "a field override", nn_override_keys);
    o->field = nn_get_string(L, item, "field", true, "a field override", NULL);
    o->column = nn_get_string(L, item, "column", false, "a field override", NULL);
    if (nn_ynode_get(item, "persisted")) {
        o->has_persisted = true;
        o->persisted = true;
        nn_get_bool(L, item, "persisted", &o->persisted);
    }
}

static void nn_load_persistence(nn_loader *L, const nn_ynode *key, const nn_ynode *v, nn_entity *e)
{
    e->persistent = true;
    e->persistence_pos = nn_loader_pos(L, key);
    e->table_pos = e->persistence_pos;
    e->pk_pos = e->persistence_pos;
    e->pk_type = NN_TYPE_INTEGER;
    e->pk_autogenerate = true;
    if (!nn_expect_kind(L, v, NN_YNODE_MAPPING, "'persistence'"))
        return;
    nn_check_keys(L, v, "persistence", nn_persistence_keys);

    const nn_ynode *db = nn_ynode_get(v, "database");
    if (db)
        nn_load_database(L, db, e);
    const nn_ynode *pk_key = nn_ynode_get_key(v, "primary_key");
    if (pk_key)
        nn_load_primary_key(L, pk_key, nn_ynode_get(v, "primary_key"), e);

    const nn_ynode *ov = nn_ynode_get(v, "field_overrides");
    if (ov && nn_expect_kind(L, ov, NN_YNODE_SEQUENCE, "'field_overrides'")) {
        e->overrides = nn_xcalloc(ov->item_count, sizeof *e->overrides);
        e->override_count = ov->item_count;
        for (size_t i = 0; i < ov->item_count; i++)
            nn_load_override(L, ov->items[i], &e->overrides[i]);
    }

    /* Defaults: table from the entity name, key "id", id column = key name. */
    if (!e->table && e->name)
        e->table = nn_name_snake(e->name); /* Order -> order */
    if (!e->pk_name)
        e->pk_name = nn_xstrdup("id");
    if (!e->id_column) {
        e->id_column = nn_xstrdup(e->pk_name);
        e->id_column_pos = e->pk_pos;
    }
}

/* Overrides rename columns or drop fields from the table; an override of an
 * unknown field is left for nn_model_validate to report. */
static void nn_apply_overrides(nn_entity *e)
{
    for (size_t i = 0; i < e->override_count; i++) {
        const nn_field_override *o = &e->overrides[i];
        nn_field *f = (nn_field *)nn_entity_find_field(e, o->field);
        if (!f)
            continue;
        if (o->column) {
            free(f->column);
            f->column = nn_xstrdup(o->column);
        }
        if (o->has_persisted)
            f->persisted = o->persisted;
    }
}

static void nn_load_source_type(nn_loader *L, const nn_ynode *map, nn_entity *e)
{
    const nn_ynode *k1 = nn_ynode_get_key(map, "source_type");
    const nn_ynode *k2 = nn_ynode_get_key(map, "type");
    if (k1 && k2) {
        const nn_ynode *later =
            k1->line > k2->line || (k1->line == k2->line && k1->column > k2->column) ? k1 : k2;
        nn_loader_error(L, later, "both 'source_type' and its alias 'type' are given");
        return;
    }
    const char *key = k2 ? "type" : "source_type";
    char *s = nn_get_string(L, map, key, false, "the entity", NULL);
    if (!s) {
        if (!k1 && !k2)
            nn_loader_error(L, map, "missing required key 'source_type' in the entity");
        else
            nn_loader_error(L, nn_ynode_get(map, key), "'%s' must be root, derived or reference",
                            key);
        return;
    }
    if (strcmp(s, "root") == 0)
        e->source_type = NN_SOURCE_ROOT;
    else if (strcmp(s, "derived") == 0)
        e->source_type = NN_SOURCE_DERIVED;
    else if (strcmp(s, "reference") == 0)
        e->source_type = NN_SOURCE_REFERENCE;
    else
        nn_loader_error(L, nn_ynode_get(map, key),
                        "unknown %s '%s' (allowed: root, derived, reference)", key, s);
    free(s);
}

static void nn_load_entity(nn_loader *L, const nn_ydoc *doc, nn_entity *e)
{
    e->pos.file = L->file;
    e->pos.line = 1;
    e->pos.column = 1;
    const nn_ynode *root = doc->root;
    if (!root) {
        nn_loader_error(L, NULL, "empty file: expected a mapping with the key 'entity'");
        return;
    }
    if (!nn_expect_kind(L, root, NN_YNODE_MAPPING, "the file's top level"))
        return;
    nn_check_keys(L, root, "the file's top level", nn_top_keys);
    const nn_ynode *key = nn_ynode_get_key(root, "entity");
    if (!key) {
        nn_loader_error(L, root, "missing required key 'entity'");
        return;
    }
    e->pos = nn_loader_pos(L, key);
    const nn_ynode *map = nn_ynode_get(root, "entity");
    if (!nn_expect_kind(L, map, NN_YNODE_MAPPING, "'entity'"))
        return;
    nn_check_keys(L, map, "the entity", nn_entity_keys);

    e->name_pos = nn_loader_pos(L, map);
    e->name = nn_get_string(L, map, "name", true, "the entity", &e->name_pos);
    nn_load_source_type(L, map, e);
    e->doc = nn_get_string(L, map, "doc", false, "the entity", NULL);
    e->prefix = nn_get_string(L, map, "prefix", false, "the entity", NULL);
    nn_load_fields(L, map, e);

    const nn_ynode *rf_key = nn_ynode_get_key(map, "repeated_for");
    if (rf_key) {
        if (e->source_type != NN_SOURCE_DERIVED)
            nn_loader_error(L, rf_key,
                            "'repeated_for' is only allowed in derived entities (this one is %s)",
                            nn_source_type_name(e->source_type));
        nn_load_repeated_for(L, rf_key, nn_ynode_get(map, "repeated_for"), e);
    } else if (e->source_type == NN_SOURCE_DERIVED) {
        nn_loader_error(L, map, "missing required key 'repeated_for' in a derived entity");
    }

    const nn_ynode *p_key = nn_ynode_get_key(map, "persistence");
    if (p_key)
        nn_load_persistence(L, p_key, nn_ynode_get(map, "persistence"), e);
    nn_apply_overrides(e);
}

/* The component of PATH that names the project: its last one, or the one
 * before when the last is "entities". NULL when that is "", "." or "..". */
static char *nn_project_component(const char *path)
{
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end - start == strlen("entities") && memcmp(path + start, "entities", end - start) == 0) {
        end = start;
        while (end > 0 && path[end - 1] == '/')
            end--;
        start = end;
        while (start > 0 && path[start - 1] != '/')
            start--;
    }
    size_t len = end - start;
    if (len == 0 || (len == 1 && path[start] == '.') ||
        (len == 2 && path[start] == '.' && path[start + 1] == '.'))
        return NULL;
    return nn_xstrndup(path + start, len);
}

static char *nn_project_name(const char *dir)
{
    char *name = nn_project_component(dir);
    if (!name) {
        char *real = realpath(dir, NULL);
        if (real) {
            name = nn_project_component(real);
            free(real);
        }
    }
    if (!name)
        return nn_xstrdup("nomnom");
    for (char *p = name; *p; p++) {
        unsigned char c = (unsigned char)tolower((unsigned char)*p);
        *p = (char)(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ? c : '-');
    }
    return name;
}

static bool nn_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static char *nn_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/')
        return nn_xasprintf("%s%s", dir, name);
    return nn_xasprintf("%s/%s", dir, name);
}

static int nn_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void nn_free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* The sorted names of the regular *.yaml / *.yml files of DIR. */
static nn_status nn_list_entity_files(const char *dir, char ***names_out, size_t *count_out,
                                      nn_error *err)
{
    *names_out = NULL;
    *count_out = 0;
    DIR *d = opendir(dir);
    if (!d)
        return nn_error_set(err, NN_ERR_IO, "%s: cannot open the entities folder: %s", dir,
                            strerror(errno));
    char **names = NULL;
    size_t count = 0, cap = 0;
    nn_status st = NN_OK;
    for (;;) {
        errno = 0;
        const struct dirent *de = readdir(d);
        if (!de) {
            if (errno != 0)
                st = nn_error_set(err, NN_ERR_IO, "%s: cannot read the entities folder: %s", dir,
                                  strerror(errno));
            break;
        }
        const char *n = de->d_name;
        if (n[0] == '.' || !(nn_has_suffix(n, ".yaml") || nn_has_suffix(n, ".yml")))
            continue;
        char *path = nn_path_join(dir, n);
        struct stat sbuf;
        int rc = stat(path, &sbuf);
        free(path);
        if (rc != 0 || !S_ISREG(sbuf.st_mode))
            continue; /* a dangling link or a folder named like a file */
        nn_grow((void **)&names, &cap, count + 1, sizeof *names);
        names[count++] = nn_xstrdup(n);
    }
    if (closedir(d) != 0 && st == NN_OK)
        st = nn_error_set(err, NN_ERR_IO, "%s: cannot close the entities folder: %s", dir,
                          strerror(errno));
    if (st != NN_OK) {
        nn_free_names(names, count);
        return st;
    }
    if (count > 1)
        qsort(names, count, sizeof *names, nn_cmp_names);
    *names_out = names;
    *count_out = count;
    return NN_OK;
}

nn_status nn_entities_load(const char *dir, nn_entity_set *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    char **names;
    size_t count;
    nn_status st = nn_list_entity_files(dir, &names, &count, err);
    if (st != NN_OK)
        return st;
    if (count == 0) {
        free(names);
        return nn_error_set(err, NN_ERR_INPUT,
                            "%s: no entity definitions found (expected *.yaml or *.yml files)",
                            dir);
    }

    out->dir = nn_xstrdup(dir);
    out->project_name = nn_project_name(dir);
    out->entities = nn_xcalloc(count, sizeof *out->entities);
    nn_status result = NN_OK;
    for (size_t i = 0; i < count; i++) {
        char *path = nn_path_join(dir, names[i]);
        nn_ydoc doc;
        st = nn_ydoc_load_file(path, &doc, err);
        if (st != NN_OK) {
            free(path);
            if (result == NN_OK)
                result = st;
            continue;
        }
        nn_entity *e = &out->entities[out->count++];
        e->file = path;
        nn_loader L = {.file = e->file, .err = err, .failed = false};
        nn_load_entity(&L, &doc, e);
        nn_ydoc_free(&doc);
        if (L.failed && result == NN_OK)
            result = NN_ERR_INPUT;
    }
    nn_free_names(names, count);

    if (result == NN_OK)
        result = nn_model_validate(out, err);
    if (result != NN_OK)
        nn_entity_set_free(out);
    return result;
}
