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

#include <event2/event.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/ctrl.h"
#include "chorus/encode.h"
#include "cli.h"
#include "client.h"

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
cli_link_conn(const struct room_link *l, struct conn_opts *o)
{
	o->host = l->nodes[0].host;
	o->port = l->nodes[0].port;
	memcpy(o->node_key, l->node_key, sizeof(o->node_key));
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
		return CLIENT_EXIT_FULL;
	case CTRL_E_UNKNOWN_ROOM:
		return CLIENT_EXIT_NO_ROOM;
	case CTRL_E_KICKED:
		return CLIENT_EXIT_KICKED;
	case CTRL_E_NOT_ALLOWED:
		return CLIENT_EXIT_NOT_ALLOWED;
	default:
		return CLIENT_EXIT_FAILED;
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
