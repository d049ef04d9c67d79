/*
 * validate.h - the cross-reference checks of an entity set.
 *
 * Run by the loader once every file has been read. Checks names (entities,
 * fields, tables, columns), duplicates, derived entities against their parent,
 * computed_from sources and transforms, unicity fields and field overrides.
 * Every problem is recorded, as "file:line:column: message", before
 * returning, so one run shows them all.
 */
#ifndef NN_VALIDATE_H
#define NN_VALIDATE_H

#include "base/error.h"
#include "model/entity.h"

/* NN_OK when SET is consistent, else NN_ERR_INPUT with every problem in err. */
nn_status nn_model_validate(nn_entity_set *set, nn_error *err);

#endif
