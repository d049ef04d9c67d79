/*
 * wsmsg.h - one WebSocket text message, built once and shared by every
 * client it is sent to.
 *
 * The poller builds a message (rows, snapshot, stats, error) and hands it to
 * the server thread; from then on only the server thread touches it: each
 * client queue holds a reference, and the last unref frees it. The reference
 * count is therefore not atomic.
 */
#ifndef BACKEND_WSMSG_H
#define BACKEND_WSMSG_H

#include "common/buf.h"

#include <stddef.h>

/* Bytes kept free before the text: room for a WebSocket frame header, which
 * the library writes in front of the payload (LWS_PRE; checked in clients.c).
 * Every client gets the same header for the same message, so one message
 * serves them all without a copy. */
#define WSMSG_HEADROOM 32

typedef struct wsmsg {
    size_t refs;
    size_t len; /* bytes of text, not counting the NUL */
    unsigned char headroom[WSMSG_HEADROOM];
    char text[]; /* NUL-terminated */
} wsmsg;

/* A message holding the content of b (b is left empty). NULL when b has
 * failed or memory runs out; b is emptied either way. */
wsmsg *wsmsg_from_buf(nn_buf *b);

/* A message holding a copy of the len bytes at text; NULL when out of memory. */
wsmsg *wsmsg_new(const char *text, size_t len);

/* Another reference to m (m itself, for convenience). */
wsmsg *wsmsg_ref(wsmsg *m);

/* Drop a reference; frees m with the last one. NULL is ignored. */
void wsmsg_unref(wsmsg *m);

#endif
