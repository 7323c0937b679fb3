/*
 * room.c - room IDs, the room key schedule, mixed-room media keys,
 * membership proofs and invite links.
 *
 * Owns the room_* functions.  Everything here is pure: the room secret
 * comes from the caller, nothing touches the network or the clock.  The
 * link parser is strict (one spelling per link, so format(parse(s)) == s)
 * and reads only through a struct buf_reader; the formatter writes only
 * through a struct buf_writer.  See doc/PROTOCOL.md "Rooms: IDs, secrets
 * and invite links".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/room.h"

#define ROOM_ID_LABEL		"chorus room id v1"
#define ROOM_JOIN_LABEL		"chorus join key v1"
#define ROOM_MEDIA_LABEL	"chorus media key v1"
#define ROOM_PROOF_LABEL	"chorus join proof v1"
#define ROOM_MIXED_UP_LABEL	"chorus mixed up v1"
#define ROOM_MIXED_DOWN_LABEL	"chorus mixed down v1"
#define ROOM_LINK_PREFIX	"chorus://JOIN?"
#define ROOM_B32_KEY_LEN	52	/* base32 of 32 bytes */
#define ROOM_LABEL_MAX		63	/* longest DNS label */
#define ROOM_PORT_DIGITS	5
#define ROOM_IPV4_PARTS		4
#define ROOM_IPV4_DIGITS	3
#define ROOM_IPV6_STRMAX	45	/* longest text inet_ntop writes */
#define ROOM_PROOF_MSG_LEN	(sizeof(ROOM_PROOF_LABEL) - 1 + ROOM_ID_LEN + \
	ROOM_CLIENT_ID_LEN + ROOM_NODE_ID_LEN + ROOM_CHALLENGE_LEN)

/* BLAKE2s-256 of the label and the room public key. */
int
room_id_from_key(const uint8_t pub[ROOM_PUB_LEN], uint8_t id[ROOM_ID_LEN])
{
	return crypto_blake2s2(ROOM_ID_LABEL, sizeof(ROOM_ID_LABEL) - 1, pub,
	    ROOM_PUB_LEN, id);
}

/* Base32 of the 32-byte ID. */
void
room_id_string(const uint8_t id[ROOM_ID_LEN], char out[ROOM_ID_STRLEN])
{
	(void)encode_base32(id, ROOM_ID_LEN, out, ROOM_ID_STRLEN);
}

/* HKDF-SHA256 of the secret (and stretched password) under two labels. */
int
room_keys_derive(const uint8_t secret[ROOM_SECRET_LEN], const char *password,
    const uint8_t room_id[ROOM_ID_LEN], struct room_keys *out)
{
	uint8_t ikm[ROOM_SECRET_LEN + ROOM_KEY_LEN];
	size_t ikmlen = ROOM_SECRET_LEN;
	int rc = -1;

	memcpy(ikm, secret, ROOM_SECRET_LEN);
	if (password != NULL) {
		if (password[0] == '\0')
			goto fail;
		if (crypto_scrypt(password, strlen(password), room_id,
		    ROOM_ID_LEN, ROOM_SCRYPT_N, ROOM_SCRYPT_R, ROOM_SCRYPT_P,
		    ikm + ROOM_SECRET_LEN, ROOM_KEY_LEN) == -1)
			goto fail;
		ikmlen += ROOM_KEY_LEN;
	}
	if (crypto_hkdf_sha256(room_id, ROOM_ID_LEN, ikm, ikmlen,
	    ROOM_JOIN_LABEL, sizeof(ROOM_JOIN_LABEL) - 1, out->join_key,
	    ROOM_KEY_LEN) == -1)
		goto fail;
	if (crypto_hkdf_sha256(room_id, ROOM_ID_LEN, ikm, ikmlen,
	    ROOM_MEDIA_LABEL, sizeof(ROOM_MEDIA_LABEL) - 1, out->media_key,
	    ROOM_KEY_LEN) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(ikm, sizeof(ikm));
	if (rc == -1)
		room_keys_wipe(out);
	return rc;
}

/* Zero both keys. */
void
room_keys_wipe(struct room_keys *k)
{
	crypto_wipe(k, sizeof(*k));
}

/*
 * The keys of a mixed room, from the join key that the node holds: the
 * node must open members' frames and seal its mixes, so these keys are
 * the node's as much as the members'.  Not end-to-end, by design.
 */
int
room_mixed_keys_derive(const uint8_t join_key[ROOM_KEY_LEN],
    const uint8_t room_id[ROOM_ID_LEN], struct room_mixed_keys *out)
{
	if (crypto_hkdf_sha256(room_id, ROOM_ID_LEN, join_key, ROOM_KEY_LEN,
	    ROOM_MIXED_UP_LABEL, sizeof(ROOM_MIXED_UP_LABEL) - 1, out->up,
	    ROOM_KEY_LEN) == -1 ||
	    crypto_hkdf_sha256(room_id, ROOM_ID_LEN, join_key, ROOM_KEY_LEN,
	    ROOM_MIXED_DOWN_LABEL, sizeof(ROOM_MIXED_DOWN_LABEL) - 1,
	    out->down, ROOM_KEY_LEN) == -1) {
		room_mixed_keys_wipe(out);
		return -1;
	}
	return 0;
}

/* Zero both keys. */
void
room_mixed_keys_wipe(struct room_mixed_keys *k)
{
	crypto_wipe(k, sizeof(*k));
}

/* HMAC-SHA256 under the join key of the label and the bound values. */
int
room_join_proof(const uint8_t join_key[ROOM_KEY_LEN],
    const uint8_t room_id[ROOM_ID_LEN],
    const uint8_t client_id[ROOM_CLIENT_ID_LEN],
    const uint8_t node_id[ROOM_NODE_ID_LEN],
    const uint8_t challenge[ROOM_CHALLENGE_LEN],
    uint8_t proof[ROOM_PROOF_LEN])
{
	uint8_t msg[ROOM_PROOF_MSG_LEN];
	struct buf_writer wr;

	buf_wr_init(&wr, msg, sizeof(msg));
	buf_put_bytes(&wr, ROOM_PROOF_LABEL, sizeof(ROOM_PROOF_LABEL) - 1);
	buf_put_bytes(&wr, room_id, ROOM_ID_LEN);
	buf_put_bytes(&wr, client_id, ROOM_CLIENT_ID_LEN);
	buf_put_bytes(&wr, node_id, ROOM_NODE_ID_LEN);
	buf_put_bytes(&wr, challenge, ROOM_CHALLENGE_LEN);
	if (buf_wr_error(&wr) == -1 || buf_wr_len(&wr) != sizeof(msg)) {
		crypto_wipe(proof, ROOM_PROOF_LEN);
		return -1;
	}
	return crypto_hmac_sha256(join_key, ROOM_KEY_LEN, msg, sizeof(msg),
	    proof);
}

/* Recompute the proof and compare in constant time. */
int
room_join_verify(const uint8_t join_key[ROOM_KEY_LEN],
    const uint8_t room_id[ROOM_ID_LEN],
    const uint8_t client_id[ROOM_CLIENT_ID_LEN],
    const uint8_t node_id[ROOM_NODE_ID_LEN],
    const uint8_t challenge[ROOM_CHALLENGE_LEN],
    const uint8_t proof[ROOM_PROOF_LEN])
{
	uint8_t want[ROOM_PROOF_LEN];
	int rc = -1;

	if (room_join_proof(join_key, room_id, client_id, node_id, challenge,
	    want) == -1)
		goto fail;
	rc = crypto_memeq(want, proof, ROOM_PROOF_LEN);
fail:
	crypto_wipe(want, sizeof(want));
	return rc;
}

/*
 * Split off the bytes before the next 'stop' (or the end) as *sub, and
 * move past the stop byte.  1 if a stop byte was found, 0 if not.
 */
static int
room_span(struct buf_reader *rd, uint8_t stop, struct buf_reader *sub)
{
	struct buf_reader scan = *rd;
	size_t n = 0;
	uint8_t c;
	int found = 0;

	while (buf_get_u8(&scan, &c) == 0) {
		if (c == stop) {
			found = 1;
			break;
		}
		n++;
	}
	(void)buf_get_sub(rd, n, sub);
	if (found)
		(void)buf_skip(rd, 1);
	return found;
}

/* 1 if the reader holds exactly the string s. */
static int
room_is(const struct buf_reader *rd, const char *s)
{
	struct buf_reader r = *rd;
	size_t n = strlen(s);
	const uint8_t *p;

	return buf_rd_left(&r) == n && buf_get_ptr(&r, n, &p) == 0 &&
	    memcmp(p, s, n) == 0;
}

/* Decode exactly 52 lower-case base32 characters into 32 bytes. */
static int
room_unbase32(struct buf_reader *rd, uint8_t out[32])
{
	const uint8_t *p;
	size_t i;

	if (buf_rd_left(rd) != ROOM_B32_KEY_LEN ||
	    buf_get_ptr(rd, ROOM_B32_KEY_LEN, &p) == -1)
		return -1;
	for (i = 0; i < ROOM_B32_KEY_LEN; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '2' && p[i] <= '7')))
			return -1;
	if (encode_unbase32((const char *)p, ROOM_B32_KEY_LEN, out, 32) != 32)
		return -1;
	return 0;
}

/* Decimal without leading zeros, at most maxdigits; value or -1. */
static long
room_decimal(struct buf_reader *rd, size_t maxdigits)
{
	size_t n = buf_rd_left(rd), i;
	long v = 0;
	uint8_t c;

	if (n == 0 || n > maxdigits)
		return -1;
	for (i = 0; i < n; i++) {
		if (buf_get_u8(rd, &c) == -1 || c < '0' || c > '9')
			return -1;
		if (i == 0 && c == '0' && n > 1)
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

/* 0 if host is a dotted quad, each part 0..255 without leading zeros. */
static int
room_check_ipv4(const char *host)
{
	struct buf_reader rd, part;
	long v;
	int i;

	buf_rd_init(&rd, host, strlen(host));
	for (i = 0; i < ROOM_IPV4_PARTS; i++) {
		if (room_span(&rd, '.', &part) != (i < ROOM_IPV4_PARTS - 1))
			return -1;
		v = room_decimal(&part, ROOM_IPV4_DIGITS);
		if (v < 0 || v > 255)
			return -1;
	}
	return 0;
}

/* 0 if host is IPv6 text exactly as inet_ntop writes it (RFC 5952). */
static int
room_check_ipv6(const char *host)
{
	struct in6_addr a;
	char back[INET6_ADDRSTRLEN];

	if (strlen(host) > ROOM_IPV6_STRMAX ||
	    inet_pton(AF_INET6, host, &a) != 1 ||
	    inet_ntop(AF_INET6, &a, back, sizeof(back)) == NULL)
		return -1;
	return strcmp(back, host) == 0 ? 0 : -1;
}

/*
 * 0 if host is a hostname: 1..253 of [a-z0-9-.], labels of 1..63 that
 * neither start nor end with '-', and a last label that is not all digits.
 */
static int
room_check_name(const char *host)
{
	struct buf_reader rd;
	size_t n = strlen(host), label = 0;
	uint8_t c, prev = '.';
	int digits = 1;

	if (n == 0 || n > ROOM_HOST_MAX)
		return -1;
	buf_rd_init(&rd, host, n);
	while (buf_get_u8(&rd, &c) == 0) {
		if (c == '.') {
			if (label == 0 || prev == '-')
				return -1;
			label = 0;
			digits = 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-') {
			if (c == '-' && label == 0)
				return -1;
			if (++label > ROOM_LABEL_MAX)
				return -1;
			if (c < '0' || c > '9')
				digits = 0;
		} else
			return -1;
		prev = c;
	}
	if (label == 0 || prev == '-' || digits)
		return -1;
	return 0;
}

/* 0 if the stored host is valid for its type. */
static int
room_check_host(const struct room_link_node *nd)
{
	if (memchr(nd->host, '\0', sizeof(nd->host)) == NULL)
		return -1;
	switch (nd->type) {
	case ROOM_HOST_IPV4:
		return room_check_ipv4(nd->host);
	case ROOM_HOST_IPV6:
		return room_check_ipv6(nd->host);
	case ROOM_HOST_NAME:
		return room_check_name(nd->host);
	}
	return -1;
}

/* Copy the reader's bytes into a NUL-terminated host; -1 if too long. */
static int
room_copy_host(struct buf_reader *rd, char host[ROOM_HOST_MAX + 1])
{
	size_t n = buf_rd_left(rd);

	if (n == 0 || n > ROOM_HOST_MAX || buf_get_bytes(rd, host, n) == -1)
		return -1;
	host[n] = '\0';
	return 0;
}

/* 1 if the host text has only digits and dots (so must be IPv4). */
static int
room_numeric(const char *host)
{
	return host[strspn(host, "0123456789.")] == '\0';
}

/* Parse "IPv4:port", "[IPv6]:port" or "hostname:port". */
static enum room_link_error
room_parse_node(struct buf_reader *val, struct room_link_node *nd)
{
	struct buf_reader host;
	uint8_t c;
	long port;

	if (buf_peek_u8(val, &c) == -1)
		return ROOM_LINK_ERR_BAD_HOST;
	if (c == '[') {
		(void)buf_skip(val, 1);
		if (room_span(val, ']', &host) == 0 ||
		    room_copy_host(&host, nd->host) == -1)
			return ROOM_LINK_ERR_BAD_HOST;
		nd->type = ROOM_HOST_IPV6;
		if (buf_get_u8(val, &c) == -1 || c != ':')
			return ROOM_LINK_ERR_BAD_PORT;
	} else {
		if (room_span(val, ':', &host) == 0)
			return ROOM_LINK_ERR_BAD_PORT;
		if (room_copy_host(&host, nd->host) == -1)
			return ROOM_LINK_ERR_BAD_HOST;
		nd->type = room_numeric(nd->host) ? ROOM_HOST_IPV4 :
		    ROOM_HOST_NAME;
	}
	if (room_check_host(nd) == -1)
		return ROOM_LINK_ERR_BAD_HOST;
	port = room_decimal(val, ROOM_PORT_DIGITS);
	if (port < 1 || port > UINT16_MAX)
		return ROOM_LINK_ERR_BAD_PORT;
	nd->port = (uint16_t)port;
	return ROOM_LINK_OK;
}

/* Split one "name=value" parameter; -1 if it has no '=' or is empty. */
static int
room_param_split(struct buf_reader *param, struct buf_reader *name,
    struct buf_reader *val)
{
	if (room_span(param, '=', name) == 0 || buf_rd_left(name) == 0 ||
	    buf_rd_left(param) == 0)
		return -1;
	*val = *param;
	return 0;
}

/* What the query parser has seen so far. */
struct room_query {
	size_t	nkeys;
	size_t	keyed;		/* nodes before the last key= */
	int	per_node;	/* a key= follows each node= */
	int	have_room;	/* (out->mixed, set only after it, says mixed=) */
};

/*
 * node=: before any key=, or (keys per node) after the previous node's
 * key.  A second node after a key that followed exactly one node makes
 * that key the first node's own.
 */
static enum room_link_error
room_query_node(struct room_query *q, struct buf_reader *val,
    struct room_link *out)
{
	enum room_link_error e;

	if (q->have_room)
		return ROOM_LINK_ERR_ORDER;
	if (q->nkeys > 0 && !q->per_node) {
		if (q->keyed != 1)
			return ROOM_LINK_ERR_ORDER;
		q->per_node = 1;
		out->nodes[0].has_key = 1;
		memcpy(out->nodes[0].key, out->node_key, ROOM_NODE_KEY_LEN);
	}
	if (q->per_node && q->keyed != out->nnodes)
		return ROOM_LINK_ERR_NODE_KEY;
	if (out->nnodes == ROOM_MAX_NODES)
		return ROOM_LINK_ERR_TOO_MANY_NODES;
	e = room_parse_node(val, &out->nodes[out->nnodes]);
	if (e != ROOM_LINK_OK)
		return e;
	out->nnodes++;
	return ROOM_LINK_OK;
}

/* key=: one after all nodes, or one after each; never two in a row. */
static enum room_link_error
room_query_key(struct room_query *q, struct buf_reader *val,
    struct room_link *out)
{
	struct room_link_node *nd;

	if (q->nkeys > 0 && q->keyed == out->nnodes)
		return ROOM_LINK_ERR_DUPLICATE;
	if (q->have_room)
		return ROOM_LINK_ERR_ORDER;
	if (q->per_node) {
		nd = &out->nodes[out->nnodes - 1];
		if (room_unbase32(val, nd->key) == -1)
			return ROOM_LINK_ERR_BAD_KEY;
		nd->has_key = 1;
	} else if (room_unbase32(val, out->node_key) == -1)
		return ROOM_LINK_ERR_BAD_KEY;
	q->nkeys++;
	q->keyed = out->nnodes;
	return ROOM_LINK_OK;
}

/* room=: once, last, and (keys per node) after the last node's key. */
static enum room_link_error
room_query_room(struct room_query *q, struct buf_reader *val,
    struct room_link *out)
{
	if (q->have_room)
		return ROOM_LINK_ERR_DUPLICATE;
	if (q->per_node && q->keyed != out->nnodes)
		return ROOM_LINK_ERR_NODE_KEY;
	if (room_unbase32(val, out->room_id) == -1)
		return ROOM_LINK_ERR_BAD_ROOM;
	q->have_room = 1;
	return ROOM_LINK_OK;
}

/* mixed=1: once, after room=; no other value. */
static enum room_link_error
room_query_mixed(struct room_query *q, struct buf_reader *val,
    struct room_link *out)
{
	if (out->mixed)
		return ROOM_LINK_ERR_DUPLICATE;
	if (!q->have_room)
		return ROOM_LINK_ERR_ORDER;
	if (!room_is(val, "1"))
		return ROOM_LINK_ERR_BAD_FLAG;
	out->mixed = 1;
	return ROOM_LINK_OK;
}

/* 1 if the link's nodes do not all have one key. */
static int
room_link_keys_differ(const struct room_link *l)
{
	size_t i;

	for (i = 1; i < l->nnodes; i++)
		if (memcmp(room_link_key(l, i), room_link_key(l, 0),
		    ROOM_NODE_KEY_LEN) != 0)
			return 1;
	return 0;
}

/* Keys per node must not all be one key: that link has a shorter form. */
static enum room_link_error
room_query_end(const struct room_query *q, struct room_link *out)
{
	if (out->nnodes == 0 || q->nkeys == 0 || !q->have_room)
		return ROOM_LINK_ERR_MISSING;
	if (q->per_node && !room_link_keys_differ(out))
		return ROOM_LINK_ERR_SAME_KEYS;
	return ROOM_LINK_OK;
}

/*
 * The query: node=... (1..4), then key= once, or key= after each node,
 * then room=, then optionally mixed=1.
 */
static enum room_link_error
room_parse_query(struct buf_reader *q, struct room_link *out)
{
	struct buf_reader param, name, val;
	struct room_query st;
	enum room_link_error e;
	int more = 1;

	memset(&st, 0, sizeof(st));
	while (more) {
		more = room_span(q, '&', &param);
		if (room_param_split(&param, &name, &val) == -1)
			return ROOM_LINK_ERR_SYNTAX;
		if (room_is(&name, "node"))
			e = room_query_node(&st, &val, out);
		else if (room_is(&name, "key"))
			e = room_query_key(&st, &val, out);
		else if (room_is(&name, "room"))
			e = room_query_room(&st, &val, out);
		else if (room_is(&name, "mixed"))
			e = room_query_mixed(&st, &val, out);
		else
			e = ROOM_LINK_ERR_UNKNOWN;
		if (e != ROOM_LINK_OK)
			return e;
	}
	return room_query_end(&st, out);
}

/* The fragment: s=<secret>, then optionally p=1. */
static enum room_link_error
room_parse_fragment(struct buf_reader *f, struct room_link *out)
{
	struct buf_reader param, name, val;
	int have_s = 0, more = 1;

	while (more) {
		more = room_span(f, '&', &param);
		if (room_param_split(&param, &name, &val) == -1)
			return ROOM_LINK_ERR_SYNTAX;
		if (room_is(&name, "s")) {
			if (have_s)
				return ROOM_LINK_ERR_DUPLICATE;
			if (out->password)
				return ROOM_LINK_ERR_ORDER;
			if (room_unbase32(&val, out->secret) == -1)
				return ROOM_LINK_ERR_BAD_SECRET;
			have_s = 1;
		} else if (room_is(&name, "p")) {
			if (out->password)
				return ROOM_LINK_ERR_DUPLICATE;
			if (!room_is(&val, "1"))
				return ROOM_LINK_ERR_BAD_FLAG;
			if (!have_s)
				return ROOM_LINK_ERR_ORDER;
			out->password = 1;
		} else
			return ROOM_LINK_ERR_UNKNOWN;
	}
	return have_s ? ROOM_LINK_OK : ROOM_LINK_ERR_MISSING;
}

/* Strict parse of a whole link. */
enum room_link_error
room_link_parse(const char *s, struct room_link *out)
{
	struct buf_reader rd, query;
	const uint8_t *p;
	size_t len;
	enum room_link_error e;

	memset(out, 0, sizeof(*out));
	len = strnlen(s, ROOM_LINK_MAX + 1);
	if (len > ROOM_LINK_MAX)
		return ROOM_LINK_ERR_TOO_LONG;
	buf_rd_init(&rd, s, len);
	if (buf_get_ptr(&rd, sizeof(ROOM_LINK_PREFIX) - 1, &p) == -1 ||
	    memcmp(p, ROOM_LINK_PREFIX, sizeof(ROOM_LINK_PREFIX) - 1) != 0) {
		e = ROOM_LINK_ERR_SCHEME;
		goto fail;
	}
	if (room_span(&rd, '#', &query) == 0) {
		e = ROOM_LINK_ERR_MISSING;
		goto fail;
	}
	if ((e = room_parse_query(&query, out)) != ROOM_LINK_OK)
		goto fail;
	if ((e = room_parse_fragment(&rd, out)) != ROOM_LINK_OK)
		goto fail;
	return ROOM_LINK_OK;
fail:
	room_link_wipe(out);
	return e;
}

/* Append "name=" and base32 of 32 bytes. */
static void
room_put_b32(struct buf_writer *wr, const char *name, const uint8_t v[32])
{
	char text[ENCODE_BASE32_LEN(32)];

	(void)encode_base32(v, 32, text, sizeof(text));
	buf_put_bytes(wr, name, strlen(name));
	buf_put_bytes(wr, text, ROOM_B32_KEY_LEN);
	crypto_wipe(text, sizeof(text));
}

/* Append "node=host:port" with brackets for IPv6. */
static void
room_put_node(struct buf_writer *wr, const struct room_link_node *nd)
{
	char port[ROOM_PORT_DIGITS + 1];
	size_t i, n = 0;
	unsigned v = nd->port;

	/* Digits of the port, most significant first. */
	do {
		port[ROOM_PORT_DIGITS - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < ROOM_PORT_DIGITS);
	buf_put_bytes(wr, "node=", 5);
	if (nd->type == ROOM_HOST_IPV6)
		buf_put_u8(wr, '[');
	buf_put_bytes(wr, nd->host, strlen(nd->host));
	if (nd->type == ROOM_HOST_IPV6)
		buf_put_u8(wr, ']');
	buf_put_u8(wr, ':');
	for (i = ROOM_PORT_DIGITS - n; i < ROOM_PORT_DIGITS; i++)
		buf_put_u8(wr, (uint8_t)port[i]);
}

/* Write the canonical text of a valid link. */
int
room_link_format(const struct room_link *l, char *out, size_t outlen)
{
	struct buf_writer wr;
	size_t i, cap;
	int per_node = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (l->nnodes == 0 || l->nnodes > ROOM_MAX_NODES)
		return -1;
	for (i = 0; i < l->nnodes; i++)
		if (room_check_host(&l->nodes[i]) == -1 ||
		    l->nodes[i].port == 0 ||
		    (l->nodes[i].type != ROOM_HOST_IPV4 &&
		    room_numeric(l->nodes[i].host)))
			return -1;
	per_node = room_link_keys_differ(l);
	cap = outlen - 1 < ROOM_LINK_MAX ? outlen - 1 : ROOM_LINK_MAX;
	buf_wr_init(&wr, out, cap);
	buf_put_bytes(&wr, ROOM_LINK_PREFIX, sizeof(ROOM_LINK_PREFIX) - 1);
	for (i = 0; i < l->nnodes; i++) {
		room_put_node(&wr, &l->nodes[i]);
		buf_put_u8(&wr, '&');
		if (per_node) {
			room_put_b32(&wr, "key=", room_link_key(l, i));
			buf_put_u8(&wr, '&');
		}
	}
	if (!per_node) {
		room_put_b32(&wr, "key=", room_link_key(l, 0));
		buf_put_u8(&wr, '&');
	}
	room_put_b32(&wr, "room=", l->room_id);
	if (l->mixed)
		buf_put_bytes(&wr, "&mixed=1", 8);
	room_put_b32(&wr, "#s=", l->secret);
	if (l->password)
		buf_put_bytes(&wr, "&p=1", 4);
	if (buf_wr_error(&wr) == -1) {
		crypto_wipe(out, outlen);
		out[0] = '\0';
		return -1;
	}
	out[buf_wr_len(&wr)] = '\0';
	return (int)buf_wr_len(&wr);
}

/* The node's own key, or the link's one key. */
const uint8_t *
room_link_key(const struct room_link *l, size_t i)
{
	if (i >= ROOM_MAX_NODES)
		return NULL;
	return l->nodes[i].has_key ? l->nodes[i].key : l->node_key;
}

/* Names for logs. */
const char *
room_link_error_name(enum room_link_error e)
{
	switch (e) {
	case ROOM_LINK_OK:
		return "ok";
	case ROOM_LINK_ERR_TOO_LONG:
		return "link too long";
	case ROOM_LINK_ERR_SCHEME:
		return "not a chorus://JOIN link";
	case ROOM_LINK_ERR_SYNTAX:
		return "malformed parameter";
	case ROOM_LINK_ERR_UNKNOWN:
		return "unknown parameter";
	case ROOM_LINK_ERR_DUPLICATE:
		return "duplicate parameter";
	case ROOM_LINK_ERR_ORDER:
		return "parameters out of order";
	case ROOM_LINK_ERR_TOO_MANY_NODES:
		return "too many nodes";
	case ROOM_LINK_ERR_BAD_HOST:
		return "bad node host";
	case ROOM_LINK_ERR_BAD_PORT:
		return "bad node port";
	case ROOM_LINK_ERR_BAD_KEY:
		return "bad node key";
	case ROOM_LINK_ERR_BAD_ROOM:
		return "bad room ID";
	case ROOM_LINK_ERR_BAD_SECRET:
		return "bad room secret";
	case ROOM_LINK_ERR_BAD_FLAG:
		return "bad flag (p= or mixed= other than 1)";
	case ROOM_LINK_ERR_MISSING:
		return "missing part";
	case ROOM_LINK_ERR_NODE_KEY:
		return "a node without its key";
	case ROOM_LINK_ERR_SAME_KEYS:
		return "the same key for every node given per node";
	}
	return "unknown error";
}

/* Zero the whole link, secret included. */
void
room_link_wipe(struct room_link *l)
{
	crypto_wipe(l, sizeof(*l));
}
