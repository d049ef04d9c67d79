/*
 * dlq.c - dead-letter documents published with a PubAck (see dlq.h).
 */
#include "dlq.h"

#include "common/clock.h"
#include "common/log.h"
#include "common/streams.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Now as RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.123Z */
static json_t *worker_dlq_now(void)
{
    char text[NN_CLOCK_TEXT_SIZE];
    return nn_clock_now_text(text) == NN_OK ? json_string(text) : json_null();
}

/* len bytes as a JSON string; when they are not UTF-8, every byte beyond
 * ASCII becomes '?' (the document must stay publishable). */
static json_t *worker_dlq_raw(const char *raw, size_t len)
{
    json_t *s = json_stringn(raw, len);
    if (s)
        return s;
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)raw[i] < 0x80)
            copy[i] = raw[i];
        else
            copy[i] = '?';
    }
    s = json_stringn(copy, len);
    free(copy);
    return s;
}

/*
 * The DLQ document as compact JSON text (free() it); NULL when out of memory.
 * Without the envelope and details (whole = false) it always fits a NATS
 * message; the original stays in stream MESSAGES at stream_sequence.
 */
static char *worker_dlq_document(const worker_dlq_entry *entry, bool whole)
{
    json_t *doc = json_object();
    if (!doc)
        return NULL;
    json_t *envelope;
    if (!whole)
        envelope = json_string("(too large for a DLQ message: see stream_sequence in MESSAGES)");
    else if (entry->envelope)
        envelope = json_deep_copy(entry->envelope);
    else
        envelope = worker_dlq_raw(entry->raw ? entry->raw : "", entry->raw ? entry->raw_len : 0);
    int failed = envelope ? json_object_set_new(doc, "envelope", envelope) : -1;
    const char *error = entry->error ? entry->error : "";
    failed |= json_object_set_new(doc, "error", worker_dlq_raw(error, strlen(error)));
    failed |= json_object_set_new(doc, "attempts", json_integer(entry->attempts));
    failed |= json_object_set_new(doc, "failed_at", worker_dlq_now());
    if (entry->origin)
        failed |= json_object_set_new(doc, "ingest_subject", json_string(entry->origin));
    failed |=
        json_object_set_new(doc, "stream_sequence", json_integer((json_int_t)entry->sequence));
    if (entry->details && whole)
        failed |= json_object_set_new(doc, "details", json_deep_copy(entry->details));
    char *text = failed ? NULL : json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

nn_status worker_dlq_publish(natsConnection *conn, jsCtx *js, const worker_dlq_entry *entry)
{
    char *text = worker_dlq_document(entry, true);
    if (text && strlen(text) > (size_t)natsConnection_GetMaxPayload(conn)) {
        free(text);
        text = worker_dlq_document(entry, false);
    }
    if (!text)
        return NN_ERR_NOMEM;
    jsPubOptions opts;
    natsStatus s = jsPubOptions_Init(&opts);
    if (s == NATS_OK) {
        opts.MsgId = entry->message_id;
        opts.ExpectStream = NN_STREAM_DLQ;
        opts.MaxWait = 5000;
    }
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    if (s == NATS_OK)
        s = js_Publish(&ack, js, entry->subject, text, (int)strlen(text), &opts, &jerr);
    jsPubAck_Destroy(ack);
    free(text);
    if (s != NATS_OK) {
        nn_log_warn("DLQ publish failed", NN_LOG_STR("subject", entry->subject),
                    NN_LOG_STR("message_id", entry->message_id),
                    NN_LOG_STR("error", natsStatus_GetText(s)), NN_LOG_INT("js_error", jerr));
        return NN_ERR_UNAVAILABLE;
    }
    nn_log_warn("message sent to the DLQ", NN_LOG_STR("subject", entry->subject),
                NN_LOG_STR("message_id", entry->message_id), NN_LOG_STR("error", entry->error),
                NN_LOG_INT("attempts", entry->attempts));
    return NN_OK;
}
