/*
 * http.h - answering HTTP requests: routing, REST endpoints, the frontend
 * bundle, CORS, and writing a response body in pieces.
 *
 *   GET|HEAD /health /ready /metrics /api/health /api/entities /api/stats
 *   GET /ws with an Upgrade header: the WebSocket (426 without one)
 *   GET|HEAD anything else: a file of the bundle (index.html for app routes)
 *   OPTIONS: 204 (a CORS preflight when CORS_ORIGIN is set)
 *   other methods: 405
 *
 * With CORS_ORIGIN set, the answers under /api/ carry Access-Control-Allow-Origin.
 */
#ifndef BACKEND_HTTP_H
#define BACKEND_HTTP_H

#include "server.h"

#include <libwebsockets.h>

/* LWS_CALLBACK_HTTP: path is the request path. Returns the callback's return. */
int http_request(server *srv, struct lws *wsi, session *s, const char *path);

/* LWS_CALLBACK_HTTP_WRITEABLE: the next piece of the body. */
int http_writable(server *srv, struct lws *wsi, session *s);

/* LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: only /ws becomes a WebSocket. */
int http_confirm_upgrade(server *srv, struct lws *wsi, session *s);

/* Free what a session holds (LWS_CALLBACK_HTTP_DROP_PROTOCOL, CLOSED_HTTP). */
void http_session_end(session *s);

#endif
