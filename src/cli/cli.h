/*
 * cli.h - the commands of the nomnom program and what they share.
 *
 * Each command lives in its own cmd_*.c file and returns the process exit
 * code: 0 success, 1 bad input (entities, templates, data, files), 2 usage.
 */
#ifndef NN_CLI_H
#define NN_CLI_H

#include "base/error.h"
#include "model/entity.h"

#include <jansson.h>

enum { NN_EXIT_OK = 0, NN_EXIT_INPUT = 1, NN_EXIT_USAGE = 2 };

typedef struct nn_command {
    const char *name;
    const char *summary;
    const char *usage; /* full --help text */
    int (*run)(int argc, char **argv);
} nn_command;

extern const nn_command nn_cmd_generate_dashboard;
extern const nn_command nn_cmd_validate;
extern const nn_command nn_cmd_model;
extern const nn_command nn_cmd_render;

/* Print err's messages to stderr and map its status to an exit code. */
int nn_cli_report(nn_error *err);

/* Complain about the command line (to stderr, with a pointer to --help): returns 2. */
int nn_cli_usage_error(const nn_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Load and validate DIR, then build the render model (*model: new reference). */
nn_status nn_cli_load_model(const char *entities_dir, nn_entity_set *set, json_t **model,
                            nn_error *err);

#endif
