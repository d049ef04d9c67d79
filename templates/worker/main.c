/*
 * main.c - the worker: entry point.
 *
 * Reads its environment (settings.c), then lists the tables it writes. The
 * JetStream consumer and the PostgreSQL writer are still to come; for now
 * the program exits once configured.
 */
#include "settings.h"

#include "common/entities.h"
#include "common/log.h"

int main(int argc, char **argv)
{
    worker_settings settings;
    int exit_code;
    if (!nn_cli_start(&worker_cli, argc, argv, &settings, &exit_code))
        return exit_code;
    if (worker_settings_check(&settings) != NN_OK)
        return 2;

    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        if (e->persistent)
            nn_log_info("table", NN_LOG_STR("entity", e->name), NN_LOG_STR("table", e->table));
    }
    nn_log_info("nothing more to do yet: exiting");
    return 0;
}
