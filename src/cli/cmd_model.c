/*
 * cmd_model.c - `nomnom model`: print the render model every template receives.
 */
#include "cli/cli.h"
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>

static int nn_model_run(int argc, char **argv)
{
    const char *entities = NULL;
    const nn_option options[] = {{"entities", &entities, NULL}, {NULL, NULL, NULL}};
    int rc = nn_options_parse(&nn_cmd_model, argc, argv, options, NULL, 0);
    if (rc >= 0)
        return rc;
    if (!entities)
        return nn_cli_usage_error(&nn_cmd_model, "--entities DIR is required");

    nn_error err;
    nn_error_init(&err);
    nn_entity_set set = {0};
    json_t *model = NULL;
    if (nn_cli_load_model(entities, &set, &model, &err) == NN_OK) {
        if (json_dumpf(model, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF)
            nn_error_set(&err, NN_ERR_IO, "cannot write the model to standard output");
    }
    json_decref(model);
    nn_entity_set_free(&set);
    return nn_cli_report(&err);
}

const nn_command nn_cmd_model = {
    .name = "model",
    .summary = "print the render model (JSON) the templates receive",
    .usage = "Usage: nomnom model --entities DIR\n"
             "\n"
             "Prints the render model built from DIR as JSON: exactly the data every\n"
             "template receives (see docs/templates.md).\n"
             "\n"
             "Options:\n"
             "  --entities DIR   folder of entity definitions (required)\n"
             "  -h, --help       show this help\n",
    .run = nn_model_run,
};
