/*
 * json_arena.h - jansson's memory for the request bodies being checked,
 * taken from a per-thread arena instead of malloc.
 *
 * Parsing and validating a body builds a tree of some dozens of jansson
 * values, each one or two malloc() calls, all freed a moment later: malloc
 * and free were a tenth of the API's CPU. Between ingest_json_arena_begin()
 * and ingest_json_arena_end() on a thread, jansson's allocations on that
 * thread are cut from one block of the thread (bump allocation, free does
 * nothing); beyond the block, and on every other thread or outside the
 * scope, they are plain malloc() and free(). Built with AddressSanitizer,
 * the arena stays off, so the sanitizer sees every value.
 *
 * Rules: every jansson value allocated inside a scope is released (its last
 * reference dropped) before the scope ends, on the same thread; scopes do
 * not nest. ingest_json_arena_install() runs once, before any jansson call.
 */
#ifndef INGEST_JSON_ARENA_H
#define INGEST_JSON_ARENA_H

#include "common/status.h"

/* Make jansson allocate through the arena functions. NN_ERR_NOMEM when the
 * thread-local key cannot be created. */
nn_status ingest_json_arena_install(void);

/* Open a scope on the calling thread (its block is made on first use). */
void ingest_json_arena_begin(void);

/* Close it: the block is reused by the next scope. */
void ingest_json_arena_end(void);

#endif
