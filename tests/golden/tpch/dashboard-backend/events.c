/*
 * events.c - the poller-to-server event queue (see events.h).
 */
#include "events.h"

#include <stdlib.h>

event *event_new(event_kind kind)
{
    event *ev = calloc(1, sizeof *ev);
    if (ev)
        ev->kind = kind;
    return ev;
}

void event_free(event *ev)
{
    if (!ev)
        return;
    wsmsg_unref(ev->message);
    wsmsg_unref(ev->snapshot);
    free(ev->stats_body);
    free(ev);
}

void event_list_free(event *head)
{
    while (head) {
        event *next = head->next;
        event_free(head);
        head = next;
    }
}

/* The memory an event keeps queued, for the byte limit. */
static size_t event_bytes(const event *ev)
{
    size_t n = sizeof *ev;
    if (ev->message)
        n += ev->message->len;
    if (ev->snapshot)
        n += ev->snapshot->len;
    return n;
}

nn_status event_queue_init(event_queue *q, size_t max_bytes)
{
    q->head = q->tail = NULL;
    q->bytes = 0;
    q->max_bytes = max_bytes;
    q->closed = false;
    q->wake = NULL;
    q->wake_ctx = NULL;
    if (pthread_mutex_init(&q->lock, NULL) != 0)
        return NN_ERR_NOMEM;
    if (pthread_cond_init(&q->room, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        return NN_ERR_NOMEM;
    }
    return NN_OK;
}

void event_queue_destroy(event_queue *q)
{
    event_list_free(q->head);
    q->head = q->tail = NULL;
    pthread_cond_destroy(&q->room);
    pthread_mutex_destroy(&q->lock);
}

void event_queue_set_wake(event_queue *q, void (*wake)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&q->lock);
    q->wake = wake;
    q->wake_ctx = ctx;
    pthread_mutex_unlock(&q->lock);
}

bool event_queue_push(event_queue *q, event *ev)
{
    ev->next = NULL;
    size_t bytes = event_bytes(ev);
    pthread_mutex_lock(&q->lock);
    /* an empty queue always takes the event, however large */
    while (!q->closed && q->head && q->bytes + bytes > q->max_bytes)
        pthread_cond_wait(&q->room, &q->lock);
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        event_free(ev);
        return false;
    }
    if (q->tail)
        q->tail->next = ev;
    else
        q->head = ev;
    q->tail = ev;
    q->bytes += bytes;
    void (*wake)(void *) = q->wake;
    void *wake_ctx = q->wake_ctx;
    pthread_mutex_unlock(&q->lock);
    if (wake)
        wake(wake_ctx);
    return true;
}

event *event_queue_pop(event_queue *q)
{
    pthread_mutex_lock(&q->lock);
    event *ev = q->head;
    if (ev) {
        q->head = ev->next;
        if (!q->head)
            q->tail = NULL;
        q->bytes -= event_bytes(ev);
        ev->next = NULL;
        pthread_cond_broadcast(&q->room);
    }
    pthread_mutex_unlock(&q->lock);
    return ev;
}

void event_queue_close(event_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->room);
    pthread_mutex_unlock(&q->lock);
}
