/*
 * options.c - table-driven long-option parsing for the commands (see options.h).
 */
#include "cli/options.h"

#include <stdio.h>
#include <string.h>

static const nn_option *nn_find_option(const nn_option *options, const char *name, size_t len)
{
    for (const nn_option *o = options; o->name; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    }
    return NULL;
}

int nn_options_parse(const nn_command *cmd, int argc, char **argv, const nn_option *options,
                     const char **positional, int max_positional)
{
    int npos = 0;
    bool only_positional = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (npos >= max_positional)
                return nn_cli_usage_error(cmd, "unexpected argument '%s'", arg);
            positional[npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cmd->usage, stdout);
            return NN_EXIT_OK;
        }
        if (strncmp(arg, "--", 2) != 0)
            return nn_cli_usage_error(cmd, "unknown option '%s'", arg);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const nn_option *o = nn_find_option(options, name, len);
        if (!o)
            return nn_cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
        if (o->flag) {
            if (eq)
                return nn_cli_usage_error(cmd, "option '--%s' takes no value", o->name);
            *o->flag = true;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            return nn_cli_usage_error(cmd, "option '--%s' needs a value", o->name);
        }
    }
    return -1;
}
