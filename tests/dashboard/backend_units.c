/*
 * backend_units.c - unit tests of the dashboard backend's pure parts, built
 * by test_dashboard_backend.sh against a generated tree's sources:
 * horizon.c (key ranges released once their writers ended), rowmap.c
 * (versions sent), cache.c (newest rows, snapshot message), static_files.c
 * (path mapping, index fallback, MIME types).
 *
 * Prints "backend_units: N passed, N failed" and exits 1 on a failure.
 */
#include "dashboard-backend/cache.h"
#include "dashboard-backend/horizon.h"
#include "dashboard-backend/rowmap.h"
#include "dashboard-backend/static_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);                        \
        }                                                                                          \
    } while (0)

static void test_vxids(void)
{
    uint64_t *ids = NULL;
    size_t n = 0;
    CHECK(horizon_parse_vxids("4/77 3/1234 3/9", &ids, &n) == NN_OK);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(ids[0] == ((uint64_t)3 << 32 | 9));
        CHECK(ids[1] == ((uint64_t)3 << 32 | 1234));
        CHECK(ids[2] == ((uint64_t)4 << 32 | 77));
    }
    free(ids);
    CHECK(horizon_parse_vxids("", &ids, &n) == NN_OK && n == 0);
    free(ids);
    CHECK(horizon_parse_vxids("3/x", &ids, &n) == NN_ERR_INVALID);
    CHECK(horizon_parse_vxids("3/1  4/2", &ids, &n) == NN_ERR_INVALID);
    CHECK(horizon_parse_vxids("-1/5 2/7", &ids, &n) == NN_OK && n == 2);
    if (n == 2)
        CHECK(ids[1] == ((uint64_t)UINT32_MAX << 32 | 5)); /* a prepared transaction */
    free(ids);
    CHECK(horizon_parse_vxids("-2/5", &ids, &n) == NN_ERR_INVALID);
    CHECK(horizon_parse_vxids("3/99999999999", &ids, &n) == NN_ERR_INVALID);
}

static void test_horizon(void)
{
    horizon h;
    horizon_init(&h, 2);
    const uint64_t ab[] = {1, 2}, b[] = {2}, c[] = {3};
    int64_t l1[] = {10, HORIZON_UNKNOWN}, l2[] = {20, 5};
    uint64_t s1 = 0, s2 = 0;
    CHECK(horizon_record(&h, l1, ab, 2, &s1) == NN_OK);
    CHECK(horizon_record(&h, l2, b, 1, &s2) == NN_OK);
    int64_t t[2] = {0, 0};

    /* transaction 2 still runs: nothing is released */
    CHECK(horizon_settle(&h, b, 1, t) == 0);
    CHECK(t[0] == 0 && t[1] == 0 && !horizon_settled(&h, s1));
    /* transactions 1 and 2 ended: both points go, the newest values win */
    CHECK(horizon_settle(&h, c, 1, t) == 2);
    CHECK(t[0] == 20 && t[1] == 5);
    CHECK(horizon_settled(&h, s1) && horizon_settled(&h, s2));

    /* the oldest point blocks the newer ones */
    int64_t l3[] = {30, 6}, l4[] = {40, 7};
    CHECK(horizon_record(&h, l3, b, 1, NULL) == NN_OK);
    CHECK(horizon_record(&h, l4, c, 1, NULL) == NN_OK);
    CHECK(horizon_settle(&h, b, 1, t) == 0 && t[0] == 20);
    CHECK(horizon_settle(&h, NULL, 0, t) == 2 && t[0] == 40 && t[1] == 7);

    /* a full ring replaces its newest point: the horizon comes later, never sooner */
    bool all = true;
    for (uint64_t i = 0; i < HORIZON_POINTS + 10; i++) {
        int64_t l[] = {100 + (int64_t)i, 0};
        uint64_t running[] = {1000 + i};
        all = all && horizon_record(&h, l, running, 1, NULL) == NN_OK;
    }
    CHECK(all);
    CHECK(h.count == HORIZON_POINTS);
    uint64_t still[] = {1000};
    CHECK(horizon_settle(&h, still, 1, t) == 0 && t[0] == 40);
    CHECK(horizon_settle(&h, NULL, 0, t) == HORIZON_POINTS);
    CHECK(t[0] == 100 + HORIZON_POINTS + 9);
    horizon_free(&h);
}

static void test_rowmap(void)
{
    rowmap m;
    rowmap_init(&m);
    uint64_t v = 0;
    CHECK(!rowmap_get(&m, "1", &v));
    char key[32];
    bool all = true;
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "%d", i);
        all = all && rowmap_put(&m, key, (uint64_t)i) == NN_OK;
    }
    CHECK(all);
    CHECK(m.count == 10000);
    CHECK(rowmap_get(&m, "4242", &v) && v == 4242);
    CHECK(rowmap_put(&m, "4242", 99999) == NN_OK && m.count == 10000);
    CHECK(rowmap_get(&m, "4242", &v) && v == 99999);
    CHECK(rowmap_prune(&m, 9000) == NN_OK);
    CHECK(m.count == 1001); /* 9000..9999 and 4242 */
    CHECK(!rowmap_get(&m, "8999", &v));
    CHECK(rowmap_get(&m, "9000", &v) && v == 9000);
    CHECK(rowmap_get(&m, "4242", &v));
    CHECK(rowmap_prune(&m, UINT64_MAX) == NN_OK && m.count == 0);
    CHECK(rowmap_put(&m, "a", 1) == NN_OK && rowmap_get(&m, "a", &v) && v == 1);
    rowmap_free(&m);
}

static bool cache_is(cache *c, const char *entity, const char *expected)
{
    wsmsg *m = NULL;
    bool ok = cache_snapshot(c, entity, &m) == NN_OK && strcmp(m->text, expected) == 0;
    if (!ok && m)
        fprintf(stderr, "snapshot: %s\n", m->text);
    wsmsg_unref(m);
    return ok;
}

static void test_cache(void)
{
    cache c;
    cache_init(&c, 3);
    CHECK(cache_put(&c, true, 5, "5", "{\"id\":5}") == NN_OK);
    CHECK(cache_put(&c, true, 3, "3", "{\"id\":3}") == NN_OK);
    CHECK(cache_put(&c, true, 9, "9", "{\"id\":9}") == NN_OK);
    CHECK(cache_is(&c, "Order",
                   "{\"type\":\"snapshot\",\"entity\":\"Order\",\"rows\":"
                   "[{\"id\":9},{\"id\":5},{\"id\":3}]}"));
    CHECK(!c.changed);
    CHECK(cache_put(&c, true, 1, "1", "{\"id\":1}") == NN_OK && !c.changed); /* too old */
    CHECK(cache_put(&c, true, 7, "7", "{\"id\":7}") == NN_OK && c.changed);
    CHECK(cache_put(&c, true, 5, "5", "{\"id\":5,\"v\":2}") == NN_OK);
    CHECK(cache_is(&c, "Order",
                   "{\"type\":\"snapshot\",\"entity\":\"Order\",\"rows\":"
                   "[{\"id\":9},{\"id\":7},{\"id\":5,\"v\":2}]}"));
    cache_clear(&c);
    /* keys of their own: the order rows first appear in, newest first */
    CHECK(cache_append(&c, -1, "b", "{\"id\":\"b\"}") == NN_OK);
    CHECK(cache_append(&c, -2, "a", "{\"id\":\"a\"}") == NN_OK);
    CHECK(cache_put(&c, false, 0, "c", "{\"id\":\"c\"}") == NN_OK);
    CHECK(cache_put(&c, false, 0, "a", "{\"id\":\"a\",\"v\":2}") == NN_OK);
    CHECK(cache_is(&c, "Tag \"x\"",
                   "{\"type\":\"snapshot\",\"entity\":\"Tag \\\"x\\\"\",\"rows\":"
                   "[{\"id\":\"c\"},{\"id\":\"b\"},{\"id\":\"a\",\"v\":2}]}"));
    cache_free(&c);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* The file static_lookup picks for path, relative to root ("-" when none,
 * with a trailing "!" when it is the app's index fallback). */
static const char *lookup(const char *root, const char *path)
{
    static char result[256];
    char *file = NULL;
    bool fallback = false;
    if (static_lookup(root, path, &file, &fallback) != NN_OK)
        return "-";
    snprintf(result, sizeof result, "%s%s", file + strlen(root), fallback ? "!" : "");
    free(file);
    return result;
}

static void test_static(void)
{
    char root[] = "/tmp/nomnom-static-XXXXXX";
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        exit(1);
    }
    char path[512];
    snprintf(path, sizeof path, "%s/assets", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/docs", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/index.html", root);
    write_file(path, "<html>");
    snprintf(path, sizeof path, "%s/assets/app-1a2b.js", root);
    write_file(path, "x");
    snprintf(path, sizeof path, "%s/docs/index.html", root);
    write_file(path, "docs");

    CHECK(strcmp(lookup(root, "/"), "/index.html") == 0);
    CHECK(strcmp(lookup(root, "/assets/app-1a2b.js"), "/assets/app-1a2b.js") == 0);
    CHECK(strcmp(lookup(root, "/docs"), "/docs/index.html") == 0);
    CHECK(strcmp(lookup(root, "/docs/"), "/docs/index.html") == 0);
    CHECK(strcmp(lookup(root, "/orders/42"), "/index.html!") == 0);
    CHECK(strcmp(lookup(root, "/missing.js"), "-") == 0);
    CHECK(strcmp(lookup(root, "/assets/../index.html"), "-") == 0);
    CHECK(strcmp(lookup(root, "/../etc/passwd"), "-") == 0);
    CHECK(strcmp(lookup(root, "/./index.html"), "-") == 0);
    CHECK(strcmp(lookup(root, "/a\\b.js"), "-") == 0);
    CHECK(strcmp(lookup(root, "relative"), "-") == 0);

    snprintf(path, sizeof path, "%s/assets/app-1a2b.js", root);
    CHECK(static_immutable(root, path));
    snprintf(path, sizeof path, "%s/index.html", root);
    CHECK(!static_immutable(root, path));

    CHECK(strcmp(static_mime_type("/x/index.html"), "text/html; charset=utf-8") == 0);
    CHECK(strcmp(static_mime_type("/x/app.JS"), "text/javascript; charset=utf-8") == 0);
    CHECK(strcmp(static_mime_type("/x/app.css"), "text/css; charset=utf-8") == 0);
    CHECK(strcmp(static_mime_type("/x/font.woff2"), "font/woff2") == 0);
    CHECK(strcmp(static_mime_type("/x/logo.svg"), "image/svg+xml") == 0);
    CHECK(strcmp(static_mime_type("/x/app.js.map"), "application/json") == 0);
    CHECK(strcmp(static_mime_type("/x.y/README"), "application/octet-stream") == 0);

    char *resolved = NULL;
    CHECK(static_resolve_root(root, &resolved) == NN_OK && strcmp(resolved, root) == 0);
    free(resolved);
    snprintf(path, sizeof path, "%s/nope", root);
    CHECK(static_resolve_root(path, &resolved) == NN_ERR_NOT_FOUND);
    free(resolved);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

int main(void)
{
    test_vxids();
    test_horizon();
    test_rowmap();
    test_cache();
    test_static();
    printf("backend_units: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
