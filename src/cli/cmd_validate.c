/*
 * cmd_validate.c - `nomnom validate`: load and check entity definitions only.
 */
#include "cli/cli.h"
#include "cli/options.h"

#include <stdio.h>

static int nn_validate_run(int argc, char **argv)
{
    const char *entities = NULL;
    const nn_option options[] = {{"entities", &entities, NULL}, {NULL, NULL, NULL}};
    int rc = nn_options_parse(&nn_cmd_validate, argc, argv, options, NULL, 0);
    if (rc >= 0)
        return rc;
    if (!entities)
        return nn_cli_usage_error(&nn_cmd_validate, "--entities DIR is required");

    nn_error err;
    nn_error_init(&err);
    nn_entity_set set = {0};
    json_t *model = NULL;
    if (nn_cli_load_model(entities, &set, &model, &err) == NN_OK) {
        printf("%s: %zu entities, all valid:", entities, set.count);
        for (size_t i = 0; i < set.count; i++)
            printf(" %s (%s)", set.entities[i].name,
                   nn_source_type_name(set.entities[i].source_type));
        putchar('\n');
    }
    json_decref(model);
    nn_entity_set_free(&set);
    return nn_cli_report(&err);
}

const nn_command nn_cmd_validate = {
    .name = "validate",
    .summary = "load and check entity definitions",
    .usage = "Usage: nomnom validate --entities DIR\n"
             "\n"
             "Loads every *.yaml file of DIR (in file-name order) and checks it: YAML\n"
             "syntax, known keys and types, unique names, derived entities and their\n"
             "sources, unicity fields. Errors name file:line:column. Nothing is written.\n"
             "\n"
             "Options:\n"
             "  --entities DIR   folder of entity definitions (required)\n"
             "  -h, --help       show this help\n",
    .run = nn_validate_run,
};
