/*
 * test_config.c - environment parsing (common/config.c): every kind of
 * variable, defaults, ranges, and error reports that name the variable.
 */
#include "check.h"

#include "common/config.h"

#include <stdlib.h>
#include <string.h>

typedef struct settings {
    const char *url;
    const char *urls;
    int64_t port;
    int64_t wait_ms;
    int level;
    bool flag;
    const char *token;
    const char *name;
} settings;

static const nn_config_var vars[] = {
    {.name = "DB",
     .kind = NN_CONFIG_URL,
     .fallback = "postgres://localhost/db",
     .choices = "postgres|postgresql",
     .offset = offsetof(settings, url),
     .help = "database"},
    {.name = "SERVERS",
     .kind = NN_CONFIG_URL,
     .fallback = "nats://127.0.0.1:4222",
     .choices = "nats|tls",
     .list = true,
     .offset = offsetof(settings, urls),
     .help = "servers"},
    {.name = "PORT",
     .kind = NN_CONFIG_INT,
     .fallback = "8080",
     .min = 1,
     .max = 65535,
     .offset = offsetof(settings, port),
     .help = "port"},
    {.name = "WAIT_MS",
     .kind = NN_CONFIG_MS,
     .fallback = "500",
     .min = 10,
     .max = 60000,
     .offset = offsetof(settings, wait_ms),
     .help = "wait"},
    {.name = "LEVEL",
     .kind = NN_CONFIG_CHOICE,
     .fallback = "info",
     .choices = "debug|info|warn|error",
     .offset = offsetof(settings, level),
     .help = "level"},
    {.name = "FLAG",
     .kind = NN_CONFIG_BOOL,
     .fallback = "false",
     .offset = offsetof(settings, flag),
     .help = "flag"},
    {.name = "TOKEN",
     .kind = NN_CONFIG_STRING,
     .secret = true,
     .offset = offsetof(settings, token),
     .help = "token"},
    {.name = "NAME",
     .kind = NN_CONFIG_STRING,
     .fallback = "x",
     .offset = offsetof(settings, name),
     .help = "name"},
};
static const size_t var_count = sizeof vars / sizeof vars[0];

/* A fake environment: NULL-terminated "NAME=value" strings. */
static const char *lookup(const char *name, void *ctx)
{
    size_t n = strlen(name);
    for (const char *const *entry = ctx; *entry; entry++) {
        if (strncmp(*entry, name, n) == 0 && (*entry)[n] == '=')
            return *entry + n + 1;
    }
    return NULL;
}

static nn_status load(const char *const *env, settings *s, char **errors)
{
    memset(s, 0, sizeof *s);
    return nn_config_load_from(vars, var_count, s, lookup, (void *)env, errors);
}

static void test_defaults(void)
{
    static const char *const env[] = {"PORT=", NULL}; /* empty counts as unset */
    settings s;
    char *errors = NULL;
    CHECK_INT(load(env, &s, &errors), NN_OK);
    CHECK(errors == NULL);
    CHECK_STR(s.url, "postgres://localhost/db");
    CHECK_STR(s.urls, "nats://127.0.0.1:4222");
    CHECK_INT(s.port, 8080);
    CHECK_INT(s.wait_ms, 500);
    CHECK_INT(s.level, 1);
    CHECK(!s.flag);
    CHECK(s.token == NULL);
    CHECK_STR(s.name, "x");
}

static void test_values(void)
{
    static const char *const env[] = {
        "DB=postgresql://user:pw@db.example:5433/app?sslmode=disable",
        "SERVERS=nats://a:4222,tls://b:4222",
        "PORT=65535",
        "WAIT_MS=2s",
        "LEVEL=WARN",
        "FLAG=yes",
        "TOKEN=s3cret",
        NULL,
    };
    settings s;
    char *errors = NULL;
    CHECK_INT(load(env, &s, &errors), NN_OK);
    CHECK_STR(s.url, "postgresql://user:pw@db.example:5433/app?sslmode=disable");
    CHECK_STR(s.urls, "nats://a:4222,tls://b:4222");
    CHECK_INT(s.port, 65535);
    CHECK_INT(s.wait_ms, 2000);
    CHECK_INT(s.level, 2);
    CHECK(s.flag);
    CHECK_STR(s.token, "s3cret");
}

static void test_errors_name_the_variable(void)
{
    static const char *const env[] = {
        "DB=mysql://x",  "SERVERS=nats://a,", "PORT=80a", "WAIT_MS=5",
        "LEVEL=verbose", "FLAG=maybe",        "TOKEN=",   NULL,
    };
    settings s;
    char *errors = NULL;
    CHECK_INT(load(env, &s, &errors), NN_ERR_INVALID);
    CHECK(errors != NULL);
    if (!errors)
        return;
    static const char want[] =
        "DB=\"mysql://x\": expected a URL starting with postgres://, postgresql://\n"
        "SERVERS=\"nats://a,\": expected comma-separated URLs starting with nats://, tls://\n"
        "PORT=\"80a\": expected an integer from 1 to 65535\n"
        "WAIT_MS=\"5\": expected a duration from 10 to 60000 ms (e.g. 1500, 1500ms, 2s, 1m)\n"
        "LEVEL=\"verbose\": expected one of debug, info, warn, error\n"
        "FLAG=\"maybe\": expected true or false\n";
    CHECK_STR(errors, want);
    free(errors);

    /* a secret is never echoed */
    static const char *const secret_env[] = {"PORT=0", NULL};
    static const nn_config_var secret_var[] = {
        {.name = "PORT",
         .kind = NN_CONFIG_INT,
         .min = 1,
         .max = 9,
         .secret = true,
         .offset = offsetof(settings, port),
         .help = "port"},
    };
    CHECK_INT(nn_config_load_from(secret_var, 1, &s, lookup, (void *)secret_env, &errors),
              NN_ERR_INVALID);
    CHECK_STR(errors, "PORT: expected an integer from 1 to 9\n");
    free(errors);
}

static void test_parsers(void)
{
    int64_t v = 0;
    CHECK_INT(nn_config_parse_int("-5", -10, 10, &v), NN_OK);
    CHECK_INT(v, -5);
    CHECK_INT(nn_config_parse_int(" 5", 0, 10, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_int("5 ", 0, 10, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_int("", 0, 10, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_int("11", 0, 10, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_int("99999999999999999999", 0, INT64_MAX, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_ms("1m", 0, INT64_MAX, &v), NN_OK);
    CHECK_INT(v, 60000);
    CHECK_INT(nn_config_parse_ms("250ms", 0, INT64_MAX, &v), NN_OK);
    CHECK_INT(v, 250);
    CHECK_INT(nn_config_parse_ms("1h", 0, INT64_MAX, &v), NN_OK);
    CHECK_INT(v, 3600000);
    CHECK_INT(nn_config_parse_ms("-1s", -INT64_MAX, INT64_MAX, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_ms("1d", 0, INT64_MAX, &v), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_ms("9223372036854775807h", 0, INT64_MAX, &v), NN_ERR_INVALID);
    int choice = -1;
    CHECK_INT(nn_config_parse_choice("json", "text|json", &choice), NN_OK);
    CHECK_INT(choice, 1);
    CHECK_INT(nn_config_parse_choice("", "text|json", &choice), NN_ERR_INVALID);
    CHECK_INT(nn_config_parse_choice("tex", "text|json", &choice), NN_ERR_INVALID);
    CHECK_INT(nn_config_check_url("nats://h:1", "nats", false), NN_OK);
    CHECK_INT(nn_config_check_url("nats://", "nats", false), NN_ERR_INVALID);
    CHECK_INT(nn_config_check_url("nats://h 1", "nats", false), NN_ERR_INVALID);
    CHECK_INT(nn_config_check_url("NATS://h", "nats", false), NN_OK);
    CHECK_INT(nn_config_check_url("postgres://h1:1,h2:2/db", "postgres", false), NN_OK);
}

static void test_mask_url(void)
{
    char *m = nn_config_mask_url("postgres://user:pw@host:5432/db");
    CHECK_STR(m, "postgres://user:***@host:5432/db");
    free(m);
    m = nn_config_mask_url("nats://token@a:4222,nats://b:4222");
    CHECK_STR(m, "nats://***@a:4222,nats://b:4222");
    free(m);
    m = nn_config_mask_url("nats://127.0.0.1:4222");
    CHECK_STR(m, "nats://127.0.0.1:4222");
    free(m);
    m = nn_config_mask_url("postgres://h/db?user=a@b");
    CHECK_STR(m, "postgres://h/db?user=a@b");
    free(m);
}

int main(void)
{
    test_defaults();
    test_values();
    test_errors_name_the_variable();
    test_parsers();
    test_mask_url();
    return nn_check_finish();
}
