/*
 * main.c - the dashboard backend: entry point.
 *
 * Reads its environment (settings.c), then lists the entities it shows. The
 * HTTP/WebSocket server and the poller are still to come; for now the
 * program exits once configured.
 */
#include "settings.h"

#include "common/entities.h"
#include "common/log.h"

int main(int argc, char **argv)
{
    backend_settings settings;
    int exit_code;
    if (!nn_cli_start(&backend_cli, argc, argv, &settings, &exit_code))
        return exit_code;

    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        if (e->persistent)
            nn_log_info("entity", NN_LOG_STR("name", e->name), NN_LOG_STR("table", e->table));
    }
    nn_log_info("nothing more to do yet: exiting");
    return 0;
}
