/*
 * envelope.c - parsing and checking message envelopes (see envelope.h).
 */
#include "envelope.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/validate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool worker_is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return s[sizeof shape - 1] == '\0';
}

static nn_status worker_envelope_refuse(char **error, const char *reason, const char *detail)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_printf(&b, "invalid envelope: %s", reason);
    if (detail)
        nn_buf_printf(&b, " (%s)", detail);
    *error = nn_buf_detach(&b);
    return *error ? NN_ERR_INVALID : NN_ERR_NOMEM;
}

/* The string at key of obj, or NULL when absent or not a string. */
static const char *worker_envelope_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

nn_status worker_envelope_parse(worker_envelope *env, const char *data, size_t len, char **error)
{
    memset(env, 0, sizeof *env);
    *error = NULL;

    char *syntax = NULL;
    nn_status st = nn_json_parse(data, len, &env->root, &syntax);
    if (st == NN_ERR_INVALID) {
        st = worker_envelope_refuse(error, "not JSON", syntax);
        free(syntax);
        return st;
    }
    if (st != NN_OK)
        return st;
    if (!json_is_object(env->root))
        return worker_envelope_refuse(error, "not a JSON object", NULL);

    env->entity_type = worker_envelope_string(env->root, "entity_type");
    env->source = worker_envelope_string(env->root, "source");
    env->payload = json_object_get(env->root, "payload");
    const char *id = worker_envelope_string(env->root, "message_id");
    if (id && worker_is_uuid(id))
        env->message_id = id;
    const char *received = worker_envelope_string(env->root, "received_at");
    if (received && nn_validate_datetime(received))
        env->received_at = received;

    if (!env->message_id)
        return worker_envelope_refuse(error, "message_id is not a UUID", NULL);
    if (!env->entity_type)
        return worker_envelope_refuse(error, "entity_type is not a string", NULL);
    return NN_OK;
}

void worker_envelope_free(worker_envelope *env)
{
    json_decref(env->root);
    memset(env, 0, sizeof *env);
}
