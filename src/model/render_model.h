/*
 * render_model.h - builds the render model: the one JSON document that every
 * template receives (`nomnom model` prints it). Its shape is documented in
 * docs/templates.md; change the two together.
 */
#ifndef NN_RENDER_MODEL_H
#define NN_RENDER_MODEL_H

#include "model/entity.h"

#include <jansson.h>

/* Returns a new reference; the set must have passed validation. */
json_t *nn_render_model_build(const nn_entity_set *set, const char *nomnom_version);

#endif
