/*
 * envelope.c - message ids, the source, and the published
 * envelope (see envelope.h).
 */
#include "envelope.h"

#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <uuid/uuid.h>

/*
 * uuid_generate_random() costs six system calls (it re-seeds a fallback
 * generator each time). Random bytes are instead taken from the kernel's
 * generator (getrandom) 16 UUIDs' worth at a time, into a buffer of the
 * calling thread: one system call per 16 requests. Each byte is used once.
 */
#define INGEST_RANDOM_BYTES (16 * sizeof(uuid_t))

static _Thread_local unsigned char ingest_random[INGEST_RANDOM_BYTES];
static _Thread_local size_t ingest_random_used = INGEST_RANDOM_BYTES;

/* The next 16 random bytes; false when the kernel's generator fails. */
static bool ingest_random_uuid_bytes(uuid_t uu)
{
    if (ingest_random_used + sizeof(uuid_t) > sizeof ingest_random) {
        if (getrandom(ingest_random, sizeof ingest_random, 0) != (ssize_t)sizeof ingest_random)
            return false;
        ingest_random_used = 0;
    }
    memcpy(uu, ingest_random + ingest_random_used, sizeof(uuid_t));
    /* used bytes are not kept around */
    memset(ingest_random + ingest_random_used, 0, sizeof(uuid_t));
    ingest_random_used += sizeof(uuid_t);
    return true;
}

void ingest_message_id_random(ingest_message_id *id)
{
    uuid_t uu = {0};
    if (ingest_random_uuid_bytes(uu)) {
        uu[6] = (unsigned char)((uu[6] & 0x0f) | 0x40); /* version 4 */
        uu[8] = (unsigned char)((uu[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    } else {
        uuid_generate_random(uu);
    }
    uuid_unparse_lower(uu, id->text);
}

nn_status ingest_message_id_from_key(const char *key, ingest_message_id *id)
{
    size_t len = strlen(key);
    if (len == 0 || len > INGEST_MAX_KEY_BYTES)
        return NN_ERR_INVALID;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 0x20 || c > 0x7e)
            return NN_ERR_INVALID;
    }
    uuid_t uu;
    if (uuid_parse(key, uu) == 0) {
        uuid_unparse_lower(uu, id->text);
        return NN_OK;
    }
    uuid_t ns;
    if (uuid_parse(INGEST_IDEMPOTENCY_NAMESPACE, ns) != 0)
        return NN_ERR_INVALID; /* cannot happen: a constant */
    uuid_generate_sha1(uu, ns, key, len);
    uuid_unparse_lower(uu, id->text);
    return NN_OK;
}

/* Length of the UTF-8 sequence at s (1-4), or 0 when it is not well-formed
 * (overlong forms, surrogates and code points beyond U+10FFFF refused). */
static size_t ingest_utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = c == 0xed ? 0x9f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

bool ingest_source_valid(const char *source)
{
    const unsigned char *p = (const unsigned char *)source;
    size_t len = strlen(source);
    if (len == 0 || len > INGEST_MAX_SOURCE_BYTES)
        return false;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        /* a NUL ends the string, so a truncated sequence fails its checks */
        size_t n = ingest_utf8_sequence(p);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

nn_status ingest_envelope_write(nn_buf *out, const ingest_message_id *id, const nn_entity *entity,
                                const char *received_at, const char *source, const char *payload,
                                size_t payload_len)
{
    /* the fixed part, the names and the payload, escaping aside */
    (void)nn_buf_reserve(out, 128 + strlen(entity->name) + strlen(source) + payload_len);
    nn_buf_puts(out, "{\"message_id\":\"");
    nn_buf_puts(out, id->text);
    nn_buf_puts(out, "\",\"entity_type\":");
    nn_buf_json_string(out, entity->name);
    nn_buf_puts(out, ",\"received_at\":\"");
    nn_buf_puts(out, received_at);
    nn_buf_puts(out, "\",\"source\":");
    nn_buf_json_string(out, source);
    nn_buf_puts(out, ",\"payload\":");
    nn_buf_append(out, payload, payload_len);
    nn_buf_putc(out, '}');
    return nn_buf_status(out);
}
