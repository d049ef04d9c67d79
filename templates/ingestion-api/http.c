/*
 * http.c - the HTTP server: libmicrohttpd set-up, routing, authentication,
 * the life of a request, answers and the access log (see http.h). Access
 * log lines are buffered per thread (nn_log_fields_buffered; main.c starts
 * and stops the flushing).
 */
#include "http.h"

#include "endpoints.h"
#include "ingest.h"

#include "common/log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Memory of a connection (headers, read buffer). libmicrohttpd zeroes all
 * of it for every request of a kept-alive connection (MHD_pool_reset): at
 * 16 KiB that memset was 5% of the API's CPU. 8 KiB still holds about
 * 7 KiB of request headers (beyond: 431); the body is read in pieces.
 */
#define INGEST_CONNECTION_MEMORY ((size_t)8 * 1024)

#define INGEST_PREFIX     "/ingest/"
#define INGEST_PREFIX_LEN (sizeof INGEST_PREFIX - 1)

/*
 * One libmicrohttpd daemon per thread, each with its own listening socket
 * on the same port (SO_REUSEPORT), so the kernel spreads new connections
 * evenly. (A libmicrohttpd thread pool shares one socket, and whichever
 * thread wakes first accepts a whole burst of connections: one thread ends
 * up serving most of them.)
 */
struct ingest_http {
    ingest_app *app;
    struct MHD_Daemon **daemons;
    size_t daemon_count;
    atomic_size_t open_requests; /* from the first call of a request to its completion */
};

static const char ingest_oom_body[] = "{\"error\":\"internal\",\"message\":\"out of memory\"}";

static int64_t ingest_http_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- requests ------------------------------------------------------------ */

static ingest_request *ingest_request_new(ingest_http *h, struct MHD_Connection *conn,
                                          const char *url, const char *method)
{
    ingest_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->path = strdup(url);
    if (!req->path || pthread_mutex_init(&req->lock, NULL) != 0) {
        free(req->path);
        free(req);
        return NULL;
    }
    req->app = h->app;
    req->conn = conn;
    req->method = method;
    req->started_ns = ingest_http_now_ns();
    nn_buf_init(&req->body);
    atomic_fetch_add(&h->open_requests, 1);
    return req;
}

static void ingest_request_free(ingest_request *req)
{
    nn_buf_free(&req->body);
    pthread_mutex_destroy(&req->lock);
    free(req->path);
    free(req);
}

const char *ingest_http_header(const ingest_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- answers -------------------------------------------------------------- */

static enum MHD_Result ingest_http_queue(ingest_request *req, unsigned status,
                                         const char *content_type, struct MHD_Response *resp,
                                         size_t len)
{
    if (!resp)
        return MHD_NO;
    const ingest_settings *settings = req->app->settings;
    bool ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) == MHD_YES;
    if (ok && status == MHD_HTTP_SERVICE_UNAVAILABLE) {
        char seconds[24];
        snprintf(seconds, sizeof seconds, "%lld", (long long)settings->retry_after_s);
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, seconds) == MHD_YES;
    }
    if (ok && status == MHD_HTTP_METHOD_NOT_ALLOWED)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                     req->route == INGEST_ROUTE_INGEST ? "POST" : "GET, HEAD") ==
             MHD_YES;
    if (ok && status == MHD_HTTP_UNAUTHORIZED)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer") == MHD_YES;
    if (ok && atomic_load(&req->app->draining))
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
    enum MHD_Result result = ok ? MHD_queue_response(req->conn, status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    if (result == MHD_YES) {
        req->status = status;
        req->bytes = len;
        req->phase = INGEST_PHASE_ANSWERED;
    }
    return result;
}

enum MHD_Result ingest_http_answer(ingest_request *req, unsigned status, const char *content_type,
                                   char *body, size_t len)
{
    struct MHD_Response *resp;
    if (body) {
        resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(body);
    } else {
        len = 0;
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    return ingest_http_queue(req, status, content_type, resp, len);
}

enum MHD_Result ingest_http_answer_static(ingest_request *req, unsigned status,
                                          const char *content_type, const char *body, size_t len)
{
    /* libmicrohttpd only reads a PERSISTENT buffer */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    return ingest_http_queue(req, status, content_type, resp, len);
}

enum MHD_Result ingest_http_error(ingest_request *req, unsigned status, const char *code,
                                  const char *message, const nn_problems *details)
{
    nn_buf body = NN_BUF_INIT;
    nn_buf_puts(&body, "{\"error\":");
    nn_buf_json_string(&body, code);
    nn_buf_puts(&body, ",\"message\":");
    nn_buf_json_string(&body, message);
    if (details && details->count > 0) {
        nn_buf_puts(&body, ",\"details\":[");
        for (size_t i = 0; i < details->count; i++) {
            nn_buf_puts(&body, i ? ",{\"path\":" : "{\"path\":");
            nn_buf_json_string(&body, details->items[i].path);
            nn_buf_puts(&body, ",\"message\":");
            nn_buf_json_string(&body, details->items[i].message);
            nn_buf_putc(&body, '}');
        }
        nn_buf_putc(&body, ']');
    }
    nn_buf_putc(&body, '}');
    size_t len = body.len;
    char *text = nn_buf_detach(&body);
    if (!text)
        return ingest_http_answer_static(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json",
                                         ingest_oom_body, sizeof ingest_oom_body - 1);
    return ingest_http_answer(req, status, "application/json", text, len);
}

/* ---- routing ------------------------------------------------------------------ */

/* Compare without leaking, through timing, how much of the token matched. */
static bool ingest_token_equal(const char *given, size_t given_len, const char *want,
                               size_t want_len)
{
    unsigned char diff = given_len != want_len;
    for (size_t i = 0; i < want_len; i++)
        diff |= (unsigned char)(want[i] ^ (i < given_len ? given[i] : 0));
    return diff == 0;
}

static bool ingest_http_authorized(const ingest_request *req)
{
    const ingest_settings *settings = req->app->settings;
    if (!settings->api_token)
        return true;
    const char *auth = ingest_http_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *token = auth + 7;
    while (*token == ' ')
        token++;
    return ingest_token_equal(token, strlen(token), settings->api_token, req->app->api_token_len);
}

static const struct {
    const char *path;
    ingest_route route;
} ingest_fixed_routes[] = {
    {"/health", INGEST_ROUTE_HEALTH},
    {"/ready", INGEST_ROUTE_READY},
    {"/metrics", INGEST_ROUTE_METRICS},
    {"/openapi.json", INGEST_ROUTE_OPENAPI},
};

static enum MHD_Result ingest_http_route(ingest_request *req, const char *url)
{
    req->route = INGEST_ROUTE_NOT_FOUND;
    for (size_t i = 0; i < sizeof ingest_fixed_routes / sizeof ingest_fixed_routes[0]; i++) {
        if (strcmp(url, ingest_fixed_routes[i].path) == 0)
            req->route = ingest_fixed_routes[i].route;
    }
    if (strncmp(url, INGEST_PREFIX, INGEST_PREFIX_LEN) == 0) {
        req->route = INGEST_ROUTE_INGEST;
        req->entity = nn_entity_find(url + INGEST_PREFIX_LEN);
    }

    bool open_route = req->route == INGEST_ROUTE_HEALTH || req->route == INGEST_ROUTE_READY;
    if (!open_route && !ingest_http_authorized(req))
        return ingest_http_error(req, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                                 "missing or wrong bearer token (Authorization: Bearer <token>)",
                                 NULL);
    if (req->route == INGEST_ROUTE_INGEST)
        return ingest_post_begin(req);
    if (req->route == INGEST_ROUTE_NOT_FOUND)
        return ingest_http_error(req, MHD_HTTP_NOT_FOUND, "not_found",
                                 "no such endpoint; POST /ingest/{Entity}, see /openapi.json",
                                 NULL);
    if (strcmp(req->method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(req->method, MHD_HTTP_METHOD_HEAD) != 0)
        return ingest_http_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                                 "this endpoint answers GET and HEAD", NULL);
    /* answered once the request is complete: an answer queued before that
     * makes libmicrohttpd close the connection instead of keeping it alive */
    return MHD_YES;
}

/* The final call of a GET endpoint. */
static enum MHD_Result ingest_http_endpoint(ingest_request *req)
{
    switch (req->route) {
    case INGEST_ROUTE_HEALTH:
        return ingest_endpoint_health(req);
    case INGEST_ROUTE_READY:
        return ingest_endpoint_ready(req);
    case INGEST_ROUTE_METRICS:
        return ingest_endpoint_metrics(req);
    case INGEST_ROUTE_OPENAPI:
        return ingest_endpoint_openapi(req);
    case INGEST_ROUTE_NOT_FOUND:
    case INGEST_ROUTE_INGEST:
        break;
    }
    return MHD_NO;
}

/* ---- libmicrohttpd callbacks ---------------------------------------------------- */

static enum MHD_Result ingest_http_on_request(void *cls, struct MHD_Connection *conn,
                                              const char *url, const char *method,
                                              const char *version, const char *upload_data,
                                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    ingest_http *h = cls;
    ingest_request *req = *con_cls;
    if (!req) {
        req = ingest_request_new(h, conn, url, method);
        if (!req)
            return MHD_NO; /* out of memory: drop the connection */
        *con_cls = req;
        return ingest_http_route(req, url);
    }
    if (req->route == INGEST_ROUTE_INGEST)
        return ingest_post_continue(req, upload_data, upload_data_size);
    if (*upload_data_size > 0) {
        *upload_data_size = 0; /* a body sent along with a GET is ignored */
        return MHD_YES;
    }
    return ingest_http_endpoint(req);
}

static const char *ingest_endpoint_label(ingest_route route)
{
    switch (route) {
    case INGEST_ROUTE_HEALTH:
        return "/health";
    case INGEST_ROUTE_READY:
        return "/ready";
    case INGEST_ROUTE_METRICS:
        return "/metrics";
    case INGEST_ROUTE_OPENAPI:
        return "/openapi.json";
    case INGEST_ROUTE_INGEST:
    case INGEST_ROUTE_NOT_FOUND:
        break;
    }
    return "other";
}

static void ingest_http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                                     enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    ingest_http *h = cls;
    ingest_request *req = *con_cls;
    if (!req)
        return;
    *con_cls = NULL;

    ingest_app *app = req->app;
    if (req->status != 0) {
        if (req->route == INGEST_ROUTE_INGEST)
            ingest_metrics_ingest_request(app->metrics, req->entity, req->status);
        else
            ingest_metrics_http_request(app->metrics, ingest_endpoint_label(req->route),
                                        req->status);
    }
    if (app->settings->access_log && nn_log_enabled(NN_LOG_INFO)) {
        int64_t us = (ingest_http_now_ns() - req->started_ns) / 1000;
        nn_log_field fields[] = {
            NN_LOG_STR("method", req->method),
            NN_LOG_STR("path", req->path),
            NN_LOG_INT("status", req->status),
            NN_LOG_INT("bytes", req->bytes),
            NN_LOG_INT("duration_us", us),
            NN_LOG_STR("message_id", req->has_id ? req->id.text : NULL),
            NN_LOG_BOOL("completed", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK),
        };
        nn_log_fields_buffered(NN_LOG_INFO, "request", fields, sizeof fields / sizeof fields[0]);
    }
    ingest_request_free(req);
    atomic_fetch_sub(&h->open_requests, 1);
}

__attribute__((format(printf, 2, 0))) static void ingest_http_on_log(void *cls, const char *fmt,
                                                                     va_list ap)
{
    (void)cls;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text) {
        nn_log_warn("libmicrohttpd", NN_LOG_STR("detail", fmt));
        return;
    }
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    nn_log_warn("libmicrohttpd", NN_LOG_STR("detail", text));
    free(text);
}

/* ---- the server ----------------------------------------------------------------- */

/* BIND_ADDRESS and PORT as a socket address; false when not a numeric IP. */
static bool ingest_http_address(const ingest_settings *settings, struct sockaddr_storage *addr,
                                bool *ipv6)
{
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, settings->bind_address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)settings->port);
        *ipv6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, settings->bind_address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)settings->port);
        *ipv6 = true;
        return true;
    }
    return false;
}

static unsigned ingest_http_threads(const ingest_settings *settings)
{
    if (settings->http_threads > 0)
        return (unsigned)settings->http_threads;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (unsigned)(cpus > 64 ? 64 : cpus) : 1;
}

nn_status ingest_http_start(ingest_app *app, ingest_http **out)
{
    *out = NULL;
    const ingest_settings *settings = app->settings;
    struct sockaddr_storage addr;
    bool ipv6 = false;
    if (!ingest_http_address(settings, &addr, &ipv6)) {
        nn_log_error("BIND_ADDRESS is not a numeric IP address",
                     NN_LOG_STR("BIND_ADDRESS", settings->bind_address));
        return NN_ERR_INVALID;
    }
    ingest_http *h = calloc(1, sizeof *h);
    if (!h)
        return NN_ERR_NOMEM;
    h->app = app;
    atomic_init(&h->open_requests, 0);

    unsigned threads = ingest_http_threads(settings);
    h->daemons = calloc(threads, sizeof(struct MHD_Daemon *));
    if (!h->daemons) {
        free(h);
        return NN_ERR_NOMEM;
    }
    /* whole seconds, rounded up */
    unsigned timeout_s = (unsigned)((settings->request_timeout_ms + 999) / 1000);
    /*
     * poll(), not epoll: a request suspended while its publish is in flight
     * leaves an epoll set and joins it again on resume, two epoll_ctl calls
     * per request (6% of the CPU at 64 connections); poll() just skips it.
     * poll() walks every open connection of its thread on each round: cheap
     * for hundreds (bench/ingest.sh: 16 to 256), while epoll would scale
     * better to thousands of idle kept-alive connections. TURBO: read,
     * write and accept before asking.
     */
    unsigned flags =
        MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    for (; h->daemon_count < threads; h->daemon_count++) {
        /* one option and its values per line */
        /* clang-format off */
        struct MHD_Daemon *d = MHD_start_daemon(
            flags, (uint16_t)settings->port, NULL, NULL, ingest_http_on_request, h,
            MHD_OPTION_EXTERNAL_LOGGER, ingest_http_on_log, h,
            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
            MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U, /* SO_REUSEPORT */
            MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
            MHD_OPTION_NOTIFY_COMPLETED, ingest_http_on_completed, h,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, INGEST_CONNECTION_MEMORY,
            MHD_OPTION_END);
        /* clang-format on */
        if (!d)
            break;
        h->daemons[h->daemon_count] = d;
    }
    if (h->daemon_count < threads) {
        nn_log_error("cannot listen", NN_LOG_STR("address", settings->bind_address),
                     NN_LOG_INT("port", settings->port));
        ingest_http_stop(h);
        return NN_ERR_IO;
    }
    nn_log_info("listening", NN_LOG_STR("address", settings->bind_address),
                NN_LOG_INT("port", settings->port), NN_LOG_INT("threads", threads));
    *out = h;
    return NN_OK;
}

void ingest_http_quiesce(ingest_http *h)
{
    for (size_t i = 0; i < h->daemon_count; i++) {
        MHD_socket fd = MHD_quiesce_daemon(h->daemons[i]);
        if (fd != MHD_INVALID_SOCKET && close(fd) != 0)
            nn_log_warn("cannot close a listening socket");
    }
}

bool ingest_http_wait_idle(ingest_http *h, int64_t timeout_ms)
{
    int64_t deadline = ingest_http_now_ns() + timeout_ms * 1000000LL;
    while (atomic_load(&h->open_requests) > 0) {
        if (ingest_http_now_ns() >= deadline)
            return false;
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return true;
}

void ingest_http_stop(ingest_http *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->daemon_count; i++)
        MHD_stop_daemon(h->daemons[i]);
    free(h->daemons);
    free(h);
}
