/*
 * version.h - what this tree is: the project it was generated for and the
 * nomnom that generated it (shown by --version and in logs).
 */
#ifndef NN_VERSION_H
#define NN_VERSION_H

#define NN_PROJECT_NAME   "tpch"
#define NN_PROJECT_TITLE  "Tpch"
#define NN_NOMNOM_VERSION "0.1.0"

#endif
