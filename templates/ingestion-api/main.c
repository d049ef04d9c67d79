/*
 * main.c - the ingestion API: entry point.
 *
 * Reads its environment (settings.c), then lists the endpoints it serves.
 * The HTTP server and the JetStream publisher are still to come; for now the
 * program exits once configured.
 */
#include "settings.h"

#include "common/entities.h"
#include "common/log.h"

int main(int argc, char **argv)
{
    ingest_settings settings;
    int exit_code;
    if (!nn_cli_start(&ingest_cli, argc, argv, &settings, &exit_code))
        return exit_code;

    for (size_t i = 0; i < nn_entity_count; i++) {
        const nn_entity *e = nn_entities[i];
        if (e->ingestible)
            nn_log_info("endpoint", NN_LOG_STR("entity", e->name),
                        NN_LOG_STR("subject", e->subject));
    }
    nn_log_info("nothing more to do yet: exiting");
    return 0;
}
