/*
 * record.c - signed room records, the room policy they add up to, the
 * room creation proof and key blobs (doc/PROTOCOL.md "Room records").
 *
 * Owns the 186-byte record layout and its Ed25519 signature, the
 * encoding of the admission rules an ADMIT record carries, struct
 * room_policy (the moderators, bans, mixed mode, cascade, admission
 * rules and allow-list a room's records leave) with the rules of who may
 * sign what, the check of an invitation presented at JOIN, and the
 * sealed key blob that carries a new media key from one member to
 * another.  Nothing here reads a clock or an RNG: times and ephemeral
 * keys come from the caller.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"

#define RECORD_RESERVED_LEN	8
#define RECORD_ADMIT_USED_LEN	(1 + 2 + 2 + 2)	/* flags standing rate burst */
#define RECORD_LABEL_LEN	(sizeof(RECORD_LABEL) - 1)
#define RECORD_MSG_LEN		(RECORD_LABEL_LEN + RECORD_SIGNED_LEN)
#define RECORD_CREATE_LABEL_LEN	(sizeof(RECORD_CREATE_LABEL) - 1)
#define RECORD_CREATE_MSG_LEN	(RECORD_CREATE_LABEL_LEN + ROOM_ID_LEN + \
				    CRYPTO_ED25519_PUB_LEN + ROOM_KEY_LEN)
#define KEYBLOB_LABEL_LEN	(sizeof(KEYBLOB_LABEL) - 1)
#define KEYBLOB_INFO_LEN	(KEYBLOB_LABEL_LEN + 2 + 4 + 4)
#define KEYBLOB_PT_LEN		(2 + ROOM_KEY_LEN)
#define KEYBLOB_CT_LEN		(KEYBLOB_PT_LEN + CRYPTO_AEAD_TAG_LEN)
/* Each blob key is used once (e is fresh), so its nonce may be fixed. */
#define KEYBLOB_NONCE		0

/* 1 if kind is one of enum record_kind. */
static int
record_kind_valid(uint8_t kind)
{
	return kind >= RECORD_PROMOTE && kind <= RECORD_INVITE;
}

/* 1 if all 32 bytes of a target or ID are zero. */
static int
record_id_zero(const uint8_t id[CRYPTO_ED25519_PUB_LEN])
{
	static const uint8_t zero[CRYPTO_ED25519_PUB_LEN];

	return memcmp(id, zero, sizeof(zero)) == 0;
}

/* 1 if the rules are in range: known flags, standing, a burst iff a rate. */
static int
record_admit_valid(const struct record_admit *a)
{
	if ((a->flags & ~RECORD_ADMIT_FLAGS) != 0 ||
	    a->min_standing > RECORD_STANDING_ONE)
		return 0;
	if (a->joins_per_min == 0)
		return a->burst == 0;
	return a->burst >= 1 && a->burst <= RECORD_ADMIT_MAX_BURST;
}

/* The 32-byte ADMIT target: flags, standing, rate, burst, zeros. */
int
record_admit_encode(const struct record_admit *a,
    uint8_t target[CRYPTO_ED25519_PUB_LEN])
{
	struct buf_writer w;

	memset(target, 0, CRYPTO_ED25519_PUB_LEN);
	if (!record_admit_valid(a))
		return -1;
	buf_wr_init(&w, target, CRYPTO_ED25519_PUB_LEN);
	buf_put_u8(&w, a->flags);
	buf_put_n16(&w, a->min_standing);
	buf_put_n16(&w, a->joins_per_min);
	buf_put_n16(&w, a->burst);
	return buf_wr_error(&w);
}

/* The reverse; the unused tail must be zero, so one encoding per rules. */
int
record_admit_decode(const uint8_t target[CRYPTO_ED25519_PUB_LEN],
    struct record_admit *out)
{
	static const uint8_t zero[CRYPTO_ED25519_PUB_LEN -
	    RECORD_ADMIT_USED_LEN];
	struct buf_reader rd;
	const uint8_t *tail;

	memset(out, 0, sizeof(*out));
	buf_rd_init(&rd, target, CRYPTO_ED25519_PUB_LEN);
	if (buf_get_u8(&rd, &out->flags) == -1 ||
	    buf_get_n16(&rd, &out->min_standing) == -1 ||
	    buf_get_n16(&rd, &out->joins_per_min) == -1 ||
	    buf_get_n16(&rd, &out->burst) == -1 ||
	    buf_get_ptr(&rd, sizeof(zero), &tail) == -1 ||
	    memcmp(tail, zero, sizeof(zero)) != 0 ||
	    !record_admit_valid(out)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/*
 * 1 if the fields a kind does not use are zero and those it uses are in
 * range.  A zero field that must stay zero keeps one encoding per record.
 * until is zero outside BAN, CASCADE and INVITE; MIXED's target is zero
 * (it is about the room, not a member); CASCADE's until is a place,
 * 1..RECORD_MAX_CASCADE, and its target a node key, never all zero (no
 * node could hold it); ADMIT's target is valid admission rules; ALLOW,
 * DISALLOW and INVITE name a member, never all zero.
 */
static int
record_fields_valid(const struct record *r)
{
	struct record_admit a;

	switch (r->kind) {
	case RECORD_BAN:
		return 1;
	case RECORD_MIXED:
		return r->until == 0 && record_id_zero(r->target);
	case RECORD_CASCADE:
		return r->until >= 1 && r->until <= RECORD_MAX_CASCADE &&
		    !record_id_zero(r->target);
	case RECORD_ADMIT:
		return r->until == 0 && record_admit_decode(r->target, &a) == 0;
	case RECORD_ALLOW:
	case RECORD_DISALLOW:
		return r->until == 0 && !record_id_zero(r->target);
	case RECORD_INVITE:
		return !record_id_zero(r->target);
	default:
		return r->until == 0;
	}
}

/* RECORD_LABEL || the signed 122 bytes of r, into msg. */
static int
record_message(const struct record *r, uint8_t msg[RECORD_MSG_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, msg, RECORD_MSG_LEN);
	buf_put_bytes(&w, RECORD_LABEL, RECORD_LABEL_LEN);
	buf_put_u8(&w, RECORD_VERSION);
	buf_put_u8(&w, r->kind);
	buf_put_zero(&w, RECORD_RESERVED_LEN);
	buf_put_bytes(&w, r->room_id, ROOM_ID_LEN);
	buf_put_n64(&w, r->issued);
	buf_put_bytes(&w, r->target, sizeof(r->target));
	buf_put_n64(&w, r->until);
	buf_put_bytes(&w, r->signer, sizeof(r->signer));
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != RECORD_MSG_LEN)
		return -1;
	return 0;
}

/* Sign as the key of seed, which becomes the signer; write the record. */
int
record_sign(struct record *r, const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
    uint8_t out[RECORD_LEN])
{
	uint8_t msg[RECORD_MSG_LEN];

	if (!record_kind_valid(r->kind) || !record_fields_valid(r))
		goto fail;
	if (crypto_ed25519_public(seed, r->signer) == -1 ||
	    record_message(r, msg) == -1 ||
	    crypto_ed25519_sign(seed, msg, sizeof(msg), r->sig) == -1)
		goto fail;
	memcpy(out, msg + RECORD_LABEL_LEN, RECORD_SIGNED_LEN);
	memcpy(out + RECORD_SIGNED_LEN, r->sig, sizeof(r->sig));
	return 0;
fail:
	memset(r->sig, 0, sizeof(r->sig));
	memset(out, 0, RECORD_LEN);
	return -1;
}

/* Read the fields; the checks that need no signature come first. */
static enum record_error
record_read(struct buf_reader *rd, struct record *r)
{
	uint8_t version, reserved[RECORD_RESERVED_LEN];
	static const uint8_t zero[RECORD_RESERVED_LEN];

	if (buf_get_u8(rd, &version) == -1 || buf_get_u8(rd, &r->kind) == -1 ||
	    buf_get_bytes(rd, reserved, sizeof(reserved)) == -1 ||
	    buf_get_bytes(rd, r->room_id, ROOM_ID_LEN) == -1 ||
	    buf_get_n64(rd, &r->issued) == -1 ||
	    buf_get_bytes(rd, r->target, sizeof(r->target)) == -1 ||
	    buf_get_n64(rd, &r->until) == -1 ||
	    buf_get_bytes(rd, r->signer, sizeof(r->signer)) == -1 ||
	    buf_get_bytes(rd, r->sig, sizeof(r->sig)) == -1)
		return RECORD_ERR_LENGTH;
	if (version != RECORD_VERSION)
		return RECORD_ERR_VERSION;
	if (!record_kind_valid(r->kind))
		return RECORD_ERR_KIND;
	if (memcmp(reserved, zero, sizeof(zero)) != 0 ||
	    !record_fields_valid(r))
		return RECORD_ERR_RESERVED;
	return RECORD_OK;
}

/* record_parse() without the signature check. */
enum record_error
record_peek(const uint8_t *in, size_t len, struct record *out)
{
	struct buf_reader rd;
	enum record_error e;

	memset(out, 0, sizeof(*out));
	if (len != RECORD_LEN)
		return RECORD_ERR_LENGTH;
	buf_rd_init(&rd, in, len);
	if ((e = record_read(&rd, out)) != RECORD_OK)
		memset(out, 0, sizeof(*out));
	return e;
}

/* Exactly RECORD_LEN bytes, known version and kind, a good signature. */
enum record_error
record_parse(const uint8_t *in, size_t len, struct record *out)
{
	uint8_t msg[RECORD_MSG_LEN];
	enum record_error e;

	if ((e = record_peek(in, len, out)) != RECORD_OK)
		return e;
	if (record_message(out, msg) == -1 ||
	    crypto_ed25519_verify(out->signer, msg, sizeof(msg),
	    out->sig) == -1) {
		memset(out, 0, sizeof(*out));
		return RECORD_ERR_SIGNATURE;
	}
	return RECORD_OK;
}

/* A fixed string for each error. */
const char *
record_strerror(enum record_error e)
{
	switch (e) {
	case RECORD_OK:
		return "ok";
	case RECORD_ERR_LENGTH:
		return "wrong record length";
	case RECORD_ERR_VERSION:
		return "unknown record version";
	case RECORD_ERR_KIND:
		return "unknown record kind";
	case RECORD_ERR_SIGNATURE:
		return "bad record signature";
	case RECORD_ERR_ROOM:
		return "record is for another room";
	case RECORD_ERR_AUTHORITY:
		return "signer may not issue this record";
	case RECORD_ERR_STALE:
		return "record is older than the one it would override";
	case RECORD_ERR_FULL:
		return "moderator, ban or allow list is full";
	case RECORD_ERR_RESERVED:
		return "reserved record field not zero";
	case RECORD_ERR_TARGET:
		return "record is for another identity";
	case RECORD_ERR_EXPIRED:
		return "record has expired";
	}
	return "unknown error";
}

/* Empty policy for the room of room_pub. */
int
policy_init(struct room_policy *p, const uint8_t room_pub[ROOM_PUB_LEN])
{
	memset(p, 0, sizeof(*p));
	if (room_id_from_key(room_pub, p->room_id) == -1) {
		memset(p, 0, sizeof(*p));
		return -1;
	}
	memcpy(p->room_pub, room_pub, ROOM_PUB_LEN);
	return 0;
}

/* Index of id in list l of n entries, or -1. */
static long
policy_list_find(const struct policy_entry *l, size_t n, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(l[i].id, id, CRYPTO_ED25519_PUB_LEN) == 0)
			return (long)i;
	return -1;
}

/*
 * Set r->target on or off in list l: newer than its last on/off, a slot
 * for it (an off takes one too, to refuse older ons).
 */
static enum record_error
policy_list_set(struct policy_entry *l, size_t *n, size_t max,
    const struct record *r, int active, uint64_t until)
{
	long i = policy_list_find(l, *n, r->target);

	if (i != -1 && r->issued <= l[i].issued)
		return RECORD_ERR_STALE;
	if (i == -1) {
		if (*n == max)
			return RECORD_ERR_FULL;
		i = (long)(*n)++;
		memcpy(l[i].id, r->target, CRYPTO_ED25519_PUB_LEN);
	}
	l[i].issued = r->issued;
	l[i].active = active;
	l[i].until = until;
	return RECORD_OK;
}

/* 1 if id is an active moderator. */
int
policy_is_moderator(const struct room_policy *p,
    const uint8_t id[CRYPTO_ED25519_PUB_LEN])
{
	long i = policy_list_find(p->mods, p->nmods, id);

	return i != -1 && p->mods[i].active;
}

/* 1 if id is under a ban that has not run out at now. */
int
policy_is_banned(const struct room_policy *p,
    const uint8_t id[CRYPTO_ED25519_PUB_LEN], uint64_t now)
{
	long i = policy_list_find(p->bans, p->nbans, id);

	if (i == -1 || !p->bans[i].active)
		return 0;
	return p->bans[i].until == 0 || now < p->bans[i].until;
}

/* 1 if id has an active allow-list entry. */
int
policy_is_allowed(const struct room_policy *p,
    const uint8_t id[CRYPTO_ED25519_PUB_LEN])
{
	long i = policy_list_find(p->allows, p->nallows, id);

	return i != -1 && p->allows[i].active;
}

/*
 * Who may sign r: the owner's room key anything; an active moderator a
 * kick, ban, unban, allow or disallow, but not of the room key or of
 * another active moderator, so moderators cannot remove each other or
 * the owner.  Only the owner makes a room mixed (it gives up end-to-end
 * encryption), names the nodes of its cascade (they see its members and
 * traffic) or sets who may join at all (ADMIT).
 */
static enum record_error
policy_authorize(const struct room_policy *p, const struct record *r)
{
	if (memcmp(r->signer, p->room_pub, ROOM_PUB_LEN) == 0)
		return RECORD_OK;
	if (r->kind == RECORD_PROMOTE || r->kind == RECORD_DEMOTE ||
	    r->kind == RECORD_MIXED || r->kind == RECORD_CASCADE ||
	    r->kind == RECORD_ADMIT)
		return RECORD_ERR_AUTHORITY;
	if (!policy_is_moderator(p, r->signer))
		return RECORD_ERR_AUTHORITY;
	if (memcmp(r->target, p->room_pub, ROOM_PUB_LEN) == 0 ||
	    policy_is_moderator(p, r->target))
		return RECORD_ERR_AUTHORITY;
	return RECORD_OK;
}

/*
 * Admit: the whole rule set at once, replaced by any newer ADMIT (the
 * first is taken whatever its issued), so a replayed older one cannot
 * undo a change.
 */
static enum record_error
policy_apply_admit(struct room_policy *p, const struct record *r)
{
	struct record_admit a;

	/* A record built by the caller, not parsed, is range-checked too. */
	if (r->until != 0 || record_admit_decode(r->target, &a) == -1)
		return RECORD_ERR_RESERVED;
	if (p->has_admit && r->issued <= p->admit_issued)
		return RECORD_ERR_STALE;
	p->has_admit = 1;
	memcpy(&p->admit, &a, sizeof(a));
	p->admit_issued = r->issued;
	return RECORD_OK;
}

/*
 * Mixed: once.  There is no record that undoes it, so a second MIXED
 * (a replay, or a newer one) changes nothing and is refused as stale.
 */
static enum record_error
policy_apply_mixed(struct room_policy *p, const struct record *r)
{
	if (p->mixed)
		return RECORD_ERR_STALE;
	p->mixed = 1;
	p->mixed_issued = r->issued;
	return RECORD_OK;
}

/*
 * Cascade: one node per place and one place per node, so a key listed
 * already or a place taken already is stale.  Nothing removes an entry:
 * a cascade is fixed when the room is created.
 */
static enum record_error
policy_apply_cascade(struct room_policy *p, const struct record *r)
{
	size_t i;

	/* A record built by the caller, not parsed, must be in range too. */
	if (!record_fields_valid(r))
		return RECORD_ERR_RESERVED;
	if (policy_cascade_place(p, r->target) != 0 ||
	    policy_cascade_key(p, (uint8_t)r->until) != NULL)
		return RECORD_ERR_STALE;
	if (p->ncascade >= RECORD_MAX_CASCADE)
		return RECORD_ERR_FULL;
	i = p->ncascade++;
	memcpy(p->cascade[i].key, r->target, CRYPTO_X25519_LEN);
	p->cascade[i].place = (uint8_t)r->until;
	p->cascade[i].issued = r->issued;
	return RECORD_OK;
}

/* The place of node key in the cascade, or 0. */
uint8_t
policy_cascade_place(const struct room_policy *p,
    const uint8_t key[CRYPTO_X25519_LEN])
{
	size_t i;

	for (i = 0; i < p->ncascade && i < RECORD_MAX_CASCADE; i++)
		if (memcmp(p->cascade[i].key, key, CRYPTO_X25519_LEN) == 0)
			return p->cascade[i].place;
	return 0;
}

/* The node key at place, or NULL. */
const uint8_t *
policy_cascade_key(const struct room_policy *p, uint8_t place)
{
	size_t i;

	if (place == 0)
		return NULL;
	for (i = 0; i < p->ncascade && i < RECORD_MAX_CASCADE; i++)
		if (p->cascade[i].place == place)
			return p->cascade[i].key;
	return NULL;
}

/* Check room and authority, then fold the record into the policy. */
enum record_error
policy_apply(struct room_policy *p, const struct record *r)
{
	enum record_error e;

	if (memcmp(r->room_id, p->room_id, ROOM_ID_LEN) != 0)
		return RECORD_ERR_ROOM;
	/* An invitation is its target's to present, not the room's state. */
	if (!record_kind_valid(r->kind) || r->kind == RECORD_INVITE)
		return RECORD_ERR_KIND;
	if ((e = policy_authorize(p, r)) != RECORD_OK)
		return e;
	switch (r->kind) {
	case RECORD_PROMOTE:
	case RECORD_DEMOTE:
		return policy_list_set(p->mods, &p->nmods,
		    RECORD_MAX_MODERATORS, r, r->kind == RECORD_PROMOTE, 0);
	case RECORD_BAN:
	case RECORD_UNBAN:
		return policy_list_set(p->bans, &p->nbans, RECORD_MAX_BANS, r,
		    r->kind == RECORD_BAN, r->kind == RECORD_BAN ? r->until : 0);
	case RECORD_MIXED:
		return policy_apply_mixed(p, r);
	case RECORD_CASCADE:
		return policy_apply_cascade(p, r);
	case RECORD_ADMIT:
		return policy_apply_admit(p, r);
	case RECORD_ALLOW:
	case RECORD_DISALLOW:
		/* A record built by the caller, not parsed, names a member. */
		if (!record_fields_valid(r))
			return RECORD_ERR_RESERVED;
		return policy_list_set(p->allows, &p->nallows,
		    RECORD_MAX_ALLOWS, r, r->kind == RECORD_ALLOW, 0);
	default:
		return RECORD_OK;	/* a kick: nothing to keep */
	}
}

/*
 * An invitation presented by id at now: an INVITE of this room, naming
 * id, not run out, whose signer holds the authority now (a moderator
 * demoted since its invitation no longer vouches for anyone).
 */
enum record_error
policy_check_invite(const struct room_policy *p, const struct record *inv,
    const uint8_t id[CRYPTO_ED25519_PUB_LEN], uint64_t now)
{
	if (inv->kind != RECORD_INVITE)
		return RECORD_ERR_KIND;
	if (memcmp(inv->room_id, p->room_id, ROOM_ID_LEN) != 0)
		return RECORD_ERR_ROOM;
	if (memcmp(inv->target, id, CRYPTO_ED25519_PUB_LEN) != 0)
		return RECORD_ERR_TARGET;
	if (inv->until != 0 && now >= inv->until)
		return RECORD_ERR_EXPIRED;
	if (memcmp(inv->signer, p->room_pub, ROOM_PUB_LEN) != 0 &&
	    !policy_is_moderator(p, inv->signer))
		return RECORD_ERR_AUTHORITY;
	return RECORD_OK;
}

/* RECORD_CREATE_LABEL || room ID || node ID || join key. */
static int
record_create_message(const uint8_t room_pub[ROOM_PUB_LEN],
    const uint8_t node_id[CRYPTO_ED25519_PUB_LEN],
    const uint8_t join_key[ROOM_KEY_LEN], uint8_t msg[RECORD_CREATE_MSG_LEN])
{
	struct buf_writer w;
	uint8_t *id;

	buf_wr_init(&w, msg, RECORD_CREATE_MSG_LEN);
	buf_put_bytes(&w, RECORD_CREATE_LABEL, RECORD_CREATE_LABEL_LEN);
	if (buf_put_reserve(&w, ROOM_ID_LEN, &id) == -1 ||
	    room_id_from_key(room_pub, id) == -1)
		return -1;
	buf_put_bytes(&w, node_id, CRYPTO_ED25519_PUB_LEN);
	buf_put_bytes(&w, join_key, ROOM_KEY_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != RECORD_CREATE_MSG_LEN)
		return -1;
	return 0;
}

/* The room key hands this node the join key. */
int
record_create_sign(const uint8_t room_seed[CRYPTO_ED25519_SEED_LEN],
    const uint8_t node_id[CRYPTO_ED25519_PUB_LEN],
    const uint8_t join_key[ROOM_KEY_LEN],
    uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	uint8_t pub[ROOM_PUB_LEN], msg[RECORD_CREATE_MSG_LEN];
	int rc = -1;

	if (crypto_ed25519_public(room_seed, pub) == -1 ||
	    record_create_message(pub, node_id, join_key, msg) == -1 ||
	    crypto_ed25519_sign(room_seed, msg, sizeof(msg), sig) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(msg, sizeof(msg));
	if (rc == -1)
		memset(sig, 0, CRYPTO_ED25519_SIG_LEN);
	return rc;
}

/* 0 if sig is the room key's creation proof for this node and join key. */
int
record_create_verify(const uint8_t room_pub[ROOM_PUB_LEN],
    const uint8_t node_id[CRYPTO_ED25519_PUB_LEN],
    const uint8_t join_key[ROOM_KEY_LEN],
    const uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	uint8_t msg[RECORD_CREATE_MSG_LEN];
	int rc = -1;

	if (record_create_message(room_pub, node_id, join_key, msg) == -1 ||
	    crypto_ed25519_verify(room_pub, msg, sizeof(msg), sig) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(msg, sizeof(msg));
	return rc;
}

/*
 * The blob's AEAD key: HKDF-SHA256(salt = room ID, ikm = dh_e || dh_s,
 * info = KEYBLOB_LABEL || epoch || sender member || recipient member).
 * Both DH results are wiped here, whatever happens.
 */
static int
keyblob_key(uint8_t dh[2 * CRYPTO_X25519_LEN],
    const uint8_t room_id[ROOM_ID_LEN], uint16_t epoch,
    uint32_t sender_member, uint32_t recipient_member,
    uint8_t key[CRYPTO_AEAD_KEY_LEN])
{
	uint8_t info[KEYBLOB_INFO_LEN];
	struct buf_writer w;
	int rc = -1;

	buf_wr_init(&w, info, sizeof(info));
	buf_put_bytes(&w, KEYBLOB_LABEL, KEYBLOB_LABEL_LEN);
	buf_put_n16(&w, epoch);
	buf_put_n32(&w, sender_member);
	buf_put_n32(&w, recipient_member);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(info))
		goto fail;
	if (crypto_hkdf_sha256(room_id, ROOM_ID_LEN, dh, 2 * CRYPTO_X25519_LEN,
	    info, sizeof(info), key, CRYPTO_AEAD_KEY_LEN) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(dh, 2 * CRYPTO_X25519_LEN);
	if (rc == -1)
		crypto_wipe(key, CRYPTO_AEAD_KEY_LEN);
	return rc;
}

/* e_pub || AEAD(epoch || media key); only the recipient can open it. */
int
keyblob_seal(const uint8_t sender_x_priv[CRYPTO_X25519_LEN],
    const uint8_t recipient_x_pub[CRYPTO_X25519_LEN],
    const uint8_t e_priv[CRYPTO_X25519_LEN],
    const uint8_t room_id[ROOM_ID_LEN], uint16_t epoch,
    uint32_t sender_member, uint32_t recipient_member,
    const uint8_t media_key[ROOM_KEY_LEN], uint8_t out[KEYBLOB_LEN])
{
	uint8_t dh[2 * CRYPTO_X25519_LEN], key[CRYPTO_AEAD_KEY_LEN];
	uint8_t pt[KEYBLOB_PT_LEN];
	struct buf_writer w;
	int rc = -1;

	buf_wr_init(&w, pt, sizeof(pt));
	buf_put_n16(&w, epoch);
	buf_put_bytes(&w, media_key, ROOM_KEY_LEN);
	if (buf_wr_error(&w) == -1)
		goto fail;
	/* e, es (to the recipient), ss (sender static to the recipient) */
	if (crypto_x25519_public(e_priv, out) == -1 ||
	    crypto_x25519(e_priv, recipient_x_pub, dh) == -1 ||
	    crypto_x25519(sender_x_priv, recipient_x_pub,
	    dh + CRYPTO_X25519_LEN) == -1)
		goto fail;
	if (keyblob_key(dh, room_id, epoch, sender_member, recipient_member,
	    key) == -1)
		goto fail;
	if (crypto_aead_seal(key, KEYBLOB_NONCE, out, CRYPTO_X25519_LEN, pt,
	    sizeof(pt), out + CRYPTO_X25519_LEN) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(dh, sizeof(dh));
	crypto_wipe(key, sizeof(key));
	crypto_wipe(pt, sizeof(pt));
	if (rc == -1)
		crypto_wipe(out, KEYBLOB_LEN);
	return rc;
}

/* The reverse DHs, the same key; the blob must name this epoch. */
int
keyblob_open(const uint8_t recipient_x_priv[CRYPTO_X25519_LEN],
    const uint8_t sender_x_pub[CRYPTO_X25519_LEN],
    const uint8_t room_id[ROOM_ID_LEN], uint16_t epoch,
    uint32_t sender_member, uint32_t recipient_member,
    const uint8_t in[KEYBLOB_LEN], uint8_t media_key[ROOM_KEY_LEN])
{
	uint8_t dh[2 * CRYPTO_X25519_LEN], key[CRYPTO_AEAD_KEY_LEN];
	uint8_t pt[KEYBLOB_PT_LEN];
	struct buf_reader rd;
	const uint8_t *e_pub, *ct;
	uint16_t got;
	int rc = -1;

	buf_rd_init(&rd, in, KEYBLOB_LEN);
	if (buf_get_ptr(&rd, CRYPTO_X25519_LEN, &e_pub) == -1 ||
	    buf_get_ptr(&rd, KEYBLOB_CT_LEN, &ct) == -1)
		goto fail;
	if (crypto_x25519(recipient_x_priv, e_pub, dh) == -1 ||
	    crypto_x25519(recipient_x_priv, sender_x_pub,
	    dh + CRYPTO_X25519_LEN) == -1)
		goto fail;
	if (keyblob_key(dh, room_id, epoch, sender_member, recipient_member,
	    key) == -1)
		goto fail;
	if (crypto_aead_open(key, KEYBLOB_NONCE, e_pub, CRYPTO_X25519_LEN, ct,
	    KEYBLOB_CT_LEN, pt) == -1)
		goto fail;
	buf_rd_init(&rd, pt, sizeof(pt));
	if (buf_get_n16(&rd, &got) == -1 || got != epoch ||
	    buf_get_bytes(&rd, media_key, ROOM_KEY_LEN) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(dh, sizeof(dh));
	crypto_wipe(key, sizeof(key));
	crypto_wipe(pt, sizeof(pt));
	if (rc == -1)
		crypto_wipe(media_key, ROOM_KEY_LEN);
	return rc;
}
