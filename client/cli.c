/*
 * cli.c - helpers shared by the room subcommands (see cli.h).
 */
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/ctrl.h"
#include "chorus/encode.h"
#include "cli.h"
#include "client.h"
#include "rclient.h"

#define CLI_HTTP_TIMEOUT_SECS	5

int
cli_load_identity(const char *path, struct identity *id, char *err,
    size_t errlen)
{
	uint8_t buf[IDENTITY_FILE_LEN + 1];
	enum identity_error e;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (make one with: chorus keygen --out "
		    "FILE)" : "");
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	e = identity_decode(id, buf, (size_t)n);
	crypto_wipe(buf, sizeof(buf));
	if (e != IDENTITY_OK) {
		snprintf(err, errlen, "%s: not a Chorus identity: %s", path,
		    identity_strerror(e));
		return -1;
	}
	return 0;
}

int
cli_ephemeral_identity(struct identity *id)
{
	uint8_t seed[32], x[32];
	int rc = -1;

	if (RAND_priv_bytes(seed, sizeof(seed)) == 1 &&
	    RAND_priv_bytes(x, sizeof(x)) == 1)
		rc = identity_from_secrets(id, seed, x);
	crypto_wipe(seed, sizeof(seed));
	crypto_wipe(x, sizeof(x));
	return rc;
}

int
cli_read_key(const char *path, const char *what, uint8_t key[32], char *err,
    size_t errlen)
{
	char buf[160];
	size_t len;
	ssize_t n;
	char *s;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	s = buf + strspn(buf, " \t\r\n");
	len = strcspn(s, " \t\r\n");
	if (len != 64 || encode_unhex(s, len, key, 32) != 32) {
		crypto_wipe(buf, sizeof(buf));
		snprintf(err, errlen, "%s: not a %s: expected 64 hexadecimal "
		    "digits", path, what);
		return -1;
	}
	crypto_wipe(buf, sizeof(buf));
	return 0;
}

int
cli_write_key(const char *path, const uint8_t key[32], char *err,
    size_t errlen)
{
	char hex[66];
	int fd;

	if (encode_hex(key, 32, hex, sizeof(hex)) != 64)
		return -1;
	hex[64] = '\n';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (refusing to overwrite a key)" : "");
		crypto_wipe(hex, sizeof(hex));
		return -1;
	}
	if (write(fd, hex, 65) != 65 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		crypto_wipe(hex, sizeof(hex));
		return -1;
	}
	crypto_wipe(hex, sizeof(hex));
	return close(fd);
}

int
cli_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long p;

	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p == 0 || p > 65535 ||
	    colon[1] == '\0')
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	return 0;
}

enum room_host_type
cli_host_type(const char *host)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, host, a) == 1)
		return ROOM_HOST_IPV4;
	if (inet_pton(AF_INET6, host, a) == 1)
		return ROOM_HOST_IPV6;
	return ROOM_HOST_NAME;
}

void
cli_link_conn(const struct room_link *l, size_t i, struct conn_opts *o)
{
	o->host = l->nodes[i].host;
	o->port = l->nodes[i].port;
	memcpy(o->node_key, room_link_key(l, i), sizeof(o->node_key));
}

void
cli_link_node_text(const struct room_link *l, size_t i, char *out,
    size_t outlen)
{
	const struct room_link_node *nd = &l->nodes[i];

	snprintf(out, outlen, nd->type == ROOM_HOST_IPV6 ? "[%s]:%u" :
	    "%s:%u", nd->host, nd->port);
}

int
cli_exit_code(unsigned code)
{
	switch (code) {
	case CTRL_E_BAD_PROOF:
		return CLIENT_EXIT_BAD_SECRET;
	case CTRL_E_BANNED:
		return CLIENT_EXIT_BANNED;
	case CTRL_E_ROOM_FULL:
	case CTRL_E_NODE_FULL:
	case CTRL_E_DRAINING:
	case CTRL_E_NO_MIXING:
		return CLIENT_EXIT_FULL;
	case CTRL_E_UNKNOWN_ROOM:
		return CLIENT_EXIT_NO_ROOM;
	case CTRL_E_KICKED:
		return CLIENT_EXIT_KICKED;
	case CTRL_E_NOT_ALLOWED:
		return CLIENT_EXIT_NOT_ALLOWED;
	case RCLIENT_E_MIXED:
	case RCLIENT_E_NOT_MIXED:
		return CLIENT_EXIT_MODE;
	case CTRL_E_INVITE_ONLY:
	case CTRL_E_MEMBERS_ONLY:
	case CTRL_E_LOW_STANDING:
	case CTRL_E_JOIN_RATE:
	case CTRL_E_BAD_INVITE:
		return CLIENT_EXIT_REFUSED;
	case CTRL_E_DENIED:
		return CLIENT_EXIT_DENIED;
	default:
		return CLIENT_EXIT_FAILED;
	}
}

const char *
cli_code_text(unsigned code)
{
	switch (code) {
	case RCLIENT_E_MIXED:
		return "not joined: the node says this room is mixed (the node "
		    "would hear it: not end-to-end encrypted), and the link "
		    "does not say mixed=1";
	case RCLIENT_E_NOT_MIXED:
		return "not joined: the link says this room is mixed, and the "
		    "node does not mix it";
	default:
		return ctrl_code_text(code);
	}
}

int
cli_exit_conn(enum conn_error e)
{
	switch (e) {
	case CONN_E_RESOLVE:
	case CONN_E_UNREACHABLE:
		return CLIENT_EXIT_UNREACHABLE;
	case CONN_E_HANDSHAKE:
		return CLIENT_EXIT_HANDSHAKE;
	case CONN_E_LOST:
		return CLIENT_EXIT_LOST;
	default:
		return CLIENT_EXIT_FAILED;
	}
}

int
cli_run(struct event_base *base, const int *done, unsigned timeout_ms)
{
	uint64_t t0 = conn_now_usec();

	/* Every conn ticks every few tens of ms, so the loop comes back. */
	while (!*done) {
		if (event_base_loop(base, EVLOOP_ONCE) == -1)
			break;
		if (timeout_ms != 0 &&
		    conn_now_usec() - t0 >= (uint64_t)timeout_ms * 1000)
			break;
	}
	return *done ? 0 : -1;
}

int
cli_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || *out < 0 ||
	    *out > 86400 * 7)
		return -1;
	return 0;
}

struct cli_http_req {
	struct cli_http		*h;
	struct event_base	*base;
};

/* The response arrived (or the request failed: req is NULL). */
static void
cli_http_done_cb(struct evhttp_request *req, void *arg)
{
	struct cli_http_req *r = arg;
	struct cli_http *h = r->h;
	struct evbuffer *in;
	size_t len;

	/* Done: do not wait for a kept-alive connection to time out. */
	event_base_loopexit(r->base, NULL);
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	h->code = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	if (len > h->max || (h->body = malloc(len + 1)) == NULL)
		return;
	evbuffer_remove(in, h->body, len);
	h->body[len] = '\0';
	h->len = len;
}

int
cli_http_get(const char *url, const char *path, struct cli_http *h,
    const char *who)
{
	struct evhttp_uri *uri = NULL;
	struct event_base *base = NULL;
	struct evhttp_connection *conn = NULL;
	struct evhttp_request *req;
	struct cli_http_req r = { h, NULL };
	const char *host, *upath;
	char full[1024];
	int port, rc = -1;

	h->code = 0;
	h->body = NULL;
	h->len = 0;
	if ((uri = evhttp_uri_parse(url)) == NULL ||
	    evhttp_uri_get_scheme(uri) == NULL ||
	    strcmp(evhttp_uri_get_scheme(uri), "http") != 0 ||
	    (host = evhttp_uri_get_host(uri)) == NULL) {
		fprintf(stderr, "%s: \"%s\" is not an http:// URL\n", who,
		    url);
		goto done;
	}
	port = evhttp_uri_get_port(uri) == -1 ? 80 : evhttp_uri_get_port(uri);
	upath = evhttp_uri_get_path(uri);
	snprintf(full, sizeof(full), "%s%s",
	    upath != NULL && strcmp(upath, "/") != 0 ? upath : "", path);
	rc = 0;
	if ((base = event_base_new()) == NULL ||
	    (conn = evhttp_connection_base_new(base, NULL, host, port)) == NULL)
		goto done;
	evhttp_connection_set_timeout(conn, CLI_HTTP_TIMEOUT_SECS);
	r.base = base;
	if ((req = evhttp_request_new(cli_http_done_cb, &r)) == NULL)
		goto done;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	if (evhttp_make_request(conn, req, EVHTTP_REQ_GET, full) == -1)
		goto done;
	event_base_dispatch(base);
done:
	if (conn != NULL)
		evhttp_connection_free(conn);
	if (base != NULL)
		event_base_free(base);
	if (uri != NULL)
		evhttp_uri_free(uri);
	return rc;
}
