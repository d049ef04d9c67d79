/*
 * json_arena.c - per-thread bump allocation for jansson while a request body
 * is parsed and validated (see json_arena.h).
 */
#include "json_arena.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* Under AddressSanitizer jansson keeps plain malloc and free, so that the
 * sanitizer still sees the life of every value (a bump arena would hide a
 * value used after its scope). */
#if defined(__SANITIZE_ADDRESS__)
#define INGEST_ARENA_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INGEST_ARENA_ENABLED 0
#endif
#endif
#ifndef INGEST_ARENA_ENABLED
#define INGEST_ARENA_ENABLED 1
#endif

/* Bytes of a thread's block: the example order takes about 4 KiB. */
#define INGEST_ARENA_BYTES ((size_t)64 * 1024)
/* Alignment of every allocation (what malloc guarantees on x86-64). */
#define INGEST_ARENA_ALIGN ((size_t)16)

typedef struct ingest_arena {
    unsigned char *block; /* INGEST_ARENA_BYTES, NULL until first used */
    size_t used;
    bool open; /* inside a scope */
} ingest_arena;

static _Thread_local ingest_arena ingest_thread_arena;
/* Frees a thread's block when the thread ends. */
static pthread_key_t ingest_arena_key;

static void ingest_arena_release(void *block)
{
    free(block);
}

static bool ingest_arena_owns(const ingest_arena *a, const void *p)
{
    uintptr_t at = (uintptr_t)p;
    uintptr_t start = (uintptr_t)a->block;
    return a->block && at >= start && at < start + INGEST_ARENA_BYTES;
}

static void *ingest_arena_malloc(size_t size)
{
    ingest_arena *a = &ingest_thread_arena;
    if (size == 0)
        size = 1; /* a distinct pointer, as from malloc */
    if (a->open && a->block && size <= INGEST_ARENA_BYTES) {
        size_t rounded = (size + INGEST_ARENA_ALIGN - 1) & ~(INGEST_ARENA_ALIGN - 1);
        if (rounded <= INGEST_ARENA_BYTES - a->used) {
            void *p = a->block + a->used;
            a->used += rounded;
            return p;
        }
    }
    return malloc(size);
}

/* A block of this thread's arena is reclaimed at the end of the scope; a
 * pointer from anywhere else (another thread's arena cannot reach here: its
 * values never leave their scope) came from malloc. */
static void ingest_arena_free(void *p)
{
    if (!ingest_arena_owns(&ingest_thread_arena, p))
        free(p);
}

nn_status ingest_json_arena_install(void)
{
    if (!INGEST_ARENA_ENABLED)
        return NN_OK;
    if (pthread_key_create(&ingest_arena_key, ingest_arena_release) != 0)
        return NN_ERR_NOMEM;
    json_set_alloc_funcs(ingest_arena_malloc, ingest_arena_free);
    return NN_OK;
}

void ingest_json_arena_begin(void)
{
    if (!INGEST_ARENA_ENABLED)
        return; /* no key, no block: jansson uses malloc */
    ingest_arena *a = &ingest_thread_arena;
    if (!a->block) {
        a->block = malloc(INGEST_ARENA_BYTES);
        /* without a block (out of memory), or without the key to free it
         * later, allocations go to malloc */
        if (a->block && pthread_setspecific(ingest_arena_key, a->block) != 0) {
            free(a->block);
            a->block = NULL;
        }
    }
    a->used = 0;
    a->open = true;
}

void ingest_json_arena_end(void)
{
    ingest_arena *a = &ingest_thread_arena;
    a->open = false;
    a->used = 0;
}
