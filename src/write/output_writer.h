/*
 * output_writer.h - puts a rendered tree on disk without ever leaving a
 * half-written output behind.
 *
 * Everything is first written into a temporary folder beside OUT. A new OUT is
 * then that folder renamed into place. An existing OUT must be a nomnom tree
 * (it has .nomnom/manifest.json) unless force is set; in it, generated files
 * are replaced one rename at a time, files nomnom generated before but no
 * longer does are deleted, and every other file is left alone. Generated files
 * edited by hand since the last run are only overwritten with force.
 */
#ifndef NN_OUTPUT_WRITER_H
#define NN_OUTPUT_WRITER_H

#include "base/error.h"
#include "render/template_tree.h"

#include <stdbool.h>

typedef struct nn_write_options {
    const char *out_dir;
    const char *version;    /* nomnom version for the manifest */
    const char *input_hash; /* hash of the render model */
    bool force;
} nn_write_options;

nn_status nn_output_write(const nn_output_tree *tree, const nn_write_options *opts, nn_error *err);

#endif
