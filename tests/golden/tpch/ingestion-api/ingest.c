/*
 * ingest.c - POST /ingest/{Entity}: checks, body, validation, envelope,
 * publish, and the answer once JetStream has spoken (see ingest.h).
 */
#include "ingest.h"
#include "json_arena.h"

#include "common/clock.h"
#include "common/json.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char ingest_json_type[] = "application/json";

/* ---- header checks --------------------------------------------------------- */

/* "application/json", any case, optionally followed by parameters. */
static bool ingest_is_json(const char *content_type)
{
    static const char media[] = "application/json";
    if (!content_type)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    if (strncasecmp(content_type, media, sizeof media - 1) != 0)
        return false;
    const char *rest = content_type + sizeof media - 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest == '\0' || *rest == ';';
}

/* The Content-Length header as a number; false when absent (chunked). A
 * value beyond UINT64_MAX is read as UINT64_MAX: too large all the same. */
static bool ingest_content_length(const char *header, uint64_t *length)
{
    if (!header || *header < '0' || *header > '9')
        return false;
    uint64_t n = 0;
    for (const char *p = header; *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');
        n = n > (UINT64_MAX - digit) / 10 ? UINT64_MAX : n * 10 + digit;
    }
    *length = n;
    return true;
}

static enum MHD_Result ingest_not_ingestible(ingest_request *req)
{
    const nn_entity *e = req->entity;
    nn_buf message = NN_BUF_INIT;
    nn_buf_printf(&message,
                  "%s is not posted: its rows are extracted from the %s field of %s; post the %s "
                  "instead",
                  e->name, e->parent_field ? e->parent_field : "?",
                  e->parent ? e->parent->name : "?", e->parent ? e->parent->name : "parent");
    enum MHD_Result r = ingest_http_error(
        req, MHD_HTTP_NOT_FOUND, "not_ingestible",
        nn_buf_status(&message) == NN_OK ? nn_buf_str(&message) : "this entity is not posted",
        NULL);
    nn_buf_free(&message);
    return r;
}

enum MHD_Result ingest_post_begin(ingest_request *req)
{
    ingest_app *app = req->app;
    if (!req->entity)
        return ingest_http_error(req, MHD_HTTP_NOT_FOUND, "unknown_entity",
                                 "no entity of that name; see /openapi.json for those accepted",
                                 NULL);
    if (!req->entity->ingestible)
        return ingest_not_ingestible(req);
    if (strcmp(req->method, MHD_HTTP_METHOD_POST) != 0)
        return ingest_http_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                                 "entities are ingested with POST", NULL);
    if (atomic_load(&app->draining))
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down",
                                 "the service is shutting down; retry", NULL);
    if (!ingest_is_json(ingest_http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return ingest_http_error(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                                 "the body must be JSON: Content-Type: application/json", NULL);
    uint64_t length = 0;
    if (ingest_content_length(ingest_http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH), &length)) {
        if (length > (uint64_t)app->settings->max_body_bytes)
            return ingest_http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                                     "the body is larger than MAX_BODY_BYTES", NULL);
        /* one allocation for the whole body; a failure shows at its end (500) */
        (void)nn_buf_reserve(&req->body, (size_t)length);
    }

    const char *key = ingest_http_header(req, "Idempotency-Key");
    if (key) {
        if (ingest_message_id_from_key(key, &req->id) != NN_OK)
            return ingest_http_error(req, MHD_HTTP_BAD_REQUEST, "invalid_idempotency_key",
                                     "Idempotency-Key must be 1 to 255 printable ASCII characters",
                                     NULL);
        req->has_id = true;
    }
    const char *source = ingest_http_header(req, "X-Source");
    if (source && !ingest_source_valid(source))
        return ingest_http_error(req, MHD_HTTP_BAD_REQUEST, "invalid_source",
                                 "X-Source must be 1 to 255 bytes of UTF-8 text", NULL);
    return MHD_YES;
}

/* ---- the answer, once the publisher spoke ---------------------------------------- */

static enum MHD_Result ingest_post_answer(ingest_request *req)
{
    /* the lock orders the callback's writes before these reads */
    pthread_mutex_lock(&req->lock);
    ingest_publish pub = req->pub;
    pthread_mutex_unlock(&req->lock);

    switch (pub.outcome) {
    case INGEST_PUBLISH_ACKED: {
        nn_buf body = NN_BUF_INIT;
        nn_buf_puts(&body, "{\"message_id\":\"");
        nn_buf_puts(&body, req->id.text);
        nn_buf_puts(&body, "\",\"status\":\"accepted\"}");
        size_t len = body.len;
        char *text = nn_buf_detach(&body);
        if (!text)
            return ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                     "out of memory", NULL);
        return ingest_http_answer(req, MHD_HTTP_ACCEPTED, ingest_json_type, text, len);
    }
    case INGEST_PUBLISH_TIMEOUT:
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "publish_timeout",
                                 "JetStream did not acknowledge the message in time; retry with "
                                 "the same Idempotency-Key",
                                 NULL);
    case INGEST_PUBLISH_REFUSED:
        nn_log_debug("publish refused", NN_LOG_STR("error", natsStatus_GetText(pub.error)),
                     NN_LOG_INT("js_error", pub.error_code));
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "publish_failed",
                                 "JetStream did not store the message; retry", NULL);
    case INGEST_PUBLISH_CANCELLED:
        break;
    }
    return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down",
                             "the service is shutting down; retry with the same Idempotency-Key",
                             NULL);
}

/* The publisher's callback, on a NATS thread. */
static void ingest_on_published(ingest_publish *pub)
{
    ingest_request *req = pub->arg;
    ingest_metrics_publish(req->app->metrics, req->entity, pub);
    pthread_mutex_lock(&req->lock);
    req->published = true;
    if (req->suspended)
        MHD_resume_connection(req->conn);
    /* req may be freed as soon as the lock is released: touch nothing after */
    pthread_mutex_unlock(&req->lock);
}

/* ---- the body: parse, validate, publish -------------------------------------------- */

/* An IPv4 address in dotted decimal, without inet_ntop's printf (once per
 * request, it was 1% of the API's CPU). */
static void ingest_put_ipv4(nn_buf *out, const struct in_addr *addr)
{
    const unsigned char *b = (const unsigned char *)&addr->s_addr; /* network order */
    char text[sizeof "255.255.255.255"];
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (i > 0)
            text[n++] = '.';
        if (v >= 100)
            text[n++] = (char)('0' + v / 100);
        if (v >= 10)
            text[n++] = (char)('0' + v / 10 % 10);
        text[n++] = (char)('0' + v % 10);
    }
    nn_buf_append(out, text, n);
}

/* The source of the envelope: X-Source, else the client's IP address. */
static void ingest_source(ingest_request *req, nn_buf *out)
{
    const char *source = ingest_http_header(req, "X-Source");
    if (source) {
        nn_buf_puts(out, source);
        return;
    }
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *addr = info ? info->client_addr : NULL;
    if (addr && addr->sa_family == AF_INET) {
        ingest_put_ipv4(out, &((const struct sockaddr_in *)(const void *)addr)->sin_addr);
        return;
    }
    if (addr && addr->sa_family == AF_INET6) {
        char text[INET6_ADDRSTRLEN];
        const char *ip =
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr, text,
                      sizeof text);
        nn_buf_puts(out, ip ? ip : "unknown");
        return;
    }
    nn_buf_puts(out, "unknown");
}

static enum MHD_Result ingest_validation_failed(ingest_request *req, const nn_problems *problems)
{
    nn_buf message = NN_BUF_INIT;
    nn_buf_printf(&message, "the payload does not match the %s definition (%zu problem%s)",
                  req->entity->name, problems->count, problems->count == 1 ? "" : "s");
    enum MHD_Result r = ingest_http_error(
        req, MHD_HTTP_BAD_REQUEST, "validation_failed",
        nn_buf_status(&message) == NN_OK ? nn_buf_str(&message) : "invalid payload", problems);
    nn_buf_free(&message);
    return r;
}

/* Parse and validate the body. true: valid, go on; false: refused, with the
 * error answer queued and its result in *answer. */
static bool ingest_check_body_in_arena(ingest_request *req, enum MHD_Result *answer)
{
    json_t *payload = NULL;
    char *error = NULL;
    nn_status st = nn_json_parse(nn_buf_str(&req->body), req->body.len, &payload, &error);
    if (st == NN_ERR_INVALID) {
        nn_buf message = NN_BUF_INIT;
        nn_buf_printf(&message, "invalid JSON: %s", error);
        free(error);
        *answer = ingest_http_error(
            req, MHD_HTTP_BAD_REQUEST, "invalid_json",
            nn_buf_status(&message) == NN_OK ? nn_buf_str(&message) : "invalid JSON", NULL);
        nn_buf_free(&message);
        return false;
    }
    if (st != NN_OK) {
        *answer = ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                    nn_status_str(st), NULL);
        return false;
    }

    nn_problems problems;
    nn_problems_init(&problems);
    st = nn_validate_payload(req->entity, payload, &problems);
    json_decref(payload);
    if (st == NN_ERR_INVALID)
        *answer = ingest_validation_failed(req, &problems);
    else if (st != NN_OK)
        *answer = ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                    nn_status_str(st), NULL);
    nn_problems_free(&problems);
    return st == NN_OK;
}

/* The same, with jansson's memory from this thread's arena: every value of
 * the payload is released before the scope ends. */
static bool ingest_check_body(ingest_request *req, enum MHD_Result *answer)
{
    ingest_json_arena_begin();
    bool ok = ingest_check_body_in_arena(req, answer);
    ingest_json_arena_end();
    return ok;
}

static enum MHD_Result ingest_post_finish(ingest_request *req)
{
    ingest_app *app = req->app;
    if (req->too_large)
        return ingest_http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                                 "the body is larger than MAX_BODY_BYTES", NULL);
    if (nn_buf_status(&req->body) != NN_OK)
        return ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "out of memory",
                                 NULL);
    enum MHD_Result answer = MHD_NO;
    if (!ingest_check_body(req, &answer))
        return answer;

    if (!req->has_id) {
        ingest_message_id_random(&req->id);
        req->has_id = true;
    }
    char received_at[NN_CLOCK_TEXT_SIZE];
    if (nn_clock_now_text(received_at) != NN_OK)
        return ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                 "cannot read the clock", NULL);
    nn_buf source = NN_BUF_INIT;
    ingest_source(req, &source);
    nn_buf envelope = NN_BUF_INIT;
    nn_status st = nn_buf_status(&source);
    if (st == NN_OK)
        st = ingest_envelope_write(&envelope, &req->id, req->entity, received_at,
                                   nn_buf_str(&source), nn_buf_str(&req->body), req->body.len);
    nn_buf_free(&source);
    nn_buf_free(&req->body); /* the envelope holds it now */
    if (st == NN_OK) {
        req->pub.done = ingest_on_published;
        req->pub.arg = req;
        req->phase = INGEST_PHASE_PUBLISHING;
        st = ingest_publisher_publish(app->publisher, &req->pub, req->entity->subject, req->id.text,
                                      envelope.data, envelope.len);
    }
    nn_buf_free(&envelope); /* the published message is a copy */
    if (st == NN_ERR_UNAVAILABLE && atomic_load(&app->draining))
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down",
                                 "the service is shutting down; retry", NULL);
    if (st == NN_ERR_UNAVAILABLE && ingest_publisher_connected(app->publisher))
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "overloaded",
                                 "too many messages await their acknowledgement; retry", NULL);
    if (st == NN_ERR_UNAVAILABLE)
        return ingest_http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "nats_unavailable",
                                 "the message queue is unavailable; retry", NULL);
    if (st != NN_OK)
        return ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", nn_status_str(st),
                                 NULL);

    /* in flight: wait for the answer without holding this thread, unless
     * it came already */
    pthread_mutex_lock(&req->lock);
    if (!req->published) {
        MHD_suspend_connection(req->conn);
        req->suspended = true;
    }
    bool suspended = req->suspended;
    pthread_mutex_unlock(&req->lock);
    return suspended ? MHD_YES : ingest_post_answer(req);
}

/*
 * Append a piece of the body. A body without Content-Length (chunked) that
 * grows beyond the limit is read on and dropped, then answered 413; one that
 * goes on for as much again gets its connection closed instead.
 */
static enum MHD_Result ingest_post_receive(ingest_request *req, const char *data, size_t *size)
{
    size_t max = (size_t)req->app->settings->max_body_bytes;
    size_t n = *size;
    *size = 0;
    if (!req->too_large && n > max - req->body.len) {
        req->too_large = true;
        nn_buf_free(&req->body);
    }
    if (!req->too_large) {
        nn_buf_append(&req->body, data, n);
        return MHD_YES;
    }
    req->discarded = n > max - req->discarded ? max : req->discarded + n;
    return req->discarded < max ? MHD_YES : MHD_NO;
}

enum MHD_Result ingest_post_continue(ingest_request *req, const char *data, size_t *size)
{
    switch (req->phase) {
    case INGEST_PHASE_RECEIVING:
        if (*size > 0)
            return ingest_post_receive(req, data, size);
        return ingest_post_finish(req);
    case INGEST_PHASE_PUBLISHING:
        return ingest_post_answer(req); /* resumed by ingest_on_published */
    case INGEST_PHASE_ANSWERED:
        break;
    }
    return MHD_NO;
}
