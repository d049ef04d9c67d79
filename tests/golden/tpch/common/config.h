/*
 * config.h - service configuration from environment variables.
 *
 * A service describes its variables once, in a table of nn_config_var; the
 * same table drives parsing and validation (nn_config_load), --help
 * (nn_config_help) and the start-up log line (nn_config_log):
 *
 *     typedef struct my_settings { int64_t port; const char *nats_url; } my_settings;
 *     static const nn_config_var vars[] = {
 *         NN_CONFIG_NATS_URL(my_settings, nats_url),
 *         NN_CONFIG_PORT(my_settings, port, "8080"),
 *     };
 *
 * Every variable is parsed (an unset or empty variable takes its default), and
 * every problem is reported, each naming its variable:
 *     PORT="80a": expected an integer from 1 to 65535
 *
 * Where each kind of variable stores its value (at .offset in the settings):
 *     NN_CONFIG_STRING, NN_CONFIG_URL   const char *  (NULL when unset without default;
 *                                                      points into the environment)
 *     NN_CONFIG_INT, NN_CONFIG_MS       int64_t
 *     NN_CONFIG_CHOICE                  int           (index in .choices)
 *     NN_CONFIG_BOOL                    bool
 */
#ifndef NN_CONFIG_H
#define NN_CONFIG_H

#include "buf.h"
#include "log.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum nn_config_kind {
    NN_CONFIG_STRING, /* any text */
    NN_CONFIG_INT,    /* a decimal integer within [min, max] */
    NN_CONFIG_MS,     /* a duration in milliseconds within [min, max]: "500", "500ms", "2s", "1m" */
    NN_CONFIG_URL,    /* scheme://rest with a scheme listed in .choices ("nats|tls") */
    NN_CONFIG_CHOICE, /* one of .choices ("debug|info|warn|error"), case-insensitive */
    NN_CONFIG_BOOL,   /* true/false, 1/0, yes/no, on/off */
} nn_config_kind;

typedef struct nn_config_var {
    const char *name; /* environment variable */
    nn_config_kind kind;
    const char *fallback; /* the default, written as in the environment; NULL: none */
    int64_t min, max;     /* INT and MS: accepted range (MS in milliseconds) */
    const char *choices;  /* CHOICE: accepted values; URL: accepted schemes; '|'-separated */
    bool list;            /* URL: a comma-separated list of URLs */
    bool secret;          /* never printed: logged as "(set)" */
    size_t offset;        /* offsetof() the value in the caller's settings structure */
    const char *help;     /* one line for --help */
} nn_config_var;

/* Looks a variable up; getenv() for nn_config_load. */
typedef const char *(*nn_config_lookup)(const char *name, void *ctx);

/*
 * Parse every variable of vars into settings. NN_OK, NN_ERR_INVALID (with
 * *errors set to one line per problem, each ending in '\n'; free() it) or
 * NN_ERR_NOMEM. *errors is NULL unless NN_ERR_INVALID.
 */
nn_status nn_config_load(const nn_config_var *vars, size_t count, void *settings, char **errors);

/* The same with another source of values than the environment (tests). */
nn_status nn_config_load_from(const nn_config_var *vars, size_t count, void *settings,
                              nn_config_lookup lookup, void *ctx, char **errors);

/* Append the "Environment:" section of --help (name, description, default) to out. */
void nn_config_help(nn_buf *out, const nn_config_var *vars, size_t count);

/* One info line "configuration" with every variable as a field; secrets and
 * URL passwords masked. */
void nn_config_log(const nn_config_var *vars, size_t count, const void *settings);

/*
 * A copy of a URL (or comma-separated list) fit for logs: the password of
 * "user:secret@" becomes "user:***@", a bare "token@" becomes "***@".
 * free() it; NULL when out of memory.
 */
char *nn_config_mask_url(const char *url);

/* The parsers behind nn_config_load; each returns NN_OK or NN_ERR_INVALID. */
nn_status nn_config_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);
nn_status nn_config_parse_ms(const char *text, int64_t min, int64_t max, int64_t *out);
nn_status nn_config_parse_choice(const char *text, const char *choices, int *out);
nn_status nn_config_parse_bool(const char *text, bool *out);
nn_status nn_config_check_url(const char *text, const char *schemes, bool list);

/* The variables shared by the services (DESIGN.md §5), for the tables. */
#define NN_CONFIG_NATS_URL(type, member)                                                           \
    {                                                                                              \
        .name = "NATS_URL", .kind = NN_CONFIG_URL, .fallback = "nats://127.0.0.1:4222",            \
        .choices = "nats|tls", .list = true, .offset = offsetof(type, member),                     \
        .help = "NATS server URL, or a comma-separated list of them"                               \
    }

#define NN_CONFIG_DATABASE_URL(type, member)                                                       \
    {                                                                                              \
        .name = "DATABASE_URL", .kind = NN_CONFIG_URL,                                             \
        .fallback = "postgres://postgres@127.0.0.1:5432/postgres",                                 \
        .choices = "postgres|postgresql", .offset = offsetof(type, member),                        \
        .help = "PostgreSQL connection URL"                                                        \
    }

#define NN_CONFIG_PORT(type, member, default_port)                                                 \
    {                                                                                              \
        .name = "PORT", .kind = NN_CONFIG_INT, .fallback = (default_port), .min = 1, .max = 65535, \
        .offset = offsetof(type, member), .help = "TCP port to listen on"                          \
    }

#define NN_CONFIG_LOG_LEVEL(type, member)                                                          \
    {                                                                                              \
        .name = "LOG_LEVEL", .kind = NN_CONFIG_CHOICE, .fallback = "info",                         \
        .choices = NN_LOG_LEVEL_CHOICES, .offset = offsetof(type, member),                         \
        .help = "least severe level logged: debug, info, warn or error"                            \
    }

#define NN_CONFIG_LOG_FORMAT(type, member)                                                         \
    {                                                                                              \
        .name = "LOG_FORMAT", .kind = NN_CONFIG_CHOICE, .fallback = "text",                        \
        .choices = NN_LOG_FORMAT_CHOICES, .offset = offsetof(type, member),                        \
        .help = "log line format: text or json (one JSON object per line)"                         \
    }

#endif
