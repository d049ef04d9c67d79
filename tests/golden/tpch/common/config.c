/*
 * config.c - environment variables parsed and validated from a table (see config.h).
 */
#include "config.h"

#include "buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- parsers ------------------------------------------------------------ */

/* Parse an optionally signed run of decimal digits at text; *end is where it stops. */
static nn_status nn_parse_digits(const char *text, long long *out, const char **end)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return NN_ERR_INVALID;
    errno = 0;
    char *stop = NULL;
    long long v = strtoll(text, &stop, 10);
    if (errno == ERANGE)
        return NN_ERR_INVALID;
    *out = v;
    *end = stop;
    return NN_OK;
}

nn_status nn_config_parse_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
    long long v;
    const char *end;
    if (nn_parse_digits(text, &v, &end) != NN_OK || *end != '\0' || v < min || v > max)
        return NN_ERR_INVALID;
    *out = (int64_t)v;
    return NN_OK;
}

nn_status nn_config_parse_ms(const char *text, int64_t min, int64_t max, int64_t *out)
{
    static const struct {
        const char *suffix;
        long long ms;
    } units[] = {{"", 1}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
    long long v;
    const char *end;
    if (nn_parse_digits(text, &v, &end) != NN_OK || v < 0)
        return NN_ERR_INVALID;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        if (v > INT64_MAX / units[i].ms)
            return NN_ERR_INVALID;
        int64_t ms = (int64_t)(v * units[i].ms);
        if (ms < min || ms > max)
            return NN_ERR_INVALID;
        *out = ms;
        return NN_OK;
    }
    return NN_ERR_INVALID;
}

nn_status nn_config_parse_choice(const char *text, const char *choices, int *out)
{
    size_t len = strlen(text);
    int index = 0;
    for (const char *p = choices; *p; index++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && len > 0 && strncasecmp(p, text, n) == 0) {
            *out = index;
            return NN_OK;
        }
        p += n + (bar ? 1 : 0);
    }
    return NN_ERR_INVALID;
}

nn_status nn_config_parse_bool(const char *text, bool *out)
{
    int index;
    if (nn_config_parse_choice(text, "true|1|yes|on", &index) == NN_OK) {
        *out = true;
        return NN_OK;
    }
    if (nn_config_parse_choice(text, "false|0|no|off", &index) == NN_OK) {
        *out = false;
        return NN_OK;
    }
    return NN_ERR_INVALID;
}

/* One URL of n bytes at url: an accepted scheme, "://", then something. */
static nn_status nn_check_one_url(const char *url, size_t n, const char *schemes)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(url + i, "://", 3) == 0) {
            sep = url + i;
            break;
        }
    }
    if (!sep || sep == url || (size_t)(sep - url) + 3 == n)
        return NN_ERR_INVALID;
    size_t scheme_len = (size_t)(sep - url);
    for (const char *p = schemes; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == scheme_len && strncasecmp(p, url, len) == 0)
            return NN_OK;
        p += len + (bar ? 1 : 0);
    }
    return NN_ERR_INVALID;
}

nn_status nn_config_check_url(const char *text, const char *schemes, bool list)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p <= ' ' || *p == 0x7f)
            return NN_ERR_INVALID;
    }
    if (!list)
        return nn_check_one_url(text, strlen(text), schemes);
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (nn_check_one_url(p, n, schemes) != NN_OK)
            return NN_ERR_INVALID;
        if (!comma)
            return NN_OK;
        p = comma + 1;
    }
}

/* ---- loading ------------------------------------------------------------ */

/* The choices list "a|b|c" written for people: "a, b, c". */
static void nn_put_choices(nn_buf *b, const char *choices, const char *suffix)
{
    for (const char *p = choices; *p; p++) {
        if (*p == '|')
            nn_buf_printf(b, "%s, ", suffix);
        else
            nn_buf_putc(b, *p);
    }
    nn_buf_puts(b, suffix);
}

/* What a variable accepts, for error messages. */
static void nn_put_expectation(nn_buf *b, const nn_config_var *var)
{
    switch (var->kind) {
    case NN_CONFIG_STRING:
        nn_buf_puts(b, "expected text");
        break;
    case NN_CONFIG_INT:
        nn_buf_printf(b, "expected an integer from %lld to %lld", (long long)var->min,
                      (long long)var->max);
        break;
    case NN_CONFIG_MS:
        nn_buf_printf(b, "expected a duration from %lld to %lld ms (e.g. 1500, 1500ms, 2s, 1m)",
                      (long long)var->min, (long long)var->max);
        break;
    case NN_CONFIG_URL:
        nn_buf_puts(b, var->list ? "expected comma-separated URLs starting with "
                                 : "expected a URL starting with ");
        nn_put_choices(b, var->choices, "://");
        break;
    case NN_CONFIG_CHOICE:
        nn_buf_puts(b, "expected one of ");
        nn_put_choices(b, var->choices, "");
        break;
    case NN_CONFIG_BOOL:
        nn_buf_puts(b, "expected true or false");
        break;
    }
}

/* Parse text for var and store it into settings. */
static nn_status nn_config_store(const nn_config_var *var, const char *text, void *settings)
{
    char *dest = (char *)settings + var->offset;
    nn_status st = NN_OK;
    switch (var->kind) {
    case NN_CONFIG_STRING:
        memcpy(dest, &text, sizeof text);
        break;
    case NN_CONFIG_URL:
        if (text)
            st = nn_config_check_url(text, var->choices, var->list);
        if (st == NN_OK)
            memcpy(dest, &text, sizeof text);
        break;
    case NN_CONFIG_INT:
    case NN_CONFIG_MS: {
        int64_t v = 0;
        if (text && var->kind == NN_CONFIG_INT)
            st = nn_config_parse_int(text, var->min, var->max, &v);
        else if (text)
            st = nn_config_parse_ms(text, var->min, var->max, &v);
        if (st == NN_OK)
            memcpy(dest, &v, sizeof v);
        break;
    }
    case NN_CONFIG_CHOICE: {
        int v = 0;
        if (text)
            st = nn_config_parse_choice(text, var->choices, &v);
        if (st == NN_OK)
            memcpy(dest, &v, sizeof v);
        break;
    }
    case NN_CONFIG_BOOL: {
        bool v = false;
        if (text)
            st = nn_config_parse_bool(text, &v);
        if (st == NN_OK)
            memcpy(dest, &v, sizeof v);
        break;
    }
    }
    return st;
}

static const char *nn_config_getenv(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

nn_status nn_config_load(const nn_config_var *vars, size_t count, void *settings, char **errors)
{
    return nn_config_load_from(vars, count, settings, nn_config_getenv, NULL, errors);
}

nn_status nn_config_load_from(const nn_config_var *vars, size_t count, void *settings,
                              nn_config_lookup lookup, void *ctx, char **errors)
{
    nn_buf report = NN_BUF_INIT;
    *errors = NULL;
    for (size_t i = 0; i < count; i++) {
        const nn_config_var *var = &vars[i];
        const char *text = lookup(var->name, ctx);
        bool from_env = text && *text;
        if (!from_env)
            text = var->fallback;
        if (nn_config_store(var, text, settings) == NN_OK)
            continue;
        nn_buf_puts(&report, var->name);
        if (!from_env) {
            nn_buf_puts(&report, " (default)");
        } else if (!var->secret) {
            nn_buf_putc(&report, '=');
            nn_buf_json_string(&report, text);
        }
        nn_buf_puts(&report, ": ");
        nn_put_expectation(&report, var);
        nn_buf_putc(&report, '\n');
    }
    if (nn_buf_status(&report) != NN_OK) {
        nn_buf_free(&report);
        return NN_ERR_NOMEM;
    }
    if (report.len == 0) {
        nn_buf_free(&report);
        return NN_OK;
    }
    *errors = nn_buf_detach(&report);
    return *errors ? NN_ERR_INVALID : NN_ERR_NOMEM;
}

/* ---- help and logging ---------------------------------------------------- */

void nn_config_help(nn_buf *out, const nn_config_var *vars, size_t count)
{
    int width = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(vars[i].name);
        width = n > (size_t)width ? (int)n : width;
    }
    nn_buf_puts(out, "Environment:\n");
    for (size_t i = 0; i < count; i++) {
        const nn_config_var *var = &vars[i];
        nn_buf_printf(out, "  %-*s  %s\n", width, var->name, var->help);
        nn_buf_printf(out, "  %-*s  default: %s\n", width, "",
                      var->fallback ? var->fallback : "unset");
    }
}

/* "user:secret@" -> "user:***@", "token@" -> "***@" in every URL of the list. */
char *nn_config_mask_url(const char *url)
{
    nn_buf b = NN_BUF_INIT;
    const char *p = url;
    while (*p) {
        const char *sep = strstr(p, "://");
        if (!sep) {
            nn_buf_puts(&b, p);
            break;
        }
        sep += 3;
        nn_buf_append(&b, p, (size_t)(sep - p));
        size_t authority = strcspn(sep, "/?#,");
        const char *at = memchr(sep, '@', authority);
        if (at) {
            const char *colon = memchr(sep, ':', (size_t)(at - sep));
            if (colon)
                nn_buf_append(&b, sep, (size_t)(colon - sep) + 1);
            nn_buf_puts(&b, "***");
            sep = at;
        }
        size_t rest = strcspn(sep, ",");
        nn_buf_append(&b, sep, rest);
        p = sep + rest;
        if (*p == ',') {
            nn_buf_putc(&b, ',');
            p++;
        }
    }
    return nn_buf_detach(&b);
}

/* The name of choice number index of "a|b|c" (fresh string). */
static char *nn_choice_name(const char *choices, int index)
{
    const char *p = choices;
    for (int i = 0; i < index && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    if (!p)
        p = "";
    size_t n = strcspn(p, "|");
    char *name = malloc(n + 1);
    if (name) {
        memcpy(name, p, n);
        name[n] = '\0';
    }
    return name;
}

void nn_config_log(const nn_config_var *vars, size_t count, const void *settings)
{
    nn_log_field *fields = calloc(count ? count : 1, sizeof *fields);
    char **owned = calloc(count ? count : 1, sizeof *owned);
    if (!fields || !owned) {
        free(fields);
        free(owned);
        nn_log_error("cannot log the configuration: out of memory");
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const nn_config_var *var = &vars[i];
        const char *src = (const char *)settings + var->offset;
        const char *s;
        int64_t i64;
        int choice;
        bool b;
        switch (var->kind) {
        case NN_CONFIG_STRING:
        case NN_CONFIG_URL:
            memcpy(&s, src, sizeof s);
            if (var->secret && s)
                s = "(set)";
            else if (var->kind == NN_CONFIG_URL && s)
                s = owned[i] = nn_config_mask_url(s);
            fields[i] = NN_LOG_STR(var->name, s);
            break;
        case NN_CONFIG_INT:
        case NN_CONFIG_MS:
            memcpy(&i64, src, sizeof i64);
            fields[i] = NN_LOG_INT(var->name, i64);
            break;
        case NN_CONFIG_CHOICE:
            memcpy(&choice, src, sizeof choice);
            owned[i] = nn_choice_name(var->choices, choice);
            fields[i] = NN_LOG_STR(var->name, owned[i]);
            break;
        case NN_CONFIG_BOOL:
            memcpy(&b, src, sizeof b);
            fields[i] = NN_LOG_BOOL(var->name, b);
            break;
        }
    }
    nn_log_fields(NN_LOG_INFO, "configuration", fields, count);
    for (size_t i = 0; i < count; i++)
        free(owned[i]);
    free(owned);
    free(fields);
}
