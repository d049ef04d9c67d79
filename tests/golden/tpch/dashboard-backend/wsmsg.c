/*
 * wsmsg.c - shared, reference-counted WebSocket messages (see wsmsg.h).
 */
#include "wsmsg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

wsmsg *wsmsg_new(const char *text, size_t len)
{
    if (len > SIZE_MAX - sizeof(wsmsg) - 1)
        return NULL;
    wsmsg *m = malloc(sizeof *m + len + 1);
    if (!m)
        return NULL;
    m->refs = 1;
    m->len = len;
    if (len)
        memcpy(m->text, text, len);
    m->text[len] = '\0';
    return m;
}

wsmsg *wsmsg_from_buf(nn_buf *b)
{
    wsmsg *m = NULL;
    if (nn_buf_status(b) == NN_OK)
        m = wsmsg_new(nn_buf_str(b), b->len);
    nn_buf_reset(b);
    return m;
}

wsmsg *wsmsg_ref(wsmsg *m)
{
    m->refs++;
    return m;
}

void wsmsg_unref(wsmsg *m)
{
    if (m && --m->refs == 0)
        free(m);
}
