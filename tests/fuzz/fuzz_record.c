/*
 * fuzz_record.c - fuzz target for record parsing and the room policy.
 *
 * The whole input is parsed as one record; if it is accepted it must be
 * exactly RECORD_LEN bytes, re-encode from its fields to the same bytes,
 * and is applied to a fixed policy (the room of seed 01 04 07 .., with
 * the member of seed 11 14 17 .. promoted to moderator).  Then the input
 * is cut into 186-byte pieces (up to 8), each applied in turn to a fresh
 * copy of that policy, parsed ones as they are and, so that the policy
 * rules are reached without forging signatures, refused ones read into
 * a struct unverified.  policy_apply must never crash, must leave the
 * policy unchanged when it refuses, and must leave what each kind
 * promises when it accepts (a CASCADE: one more node, at a place 1..8
 * no other node holds; an ADMIT: the owner's, newer, its decoded rules;
 * ALLOW/DISALLOW: the target on or off the allow-list); an INVITE is
 * never applied.  Each record is also checked as an invitation its
 * target presents (policy_check_invite: accepted only when every rule
 * holds, expired at until exactly, refused to any other ID), and its
 * target decoded as admission rules, which must re-encode to the same
 * bytes.  record_peek must agree with record_parse but for the
 * signature.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_MAX_PIECES	8

static struct room_policy fz_base, fz_pol, fz_before;
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_record_check(int cond)
{
	if (!cond)
		abort();
}

/* Byte i of the seed is tag + 3i, as in tests/unit/test_record.c. */
static void
fuzz_record_seed(uint8_t tag, uint8_t seed[CRYPTO_ED25519_SEED_LEN])
{
	size_t i;

	for (i = 0; i < CRYPTO_ED25519_SEED_LEN; i++)
		seed[i] = (uint8_t)(tag + i * 3);
}

/* The fixed policy: owner's room, one moderator. */
static void
fuzz_record_setup(void)
{
	uint8_t owner[32], mod[32], pub[32], buf[RECORD_LEN];
	struct record r;

	fuzz_record_seed(0x01, owner);
	fuzz_record_seed(0x11, mod);
	fuzz_record_check(crypto_ed25519_public(owner, pub) == 0 &&
	    policy_init(&fz_base, pub) == 0);
	memset(&r, 0, sizeof(r));
	r.kind = RECORD_PROMOTE;
	memcpy(r.room_id, fz_base.room_id, ROOM_ID_LEN);
	r.issued = 1700000000;
	fuzz_record_check(crypto_ed25519_public(mod, r.target) == 0 &&
	    record_sign(&r, owner, buf) == 0 &&
	    record_parse(buf, sizeof(buf), &r) == RECORD_OK &&
	    policy_apply(&fz_base, &r) == RECORD_OK &&
	    policy_is_moderator(&fz_base, r.target));
	fz_ready = 1;
}

/* A record's fields written back in the documented layout. */
static void
fuzz_record_encode(const struct record *r, uint8_t out[RECORD_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, out, RECORD_LEN);
	buf_put_u8(&w, RECORD_VERSION);
	buf_put_u8(&w, r->kind);
	buf_put_zero(&w, 8);
	buf_put_bytes(&w, r->room_id, sizeof(r->room_id));
	buf_put_n64(&w, r->issued);
	buf_put_bytes(&w, r->target, sizeof(r->target));
	buf_put_n64(&w, r->until);
	buf_put_bytes(&w, r->signer, sizeof(r->signer));
	buf_put_bytes(&w, r->sig, sizeof(r->sig));
	fuzz_record_check(buf_wr_error(&w) == 0 &&
	    buf_wr_len(&w) == RECORD_LEN);
}

/* The fields of a piece, signature unchecked (kind as it stands). */
static void
fuzz_record_raw(const uint8_t *p, struct record *r)
{
	struct buf_reader rd;
	uint8_t skip[2 + 8];

	buf_rd_init(&rd, p, RECORD_LEN);
	fuzz_record_check(buf_get_bytes(&rd, skip, sizeof(skip)) == 0 &&
	    buf_get_bytes(&rd, r->room_id, sizeof(r->room_id)) == 0 &&
	    buf_get_n64(&rd, &r->issued) == 0 &&
	    buf_get_bytes(&rd, r->target, sizeof(r->target)) == 0 &&
	    buf_get_n64(&rd, &r->until) == 0 &&
	    buf_get_bytes(&rd, r->signer, sizeof(r->signer)) == 0 &&
	    buf_get_bytes(&rd, r->sig, sizeof(r->sig)) == 0);
	r->kind = skip[1];
}

/* The cascade list: at most 8 entries, places 1..8, keys and places unique. */
static void
fuzz_record_cascade_sane(const struct room_policy *p)
{
	static const uint8_t zero[CRYPTO_X25519_LEN];
	size_t i, j;

	fuzz_record_check(p->ncascade <= RECORD_MAX_CASCADE);
	for (i = 0; i < p->ncascade; i++) {
		fuzz_record_check(p->cascade[i].place >= 1 &&
		    p->cascade[i].place <= RECORD_MAX_CASCADE &&
		    memcmp(p->cascade[i].key, zero, sizeof(zero)) != 0);
		for (j = 0; j < i; j++)
			fuzz_record_check(p->cascade[i].place !=
			    p->cascade[j].place && memcmp(p->cascade[i].key,
			    p->cascade[j].key, CRYPTO_X25519_LEN) != 0);
	}
}

/* 1 if two rule sets are the same, field by field (not padding). */
static int
fuzz_record_admit_eq(const struct record_admit *a,
    const struct record_admit *b)
{
	return a->flags == b->flags && a->min_standing == b->min_standing &&
	    a->joins_per_min == b->joins_per_min && a->burst == b->burst;
}

/* The allow-list and rules: in range, IDs unique, rules valid. */
static void
fuzz_record_admission_sane(const struct room_policy *p)
{
	uint8_t t[CRYPTO_ED25519_PUB_LEN];
	struct record_admit a;
	size_t i, j;

	fuzz_record_check(p->nallows <= RECORD_MAX_ALLOWS);
	for (i = 0; i < p->nallows; i++)
		for (j = 0; j < i; j++)
			fuzz_record_check(memcmp(p->allows[i].id,
			    p->allows[j].id, CRYPTO_ED25519_PUB_LEN) != 0);
	if (!p->has_admit) {
		fuzz_record_check(p->admit_issued == 0 && p->admit.flags == 0 &&
		    p->admit.min_standing == 0 && p->admit.burst == 0 &&
		    p->admit.joins_per_min == 0);
		return;
	}
	fuzz_record_check(record_admit_encode(&p->admit, t) == 0 &&
	    record_admit_decode(t, &a) == 0 &&
	    fuzz_record_admit_eq(&a, &p->admit));
}

/* The target as admission rules: decoded, they encode to the same bytes. */
static void
fuzz_record_admit_codec(const struct record *r)
{
	static const struct record_admit none;
	uint8_t t[CRYPTO_ED25519_PUB_LEN];
	struct record_admit a;

	if (record_admit_decode(r->target, &a) == -1) {
		fuzz_record_check(fuzz_record_admit_eq(&a, &none));
		return;
	}
	fuzz_record_check((a.flags & ~RECORD_ADMIT_FLAGS) == 0 &&
	    a.min_standing <= RECORD_STANDING_ONE &&
	    (a.joins_per_min == 0) == (a.burst == 0) &&
	    a.burst <= RECORD_ADMIT_MAX_BURST);
	fuzz_record_check(record_admit_encode(&a, t) == 0 &&
	    memcmp(t, r->target, sizeof(t)) == 0);
}

/*
 * r presented as an invitation by its target at now = r->issued: OK
 * only if every rule holds; then expired at until, and refused as
 * another's to any other ID.  The policy is not touched.
 */
static void
fuzz_record_invite(const struct room_policy *p, const struct record *r)
{
	uint8_t other[CRYPTO_ED25519_PUB_LEN];
	enum record_error e;
	int rules;

	memcpy(&fz_before, p, sizeof(fz_before));
	memcpy(other, r->target, sizeof(other));
	other[0] ^= 0x01;
	e = policy_check_invite(p, r, r->target, r->issued);
	rules = r->kind == RECORD_INVITE &&
	    memcmp(r->room_id, p->room_id, ROOM_ID_LEN) == 0;
	if (rules)
		fuzz_record_check(policy_check_invite(p, r, other, r->issued) ==
		    RECORD_ERR_TARGET);
	else
		fuzz_record_check(e == RECORD_ERR_KIND ||
		    e == RECORD_ERR_ROOM);
	fuzz_record_check(memcmp(&fz_before, p, sizeof(*p)) == 0);
	if (e != RECORD_OK)
		return;
	fuzz_record_check(rules && (r->until == 0 || r->issued < r->until));
	fuzz_record_check(memcmp(r->signer, p->room_pub, ROOM_PUB_LEN) == 0 ||
	    policy_is_moderator(p, r->signer));
	if (r->until != 0)
		fuzz_record_check(policy_check_invite(p, r, r->target,
		    r->until) == RECORD_ERR_EXPIRED);
	else
		fuzz_record_check(policy_check_invite(p, r, r->target,
		    UINT64_MAX) == RECORD_OK);
}

/* An applied ADMIT: the owner's, newer than the last, its rules kept. */
static void
fuzz_record_admit(const struct room_policy *before,
    const struct room_policy *p, const struct record *r)
{
	struct record_admit a;

	fuzz_record_check(memcmp(r->signer, p->room_pub, ROOM_PUB_LEN) == 0);
	fuzz_record_check(r->until == 0 &&
	    record_admit_decode(r->target, &a) == 0);
	fuzz_record_check(!before->has_admit ||
	    r->issued > before->admit_issued);
	fuzz_record_check(p->has_admit && p->admit_issued == r->issued &&
	    fuzz_record_admit_eq(&p->admit, &a));
	fuzz_record_check(p->nmods == before->nmods &&
	    p->nbans == before->nbans && p->nallows == before->nallows &&
	    p->mixed == before->mixed && p->ncascade == before->ncascade);
}

/* An applied ALLOW or DISALLOW: a member, on or off, nothing else. */
static void
fuzz_record_allow(const struct room_policy *before,
    const struct room_policy *p, const struct record *r)
{
	static const uint8_t zero[CRYPTO_ED25519_PUB_LEN];

	fuzz_record_check(memcmp(r->target, zero, sizeof(zero)) != 0 &&
	    r->until == 0);
	fuzz_record_check(policy_is_allowed(p, r->target) ==
	    (r->kind == RECORD_ALLOW));
	if (memcmp(r->signer, p->room_pub, ROOM_PUB_LEN) != 0)
		fuzz_record_check(!policy_is_moderator(before, r->target) &&
		    memcmp(r->target, p->room_pub, ROOM_PUB_LEN) != 0);
	fuzz_record_check(p->nallows == before->nallows ||
	    p->nallows == before->nallows + 1);
	fuzz_record_check(p->nmods == before->nmods &&
	    p->nbans == before->nbans && p->has_admit == before->has_admit &&
	    p->mixed == before->mixed && p->ncascade == before->ncascade);
}

/* An applied CASCADE: the owner's, a new node at a free place, appended. */
static void
fuzz_record_cascade(const struct room_policy *before,
    const struct room_policy *p, const struct record *r)
{
	fuzz_record_check(memcmp(r->signer, p->room_pub, ROOM_PUB_LEN) == 0);
	fuzz_record_check(r->until >= 1 && r->until <= RECORD_MAX_CASCADE);
	fuzz_record_check(policy_cascade_place(before, r->target) == 0 &&
	    policy_cascade_key(before, (uint8_t)r->until) == NULL);
	fuzz_record_check(p->ncascade == before->ncascade + 1 &&
	    policy_cascade_place(p, r->target) == r->until &&
	    memcmp(policy_cascade_key(p, (uint8_t)r->until), r->target,
	    CRYPTO_X25519_LEN) == 0 &&
	    p->cascade[before->ncascade].issued == r->issued);
	fuzz_record_check(p->nmods == before->nmods &&
	    p->nbans == before->nbans && p->mixed == before->mixed);
}

/* Apply r to fz_pol and check what the result promises. */
static void
fuzz_record_apply(const struct record *r)
{
	enum record_error e;

	memcpy(&fz_before, &fz_pol, sizeof(fz_before));
	e = policy_apply(&fz_pol, r);
	fuzz_record_check(fz_pol.nmods <= RECORD_MAX_MODERATORS &&
	    fz_pol.nbans <= RECORD_MAX_BANS);
	fuzz_record_cascade_sane(&fz_pol);
	fuzz_record_admission_sane(&fz_pol);
	fuzz_record_check(record_strerror(e) != NULL);
	if (r->kind == RECORD_INVITE)
		fuzz_record_check(e == RECORD_ERR_KIND ||
		    e == RECORD_ERR_ROOM);
	if (e != RECORD_OK || r->kind == RECORD_KICK) {
		fuzz_record_check(memcmp(&fz_before, &fz_pol,
		    sizeof(fz_pol)) == 0);
		return;
	}
	fuzz_record_check(memcmp(r->room_id, fz_pol.room_id,
	    ROOM_ID_LEN) == 0);
	fuzz_record_check(memcmp(r->signer, fz_pol.room_pub,
	    ROOM_PUB_LEN) == 0 || policy_is_moderator(&fz_before, r->signer));
	switch (r->kind) {
	case RECORD_PROMOTE:
		fuzz_record_check(policy_is_moderator(&fz_pol, r->target));
		break;
	case RECORD_DEMOTE:
		fuzz_record_check(!policy_is_moderator(&fz_pol, r->target));
		break;
	case RECORD_BAN:
		if (r->until == 0)
			fuzz_record_check(policy_is_banned(&fz_pol, r->target,
			    UINT64_MAX));
		else
			fuzz_record_check(policy_is_banned(&fz_pol, r->target,
			    r->until - 1) && !policy_is_banned(&fz_pol,
			    r->target, r->until));
		break;
	case RECORD_UNBAN:
		fuzz_record_check(!policy_is_banned(&fz_pol, r->target, 0));
		break;
	case RECORD_MIXED:
		/* Owner only; once, for good. */
		fuzz_record_check(!fz_before.mixed && fz_pol.mixed &&
		    fz_pol.mixed_issued == r->issued &&
		    memcmp(r->signer, fz_pol.room_pub, ROOM_PUB_LEN) == 0);
		break;
	case RECORD_CASCADE:
		fuzz_record_cascade(&fz_before, &fz_pol, r);
		break;
	case RECORD_ADMIT:
		fuzz_record_admit(&fz_before, &fz_pol, r);
		break;
	case RECORD_ALLOW:
	case RECORD_DISALLOW:
		fuzz_record_allow(&fz_before, &fz_pol, r);
		break;
	default:
		abort();	/* applied an unknown kind */
	}
	/* The same record again is never newer than itself. */
	memcpy(&fz_before, &fz_pol, sizeof(fz_before));
	fuzz_record_check(policy_apply(&fz_pol, r) == RECORD_ERR_STALE &&
	    memcmp(&fz_before, &fz_pol, sizeof(fz_pol)) == 0);
}

/*
 * record_peek is record_parse without the signature: the same error but
 * for a bad signature, which it accepts; the same fields when both
 * accept; *out zeroed when it refuses.
 */
static void
fuzz_record_peek(const uint8_t *data, size_t size)
{
	static const struct record zero;
	struct record p, r;
	enum record_error pe, e;

	pe = record_peek(data, size, &p);
	e = record_parse(data, size, &r);
	if (pe != RECORD_OK) {
		fuzz_record_check(pe == e &&
		    memcmp(&p, &zero, sizeof(p)) == 0);
		return;
	}
	fuzz_record_check(e == RECORD_OK || e == RECORD_ERR_SIGNATURE);
	if (e == RECORD_OK)
		fuzz_record_check(memcmp(&p, &r, sizeof(p)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[RECORD_LEN];
	struct record_admit admit;
	struct record r;
	enum record_error e;
	size_t i;

	if (!fz_ready)
		fuzz_record_setup();
	fuzz_record_peek(data, size);
	e = record_parse(data, size, &r);
	if (e == RECORD_OK) {
		fuzz_record_check(size == RECORD_LEN);
		fuzz_record_encode(&r, again);
		fuzz_record_check(memcmp(again, data, RECORD_LEN) == 0);
		if (r.kind == RECORD_ADMIT)
			fuzz_record_check(record_admit_decode(r.target,
			    &admit) == 0);
		memcpy(&fz_pol, &fz_base, sizeof(fz_pol));
		fuzz_record_invite(&fz_pol, &r);
		fuzz_record_apply(&r);
	} else
		fuzz_record_check(e == RECORD_ERR_LENGTH || size == RECORD_LEN);

	memcpy(&fz_pol, &fz_base, sizeof(fz_pol));
	for (i = 0; i < FZ_MAX_PIECES && (i + 1) * RECORD_LEN <= size; i++) {
		if (record_parse(data + i * RECORD_LEN, RECORD_LEN, &r) !=
		    RECORD_OK)
			fuzz_record_raw(data + i * RECORD_LEN, &r);
		fuzz_record_admit_codec(&r);
		fuzz_record_invite(&fz_pol, &r);
		fuzz_record_apply(&r);
	}
	return 0;
}
