/*
 * fuzz_stun.c - fuzz target for the STUN parser, getters and builder.
 *
 * The input is one datagram.  It is parsed; every getter runs on every
 * indexed attribute (none may crash, and an address that decodes must
 * re-encode to the same bytes); both integrities are checked under a
 * fixed key.  If it parsed, it is rebuilt through the builder: every
 * indexed attribute copied, MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256
 * and FINGERPRINT recomputed.  The rebuilt message must have exactly the
 * expected length (or fail to build only because it would exceed
 * STUN_MAX_MSG), parse, index the same attributes with the same values,
 * list the same unknown types and verify under the key.  Any violation
 * abort()s.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/stun.h"

#define FUZZ_STUN_BUF		(STUN_MAX_MSG + 64)
#define FUZZ_STUN_SCRATCH	64	/* one address attribute */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t fuzz_key[] = "fuzz-stun-key";
static uint8_t fuzz_out[FUZZ_STUN_BUF];

/* abort() unless cond holds. */
static void
fuzz_stun_check(int cond)
{
	if (!cond)
		abort();
}

/* A decoded address must encode back to the attribute's bytes. */
static void
fuzz_stun_addr(const struct stun_msg *m, const struct stun_attr *a,
    const struct sockaddr_storage *ss, int xor)
{
	uint8_t out[FUZZ_STUN_SCRATCH];
	struct stun_builder b;
	const uint8_t *p;
	size_t len;
	ssize_t n;

	stun_build_init(&b, out, sizeof(out), m->type, m->tid);
	if (xor)
		stun_add_xor_addr(&b, a->type, (const struct sockaddr *)ss);
	else
		stun_add_addr(&b, a->type, (const struct sockaddr *)ss);
	n = stun_build_finish(&b);
	fuzz_stun_check(stun_get_bytes(m, a, &p, &len) == 0);
	fuzz_stun_check(n == (ssize_t)(STUN_HEADER_LEN + 4 + len +
	    (4 - len % 4) % 4));
	/* The first byte is reserved and ignored on receipt (§14.1). */
	fuzz_stun_check(memcmp(out + STUN_HEADER_LEN + 5, p + 1,
	    len - 1) == 0);
}

/* Every getter on one attribute. */
static void
fuzz_stun_getters(const struct stun_msg *m, const struct stun_attr *a)
{
	struct sockaddr_storage ss;
	const uint8_t *p;
	size_t len;
	unsigned code;
	uint32_t u32;
	uint16_t ch;
	int af;

	fuzz_stun_check(stun_get_bytes(m, a, &p, &len) == 0 && len == a->len);
	if (stun_get_u32(m, a, &u32) == 0)
		fuzz_stun_check(a->len == 4);
	if (stun_get_addr(m, a, &ss) == 0)
		fuzz_stun_addr(m, a, &ss, 0);
	if (stun_get_xor_addr(m, a, &ss) == 0)
		fuzz_stun_addr(m, a, &ss, 1);
	if (stun_get_error(m, a, &code, &p, &len) == 0)
		fuzz_stun_check(code >= 300 && code <= 699 &&
		    len <= STUN_MAX_REASON && len == (size_t)a->len - 4);
	if (stun_get_channel(m, a, &ch) == 0)
		fuzz_stun_check(a->len == 4);
	if (stun_get_family(m, a, &af) == 0)
		fuzz_stun_check(af == AF_INET || af == AF_INET6);
}

/* The length the rebuilt message must have. */
static size_t
fuzz_stun_expected(const struct stun_msg *m)
{
	size_t i, n = STUN_HEADER_LEN;

	for (i = 0; i < m->nattrs; i++)
		if ((int)i != m->mi && (int)i != m->mi256 &&
		    (int)i != m->fingerprint)
			n += 4 + m->attrs[i].len +
			    (4 - m->attrs[i].len % 4) % 4;
	if (m->mi != -1)
		n += 4 + 20;
	if (m->mi256 != -1)
		n += 4 + 32;
	if (m->fingerprint != -1)
		n += 4 + 4;
	return n;
}

/* The rebuilt message indexes the same attributes, same values. */
static void
fuzz_stun_same(const struct stun_msg *m, const struct stun_msg *r)
{
	const uint8_t *p, *q;
	size_t i, plen, qlen;

	fuzz_stun_check(r->type == m->type && r->nattrs == m->nattrs &&
	    r->mi == m->mi && r->mi256 == m->mi256 &&
	    r->fingerprint == m->fingerprint && r->nunknown == m->nunknown);
	fuzz_stun_check(memcmp(r->tid, m->tid, STUN_TID_LEN) == 0);
	fuzz_stun_check(m->nunknown == 0 || memcmp(r->unknown, m->unknown,
	    m->nunknown * sizeof(m->unknown[0])) == 0);
	for (i = 0; i < m->nattrs; i++) {
		fuzz_stun_check(r->attrs[i].type == m->attrs[i].type);
		if ((int)i == m->mi || (int)i == m->mi256 ||
		    (int)i == m->fingerprint)
			continue;
		fuzz_stun_check(stun_get_bytes(m, &m->attrs[i], &p,
		    &plen) == 0 && stun_get_bytes(r, &r->attrs[i], &q,
		    &qlen) == 0);
		fuzz_stun_check(plen == qlen && (plen == 0 ||
		    memcmp(p, q, plen) == 0));
	}
	if (m->mi != -1)
		fuzz_stun_check(stun_check_integrity(r, fuzz_key,
		    sizeof(fuzz_key)) == 0);
	if (m->mi256 != -1)
		fuzz_stun_check(stun_check_integrity_sha256(r, fuzz_key,
		    sizeof(fuzz_key)) == 0);
}

/* Copy every indexed attribute through the builder and parse it back. */
static void
fuzz_stun_rebuild(const struct stun_msg *m)
{
	struct stun_builder b;
	struct stun_msg r;
	const uint8_t *p;
	size_t i, len, want = fuzz_stun_expected(m);
	ssize_t n;

	stun_build_init(&b, fuzz_out, sizeof(fuzz_out), m->type, m->tid);
	for (i = 0; i < m->nattrs; i++) {
		if ((int)i == m->mi || (int)i == m->mi256 ||
		    (int)i == m->fingerprint)
			continue;
		fuzz_stun_check(stun_get_bytes(m, &m->attrs[i], &p,
		    &len) == 0);
		stun_add_bytes(&b, m->attrs[i].type, p, len);
	}
	if (m->mi != -1)
		stun_add_integrity(&b, fuzz_key, sizeof(fuzz_key));
	if (m->mi256 != -1)
		stun_add_integrity_sha256(&b, fuzz_key, sizeof(fuzz_key));
	if (m->fingerprint != -1)
		stun_add_fingerprint(&b);
	n = stun_build_finish(&b);
	if (want > STUN_MAX_MSG) {
		/* Only a short MI-SHA256 grown to 32 bytes can do this. */
		fuzz_stun_check(n == -1 && m->mi256 != -1);
		return;
	}
	fuzz_stun_check(n == (ssize_t)want);
	fuzz_stun_check(stun_parse(&r, fuzz_out, (size_t)n) == STUN_OK);
	fuzz_stun_same(m, &r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stun_msg m;
	enum stun_error err;
	size_t i;

	err = stun_parse(&m, data, size);
	fuzz_stun_check(stun_strerror(err) != NULL);
	fuzz_stun_check(m.nattrs <= STUN_MAX_ATTRS &&
	    m.nunknown <= STUN_MAX_UNKNOWN);
	if (err == STUN_OK)
		fuzz_stun_check(stun_is_stun(data, size) &&
		    stun_message_len(data, size) == size);
	/* After an error the index so far is still safe to read. */
	for (i = 0; i < m.nattrs; i++)
		fuzz_stun_getters(&m, &m.attrs[i]);
	(void)stun_check_integrity(&m, fuzz_key, sizeof(fuzz_key));
	(void)stun_check_integrity_sha256(&m, fuzz_key, sizeof(fuzz_key));
	if (err == STUN_OK)
		fuzz_stun_rebuild(&m);
	return 0;
}
