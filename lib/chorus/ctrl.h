/*
 * ctrl.h - control messages between a client and a node, and between
 * the nodes of a cascaded room, carried in reliable CONTROL frames
 * (frame.h), sans-I/O.
 *
 * A message is its type (1 byte) and a body whose layout the type fixes;
 * integers are big endian.  ctrl_parse() checks every length exactly and
 * points into the caller's buffer; the builders write one message into a
 * buf_writer.  doc/PROTOCOL.md "Control messages".
 */
#ifndef CHORUS_CTRL_H
#define CHORUS_CTRL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"

/* Client to node. */
#define CTRL_CREATE	0x10	/* room pub (32) join key (32) sig (64) n (1) n records */
#define CTRL_JOIN	0x11	/* room ID (32) proof (32) [invitation (186)] */
#define CTRL_LEAVE	0x12	/* empty */
#define CTRL_RECORD	0x13	/* one record (186) */
#define CTRL_KEYS	0x14	/* epoch (2) n (1) n x (member (4) blob (82)) */
#define CTRL_STANDBY	0x15	/* room ID (32) proof (32): keep the room warm here */
#define CTRL_BLOCK	0x16	/* op (1) n (1) n x (ID (32) flags (1)) */
/* Node to client. */
#define CTRL_CREATED	0x20	/* room ID (32) */
#define CTRL_JOINED	0x21	/* member (4) epoch (2) limit (2) mode (1) pub (32) */
#define CTRL_ROSTER	0x22	/* mode (1) n (1) n x roster entry (133) */
#define CTRL_SPEAKERS	0x23	/* n (1) n x member (4) */
#define CTRL_KEY	0x24	/* from member (4) epoch (2) blob (82) */
#define CTRL_RECORDED	0x25	/* one record (186) the node applied */
#define CTRL_STANDING	0x26	/* room ID (32) members (2): standby taken */
#define CTRL_MOVE	0x27	/* reason (1) room ID (32) */
#define CTRL_ERROR	0x2F	/* code (2) about (1) n (1) text (n) */
/* Node to node, both ways, in a cascade; ROSTER, RECORDED, ERROR too. */
#define CTRL_LINK	0x30	/* room ID (32) proof (32): JOIN's body */
#define CTRL_LINKED	0x31	/* room ID (32) place (1) */
#define CTRL_PEERS	0x32	/* origin (1) seq (4) n (1) n x place (1) */
#define CTRL_KEYFWD	0x33	/* to (4) from (4) epoch (2) blob (82) */

#define CTRL_MAX_CREATE_RECORDS	5	/* a PROMOTE and four CASCADE */
#define CTRL_MAX_KEYS		12	/* blobs per CTRL_KEYS */
#define CTRL_ROSTER_ENTRY_LEN	133	/* event (1) member (4) ed (32) x (32) binding (64) */
#define CTRL_MAX_ROSTER		8	/* entries per CTRL_ROSTER */
#define CTRL_MAX_SPEAKERS	16
#define CTRL_MAX_TEXT		200
#define CTRL_KEY_ENTRY_LEN	(4 + KEYBLOB_LEN)
#define CTRL_MAX_PLACE		8	/* places 1..8, RECORD_MAX_CASCADE */
#define CTRL_MAX_PEERS		(CTRL_MAX_PLACE - 1)	/* places per PEERS */
#define CTRL_MAX_BLOCK		32	/* IDs per BLOCK */
#define CTRL_BLOCK_ENTRY_LEN	33	/* ID (32) flags (1) */
/* The join challenge: the first 16 bytes of the session's handshake hash. */

/*
 * The room's mode, in JOINED and ROSTER: end-to-end encrypted (the node
 * forwards frames it cannot read), or mixed (the node decodes, mixes and
 * re-encodes the audio, so it can hear it).  Any other value is refused.
 */
enum ctrl_room_mode {
	CTRL_MODE_E2E = 0,
	CTRL_MODE_MIXED = 1,
};

/*
 * Why a node sends MOVE: it is leaving (drain), so its members and
 * standbys go to another of the room's nodes; or the room, kept here
 * as a standby, has members on this node now, so they come here.
 */
enum ctrl_move_reason {
	CTRL_MOVE_DRAINING = 1,
	CTRL_MOVE_ACTIVE = 2,
};

/*
 * What a BLOCK does to the sender's block list on the node: add the IDs,
 * remove them (1..CTRL_MAX_BLOCK each), or clear the list (no IDs).
 */
enum ctrl_block_op {
	CTRL_BLOCK_ADD = 1,
	CTRL_BLOCK_REMOVE = 2,
	CTRL_BLOCK_CLEAR = 3,
};
/* Entry flags: the block counts toward the target's standing here. */
#define CTRL_BLOCK_REPORT	0x01
#define CTRL_BLOCK_FLAGS	0x01	/* every defined flag */

enum ctrl_roster_event {
	CTRL_ROSTER_PRESENT = 1,	/* in the room (on join, or joined) */
	CTRL_ROSTER_LEFT = 2,
};

/* Error codes in CTRL_ERROR; each is its own client exit status. */
enum ctrl_code {
	CTRL_E_MALFORMED = 1,
	CTRL_E_UNKNOWN_ROOM,
	CTRL_E_ROOM_EXISTS,
	CTRL_E_ROOM_FULL,	/* max-room-members */
	CTRL_E_NODE_FULL,	/* max-rooms, or sessions */
	CTRL_E_BAD_PROOF,	/* wrong room secret or password */
	CTRL_E_BANNED,
	CTRL_E_KICKED,
	CTRL_E_NOT_IN_ROOM,
	CTRL_E_BAD_RECORD,
	CTRL_E_NOT_ALLOWED,	/* signer is not owner or moderator */
	CTRL_E_DRAINING,
	CTRL_E_BAD_SIGNATURE,	/* creation not signed by the room key */
	CTRL_E_ALREADY_IN_ROOM,
	CTRL_E_NO_MIXING,	/* a mixed room, max-mixed-rooms reached */
	CTRL_E_INVITE_ONLY,	/* no valid invitation to an invite-only room */
	CTRL_E_MEMBERS_ONLY,	/* not on a members-only room's allow-list */
	CTRL_E_LOW_STANDING,	/* standing here below the room's minimum */
	CTRL_E_JOIN_RATE,	/* beyond the room's joins per minute */
	CTRL_E_BAD_INVITE,	/* the invitation does not parse or check */
	CTRL_E_DENIED,		/* the identity is on the node's deny list */
	CTRL_E_MAX
};
/* "room full" and so on; "unknown error" outside the enum. */
const char *ctrl_code_text(unsigned code);

struct ctrl_roster_entry {
	uint8_t		event;
	uint32_t	member;
	const uint8_t	*ed_pub, *x_pub, *binding;
};

struct ctrl_msg {
	uint8_t		 type;
	const uint8_t	*room_id;	/* JOIN, STANDBY, CREATED, STANDING,
					   MOVE, LINK, LINKED */
	const uint8_t	*room_pub;	/* CREATE, JOINED */
	const uint8_t	*join_key;	/* CREATE */
	const uint8_t	*sig;		/* CREATE */
	const uint8_t	*proof;		/* JOIN, STANDBY, LINK */
	const uint8_t	*records;	/* CREATE (n x RECORD_LEN), RECORD,
					   RECORDED, JOIN (its invitation) */
	const uint8_t	*entries;	/* KEYS, ROSTER, SPEAKERS, PEERS,
					   BLOCK: n */
	size_t		 n;
	uint8_t		 op;		/* BLOCK: enum ctrl_block_op */
	uint32_t	 member;	/* JOINED; KEY, KEYFWD: from */
	uint32_t	 to;		/* KEYFWD: the recipient member */
	uint16_t	 epoch;		/* KEYS, JOINED, KEY, KEYFWD */
	uint16_t	 limit;		/* JOINED: max members */
	uint8_t		 mode;		/* JOINED, ROSTER: enum ctrl_room_mode */
	uint8_t		 reason;	/* MOVE: enum ctrl_move_reason */
	uint16_t	 members;	/* STANDING: members on the node */
	uint8_t		 place;		/* LINKED: place; PEERS: origin */
	uint32_t	 seq;		/* PEERS */
	const uint8_t	*blob;		/* KEY, KEYFWD */
	uint16_t	 code;		/* ERROR */
	uint8_t		 about;		/* ERROR: type of the refused request, or 0 */
	const char	*text;		/* ERROR: not NUL-terminated */
	size_t		 textlen;
};

/* 0 with *m filled (pointers into p), or -1 if malformed (*m zeroed). */
int	ctrl_parse(const uint8_t *p, size_t len, struct ctrl_msg *m);
/*
 * Entry i of a parsed ROSTER; of KEYS (member and blob); of SPEAKERS.
 * Zeroed (0, NULL) if i >= n or the message is of another type.
 */
void	ctrl_roster_get(const struct ctrl_msg *, size_t i,
	    struct ctrl_roster_entry *);
void	ctrl_keys_get(const struct ctrl_msg *, size_t i, uint32_t *member,
	    const uint8_t **blob);
uint32_t ctrl_speaker_get(const struct ctrl_msg *, size_t i);
/* Place i of a parsed PEERS; 0 if i >= n or another type. */
uint8_t	ctrl_peers_get(const struct ctrl_msg *, size_t i);
/* Entry i of a parsed BLOCK; NULL and 0 if i >= n or another type. */
void	ctrl_block_get(const struct ctrl_msg *, size_t i, const uint8_t **id,
	    uint8_t *flags);

/* Builders: 0, or -1 if an argument is out of range or w is full. */
int	ctrl_put_create(struct buf_writer *, const uint8_t room_pub[ROOM_PUB_LEN],
	    const uint8_t join_key[ROOM_KEY_LEN],
	    const uint8_t sig[CRYPTO_ED25519_SIG_LEN],
	    const uint8_t *records, size_t nrecords);
/* JOIN, STANDBY or LINK (type): the same body. */
int	ctrl_put_join(struct buf_writer *, uint8_t type,
	    const uint8_t room_id[ROOM_ID_LEN],
	    const uint8_t proof[ROOM_PROOF_LEN]);
/*
 * JOIN or STANDBY (type) carrying an invitation record; invite NULL: a
 * plain one.  -1 for another type.
 */
int	ctrl_put_join_invite(struct buf_writer *, uint8_t type,
	    const uint8_t room_id[ROOM_ID_LEN],
	    const uint8_t proof[ROOM_PROOF_LEN],
	    const uint8_t invite[RECORD_LEN]);
int	ctrl_put_leave(struct buf_writer *);
/*
 * BLOCK: op one of enum ctrl_block_op; ids n x 32 bytes, none all zero,
 * 1 <= n <= CTRL_MAX_BLOCK for ADD and REMOVE, n = 0 for CLEAR; flags[n]
 * (NULL: all 0) within CTRL_BLOCK_FLAGS, and 0 in a REMOVE.
 */
int	ctrl_put_block(struct buf_writer *, uint8_t op, const uint8_t *ids,
	    const uint8_t *flags, size_t n);
int	ctrl_put_record(struct buf_writer *, uint8_t type,
	    const uint8_t record[RECORD_LEN]);	/* RECORD or RECORDED */
/* KEYS: members[i] and blobs + i * KEYBLOB_LEN, n <= CTRL_MAX_KEYS. */
int	ctrl_put_keys(struct buf_writer *, uint16_t epoch,
	    const uint32_t *members, const uint8_t *blobs, size_t n);
int	ctrl_put_created(struct buf_writer *, const uint8_t room_id[ROOM_ID_LEN]);
int	ctrl_put_standing(struct buf_writer *,
	    const uint8_t room_id[ROOM_ID_LEN], uint16_t members);
/* reason one of enum ctrl_move_reason. */
int	ctrl_put_move(struct buf_writer *, uint8_t reason,
	    const uint8_t room_id[ROOM_ID_LEN]);
/* limit at least 1; mode one of enum ctrl_room_mode. */
int	ctrl_put_joined(struct buf_writer *, uint32_t member, uint16_t epoch,
	    uint16_t limit, uint8_t mode, const uint8_t room_pub[ROOM_PUB_LEN]);
/* mode one of enum ctrl_room_mode; 1 <= n <= CTRL_MAX_ROSTER. */
int	ctrl_put_roster(struct buf_writer *, uint8_t mode,
	    const struct ctrl_roster_entry *, size_t n);
int	ctrl_put_speakers(struct buf_writer *, const uint32_t *members,
	    size_t n);
int	ctrl_put_key(struct buf_writer *, uint32_t from, uint16_t epoch,
	    const uint8_t blob[KEYBLOB_LEN]);
/* place 1..CTRL_MAX_PLACE. */
int	ctrl_put_linked(struct buf_writer *, const uint8_t room_id[ROOM_ID_LEN],
	    uint8_t place);
/*
 * origin 1..CTRL_MAX_PLACE; places[n] (n <= CTRL_MAX_PEERS) each in
 * 1..CTRL_MAX_PLACE, strictly increasing, none equal to origin.
 */
int	ctrl_put_peers(struct buf_writer *, uint8_t origin, uint32_t seq,
	    const uint8_t *places, size_t n);
int	ctrl_put_keyfwd(struct buf_writer *, uint32_t to, uint32_t from,
	    uint16_t epoch, const uint8_t blob[KEYBLOB_LEN]);
/*
 * code nonzero; text (NULL: none) printable ASCII, cut at CTRL_MAX_TEXT;
 * it must hold no address or identity.
 */
int	ctrl_put_error(struct buf_writer *, uint16_t code, uint8_t about,
	    const char *text);

#endif
