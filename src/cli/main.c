/*
 * main.c - the nomnom program: picks the command and hands it the arguments.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const nn_command *const nn_commands[] = {
    &nn_cmd_generate_dashboard,
    &nn_cmd_validate,
    &nn_cmd_model,
    &nn_cmd_render,
};
#define NN_COMMAND_COUNT (sizeof nn_commands / sizeof nn_commands[0])

static void nn_print_help(FILE *to)
{
    fputs("Usage: nomnom COMMAND [OPTIONS]\n"
          "\n"
          "nomnom generates a real-time ingestion pipeline and dashboard (C services,\n"
          "SQL schema, React bundle, Dockerfiles, Helm chart) from YAML entity definitions.\n"
          "\n"
          "Commands:\n",
          to);
    for (size_t i = 0; i < NN_COMMAND_COUNT; i++)
        fprintf(to, "  %-20s %s\n", nn_commands[i]->name, nn_commands[i]->summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help           show this help\n"
          "  -V, --version        show the version\n"
          "\n"
          "Run 'nomnom COMMAND --help' for the options of a command.\n"
          "Exit status: 0 success, 1 invalid input, 2 invalid command line.\n",
          to);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        nn_print_help(stderr);
        return NN_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        nn_print_help(stdout);
        return NN_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("nomnom %s\n", NOMNOM_VERSION);
        return NN_EXIT_OK;
    }
    for (size_t i = 0; i < NN_COMMAND_COUNT; i++) {
        if (strcmp(name, nn_commands[i]->name) == 0)
            return nn_commands[i]->run(argc - 1, argv + 1);
    }
    fprintf(stderr, "nomnom: unknown command '%s'\nTry 'nomnom --help'.\n", name);
    return NN_EXIT_USAGE;
}
