/*
 * http.c - the HTTP API and dashboard server.
 *
 * Owns the libmicrohttpd daemon, its place in the node's event loop, the
 * route table and the dashboard's static files.  MHD runs in epoll mode
 * with no thread of its own: its epoll fd is a persistent read event on
 * the node's base, and after every MHD_run() a one-shot timer is set from
 * MHD_get_timeout(), or cleared when MHD has nothing timed, so an idle
 * server never wakes the loop.
 *
 * A request is checked in the order a cheap refusal allows: body size
 * (413, from Content-Length), route (404, or 405 with Allow), admin
 * token (401), then the body is read, validated against the route's
 * field table (400) and the handler in api.c builds the reply.  Every
 * reply carries the security headers; errors share api_error()'s shape.
 * Client addresses are never logged: MHD's own messages may hold them,
 * so they reach the log only at debug level with log-addresses full.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>

#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/standing.h"
#include "api.h"
#include "chorus.h"
#include "history.h"
#include "net.h"
#include "conf.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "node.h"
#include "sock.h"

#define HTTP_CONN_MEMORY	(32u << 10)	/* MHD buffer per connection */
#define HTTP_MAX_PER_IP		16		/* connections from one address */
#define HTTP_MAX_DISCARD	(64u << 10)	/* chunked body past the limit */
#define HTTP_ALLOWLEN		64		/* the Allow header */
#define HTTP_ERRLEN		128		/* a 400 message */
#define HTTP_LOGLEN		256		/* one MHD log message */
#define HTTP_FILE_CHARS		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789._-"
#define HTTP_INDEX		"index.html"
#define HTTP_BEARER		"Bearer "

#define HTTP_TYPE_JSON		"application/json"
#define HTTP_TYPE_METRICS	"text/plain; version=0.0.4; charset=utf-8"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct http {
	struct node		*node;
	struct MHD_Daemon	*mhd;
	struct event		*ev_read;	/* MHD's epoll fd */
	struct event		*ev_timer;	/* MHD_get_timeout() */
	unsigned		 port;
	char			 name[SOCK_NAMELEN];
	int			 starting;	/* in MHD_start_daemon() */
	char			 startmsg[HTTP_LOGLEN];	/* why start failed */
};

/* One request, from its headers to its completion. */
struct http_req {
	struct http		*http;
	struct MHD_Connection	*conn;
	const struct route	*route;
	char			*body;		/* HTTP_MAX_BODY bytes */
	size_t			 len;
	size_t			 discarded;
	int			 too_large;
};

/* What the dashboard and API answers are, for their headers. */
enum http_kind {
	HTTP_KIND_API,
	HTTP_KIND_FILE,
};

/* A field a JSON request body may carry. */
#define PARAM_REQUIRED	0x01
struct http_param {
	const char	*name;		/* NULL ends the table */
	json_type	 type;		/* JSON_TRUE stands for either boolean */
	int		 flags;
};

#define ROUTE_ADMIN	0x01	/* needs the admin token */
#define ROUTE_PREFIX	0x02	/* path, then at most one more segment */
struct route {
	const char		*method;
	const char		*path;
	int			 flags;
	/* Fields of a JSON body, NULL when the body is ignored. */
	const struct http_param	*params;
	enum MHD_Result		(*handler)(struct http_req *, const char *url,
				    json_t *body);
};

static enum MHD_Result	http_get_status(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_turn(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_rooms(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_nodes(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_leaderboard(struct http_req *,
			    const char *, json_t *);
static enum MHD_Result	http_post_report(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_topology(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_node(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_reports(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_metrics(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_history(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_room_hosts(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_post_drain(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_file(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_deny(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_post_deny(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_get_standing(struct http_req *, const char *,
			    json_t *);
static enum MHD_Result	http_delete_deny(struct http_req *, const char *,
			    json_t *);

/* An identity for the deny list: {"id": its 52 base32 characters}. */
static const struct http_param deny_params[] = {
	{ "id", JSON_STRING, PARAM_REQUIRED },
	{ NULL, JSON_NULL, 0 },
};

/* A measurement report: {"report": base64 of the signed record}. */
static const struct http_param report_params[] = {
	{ "report", JSON_STRING, PARAM_REQUIRED },
	{ NULL, JSON_NULL, 0 },
};

/* Drain takes no fields: an empty body or {}. */
static const struct http_param drain_params[] = {
	{ NULL, JSON_NULL, 0 },
};

/* Exact paths first: the first route whose path and method match wins. */
static const struct route http_routes[] = {
	{ "GET",	"/api/v1/status",	0, NULL, http_get_status },
	{ "GET",	"/api/v1/turn",		0, NULL, http_get_turn },
	{ "GET",	"/api/v1/rooms",	0, NULL, http_get_rooms },
	{ "GET",	"/api/v1/history",	0, NULL, http_get_history },
	{ "GET",	"/api/v1/network/nodes", 0, NULL, http_get_nodes },
	{ "GET",	"/api/v1/leaderboard",	0, NULL, http_get_leaderboard },
	{ "GET",	"/api/v1/topology",	0, NULL, http_get_topology },
	{ "GET",	"/api/v1/network/nodes/", ROUTE_PREFIX, NULL,
	    http_get_node },
	{ "GET",	"/api/v1/network/rooms/", ROUTE_PREFIX, NULL,
	    http_get_room_hosts },
	{ "GET",	"/api/v1/reports/",	ROUTE_PREFIX, NULL,
	    http_get_reports },
	{ "POST",	"/api/v1/reports",	0, report_params, http_post_report },
	{ "GET",	"/metrics",		0, NULL, http_get_metrics },
	{ "POST",	"/api/v1/drain",	ROUTE_ADMIN, drain_params,
	    http_post_drain },
	{ "GET",	"/api/v1/deny",		ROUTE_ADMIN, NULL, http_get_deny },
	{ "POST",	"/api/v1/deny",		ROUTE_ADMIN, deny_params,
	    http_post_deny },
	{ "DELETE",	"/api/v1/deny/",	ROUTE_ADMIN | ROUTE_PREFIX, NULL,
	    http_delete_deny },
	{ "GET",	"/api/v1/standing/",	ROUTE_ADMIN | ROUTE_PREFIX, NULL,
	    http_get_standing },
	{ "GET",	"/",			ROUTE_PREFIX, NULL,
	    http_get_file },
};

/* Dashboard files by extension; others are not served. */
static const struct {
	const char	*ext;
	const char	*type;
} http_file_types[] = {
	{ ".html",	"text/html; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".json",	"application/json" },
	{ ".ico",	"image/x-icon" },
};

/* Headers on every reply: API answers are never cached or framed. */
static const struct {
	const char	*name;
	const char	*api;
	const char	*file;
} http_headers[] = {
	{ "X-Content-Type-Options", "nosniff", "nosniff" },
	{ "Referrer-Policy", "no-referrer", "no-referrer" },
	{ "X-Frame-Options", "DENY", "DENY" },
	{ "Content-Security-Policy", "default-src 'none'",
	    "default-src 'self'" },
	{ "Cache-Control", "no-store", "no-cache" },
};

/* Add the security headers and the content type; -1 on ENOMEM. */
static int
http_add_headers(struct MHD_Response *resp, enum http_kind kind,
    const char *type)
{
	size_t i;

	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    type) != MHD_YES)
		return -1;
	for (i = 0; i < nitems(http_headers); i++)
		if (MHD_add_response_header(resp, http_headers[i].name,
		    kind == HTTP_KIND_API ? http_headers[i].api :
		    http_headers[i].file) != MHD_YES)
			return -1;
	return 0;
}

/* Queue resp with its headers, count errors; resp is released. */
static enum MHD_Result
http_queue(struct http_req *r, unsigned status, struct MHD_Response *resp,
    enum http_kind kind, const char *type)
{
	enum MHD_Result ret = MHD_NO;

	/* Without its security headers a reply is not sent at all. */
	if (http_add_headers(resp, kind, type) == 0)
		ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	if (status >= 400)
		metrics_add(&r->http->node->metrics, M_HTTP_ERRORS, 1);
	log_debug("%s: %s: %u", __func__,
	    r->route != NULL ? r->route->path : "-", status);
	return ret;
}

/* JSON text with a final newline; caller frees. */
static char *
http_json_text(const json_t *j, size_t *len)
{
	char *s, *t;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		return NULL;
	*len = strlen(s);
	if ((t = realloc(s, *len + 2)) == NULL) {
		free(s);
		return NULL;
	}
	t[(*len)++] = '\n';
	t[*len] = '\0';
	return t;
}

/*
 * Send j (taken) with status and one optional extra header.  A NULL j is
 * a handler that ran out of memory: 500.
 */
static enum MHD_Result
http_reply_json(struct http_req *r, unsigned status, json_t *j,
    const char *hname, const char *hvalue)
{
	struct MHD_Response *resp;
	char *text;
	size_t len;

	if (j == NULL) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		hname = NULL;
		if ((j = api_error(status, "internal error")) == NULL)
			return MHD_NO;
	}
	text = http_json_text(j, &len);
	json_decref(j);
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(len, text,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	if (hname != NULL &&
	    MHD_add_response_header(resp, hname, hvalue) != MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return http_queue(r, status, resp, HTTP_KIND_API, HTTP_TYPE_JSON);
}

/* {"error": {"code": status, "message": msg}} */
static enum MHD_Result
http_reply_error(struct http_req *r, unsigned status, const char *msg)
{
	return http_reply_json(r, status, api_error(status, msg), NULL, NULL);
}

/* Content-Length as sent, 0 if absent; MHD has checked its syntax. */
static uint64_t
http_content_length(struct MHD_Connection *conn)
{
	const char *v;
	unsigned long long n;
	char *end;

	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (end == v)
		return 0;
	if (errno == ERANGE)
		return UINT64_MAX;
	return n;
}

/* "Authorization: Bearer TOKEN" with the node's admin token. */
static int
http_authorized(const struct http *h, struct MHD_Connection *conn)
{
	const char *v, *want = h->node->token;
	size_t n, wantlen;

	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	/* RFC 7235 §2.1: the scheme is case-insensitive. */
	if (v == NULL || strncasecmp(v, HTTP_BEARER, strlen(HTTP_BEARER)) != 0)
		return 0;
	v += strlen(HTTP_BEARER);
	while (*v == ' ')
		v++;
	n = strlen(v);
	wantlen = strnlen(want, sizeof(h->node->token));
	/* The length is public (hex of STATE_TOKEN_BYTES); the bytes not. */
	if (wantlen == 0 || n != wantlen)
		return 0;
	return CRYPTO_memcmp(v, want, n) == 0;
}

/* Does url name rt's path? */
static int
http_route_path(const struct route *rt, const char *url)
{
	size_t n = strlen(rt->path);

	if ((rt->flags & ROUTE_PREFIX) == 0)
		return strcmp(url, rt->path) == 0;
	return strncmp(url, rt->path, n) == 0 && strchr(url + n, '/') == NULL;
}

/* Add method (GET brings HEAD) to an Allow list, once. */
static void
http_allow_add(char *allow, size_t len, const char *method)
{
	const char *m = strcmp(method, "GET") == 0 ? "GET, HEAD" : method;
	size_t used = strlen(allow);

	if (strstr(allow, m) != NULL)
		return;
	snprintf(allow + used, len - used, "%s%s", used ? ", " : "", m);
}

/*
 * The route for method and url, or NULL: then allow holds the methods
 * the path does take (405), or is empty (404).
 */
static const struct route *
http_route_find(const char *method, const char *url, char *allow,
    size_t allowlen)
{
	const struct route *rt;
	size_t i;

	allow[0] = '\0';
	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		method = MHD_HTTP_METHOD_GET;
	for (i = 0; i < nitems(http_routes); i++) {
		rt = &http_routes[i];
		if (!http_route_path(rt, url))
			continue;
		if (strcmp(rt->method, method) == 0)
			return rt;
		http_allow_add(allow, allowlen, rt->method);
	}
	return NULL;
}

/* Check one body field against the route's table. */
static int
http_param_check(const struct http_param *params, const char *key,
    const json_t *v, char *why, size_t whylen)
{
	const struct http_param *p;

	for (p = params; p->name != NULL; p++) {
		if (strcmp(p->name, key) != 0)
			continue;
		if (p->type == JSON_TRUE ? json_is_boolean(v) :
		    json_typeof(v) == p->type)
			return 0;
		snprintf(why, whylen, "field \"%.32s\" has the wrong type",
		    key);
		return -1;
	}
	snprintf(why, whylen, "unknown field \"%.32s\"", key);
	return -1;
}

/* Parse and validate the body; an empty body is {}.  -1 with why. */
static int
http_body_parse(const struct http_req *r, json_t **out, char *why,
    size_t whylen)
{
	const struct http_param *p;
	json_error_t jerr;
	const char *key;
	json_t *j, *v;

	*out = NULL;
	memset(&jerr, 0, sizeof(jerr));
	if (r->len == 0)
		j = json_object();
	else
		j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		snprintf(why, whylen, "body is not valid JSON (column %d)",
		    jerr.column);
		return -1;
	}
	if (!json_is_object(j)) {
		snprintf(why, whylen, "body must be a JSON object");
		json_decref(j);
		return -1;
	}
	json_object_foreach(j, key, v) {
		if (http_param_check(r->route->params, key, v, why,
		    whylen) == -1) {
			json_decref(j);
			return -1;
		}
	}
	for (p = r->route->params; p->name != NULL; p++) {
		if ((p->flags & PARAM_REQUIRED) &&
		    json_object_get(j, p->name) == NULL) {
			snprintf(why, whylen, "missing field \"%s\"", p->name);
			json_decref(j);
			return -1;
		}
	}
	*out = j;
	return 0;
}

/* GET /api/v1/status */
static enum MHD_Result
http_get_status(struct http_req *r, const char *url, json_t *body)
{
	return http_reply_json(r, MHD_HTTP_OK, api_status(r->http->node),
	    NULL, NULL);
}

/* GET /api/v1/turn */
static enum MHD_Result
http_get_turn(struct http_req *r, const char *url, json_t *body)
{
	return http_reply_json(r, MHD_HTTP_OK, api_turn(r->http->node),
	    NULL, NULL);
}

/* The node network's routes answer 404 on a node that is not in one. */
static enum MHD_Result
http_no_network(struct http_req *r)
{
	return http_reply_error(r, MHD_HTTP_NOT_FOUND,
	    "this node is not in a node network (dht = no)");
}

/* GET /api/v1/network/nodes */
static enum MHD_Result
http_get_nodes(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;

	(void)url;
	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	return http_reply_json(r, MHD_HTTP_OK, net_nodes_json(node->net),
	    NULL, NULL);
}

/* GET /api/v1/leaderboard: reputation of every known node, explained. */
static enum MHD_Result
http_get_leaderboard(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;

	(void)url;
	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	return http_reply_json(r, MHD_HTTP_OK,
	    net_leaderboard_json(node->net), NULL, NULL);
}

/* GET /api/v1/topology */
static enum MHD_Result
http_get_topology(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;

	(void)url;
	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	return http_reply_json(r, MHD_HTTP_OK, net_topology_json(node->net),
	    NULL, NULL);
}

/* GET /api/v1/network/nodes/ID */
static enum MHD_Result
http_get_node(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;
	const char *id = url + strlen("/api/v1/network/nodes/");
	json_t *o;

	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	if ((o = net_node_json(node->net, id)) == NULL)
		return http_reply_error(r, MHD_HTTP_NOT_FOUND,
		    "no such node in this network");
	return http_reply_json(r, MHD_HTTP_OK, o, NULL, NULL);
}

/* GET /api/v1/network/rooms/LOCATOR */
static enum MHD_Result
http_get_room_hosts(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;
	const char *loc = url + strlen("/api/v1/network/rooms/");
	json_t *o;

	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	if ((o = net_room_hosts_json(node->net, loc)) == NULL)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST,
		    "not a room locator (52 base32 characters)");
	return http_reply_json(r, MHD_HTTP_OK, o, NULL, NULL);
}

/* GET /api/v1/reports/PAGE */
static enum MHD_Result
http_get_reports(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;
	const char *p = url + strlen("/api/v1/reports/");
	unsigned long page;
	char *end;
	json_t *o;

	(void)body;
	if (node->net == NULL)
		return http_no_network(r);
	page = strtoul(p, &end, 10);
	if (*p == '\0' || *end != '\0' || page == 0 || page > 100000 ||
	    (o = net_reports_json(node->net, (unsigned)page)) == NULL)
		return http_reply_error(r, MHD_HTTP_NOT_FOUND,
		    "pages are numbered from 1");
	return http_reply_json(r, MHD_HTTP_OK, o, NULL, NULL);
}

/* POST /api/v1/reports: a signed measurement report to keep and share. */
static enum MHD_Result
http_post_report(struct http_req *r, const char *url, json_t *body)
{
	struct node *node = r->http->node;
	const char *b64 = json_string_value(json_object_get(body, "report"));
	const char *why = NULL;
	uint8_t rec[1024];
	ssize_t n;

	(void)url;
	if (node->net == NULL)
		return http_no_network(r);
	if (b64 == NULL || (n = encode_unbase64(b64, strlen(b64), rec,
	    sizeof(rec))) <= 0)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST,
		    "report: not base64");
	if (net_submit(node->net, rec, (size_t)n, &why) == -1)
		return http_reply_error(r, MHD_HTTP_UNPROCESSABLE_CONTENT, why);
	return http_reply_json(r, MHD_HTTP_OK, json_pack("{s:b}", "stored",
	    1), NULL, NULL);
}

/* GET /api/v1/rooms */
static enum MHD_Result
http_get_rooms(struct http_req *r, const char *url, json_t *body)
{
	(void)url;
	(void)body;
	return http_reply_json(r, MHD_HTTP_OK,
	    chorus_rooms_json(r->http->node->chorus), NULL, NULL);
}

/* GET /api/v1/history?range=hour|day */
static enum MHD_Result
http_get_history(struct http_req *r, const char *url, json_t *body)
{
	const char *range, *why;
	json_t *o;

	(void)url;
	(void)body;
	if (r->http->node->history == NULL)
		return http_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no history on this node");
	range = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    "range");
	if ((o = history_json(r->http->node->history, range, &why)) == NULL)
		return http_reply_error(r, why != NULL ? MHD_HTTP_BAD_REQUEST :
		    MHD_HTTP_INTERNAL_SERVER_ERROR, why != NULL ? why :
		    "cannot read the history");
	return http_reply_json(r, MHD_HTTP_OK, o, NULL, NULL);
}

/* GET /metrics */
static enum MHD_Result
http_get_metrics(struct http_req *r, const char *url, json_t *body)
{
	struct MHD_Response *resp;
	char *text;
	size_t len;

	if ((text = api_metrics(r->http->node, &len)) == NULL)
		return http_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot render metrics");
	resp = MHD_create_response_from_buffer(len, text,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	return http_queue(r, MHD_HTTP_OK, resp, HTTP_KIND_API,
	    HTTP_TYPE_METRICS);
}

/* POST /api/v1/drain (admin) */
static enum MHD_Result
http_post_drain(struct http_req *r, const char *url, json_t *body)
{
	log_info("%s: drain requested", __func__);
	return http_reply_json(r, MHD_HTTP_OK, api_drain(r->http->node),
	    NULL, NULL);
}

/* GET /api/v1/deny (admin): the operator's own list. */
static enum MHD_Result
http_get_deny(struct http_req *r, const char *url, json_t *body)
{
	(void)url;
	(void)body;
	return http_reply_json(r, MHD_HTTP_OK,
	    chorus_deny_json(r->http->node->chorus), NULL, NULL);
}

/* POST /api/v1/deny (admin): {"id"}; the identity's sessions end. */
static enum MHD_Result
http_post_deny(struct http_req *r, const char *url, json_t *body)
{
	const char *text = json_string_value(json_object_get(body, "id"));
	uint8_t id[32];
	int rc;

	(void)url;
	if (text == NULL || identity_key_parse(text, id) == -1)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST,
		    "id: not an identity (52 base32 characters)");
	if ((rc = chorus_deny_add(r->http->node->chorus, id)) == -1)
		return http_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot store the deny list (see the log)");
	log_info("%s: an identity was denied through the admin API",
	    __func__);
	return http_reply_json(r, rc == 1 ? MHD_HTTP_CREATED : MHD_HTTP_OK,
	    json_pack("{s:b, s:I}", "added", rc == 1, "count",
	    (json_int_t)chorus_denied_count(r->http->node->chorus)),
	    NULL, NULL);
}

/* DELETE /api/v1/deny/ID (admin) */
static enum MHD_Result
http_delete_deny(struct http_req *r, const char *url, json_t *body)
{
	const char *text = url + strlen("/api/v1/deny/");
	uint8_t id[32];

	(void)body;
	if (identity_key_parse(text, id) == -1)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST,
		    "not an identity (52 base32 characters)");
	switch (chorus_deny_del(r->http->node->chorus, id)) {
	case 0:
		break;
	case -1:
		return http_reply_error(r, MHD_HTTP_NOT_FOUND,
		    "not on the deny list");
	case -2:
		return http_reply_error(r, MHD_HTTP_CONFLICT,
		    "a deny-identity line of the configuration: remove it "
		    "there and reload");
	default:
		return http_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot store the deny list (see the log)");
	}
	return http_reply_json(r, MHD_HTTP_OK, json_pack("{s:b, s:I}",
	    "removed", 1, "count",
	    (json_int_t)chorus_denied_count(r->http->node->chorus)),
	    NULL, NULL);
}

/*
 * GET /api/v1/standing/ID (admin): one identity's standing here, and
 * what it comes from, in counts: never who blocked it.
 */
static enum MHD_Result
http_get_standing(struct http_req *r, const char *url, json_t *body)
{
	const char *text = url + strlen("/api/v1/standing/");
	struct chorus_standing st;
	uint8_t id[32];

	(void)body;
	if (identity_key_parse(text, id) == -1)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST,
		    "not an identity (52 base32 characters)");
	if (chorus_standing(r->http->node->chorus, id, &st) == -1)
		return http_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no database: standing is not kept");
	return http_reply_json(r, MHD_HTTP_OK, json_pack("{s:f, s:I, s:I, "
	    "s:I, s:f}", "standing", st.standing, "standing_milli",
	    (json_int_t)standing_milli(st.standing), "active_days",
	    (json_int_t)st.days, "blocks_weighed", (json_int_t)st.blocks,
	    "penalty", st.penalty), NULL, NULL);
}

/* The content type of a servable dashboard file name, else NULL. */
static const char *
http_file_type(const char *name)
{
	const char *ext;
	size_t i, n = strlen(name);

	/* No hidden files, no "..", nothing outside [A-Za-z0-9._-]. */
	if (n == 0 || n > NAME_MAX || name[0] == '.' ||
	    strspn(name, HTTP_FILE_CHARS) != n || strstr(name, "..") != NULL)
		return NULL;
	if ((ext = strrchr(name, '.')) == NULL)
		return NULL;
	for (i = 0; i < nitems(http_file_types); i++)
		if (strcmp(ext, http_file_types[i].ext) == 0)
			return http_file_types[i].type;
	return NULL;
}

/* Open a regular dashboard file, not through a symlink; -1 if none. */
static int
http_file_open(const char *dir, const char *name, off_t *size)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	/* O_NONBLOCK: a FIFO planted here must not stall the loop. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size > HTTP_MAX_RESPONSE_FILE) {
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* GET / and GET /NAME from the dashboard directory. */
static enum MHD_Result
http_get_file(struct http_req *r, const char *url, json_t *body)
{
	const char *dir = r->http->node->conf->dashboard_dir;
	const char *name, *type;
	struct MHD_Response *resp;
	off_t size;
	int fd;

	name = url[1] == '\0' ? HTTP_INDEX : url + 1;
	if (dir == NULL || (type = http_file_type(name)) == NULL ||
	    (fd = http_file_open(dir, name, &size)) == -1)
		return http_reply_error(r, MHD_HTTP_NOT_FOUND, "not found");
	/* The response closes fd when it is destroyed; if made at all. */
	if ((resp = MHD_create_response_from_fd((size_t)size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	return http_queue(r, MHD_HTTP_OK, resp, HTTP_KIND_FILE, type);
}

/* First call for a request: the refusals that need no body. */
static enum MHD_Result
http_begin(struct http *h, struct MHD_Connection *conn, const char *url,
    const char *method, void **con_cls)
{
	struct http_req *r;
	char allow[HTTP_ALLOWLEN];

	metrics_add(&h->node->metrics, M_HTTP_REQUESTS, 1);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return MHD_NO;
	r->http = h;
	r->conn = conn;
	*con_cls = r;
	if (http_content_length(conn) > HTTP_MAX_BODY)
		return http_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    "request body too large");
	if ((r->route = http_route_find(method, url, allow,
	    sizeof(allow))) == NULL) {
		if (allow[0] == '\0')
			return http_reply_error(r, MHD_HTTP_NOT_FOUND,
			    "not found");
		return http_reply_json(r, MHD_HTTP_METHOD_NOT_ALLOWED,
		    api_error(MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed"), MHD_HTTP_HEADER_ALLOW, allow);
	}
	if ((r->route->flags & ROUTE_ADMIN) && !http_authorized(h, conn)) {
		metrics_add(&h->node->metrics, M_HTTP_AUTH_FAILURES, 1);
		return http_reply_json(r, MHD_HTTP_UNAUTHORIZED,
		    api_error(MHD_HTTP_UNAUTHORIZED, "admin token required"),
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	}
	return MHD_YES;
}

/* Body data: keep up to HTTP_MAX_BODY, then only count what is dropped. */
static enum MHD_Result
http_body(struct http_req *r, const char *data, size_t *len)
{
	size_t n = *len;

	*len = 0;
	/* A chunked body has no Content-Length to refuse it by. */
	if (r->too_large || n > HTTP_MAX_BODY - r->len) {
		r->too_large = 1;
		r->discarded += n;
		return r->discarded > HTTP_MAX_DISCARD ? MHD_NO : MHD_YES;
	}
	if (r->body == NULL && (r->body = malloc(HTTP_MAX_BODY)) == NULL)
		return MHD_NO;
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return MHD_YES;
}

/* The request is complete: validate the body, run the handler. */
static enum MHD_Result
http_dispatch(struct http_req *r, const char *url)
{
	char why[HTTP_ERRLEN];
	json_t *body = NULL;
	enum MHD_Result ret;

	if (r->too_large)
		return http_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    "request body too large");
	if (r->route->params != NULL &&
	    http_body_parse(r, &body, why, sizeof(why)) == -1)
		return http_reply_error(r, MHD_HTTP_BAD_REQUEST, why);
	ret = r->route->handler(r, url, body);
	json_decref(body);
	return ret;
}

/* MHD's access handler: called for the headers, each body part, the end. */
static enum MHD_Result
http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *uploadlen, void **con_cls)
{
	struct http_req *r = *con_cls;

	if (r == NULL)
		return http_begin(cls, conn, url, method, con_cls);
	if (*uploadlen != 0)
		return http_body(r, upload, uploadlen);
	return http_dispatch(r, url);
}

/* MHD is done with a request, answered or not. */
static void
http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	if (r == NULL)
		return;
	free(r->body);
	free(r);
	*con_cls = NULL;
}

/*
 * MHD's messages.  Some name the client, so they are kept only when the
 * operator asked for full addresses, and only at debug level.  While the
 * daemon starts, the last one explains a failure to listen.
 */
static void __attribute__((format(printf, 2, 0)))
http_on_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	char msg[HTTP_LOGLEN];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (h->starting)
		snprintf(h->startmsg, sizeof(h->startmsg), "%s", msg);
	else if (h->node->conf->log_addresses == LOG_ADDRESSES_FULL)
		log_debug("%s: %s", __func__, msg);
}

/* Wake again when MHD next has a timeout due; never if it has none. */
static void
http_rearm(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct timeval tv;

	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES) {
		evtimer_del(h->ev_timer);
		return;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(h->ev_timer, &tv);
}

/* Let MHD accept, read, answer and time out; then re-arm the timer. */
static void
http_run(struct http *h)
{
	if (MHD_run(h->mhd) != MHD_YES)
		log_warnx("%s: MHD_run failed", __func__);
	http_rearm(h);
}

/* MHD's epoll fd is readable. */
static void
http_on_ready(evutil_socket_t fd, short what, void *arg)
{
	http_run(arg);
}

/* MHD's timeout is due. */
static void
http_on_timer(evutil_socket_t fd, short what, void *arg)
{
	http_run(arg);
}

/* Start MHD on the configured address; fills err on failure. */
static int
http_start(struct http *h, char *err, size_t errlen)
{
	const struct conf *conf = h->node->conf;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	unsigned perip = HTTP_MAX_PER_IP;
	uint16_t port;

	if (conf->http.ss.ss_family == AF_INET6) {
		flags |= MHD_USE_DUAL_STACK;
		port = ntohs(((const struct sockaddr_in6 *)&conf->http.ss)->
		    sin6_port);
	} else
		port = ntohs(((const struct sockaddr_in *)&conf->http.ss)->
		    sin_port);
	if (conf->http_max_connections < perip)
		perip = conf->http_max_connections;
	h->starting = 1;
	/*
	 * The address is in SOCK_ADDR; port only names it in MHD's messages.
	 * The logger comes first so that no message reaches stderr.
	 */
	h->mhd = MHD_start_daemon(flags, port, NULL, NULL, http_on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, http_on_log, h,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&conf->http.ss,
	    MHD_OPTION_CONNECTION_LIMIT, conf->http_max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, perip,
	    MHD_OPTION_CONNECTION_TIMEOUT, conf->http_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, http_on_completed, h,
	    MHD_OPTION_END);
	h->starting = 0;
	if (h->mhd == NULL) {
		snprintf(err, errlen, "http %s: cannot listen: %s",
		    conf->http.text, h->startmsg[0] != '\0' ? h->startmsg :
		    "libmicrohttpd refused to start");
		return -1;
	}
	if ((info = MHD_get_daemon_info(h->mhd,
	    MHD_DAEMON_INFO_LISTEN_FD)) != NULL)
		sock_name(info->listen_fd, h->name, sizeof(h->name));
	if ((info = MHD_get_daemon_info(h->mhd,
	    MHD_DAEMON_INFO_BIND_PORT)) != NULL)
		h->port = info->port;
	return 0;
}

/* Listen on the configured http-address; NULL with err filled. */
struct http *
http_new(struct node *node, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "http: %s", strerror(errno));
		return NULL;
	}
	h->node = node;
	snprintf(h->name, sizeof(h->name), "%s", node->conf->http.text);
	if (http_start(h, err, errlen) == -1)
		goto fail;
	if ((info = MHD_get_daemon_info(h->mhd,
	    MHD_DAEMON_INFO_EPOLL_FD)) == NULL || info->epoll_fd == -1) {
		snprintf(err, errlen, "http %s: no epoll fd", h->name);
		goto fail;
	}
	h->ev_read = event_new(node->base, info->epoll_fd,
	    EV_READ | EV_PERSIST, http_on_ready, h);
	h->ev_timer = evtimer_new(node->base, http_on_timer, h);
	if (h->ev_read == NULL || h->ev_timer == NULL ||
	    event_add(h->ev_read, NULL) == -1) {
		snprintf(err, errlen, "http %s: cannot watch the epoll fd",
		    h->name);
		goto fail;
	}
	http_rearm(h);
	return h;
fail:
	http_free(h);
	return NULL;
}

/* Stop listening, close every connection. */
void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->ev_read != NULL)
		event_free(h->ev_read);
	if (h->ev_timer != NULL)
		event_free(h->ev_timer);
	/*
	 * MHD writes a small reply in the MHD_run() that queued it, so the
	 * answer to a drain that stopped the node has gone out by now.
	 */
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	free(h);
}

/* Bound port (for logs and tests with port 0). */
unsigned
http_port(const struct http *h)
{
	return h->port;
}

/* Bound address as text, for status. */
const char *
http_name(const struct http *h)
{
	return h->name;
}
