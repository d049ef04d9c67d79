/*
 * options.h - parsing a command's long options ("--name VALUE", "--name=VALUE",
 * flags, positional arguments) from a table, with --help built in.
 */
#ifndef NN_OPTIONS_H
#define NN_OPTIONS_H

#include "cli/cli.h"

#include <stdbool.h>

typedef struct nn_option {
    const char *name;   /* without the leading "--" */
    const char **value; /* where a value option stores its argument, or NULL */
    bool *flag;         /* where a flag option stores true, or NULL */
} nn_option;

/*
 * Parse argv[1..] (argv[0] is the command name). Positional arguments are stored
 * in order into positional[0..max_positional-1]. Returns -1 when the command should
 * go on, or the exit code to return (help printed: 0; usage error: 2).
 */
int nn_options_parse(const nn_command *cmd, int argc, char **argv, const nn_option *options,
                     const char **positional, int max_positional);

#endif
