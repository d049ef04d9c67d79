/*
 * cmd_render.c - `nomnom render`: render one Mustache template with JSON data.
 */
#include "cli/cli.h"
#include "cli/options.h"

#include "base/fs.h"
#include "render/mustache.h"
#include "render/partial_dirs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nn_render_run(int argc, char **argv)
{
    const char *template_path = NULL, *data_path = NULL, *partials = NULL, *escape = "none";
    const nn_option options[] = {
        {"data", &data_path, NULL},
        {"partials", &partials, NULL},
        {"escape", &escape, NULL},
        {NULL, NULL, NULL},
    };
    int rc = nn_options_parse(&nn_cmd_render, argc, argv, options, &template_path, 1);
    if (rc >= 0)
        return rc;
    if (!template_path)
        return nn_cli_usage_error(&nn_cmd_render, "a TEMPLATE file is required");
    if (!data_path)
        return nn_cli_usage_error(&nn_cmd_render, "--data JSON_FILE is required");
    if (strcmp(escape, "html") != 0 && strcmp(escape, "none") != 0)
        return nn_cli_usage_error(&nn_cmd_render, "--escape takes html or none, not '%s'", escape);

    nn_error err;
    nn_error_init(&err);
    char *text = NULL;
    size_t len = 0;
    json_t *data = NULL;
    nn_strbuf out;
    nn_strbuf_init(&out);
    if (nn_fs_read(template_path, &text, &len, &err) == NN_OK) {
        json_error_t jerr;
        data = json_load_file(data_path, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!data)
            nn_error_at(&err, data_path, (size_t)(jerr.line > 0 ? jerr.line : 1),
                        (size_t)(jerr.column > 0 ? jerr.column : 1), "%s", jerr.text);
    }
    if (data) {
        nn_partial_dirs dirs = {.dirs = {partials}};
        nn_mustache_options opts = {
            .escape_html = strcmp(escape, "html") == 0,
            .partial = nn_partial_dirs_load,
            .partial_ctx = &dirs,
            .template_name = template_path,
        };
        if (nn_mustache_render(text, len, data, &opts, &out, &err) == NN_OK &&
            (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0))
            nn_error_set(&err, NN_ERR_IO, "cannot write to standard output");
    }
    nn_strbuf_free(&out);
    json_decref(data);
    free(text);
    return nn_cli_report(&err);
}

const nn_command nn_cmd_render = {
    .name = "render",
    .summary = "render one Mustache template with JSON data",
    .usage =
        "Usage: nomnom render TEMPLATE --data JSON_FILE [--partials DIR] [--escape html|none]\n"
        "\n"
        "Renders TEMPLATE (Mustache) with the JSON document in JSON_FILE and writes\n"
        "the result to standard output byte for byte. Use it with the output of\n"
        "'nomnom model' to see what a template generates.\n"
        "\n"
        "Options:\n"
        "  --data JSON_FILE   the data (required)\n"
        "  --partials DIR     partial NAME is read from DIR/NAME.mustache\n"
        "  --escape MODE      html: escape {{name}} values as HTML; none (default):\n"
        "                     write values raw, as nomnom does for generated code\n"
        "  -h, --help         show this help\n",
    .run = nn_render_run,
};
