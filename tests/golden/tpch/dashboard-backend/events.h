/*
 * events.h - what the poller thread tells the server thread, and the queue
 * that carries it.
 *
 * The poller pushes events in the order things happened; the server thread
 * takes them one by one (woken by the queue's wake function, which calls
 * lws_cancel_service) and applies them in that order: the newest snapshot of
 * each entity is always consistent with the rows messages already broadcast.
 *
 * The queue is bounded in bytes: when the server thread falls behind (it
 * takes no more while even its fastest client has a backlog, see server.c),
 * the poller waits in event_queue_push instead of piling up memory.
 */
#ifndef BACKEND_EVENTS_H
#define BACKEND_EVENTS_H

#include "wsmsg.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum event_kind {
    EVENT_SNAPSHOT, /* an entity's rows were (re)read whole: send its snapshot to every client */
    EVENT_ROWS,     /* new or updated rows of one entity */
    EVENT_STATS,    /* row counts and message_status counts changed */
    EVENT_DB_DOWN,  /* the database cannot be reached (message: an "error" message) */
    EVENT_DB_UP,    /* the database is reachable again and the rows are being followed */
} event_kind;

typedef struct event {
    event_kind kind;
    size_t entity;    /* SNAPSHOT, ROWS: index in nn_entities */
    bool complete;    /* SNAPSHOT: the last entity of a full (re)read */
    wsmsg *message;   /* ROWS: the rows message; STATS: the stats message; DB_DOWN: the error */
    wsmsg *snapshot;  /* SNAPSHOT, ROWS: the entity's snapshot message after this event,
                         NULL when a ROWS event left it unchanged */
    char *stats_body; /* STATS: the body of GET /api/stats */
    size_t rows;      /* ROWS: how many rows the message carries */
    struct event *next;
} event;

/* A zeroed event of this kind; NULL when out of memory. */
event *event_new(event_kind kind);

/* Free ev and everything it holds (not the events after it). */
void event_free(event *ev);

/* Free a list of events linked by next. */
void event_list_free(event *head);

typedef struct event_queue {
    pthread_mutex_t lock;
    pthread_cond_t room; /* signalled when events are taken or the queue closes */
    event *head, *tail;
    size_t bytes;     /* message bytes queued */
    size_t max_bytes; /* push waits while bytes exceeds this */
    bool closed;
    void (*wake)(void *ctx); /* tells the consumer there is something to take */
    void *wake_ctx;
} event_queue;

nn_status event_queue_init(event_queue *q, size_t max_bytes);
void event_queue_destroy(event_queue *q);

/* Set how the consumer is woken (before the producer starts). */
void event_queue_set_wake(event_queue *q, void (*wake)(void *ctx), void *ctx);

/*
 * Append ev (ownership passes to the queue) and wake the consumer. Waits
 * while the queue is over its byte limit. false when the queue is closed:
 * ev has been freed and the producer should stop.
 */
bool event_queue_push(event_queue *q, event *ev);

/* Take the oldest queued event (NULL when empty). */
event *event_queue_pop(event_queue *q);

/* No more events: pushers stop waiting and every later push fails. */
void event_queue_close(event_queue *q);

#endif
