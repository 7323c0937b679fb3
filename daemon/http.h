/*
 * http.h - the HTTP API and dashboard server.
 *
 * libmicrohttpd without threads of its own, in epoll mode: its epoll fd is
 * watched by the node's libevent loop and MHD_run() is called from there,
 * so handlers run on the loop thread and need no locks.  Routes are a
 * table (method, path, admin-only, handler); api.c holds the handlers.
 */
#ifndef CHORUSD_HTTP_H
#define CHORUSD_HTTP_H

#include <stddef.h>

struct node;
struct http;

#define HTTP_MAX_BODY		8192	/* request body bytes */
#define HTTP_MAX_RESPONSE_FILE	(4u << 20)	/* static file size */

/* Listen on the configured http-address; NULL with err filled. */
struct http	*http_new(struct node *, char *err, size_t errlen);
void		 http_free(struct http *);
/* Bound port (for logs and tests with port 0). */
unsigned	 http_port(const struct http *);
/* Bound address as text ("127.0.0.1:8440", "[::1]:8440"), for status. */
const char	*http_name(const struct http *);

#endif
