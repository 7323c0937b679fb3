/*
 * record.h - signed room records: the owner's room creation, moderation
 * records (promote, demote, kick, ban, unban), the room's mode and
 * cascade (mixed, cascade), its admission rules (admit, allow, disallow)
 * and the invitations members present at JOIN (invite), and the key
 * blobs that carry a rotated media key to each member, sans-I/O.
 *
 * Records are fixed-size and signed with Ed25519, so anyone holding the
 * room ID can verify them: a node enforces them, clients check them.
 * Times are Unix seconds from the caller.  doc/PROTOCOL.md "Room records".
 */
#ifndef CHORUS_RECORD_H
#define CHORUS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"
#include "chorus/room.h"

#define RECORD_VERSION		1
#define RECORD_LEN		186
#define RECORD_SIGNED_LEN	(RECORD_LEN - CRYPTO_ED25519_SIG_LEN)
#define RECORD_LABEL		"chorus room record v1"
#define RECORD_CREATE_LABEL	"chorus room create v1"
#define RECORD_MAX_MODERATORS	32
#define RECORD_MAX_BANS		256
#define RECORD_MAX_CASCADE	8	/* nodes of a cascade: places 1..8 */
#define RECORD_MAX_ALLOWS	256	/* entries of the allow-list */

enum record_kind {
	RECORD_PROMOTE = 1,	/* target becomes a moderator (owner only) */
	RECORD_DEMOTE,		/* target stops being one (owner only) */
	RECORD_KICK,		/* target is removed now */
	RECORD_BAN,		/* removed and refused until `until` (0: ever) */
	RECORD_UNBAN,
	RECORD_MIXED,		/* the node decodes and mixes (owner only) */
	RECORD_CASCADE,		/* node target is place until (owner only) */
	RECORD_ADMIT,		/* target: the admission rules (owner only) */
	RECORD_ALLOW,		/* target joins the allow-list */
	RECORD_DISALLOW,	/* target leaves it */
	RECORD_INVITE,		/* target may join until `until` (0: no end) */
};

/*
 * Layout (186 bytes): version (1) || kind (1) || reserved (8, zero) ||
 * room ID (32) || issued (8) || target ID (32: zero in MIXED; a node's
 * X25519 key in CASCADE) || until (8: BAN's end, CASCADE's place, else
 * zero) || signer (32: the room public key or a moderator's ID) ||
 * signature (64) over RECORD_LABEL || the 122 bytes before it.
 * MIXED says the room is mixed: the node decodes, mixes and re-encodes
 * its audio, so it is not end-to-end encrypted; a room's mode is fixed
 * for its life, so there is no record that undoes it.
 * CASCADE says node target (its X25519 static key, the key= of its
 * invite link; not all zero) carries the room as place until (1..
 * RECORD_MAX_CASCADE) of the room's cascade; fixed at creation too.
 * ADMIT carries struct record_admit in target (below) and replaces the
 * room's admission rules.  ALLOW and DISALLOW add a member (target, not
 * all zero) to the allow-list or take it off.  INVITE is held by its
 * target (not all zero), who presents it at JOIN; until is its expiry
 * (exclusive), 0 for none.  ADMIT, ALLOW and DISALLOW leave until zero.
 */
struct record {
	uint8_t		kind;
	uint8_t		room_id[ROOM_ID_LEN];
	uint64_t	issued;
	uint8_t		target[CRYPTO_ED25519_PUB_LEN];
	uint64_t	until;
	uint8_t		signer[CRYPTO_ED25519_PUB_LEN];
	uint8_t		sig[CRYPTO_ED25519_SIG_LEN];
};

enum record_error {
	RECORD_OK = 0,
	RECORD_ERR_LENGTH,
	RECORD_ERR_VERSION,
	RECORD_ERR_KIND,
	RECORD_ERR_SIGNATURE,
	RECORD_ERR_ROOM,	/* for another room */
	RECORD_ERR_AUTHORITY,	/* the signer may not do this */
	RECORD_ERR_STALE,	/* not newer than what it would override */
	RECORD_ERR_FULL,	/* moderator, ban or allow list full */
	RECORD_ERR_RESERVED,	/* reserved, until where unused, MIXED target
				   set, CASCADE place or target out of range,
				   ADMIT rules out of range, a zero member */
	RECORD_ERR_TARGET,	/* an invitation for another identity */
	RECORD_ERR_EXPIRED,	/* an invitation past its until */
};
const char *record_strerror(enum record_error);

/* Fill sig (signer from seed) and write the 186 bytes. 0 or -1. */
int	record_sign(struct record *, const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
	    uint8_t out[RECORD_LEN]);
/* Parse and check the signature (not the authority). */
enum record_error record_parse(const uint8_t *in, size_t len,
	    struct record *out);
/*
 * Parse the fields without checking the signature: for a client that
 * looks at a record before it hands it on to the node, which verifies.
 */
enum record_error record_peek(const uint8_t *in, size_t len,
	    struct record *out);

/*
 * A room's admission rules, the target of an ADMIT record (32 bytes):
 * flags (1) || min_standing (2) || joins_per_min (2) || burst (2) ||
 * 25 zero bytes.  flags: RECORD_ADMIT_* only.  min_standing is in
 * thousandths, 0..RECORD_STANDING_ONE.  joins_per_min 0 means no rate
 * limit, and then burst is 0; otherwise burst is 1..RECORD_ADMIT_MAX_BURST.
 * MEMBERS_ONLY: only IDs on the allow-list join; INVITE_ONLY: only the
 * holders of a valid invitation; both: either of the two admits.
 */
#define RECORD_ADMIT_MEMBERS_ONLY	0x01
#define RECORD_ADMIT_INVITE_ONLY	0x02
#define RECORD_ADMIT_FLAGS		0x03	/* every defined flag */
#define RECORD_STANDING_ONE		1000	/* standing 1.0, thousandths */
#define RECORD_ADMIT_MAX_BURST		1000
struct record_admit {
	uint8_t		flags;
	uint16_t	min_standing;	/* 0..RECORD_STANDING_ONE */
	uint16_t	joins_per_min;	/* 0: no limit */
	uint16_t	burst;		/* 0 iff joins_per_min is 0 */
};
/* 0, or -1 (target zeroed) if a field is out of range. */
int	record_admit_encode(const struct record_admit *,
	    uint8_t target[CRYPTO_ED25519_PUB_LEN]);
/* 0, or -1 (*out zeroed) if target is not a valid encoding. */
int	record_admit_decode(const uint8_t target[CRYPTO_ED25519_PUB_LEN],
	    struct record_admit *out);

/* One entry of a moderator, ban or allow list. */
struct policy_entry {
	uint8_t		id[CRYPTO_ED25519_PUB_LEN];
	uint64_t	issued;	/* latest on/off record */
	uint64_t	until;	/* of a ban; 0: for ever (0 in other lists) */
	int		active;	/* on, not off */
};

/* What a room's records add up to. */
struct room_policy {
	uint8_t		room_id[ROOM_ID_LEN];
	uint8_t		room_pub[ROOM_PUB_LEN];	/* the owner's room key */
	size_t		nmods;
	struct policy_entry mods[RECORD_MAX_MODERATORS];
	size_t		nbans;
	struct policy_entry bans[RECORD_MAX_BANS];
	int		mixed;		/* a MIXED record was applied */
	uint64_t	mixed_issued;	/* its issued time */
	size_t		ncascade;	/* CASCADE records applied */
	struct {
		uint8_t		key[CRYPTO_X25519_LEN];	/* node's static key */
		uint8_t		place;	/* 1..RECORD_MAX_CASCADE */
		uint64_t	issued;
	}		cascade[RECORD_MAX_CASCADE];
	int		has_admit;	/* an ADMIT record was applied */
	struct record_admit admit;	/* the latest one's rules */
	uint64_t	admit_issued;	/* its issued time */
	size_t		nallows;
	struct policy_entry allows[RECORD_MAX_ALLOWS];
};

/*
 * A policy with no moderators or bans, its room ID computed from room_pub
 * (a client compares it with the ID it expects); -1 if hashing fails.
 */
int	policy_init(struct room_policy *, const uint8_t room_pub[ROOM_PUB_LEN]);
/*
 * Apply a parsed record: for this room, signed by the owner's room key
 * (any kind) or an active moderator (kick, ban, unban, allow, disallow,
 * but never of the room key or of an active moderator: only the owner
 * acts on those), and newer (issued) than the last promote/demote,
 * ban/unban or allow/disallow of the same target.  A kick changes no
 * state (the caller removes the member, and must itself refuse a
 * replayed kick, e.g. one issued before the member joined).  MIXED sets
 * mixed (nothing clears it); on a policy already mixed it is
 * RECORD_ERR_STALE.  CASCADE (owner only) appends its node and place;
 * RECORD_ERR_STALE if that key is listed or that place taken already,
 * and nothing removes an entry.  ADMIT (owner only) replaces the
 * admission rules if it is the first or newer than the last one
 * applied, else RECORD_ERR_STALE.  INVITE is never applied:
 * RECORD_ERR_KIND (see policy_check_invite).  On any error the policy
 * is unchanged.
 */
enum record_error policy_apply(struct room_policy *, const struct record *);
/* 1 if id is an active moderator (the room key itself is not listed). */
int	policy_is_moderator(const struct room_policy *,
	    const uint8_t id[CRYPTO_ED25519_PUB_LEN]);
/* 1 if id is banned at now (Unix seconds). */
int	policy_is_banned(const struct room_policy *,
	    const uint8_t id[CRYPTO_ED25519_PUB_LEN], uint64_t now);
/* 1 if id has an active allow-list entry. */
int	policy_is_allowed(const struct room_policy *,
	    const uint8_t id[CRYPTO_ED25519_PUB_LEN]);
/*
 * Check a parsed record that member id presents at now (Unix seconds) as
 * its invitation, in this order: RECORD_ERR_KIND (not an INVITE),
 * RECORD_ERR_ROOM, RECORD_ERR_TARGET (not for id), RECORD_ERR_EXPIRED
 * (until set and now >= until), RECORD_ERR_AUTHORITY (signed neither by
 * the room key nor by a moderator active now); else RECORD_OK.
 */
enum record_error policy_check_invite(const struct room_policy *,
	    const struct record *inv, const uint8_t id[CRYPTO_ED25519_PUB_LEN],
	    uint64_t now);
/* The cascade place of node key, or 0 if it is not one of the cascade. */
uint8_t	policy_cascade_place(const struct room_policy *,
	    const uint8_t key[CRYPTO_X25519_LEN]);
/* The node key at place, or NULL if no node holds it. */
const uint8_t *policy_cascade_key(const struct room_policy *, uint8_t place);

/*
 * Room creation proof: the room key signs RECORD_CREATE_LABEL || room ID
 * || node ID || join key, so a node learns the join key only from the
 * owner, for itself.  node_id is the 32-byte key the client knows the
 * node by: its X25519 static public key (the key= of the invite link).
 */
int	record_create_sign(const uint8_t room_seed[CRYPTO_ED25519_SEED_LEN],
	    const uint8_t node_id[CRYPTO_ED25519_PUB_LEN],
	    const uint8_t join_key[ROOM_KEY_LEN],
	    uint8_t sig[CRYPTO_ED25519_SIG_LEN]);
int	record_create_verify(const uint8_t room_pub[ROOM_PUB_LEN],
	    const uint8_t node_id[CRYPTO_ED25519_PUB_LEN],
	    const uint8_t join_key[ROOM_KEY_LEN],
	    const uint8_t sig[CRYPTO_ED25519_SIG_LEN]);

/*
 * Key blob: a new media key sealed by one member (the sender, usually a
 * moderator rotating after a kick) to another.  82 bytes: an ephemeral
 * X25519 key (32) || ChaCha20-Poly1305(epoch (2) || key (32)) + tag (16).
 * key = HKDF-SHA256(salt = room ID, ikm = DH(e, recipient) ||
 * DH(sender static, recipient), info = KEYBLOB_LABEL || epoch ||
 * sender member || recipient member), so only the recipient can open it
 * and it proves the sender's static key.
 */
#define KEYBLOB_LEN		82
#define KEYBLOB_LABEL		"chorus key blob v1"
int	keyblob_seal(const uint8_t sender_x_priv[CRYPTO_X25519_LEN],
	    const uint8_t recipient_x_pub[CRYPTO_X25519_LEN],
	    const uint8_t e_priv[CRYPTO_X25519_LEN],
	    const uint8_t room_id[ROOM_ID_LEN], uint16_t epoch,
	    uint32_t sender_member, uint32_t recipient_member,
	    const uint8_t media_key[ROOM_KEY_LEN], uint8_t out[KEYBLOB_LEN]);
/* -1 (key wiped) unless it opens and names this epoch. */
int	keyblob_open(const uint8_t recipient_x_priv[CRYPTO_X25519_LEN],
	    const uint8_t sender_x_pub[CRYPTO_X25519_LEN],
	    const uint8_t room_id[ROOM_ID_LEN], uint16_t epoch,
	    uint32_t sender_member, uint32_t recipient_member,
	    const uint8_t in[KEYBLOB_LEN], uint8_t media_key[ROOM_KEY_LEN]);

#endif
