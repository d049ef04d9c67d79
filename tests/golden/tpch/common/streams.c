/*
 * streams.c - creates and updates the pipeline's JetStream streams (see streams.h).
 */
#include "streams.h"

#include "log.h"

#include <string.h>

/* nats.c durations are in nanoseconds */
#define NN_NS_PER_MS 1000000LL

typedef struct nn_stream_def {
    const char *name;
    const char *subject;
    const char *description;
} nn_stream_def;

static const nn_stream_def nn_stream_defs[] = {
    {NN_STREAM_MESSAGES, NN_SUBJECT_INGEST_ALL, "messages accepted by the ingestion API"},
    {NN_STREAM_DLQ, NN_SUBJECT_DLQ_ALL, "messages the worker could not store"},
};

static void nn_stream_config(jsStreamConfig *cfg, const nn_stream_def *def, const char **subjects,
                             const nn_stream_settings *s)
{
    jsStreamConfig_Init(cfg);
    subjects[0] = def->subject;
    cfg->Name = def->name;
    cfg->Description = def->description;
    cfg->Subjects = subjects;
    cfg->SubjectsLen = 1;
    cfg->Storage = js_FileStorage;
    cfg->Retention = js_LimitsPolicy;
    cfg->Discard = js_DiscardOld;
    cfg->MaxAge = s->max_age_ms * NN_NS_PER_MS;
    cfg->MaxBytes = s->max_bytes;
    cfg->Duplicates = s->duplicate_window_ms * NN_NS_PER_MS;
    cfg->Replicas = s->replicas;
}

static bool nn_stream_limits_differ(const jsStreamConfig *have, const jsStreamConfig *want)
{
    return have->MaxAge != want->MaxAge || have->MaxBytes != want->MaxBytes ||
           have->Duplicates != want->Duplicates || have->Replicas != want->Replicas;
}

static nn_status nn_stream_ensure(jsCtx *js, const nn_stream_def *def,
                                  const nn_stream_settings *settings)
{
    const char *subjects[1];
    jsStreamConfig want;
    nn_stream_config(&want, def, subjects, settings);

    jsStreamInfo *info = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&info, js, def->name, NULL, &jerr);
    if (s == NATS_NOT_FOUND) {
        s = js_AddStream(&info, js, &want, NULL, &jerr);
        if (s == NATS_OK)
            nn_log_info("stream created", NN_LOG_STR("stream", def->name),
                        NN_LOG_STR("subjects", def->subject));
    } else if (s == NATS_OK && nn_stream_limits_differ(info->Config, &want)) {
        jsStreamInfo_Destroy(info);
        info = NULL;
        s = js_UpdateStream(&info, js, &want, NULL, &jerr);
        if (s == NATS_OK)
            nn_log_info("stream limits updated", NN_LOG_STR("stream", def->name));
    }
    jsStreamInfo_Destroy(info);
    if (s != NATS_OK) {
        nn_log_warn("stream setup failed", NN_LOG_STR("stream", def->name),
                    NN_LOG_STR("error", natsStatus_GetText(s)), NN_LOG_INT("js_error", jerr));
        return NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

nn_status nn_streams_ensure(jsCtx *js, const nn_stream_settings *settings)
{
    for (size_t i = 0; i < sizeof nn_stream_defs / sizeof nn_stream_defs[0]; i++) {
        nn_status st = nn_stream_ensure(js, &nn_stream_defs[i], settings);
        if (st != NN_OK)
            return st;
    }
    return NN_OK;
}

bool nn_streams_present(jsCtx *js)
{
    for (size_t i = 0; i < sizeof nn_stream_defs / sizeof nn_stream_defs[0]; i++) {
        jsStreamInfo *info = NULL;
        natsStatus s = js_GetStreamInfo(&info, js, nn_stream_defs[i].name, NULL, NULL);
        jsStreamInfo_Destroy(info);
        if (s != NATS_OK)
            return false;
    }
    return true;
}
