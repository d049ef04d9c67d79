/*
 * streams.h - the JetStream streams of the pipeline, defined once for every
 * service (DESIGN.md §5):
 *
 *     MESSAGES      messages.ingest.<Entity>   what the ingestion API accepted
 *     MESSAGES_DLQ  messages.dlq.<Entity>      what the worker gave up on
 *
 * Both use file storage and the limits of nn_stream_settings, read from the
 * environment with NN_CONFIG_STREAM_VARS. nn_streams_ensure() creates a
 * missing stream and brings an existing one's limits up to date, so whichever
 * service starts first sets them up.
 */
#ifndef NN_STREAMS_H
#define NN_STREAMS_H

#include "config.h"
#include "status.h"

#include <nats/nats.h>
#include <stdint.h>

#define NN_STREAM_MESSAGES       "MESSAGES"
#define NN_STREAM_DLQ            "MESSAGES_DLQ"
#define NN_SUBJECT_INGEST_PREFIX "messages.ingest."
#define NN_SUBJECT_INGEST_ALL    "messages.ingest.>"
#define NN_SUBJECT_DLQ_PREFIX    "messages.dlq."
#define NN_SUBJECT_DLQ_ALL       "messages.dlq.>"

typedef struct nn_stream_settings {
    int64_t max_age_ms;          /* STREAM_MAX_AGE: how long a message is kept */
    int64_t max_bytes;           /* STREAM_MAX_BYTES: size cap per stream (-1: none) */
    int64_t duplicate_window_ms; /* STREAM_DUPLICATE_WINDOW: Nats-Msg-Id de-duplication */
    int64_t replicas;            /* STREAM_REPLICAS: copies in a clustered JetStream */
} nn_stream_settings;

/* The stream variables, for a service's nn_config_var table. */
#define NN_CONFIG_STREAM_VARS(type, member)                                                        \
    {.name = "STREAM_MAX_AGE",                                                                     \
     .kind = NN_CONFIG_MS,                                                                         \
     .fallback = "168h",                                                                           \
     .min = 1000,                                                                                  \
     .max = INT64_MAX / 1000000,                                                                   \
     .offset = offsetof(type, member.max_age_ms),                                                  \
     .help = "how long the streams keep a message"},                                               \
        {.name = "STREAM_MAX_BYTES",                                                               \
         .kind = NN_CONFIG_INT,                                                                    \
         .fallback = "1073741824",                                                                 \
         .min = -1,                                                                                \
         .max = INT64_MAX,                                                                         \
         .offset = offsetof(type, member.max_bytes),                                               \
         .help = "size limit of each stream in bytes (-1: unlimited)"},                            \
        {.name = "STREAM_DUPLICATE_WINDOW",                                                        \
         .kind = NN_CONFIG_MS,                                                                     \
         .fallback = "2m",                                                                         \
         .min = 100,                                                                               \
         .max = INT64_MAX / 1000000,                                                               \
         .offset = offsetof(type, member.duplicate_window_ms),                                     \
         .help = "window in which a repeated message id (Idempotency-Key) is dropped"},            \
    {                                                                                              \
        .name = "STREAM_REPLICAS", .kind = NN_CONFIG_INT, .fallback = "1", .min = 1, .max = 5,     \
        .offset = offsetof(type, member.replicas),                                                 \
        .help = "stream replicas (3 for a clustered JetStream)"                                    \
    }

/*
 * Create MESSAGES and MESSAGES_DLQ when missing; update their limits when they
 * differ. NN_ERR_UNAVAILABLE when JetStream cannot be reached (try again later).
 */
nn_status nn_streams_ensure(jsCtx *js, const nn_stream_settings *settings);

/* Are both streams there? (for /ready) */
bool nn_streams_present(jsCtx *js);

#endif
