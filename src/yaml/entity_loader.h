/*
 * entity_loader.h - loads a folder of entity YAML files into an nn_entity_set.
 *
 * Every *.yaml / *.yml file of the folder (hidden files excepted) holds one
 * entity under the top key `entity:` (DESIGN.md §3). Files are read in
 * strcmp order of their names. Each problem found is recorded in err as
 * "file:line:column: message"; loading goes on past errors so that one run
 * reports as many problems as possible. When every file loads, the set is
 * checked with nn_model_validate (model/validate.h).
 */
#ifndef NN_ENTITY_LOADER_H
#define NN_ENTITY_LOADER_H

#include "base/error.h"
#include "model/entity.h"

/*
 * Load DIR into *out. On success *out owns everything (free it with
 * nn_entity_set_free). On failure *out is left empty and err says why:
 * NN_ERR_INPUT for bad definitions (or a folder without entity files),
 * NN_ERR_IO when the folder or a file cannot be read.
 *
 * out->project_name is the folder's name, or its parent's name when the
 * folder is called "entities", lower-cased, with every character outside
 * [a-z0-9-] replaced by '-'.
 */
nn_status nn_entities_load(const char *dir, nn_entity_set *out, nn_error *err);

#endif
