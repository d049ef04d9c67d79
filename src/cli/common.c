/*
 * common.c - what the commands share: error reporting, usage errors, and the
 * load -> validate -> render model pipeline.
 */
#include "cli/cli.h"

#include "model/render_model.h"
#include "yaml/entity_loader.h"

#include <stdarg.h>
#include <stdio.h>

int nn_cli_report(nn_error *err)
{
    if (err->text.len)
        fputs(err->text.buf, stderr);
    int code = err->status == NN_OK          ? NN_EXIT_OK
               : err->status == NN_ERR_USAGE ? NN_EXIT_USAGE
                                             : NN_EXIT_INPUT;
    if (err->count > 1)
        fprintf(stderr, "nomnom: %zu errors\n", err->count);
    nn_error_free(err);
    return code;
}

int nn_cli_usage_error(const nn_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nomnom %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'nomnom %s --help'.\n", cmd->name);
    return NN_EXIT_USAGE;
}

nn_status nn_cli_load_model(const char *entities_dir, nn_entity_set *set, json_t **model,
                            nn_error *err)
{
    *model = NULL;
    nn_status st = nn_entities_load(entities_dir, set, err);
    if (st != NN_OK)
        return st;
    *model = nn_render_model_build(set, NOMNOM_VERSION);
    return NN_OK;
}
