/*
 * cli.h - the command line every service shares: --help, --version, and
 * the service's own flags, then its environment through config.h.
 *
 *     int exit_code;
 *     if (!nn_cli_start(&cli, argc, argv, &settings, &exit_code))
 *         return exit_code;
 *
 * nn_cli_start prints --help or --version (exit 0), refuses unknown
 * arguments (exit 2), loads and validates the environment (exit 2 with one
 * line per bad variable), sets up logging from LOG_LEVEL and LOG_FORMAT and
 * logs the configuration.
 */
#ifndef NN_CLI_H
#define NN_CLI_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

/* A flag without a value, such as --migrate-only. */
typedef struct nn_cli_flag {
    const char *name; /* "--migrate-only" */
    const char *help;
    bool *set; /* becomes true when given */
} nn_cli_flag;

typedef struct nn_cli {
    const char *program; /* "ingestion-api": in help, version and every log line */
    const char *summary; /* what the program does, a few lines */
    const nn_config_var *vars;
    size_t var_count;
    const nn_cli_flag *flags; /* may be NULL */
    size_t flag_count;
    size_t log_level_offset;  /* offsetof() the LOG_LEVEL value (int) in the settings */
    size_t log_format_offset; /* offsetof() the LOG_FORMAT value (int) in the settings */
} nn_cli;

/*
 * true: go on running, settings filled in, logging set up. false: the
 * program ends now with *exit_code: 0 after --help or --version, 2 after a
 * usage or configuration error (already reported on stderr), 1 when out of
 * memory or writing the message failed.
 */
bool nn_cli_start(const nn_cli *cli, int argc, char **argv, void *settings, int *exit_code);

#endif
