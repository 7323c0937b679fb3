/*
 * cmd_status.c - "chorus status URL": show a node's /api/v1/status.
 *
 * A single HTTP GET with libevent's HTTP client; the JSON answer is shown
 * as a short summary, or as it came with --json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "client.h"

#define STATUS_TIMEOUT_SECS	5
#define STATUS_MAX_BODY		(1u << 20)
#define STATUS_PATH		"/api/v1/status"

struct status_req {
	int	 http_code;	/* 0: no answer */
	char	*body;
	size_t	 len;
};

/* The response arrived (or the request failed: req is NULL). */
static void
status_done_cb(struct evhttp_request *req, void *arg)
{
	struct status_req *sr = arg;
	struct evbuffer *in;
	size_t len;

	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	sr->http_code = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	if (len > STATUS_MAX_BODY || (sr->body = malloc(len + 1)) == NULL)
		return;
	evbuffer_remove(in, sr->body, len);
	sr->body[len] = '\0';
	sr->len = len;
}

/* Print the summary of a status document. */
static void
status_print(json_t *st)
{
	json_t *node = json_object_get(st, "node");
	json_t *ls = json_object_get(st, "listeners"), *l;
	size_t i;

	printf("node:        %s\n", json_string_value(
	    json_object_get(node, "id")));
	printf("fingerprint: %s\n", json_string_value(
	    json_object_get(node, "fingerprint")));
	printf("noise key:   %s\n", json_string_value(
	    json_object_get(node, "noise_key")));
	printf("version:     %s\n", json_string_value(
	    json_object_get(st, "version")));
	printf("uptime:      %llds\n", (long long)json_integer_value(
	    json_object_get(st, "uptime_seconds")));
	printf("draining:    %s\n", json_is_true(
	    json_object_get(st, "draining")) ? "yes" : "no");
	json_array_foreach(ls, i, l)
		printf("listener:    %s %s\n",
		    json_string_value(json_object_get(l, "proto")),
		    json_string_value(json_object_get(l, "address")));
}

/* GET url + STATUS_PATH; fills sr. */
static int
status_fetch(const char *url, struct status_req *sr)
{
	struct evhttp_uri *uri = NULL;
	struct event_base *base = NULL;
	struct evhttp_connection *conn = NULL;
	struct evhttp_request *req;
	const char *host, *path;
	char full[1024];
	int port, rc = -1;

	if ((uri = evhttp_uri_parse(url)) == NULL ||
	    evhttp_uri_get_scheme(uri) == NULL ||
	    strcmp(evhttp_uri_get_scheme(uri), "http") != 0 ||
	    (host = evhttp_uri_get_host(uri)) == NULL) {
		fprintf(stderr, "chorus status: \"%s\" is not an http:// URL\n",
		    url);
		goto done;
	}
	port = evhttp_uri_get_port(uri) == -1 ? 80 : evhttp_uri_get_port(uri);
	path = evhttp_uri_get_path(uri);
	snprintf(full, sizeof(full), "%s%s",
	    path != NULL && strcmp(path, "/") != 0 ? path : "", STATUS_PATH);
	if ((base = event_base_new()) == NULL ||
	    (conn = evhttp_connection_base_new(base, NULL, host, port)) == NULL)
		goto done;
	evhttp_connection_set_timeout(conn, STATUS_TIMEOUT_SECS);
	if ((req = evhttp_request_new(status_done_cb, sr)) == NULL)
		goto done;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	if (evhttp_make_request(conn, req, EVHTTP_REQ_GET, full) == -1)
		goto done;
	event_base_dispatch(base);
	rc = 0;
done:
	if (conn != NULL)
		evhttp_connection_free(conn);
	if (base != NULL)
		event_base_free(base);
	if (uri != NULL)
		evhttp_uri_free(uri);
	return rc;
}

/* chorus status [--json] URL */
int
cmd_status(int argc, char *argv[])
{
	struct status_req sr = { 0, NULL, 0 };
	const char *url = NULL;
	json_error_t jerr;
	json_t *st = NULL;
	int i, raw = 0, rc = CLIENT_EXIT_UNREACHABLE;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			raw = 1;
		else if (url == NULL && argv[i][0] != '-')
			url = argv[i];
		else
			url = NULL, i = argc;
	}
	if (url == NULL) {
		fprintf(stderr, "usage: chorus status [--json] URL\n");
		return CLIENT_EXIT_USAGE;
	}
	if (status_fetch(url, &sr) == -1)
		return CLIENT_EXIT_USAGE;
	if (sr.http_code == 0) {
		fprintf(stderr, "chorus status: %s: no answer (is chorusd "
		    "running and is its http-address right?)\n", url);
		goto done;
	}
	if (sr.http_code != 200 || sr.body == NULL ||
	    (st = json_loadb(sr.body, sr.len, 0, &jerr)) == NULL ||
	    !json_is_object(st)) {
		fprintf(stderr, "chorus status: %s: HTTP %d, not a status "
		    "document\n", url, sr.http_code);
		goto done;
	}
	if (raw)
		printf("%s\n", sr.body);
	else
		status_print(st);
	rc = CLIENT_EXIT_OK;
done:
	json_decref(st);
	free(sr.body);
	return rc;
}
