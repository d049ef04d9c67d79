/*
 * http.c - HTTP routing and responses of the dashboard backend (see http.h).
 */
#include "http.h"

#include "backend_metrics.h"
#include "rest.h"
#include "static_files.h"

#include "common/buf.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Room for the status line and headers (CORS_ORIGIN is limited in main.c). */
#define HTTP_HEADER_ROOM 4096
/* Body bytes written per writable callback. */
#define HTTP_CHUNK ((size_t)16 * 1024)

typedef enum http_method {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_OPTIONS,
    HTTP_OTHER,
} http_method;

static http_method http_method_of(struct lws *wsi)
{
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
        return HTTP_GET;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0)
        return HTTP_HEAD;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_OPTIONS_URI) > 0)
        return HTTP_OPTIONS;
    return HTTP_OTHER;
}

static void http_count(server *srv, unsigned status)
{
    char labels[32];
    snprintf(labels, sizeof labels, "code=\"%u\"", status);
    nn_metrics_add(srv->metrics, BM_HTTP_REQUESTS, labels, 1);
}

static int http_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                       unsigned char *end)
{
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                       (const unsigned char *)value, (int)strlen(value), p, end);
}

/* The CORS headers of an /api answer, when CORS_ORIGIN is set. */
static int http_cors_headers(server *srv, struct lws *wsi, unsigned char **p, unsigned char *end)
{
    const char *origin = srv->settings->cors_origin;
    if (!origin)
        return 0;
    return http_header(wsi, "access-control-allow-origin:", origin, p, end) ||
           (strcmp(origin, "*") != 0 && http_header(wsi, "vary:", "Origin", p, end));
}

/*
 * Answer with status and a body (taken over: freed here or once written).
 * cors: add the CORS headers. extra_name/extra_value: one more header or NULL.
 */
static int http_respond(server *srv, struct lws *wsi, session *s, unsigned status, const char *type,
                        char *body, size_t len, bool head, bool cors, const char *extra_name,
                        const char *extra_value)
{
    unsigned char headers[LWS_PRE + HTTP_HEADER_ROOM];
    unsigned char *start = headers + LWS_PRE, *p = start, *end = headers + sizeof headers - 1;
    http_count(srv, status);
    if (lws_add_http_common_headers(wsi, status, type, (lws_filepos_t)len, &p, end) ||
        http_header(wsi, "cache-control:", "no-store", &p, end) ||
        http_header(wsi, "x-content-type-options:", "nosniff", &p, end) ||
        (cors && http_cors_headers(srv, wsi, &p, end)) ||
        (extra_name && http_header(wsi, extra_name, extra_value, &p, end)) ||
        lws_finalize_write_http_header(wsi, start, &p, end)) {
        free(body);
        return -1;
    }
    if (head || len == 0) {
        free(body);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    free(s->body);
    s->body = body;
    s->body_len = len;
    s->body_sent = 0;
    return lws_callback_on_writable(wsi) < 0 ? -1 : 0;
}

/* Answer with the JSON in b (emptied). */
static int http_json(server *srv, struct lws *wsi, session *s, unsigned status, nn_buf *b,
                     bool head, bool cors)
{
    size_t len = b->len;
    char *body = nn_buf_detach(b);
    if (!body)
        return -1;
    return http_respond(srv, wsi, s, status, "application/json", body, len, head, cors, NULL, NULL);
}

static int http_error(server *srv, struct lws *wsi, session *s, unsigned status, const char *code,
                      const char *message, bool head, bool cors)
{
    nn_buf b = NN_BUF_INIT;
    rest_put_error(&b, code, message);
    return http_json(srv, wsi, s, status, &b, head, cors);
}

int http_writable(server *srv, struct lws *wsi, session *s)
{
    if (!s->body)
        return 0;
    size_t left = s->body_len - s->body_sent;
    size_t n = left > HTTP_CHUNK ? HTTP_CHUNK : left;
    unsigned char *buf = srv->clients.scratch; /* LWS_PRE + CLIENT_FRAGMENT >= HTTP_CHUNK */
    memcpy(buf + LWS_PRE, s->body + s->body_sent, n);
    bool last = n == left;
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
        return -1;
    s->body_sent += n;
    if (!last)
        return lws_callback_on_writable(wsi) < 0 ? -1 : 0;
    http_session_end(s);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void http_session_end(session *s)
{
    free(s->body);
    s->body = NULL;
    s->body_len = s->body_sent = 0;
}

/* A copy of a string, or NULL; for http_respond bodies. */
static char *http_copy(const char *text, size_t *len)
{
    *len = strlen(text);
    char *copy = malloc(*len + 1);
    if (copy)
        memcpy(copy, text, *len + 1);
    return copy;
}

static int http_static(server *srv, struct lws *wsi, session *s, const char *path, bool head)
{
    if (!srv->static_root)
        return http_error(srv, wsi, s, 404, "not_found", "the frontend bundle is not installed",
                          head, false);
    char *file = NULL;
    bool fallback = false;
    nn_status st = static_lookup(srv->static_root, path, &file, &fallback);
    if (st == NN_ERR_NOMEM)
        return -1;
    if (st != NN_OK)
        return http_error(srv, wsi, s, 404, "not_found", "no such file", head, false);
    const char *type = static_mime_type(file);
    const char *cache = static_immutable(srv->static_root, file) && !fallback
                            ? "public, max-age=31536000, immutable"
                            : "no-cache";
    if (head) {
        struct stat info;
        int rc = stat(file, &info) == 0
                     ? http_respond(srv, wsi, s, 200, type, NULL, (size_t)info.st_size, true, false,
                                    "cache-control:", cache)
                     : http_error(srv, wsi, s, 404, "not_found", "no such file", true, false);
        free(file);
        return rc;
    }
    unsigned char extra[512], *p = extra, *end = extra + sizeof extra - 1;
    if (http_header(wsi, "cache-control:", cache, &p, end) ||
        http_header(wsi, "x-content-type-options:", "nosniff", &p, end)) {
        free(file);
        return -1;
    }
    http_count(srv, 200);
    int n = lws_serve_http_file(wsi, file, type, (const char *)extra, (int)(p - extra));
    free(file);
    if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
        return -1;
    return 0;
}

static int http_options(server *srv, struct lws *wsi, session *s, bool api)
{
    unsigned char headers[LWS_PRE + HTTP_HEADER_ROOM];
    unsigned char *start = headers + LWS_PRE, *p = start, *end = headers + sizeof headers - 1;
    http_count(srv, 204);
    (void)s;
    bool cors = api && srv->settings->cors_origin;
    if (lws_add_http_header_status(wsi, 204, &p, end) ||
        http_header(wsi, "allow:", "GET, HEAD, OPTIONS", &p, end) ||
        (cors &&
         (http_cors_headers(srv, wsi, &p, end) ||
          http_header(wsi, "access-control-allow-methods:", "GET, HEAD, OPTIONS", &p, end) ||
          http_header(wsi, "access-control-allow-headers:", "Accept, Content-Type", &p, end) ||
          http_header(wsi, "access-control-max-age:", "600", &p, end))) ||
        lws_add_http_header_content_length(wsi, 0, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int http_request(server *srv, struct lws *wsi, session *s, const char *path)
{
    http_method method = http_method_of(wsi);
    bool api = strncmp(path, "/api/", 5) == 0;
    if (method == HTTP_OPTIONS)
        return http_options(srv, wsi, s, api);
    if (method == HTTP_OTHER)
        return http_error(srv, wsi, s, 405, "method_not_allowed",
                          "this server only answers GET, HEAD and OPTIONS", false, api);
    bool head = method == HTTP_HEAD;
    nn_buf b = NN_BUF_INIT;

    if (strcmp(path, "/health") == 0) {
        nn_buf_puts(&b, "{\"status\":\"ok\"}");
        return http_json(srv, wsi, s, 200, &b, head, false);
    }
    if (strcmp(path, "/ready") == 0) {
        bool ready = srv->database_up && srv->have_snapshots;
        rest_put_ready(&b, ready);
        return http_json(srv, wsi, s, ready ? 200 : 503, &b, head, false);
    }
    if (strcmp(path, "/metrics") == 0) {
        if (nn_metrics_render(srv->metrics, &b) != NN_OK) {
            nn_buf_free(&b);
            return -1;
        }
        size_t len = b.len;
        char *body = nn_buf_detach(&b);
        return body ? http_respond(srv, wsi, s, 200, "text/plain; version=0.0.4; charset=utf-8",
                                   body, len, head, false, NULL, NULL)
                    : -1;
    }
    if (strcmp(path, "/api/health") == 0) {
        rest_put_health(&b, srv->database_up, srv->clients.count);
        return http_json(srv, wsi, s, 200, &b, head, true);
    }
    if (strcmp(path, "/api/entities") == 0) {
        size_t len;
        char *body = http_copy(srv->entities_body, &len);
        return body ? http_respond(srv, wsi, s, 200, "application/json", body, len, head, true,
                                   NULL, NULL)
                    : -1;
    }
    if (strcmp(path, "/api/stats") == 0) {
        if (!srv->stats_body)
            return http_error(srv, wsi, s, 503, "unavailable",
                              "no counts yet: the database has not been read", head, true);
        size_t len;
        char *body = http_copy(srv->stats_body, &len);
        return body ? http_respond(srv, wsi, s, 200, "application/json", body, len, head, true,
                                   NULL, NULL)
                    : -1;
    }
    if (api || strcmp(path, "/api") == 0)
        return http_error(srv, wsi, s, 404, "not_found", "no such endpoint", head, true);
    if (strcmp(path, "/ws") == 0)
        return http_error(srv, wsi, s, 426, "upgrade_required",
                          "/ws is a WebSocket: connect with an Upgrade: websocket request", head,
                          false);
    return http_static(srv, wsi, s, path, head);
}

int http_confirm_upgrade(server *srv, struct lws *wsi, session *s)
{
    (void)srv;
    (void)s;
    char path[8];
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI);
    if (n == 3 && lws_hdr_copy(wsi, path, (int)sizeof path, WSI_TOKEN_GET_URI) == 3 &&
        strcmp(path, "/ws") == 0)
        return 0;
    return -1; /* a WebSocket anywhere else: hang up */
}
