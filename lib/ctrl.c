/*
 * ctrl.c - control messages between a client and a node, and between
 * the nodes of a cascaded room (doc/PROTOCOL.md "Control messages").
 *
 * Owns the ctrl_* codec: one parser per message type, each checking the
 * body length exactly and every count and enumerated field right after
 * reading it, and one builder per type that refuses what the parser
 * would refuse, so that a parsed message rebuilds to the same bytes.
 * Records (an invitation in JOIN too) and key blobs inside messages are
 * carried opaque here; their receivers check them with record_parse()
 * and keyblob_open().
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/ctrl.h"
#include "chorus/record.h"

#define CTRL_CREATE_FIXED	(ROOM_PUB_LEN + ROOM_KEY_LEN + \
				    CRYPTO_ED25519_SIG_LEN + 1)
#define CTRL_JOIN_LEN		(ROOM_ID_LEN + ROOM_PROOF_LEN)
#define CTRL_JOIN_INVITE_LEN	(CTRL_JOIN_LEN + RECORD_LEN)
#define CTRL_BLOCK_ID_LEN	CRYPTO_ED25519_PUB_LEN	/* an ID */
#define CTRL_KEYS_FIXED		(2 + 1)
#define CTRL_JOINED_LEN		(4 + 2 + 2 + 1 + ROOM_PUB_LEN)
#define CTRL_SPEAKER_LEN	4
#define CTRL_KEY_LEN		(4 + 2 + KEYBLOB_LEN)
#define CTRL_ERROR_FIXED	(2 + 1 + 1)
#define CTRL_STANDING_LEN	(ROOM_ID_LEN + 2)
#define CTRL_MOVE_LEN		(1 + ROOM_ID_LEN)
#define CTRL_LINKED_LEN		(ROOM_ID_LEN + 1)
#define CTRL_PEERS_FIXED	(1 + 4 + 1)
#define CTRL_PEER_LEN		1
#define CTRL_KEYFWD_LEN		(4 + 4 + 2 + KEYBLOB_LEN)
#define CTRL_ROSTER_ED_OFF	(1 + 4)
#define CTRL_ROSTER_X_OFF	(CTRL_ROSTER_ED_OFF + CRYPTO_ED25519_PUB_LEN)
#define CTRL_ROSTER_BIND_OFF	(CTRL_ROSTER_X_OFF + CRYPTO_X25519_LEN)

/* Short texts shown to users, indexed by enum ctrl_code. */
static const char *const ctrl_code_texts[CTRL_E_MAX] = {
	[CTRL_E_MALFORMED] = "malformed message",
	[CTRL_E_UNKNOWN_ROOM] = "no such room on this node",
	[CTRL_E_ROOM_EXISTS] = "room already exists",
	[CTRL_E_ROOM_FULL] = "room is full",
	[CTRL_E_NODE_FULL] = "node is full",
	[CTRL_E_BAD_PROOF] = "wrong room secret or password",
	[CTRL_E_BANNED] = "you are banned from this room",
	[CTRL_E_KICKED] = "you were kicked from this room",
	[CTRL_E_NOT_IN_ROOM] = "not in a room",
	[CTRL_E_BAD_RECORD] = "invalid room record",
	[CTRL_E_NOT_ALLOWED] = "only the owner or a moderator may do that",
	[CTRL_E_DRAINING] = "node is shutting down",
	[CTRL_E_BAD_SIGNATURE] = "room creation not signed by the room key",
	[CTRL_E_ALREADY_IN_ROOM] = "already in a room",
	[CTRL_E_NO_MIXING] = "this node mixes no more rooms",
	[CTRL_E_INVITE_ONLY] =
	    "this room is invite-only: ask a moderator for an invitation",
	[CTRL_E_MEMBERS_ONLY] = "this room admits only its listed members",
	[CTRL_E_LOW_STANDING] =
	    "your standing on this node is below this room's minimum",
	[CTRL_E_JOIN_RATE] =
	    "too many joins to this room just now: try again shortly",
	[CTRL_E_BAD_INVITE] = "invalid invitation",
	[CTRL_E_DENIED] = "this node does not serve this identity",
};

/* The text of a code; "unknown error" outside the enum. */
const char *
ctrl_code_text(unsigned code)
{
	if (code >= CTRL_E_MAX || ctrl_code_texts[code] == NULL)
		return "unknown error";
	return ctrl_code_texts[code];
}

/* 1 if the n bytes are printable ASCII (0x20-0x7e). */
static int
ctrl_text_valid(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* 1 if mode is one of enum ctrl_room_mode. */
static int
ctrl_mode_valid(uint8_t mode)
{
	return mode == CTRL_MODE_E2E || mode == CTRL_MODE_MIXED;
}

/* A count byte in min..max, then exactly that many entries of size bytes. */
static int
ctrl_get_entries(struct buf_reader *rd, size_t min, size_t max, size_t size,
    struct ctrl_msg *m)
{
	uint8_t n;

	if (buf_get_u8(rd, &n) == -1 || n < min || n > max ||
	    buf_rd_left(rd) != (size_t)n * size)
		return -1;
	m->n = n;
	return buf_get_ptr(rd, (size_t)n * size, &m->entries);
}

/* room pub, join key, sig, n, n records. */
static int
ctrl_parse_create(struct buf_reader *rd, struct ctrl_msg *m)
{
	uint8_t n;

	if (buf_get_ptr(rd, ROOM_PUB_LEN, &m->room_pub) == -1 ||
	    buf_get_ptr(rd, ROOM_KEY_LEN, &m->join_key) == -1 ||
	    buf_get_ptr(rd, CRYPTO_ED25519_SIG_LEN, &m->sig) == -1 ||
	    buf_get_u8(rd, &n) == -1 || n > CTRL_MAX_CREATE_RECORDS ||
	    buf_rd_left(rd) != (size_t)n * RECORD_LEN)
		return -1;
	m->n = n;
	return buf_get_ptr(rd, (size_t)n * RECORD_LEN, &m->records);
}

/* A CTRL_ROSTER: a known mode, and every entry's event known. */
static int
ctrl_parse_roster(struct buf_reader *rd, struct ctrl_msg *m)
{
	struct ctrl_roster_entry e;
	size_t i;

	if (buf_get_u8(rd, &m->mode) == -1 || !ctrl_mode_valid(m->mode))
		return -1;
	if (ctrl_get_entries(rd, 1, CTRL_MAX_ROSTER, CTRL_ROSTER_ENTRY_LEN,
	    m) == -1)
		return -1;
	for (i = 0; i < m->n; i++) {
		ctrl_roster_get(m, i, &e);
		if (e.event != CTRL_ROSTER_PRESENT &&
		    e.event != CTRL_ROSTER_LEFT)
			return -1;
	}
	return 0;
}

/* code (nonzero), about, n, n printable characters. */
static int
ctrl_parse_error(struct buf_reader *rd, struct ctrl_msg *m)
{
	const uint8_t *text;
	uint8_t n;

	if (buf_get_n16(rd, &m->code) == -1 || m->code == 0 ||
	    buf_get_u8(rd, &m->about) == -1 ||
	    buf_get_u8(rd, &n) == -1 || n > CTRL_MAX_TEXT ||
	    buf_rd_left(rd) != n || buf_get_ptr(rd, n, &text) == -1 ||
	    !ctrl_text_valid(text, n))
		return -1;
	m->text = (const char *)text;
	m->textlen = n;
	return 0;
}

/* A body of exactly n bytes, all of it one pointer. */
static int
ctrl_parse_fixed(struct buf_reader *rd, size_t n, const uint8_t **p)
{
	if (buf_rd_left(rd) != n)
		return -1;
	return buf_get_ptr(rd, n, p);
}

/*
 * room ID, proof; in a JOIN or STANDBY (invite set) an invitation may
 * follow.  Only
 * its length is checked: the node is to parse it itself, so that it can
 * count the bad ones.
 */
static int
ctrl_parse_join(struct buf_reader *rd, struct ctrl_msg *m, int invite)
{
	size_t left = buf_rd_left(rd);

	if (left != CTRL_JOIN_LEN &&
	    !(invite && left == CTRL_JOIN_INVITE_LEN))
		return -1;
	if (buf_get_ptr(rd, ROOM_ID_LEN, &m->room_id) == -1 ||
	    buf_get_ptr(rd, ROOM_PROOF_LEN, &m->proof) == -1)
		return -1;
	if (left == CTRL_JOIN_LEN)
		return 0;
	m->n = 1;
	return buf_get_ptr(rd, RECORD_LEN, &m->records);
}

/* 1 if op is one of enum ctrl_block_op. */
static int
ctrl_block_op_valid(uint8_t op)
{
	return op == CTRL_BLOCK_ADD || op == CTRL_BLOCK_REMOVE ||
	    op == CTRL_BLOCK_CLEAR;
}

/* 1 if op may carry n entries: none to clear, 1..CTRL_MAX_BLOCK else. */
static int
ctrl_block_count_valid(uint8_t op, size_t n)
{
	if (op == CTRL_BLOCK_CLEAR)
		return n == 0;
	return n >= 1 && n <= CTRL_MAX_BLOCK;
}

/*
 * 1 if an entry is valid for op: an ID not all zero (nobody holds it),
 * known flags, and none in a REMOVE (a report is made when blocking).
 */
static int
ctrl_block_entry_valid(uint8_t op, const uint8_t *id, uint8_t flags)
{
	static const uint8_t zero[CTRL_BLOCK_ID_LEN];

	if (id == NULL || memcmp(id, zero, sizeof(zero)) == 0)
		return 0;
	if ((flags & ~CTRL_BLOCK_FLAGS) != 0)
		return 0;
	return op != CTRL_BLOCK_REMOVE || flags == 0;
}

/* op, n (as op allows), n x (ID, flags), each entry valid for op. */
static int
ctrl_parse_block(struct buf_reader *rd, struct ctrl_msg *m)
{
	const uint8_t *id;
	uint8_t flags;
	size_t i;

	if (buf_get_u8(rd, &m->op) == -1 || !ctrl_block_op_valid(m->op))
		return -1;
	if (ctrl_get_entries(rd, 0, CTRL_MAX_BLOCK, CTRL_BLOCK_ENTRY_LEN,
	    m) == -1 || !ctrl_block_count_valid(m->op, m->n))
		return -1;
	for (i = 0; i < m->n; i++) {
		ctrl_block_get(m, i, &id, &flags);
		if (!ctrl_block_entry_valid(m->op, id, flags))
			return -1;
	}
	return 0;
}

/* epoch, n (1..CTRL_MAX_KEYS), n x (member, blob). */
static int
ctrl_parse_keys(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_get_n16(rd, &m->epoch) == -1)
		return -1;
	return ctrl_get_entries(rd, 1, CTRL_MAX_KEYS, CTRL_KEY_ENTRY_LEN, m);
}

/* member, epoch, limit (not 0), mode, room pub. */
static int
ctrl_parse_joined(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_JOINED_LEN ||
	    buf_get_n32(rd, &m->member) == -1 ||
	    buf_get_n16(rd, &m->epoch) == -1 ||
	    buf_get_n16(rd, &m->limit) == -1 || m->limit == 0 ||
	    buf_get_u8(rd, &m->mode) == -1 || !ctrl_mode_valid(m->mode) ||
	    buf_get_ptr(rd, ROOM_PUB_LEN, &m->room_pub) == -1)
		return -1;
	return 0;
}

/* room ID, members. */
static int
ctrl_parse_standing(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_STANDING_LEN ||
	    buf_get_ptr(rd, ROOM_ID_LEN, &m->room_id) == -1 ||
	    buf_get_n16(rd, &m->members) == -1)
		return -1;
	return 0;
}

static int
ctrl_move_valid(uint8_t reason)
{
	return reason == CTRL_MOVE_DRAINING || reason == CTRL_MOVE_ACTIVE;
}

/* reason (1 or 2), room ID. */
static int
ctrl_parse_move(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_MOVE_LEN ||
	    buf_get_u8(rd, &m->reason) == -1 || !ctrl_move_valid(m->reason) ||
	    buf_get_ptr(rd, ROOM_ID_LEN, &m->room_id) == -1)
		return -1;
	return 0;
}

/* from member, epoch, blob. */
static int
ctrl_parse_key(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_KEY_LEN ||
	    buf_get_n32(rd, &m->member) == -1 ||
	    buf_get_n16(rd, &m->epoch) == -1 ||
	    buf_get_ptr(rd, KEYBLOB_LEN, &m->blob) == -1)
		return -1;
	return 0;
}

/* 1 if place is a cascade place, 1..CTRL_MAX_PLACE. */
static int
ctrl_place_valid(uint8_t place)
{
	return place >= 1 && place <= CTRL_MAX_PLACE;
}

/*
 * 1 if places[n] is a valid PEERS list for origin: at most
 * CTRL_MAX_PEERS places, each a place, strictly increasing (so one
 * encoding per set) and none origin itself.
 */
static int
ctrl_peers_valid(uint8_t origin, const uint8_t *places, size_t n)
{
	size_t i;

	if (!ctrl_place_valid(origin) || n > CTRL_MAX_PEERS)
		return 0;
	for (i = 0; i < n; i++) {
		if (!ctrl_place_valid(places[i]) || places[i] == origin)
			return 0;
		if (i > 0 && places[i] <= places[i - 1])
			return 0;
	}
	return 1;
}

/* room ID, place (1..CTRL_MAX_PLACE). */
static int
ctrl_parse_linked(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_LINKED_LEN ||
	    buf_get_ptr(rd, ROOM_ID_LEN, &m->room_id) == -1 ||
	    buf_get_u8(rd, &m->place) == -1 || !ctrl_place_valid(m->place))
		return -1;
	return 0;
}

/* origin, seq, n (0..CTRL_MAX_PEERS), n places: a valid list. */
static int
ctrl_parse_peers(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_get_u8(rd, &m->place) == -1 || !ctrl_place_valid(m->place) ||
	    buf_get_n32(rd, &m->seq) == -1 ||
	    ctrl_get_entries(rd, 0, CTRL_MAX_PEERS, CTRL_PEER_LEN, m) == -1)
		return -1;
	return ctrl_peers_valid(m->place, m->entries, m->n) ? 0 : -1;
}

/* to, from, epoch, blob. */
static int
ctrl_parse_keyfwd(struct buf_reader *rd, struct ctrl_msg *m)
{
	if (buf_rd_left(rd) != CTRL_KEYFWD_LEN ||
	    buf_get_n32(rd, &m->to) == -1 ||
	    buf_get_n32(rd, &m->member) == -1 ||
	    buf_get_n16(rd, &m->epoch) == -1 ||
	    buf_get_ptr(rd, KEYBLOB_LEN, &m->blob) == -1)
		return -1;
	return 0;
}

/* The body of m->type; unknown types are refused. */
static int
ctrl_parse_body(struct buf_reader *rd, struct ctrl_msg *m)
{
	switch (m->type) {
	case CTRL_CREATE:
		return ctrl_parse_create(rd, m);
	case CTRL_JOIN:
	case CTRL_STANDBY:
		return ctrl_parse_join(rd, m, 1);
	case CTRL_LINK:
		return ctrl_parse_join(rd, m, 0);
	case CTRL_BLOCK:
		return ctrl_parse_block(rd, m);
	case CTRL_LEAVE:
		return buf_rd_left(rd) == 0 ? 0 : -1;
	case CTRL_RECORD:
	case CTRL_RECORDED:
		m->n = 1;
		return ctrl_parse_fixed(rd, RECORD_LEN, &m->records);
	case CTRL_KEYS:
		return ctrl_parse_keys(rd, m);
	case CTRL_CREATED:
		return ctrl_parse_fixed(rd, ROOM_ID_LEN, &m->room_id);
	case CTRL_JOINED:
		return ctrl_parse_joined(rd, m);
	case CTRL_ROSTER:
		return ctrl_parse_roster(rd, m);
	case CTRL_SPEAKERS:
		return ctrl_get_entries(rd, 0, CTRL_MAX_SPEAKERS,
		    CTRL_SPEAKER_LEN, m);
	case CTRL_KEY:
		return ctrl_parse_key(rd, m);
	case CTRL_STANDING:
		return ctrl_parse_standing(rd, m);
	case CTRL_MOVE:
		return ctrl_parse_move(rd, m);
	case CTRL_ERROR:
		return ctrl_parse_error(rd, m);
	case CTRL_LINKED:
		return ctrl_parse_linked(rd, m);
	case CTRL_PEERS:
		return ctrl_parse_peers(rd, m);
	case CTRL_KEYFWD:
		return ctrl_parse_keyfwd(rd, m);
	}
	return -1;
}

/* One whole message: type byte and a body of exactly the right size. */
int
ctrl_parse(const uint8_t *p, size_t len, struct ctrl_msg *m)
{
	struct buf_reader rd;

	memset(m, 0, sizeof(*m));
	buf_rd_init(&rd, p, len);
	if (buf_get_u8(&rd, &m->type) == -1 || ctrl_parse_body(&rd, m) == -1 ||
	    buf_rd_left(&rd) != 0) {
		memset(m, 0, sizeof(*m));
		return -1;
	}
	return 0;
}

/* A reader over entry i (of size bytes) of m's entries. */
static int
ctrl_entry(const struct ctrl_msg *m, size_t i, size_t size,
    struct buf_reader *entry)
{
	struct buf_reader rd;

	if (m->entries == NULL || i >= m->n)
		return -1;
	buf_rd_init(&rd, m->entries, m->n * size);
	if (buf_skip(&rd, i * size) == -1)
		return -1;
	return buf_get_sub(&rd, size, entry);
}

/* Entry i of a ROSTER; zeroed if m is not one or i is out of range. */
void
ctrl_roster_get(const struct ctrl_msg *m, size_t i,
    struct ctrl_roster_entry *e)
{
	struct buf_reader rd;

	memset(e, 0, sizeof(*e));
	if (m->type != CTRL_ROSTER)
		return;
	if (ctrl_entry(m, i, CTRL_ROSTER_ENTRY_LEN, &rd) == -1 ||
	    buf_get_u8(&rd, &e->event) == -1 ||
	    buf_get_n32(&rd, &e->member) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_ED25519_PUB_LEN, &e->ed_pub) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_X25519_LEN, &e->x_pub) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_ED25519_SIG_LEN, &e->binding) == -1)
		memset(e, 0, sizeof(*e));
}

/* Entry i of KEYS; member 0 and blob NULL if out of range. */
void
ctrl_keys_get(const struct ctrl_msg *m, size_t i, uint32_t *member,
    const uint8_t **blob)
{
	struct buf_reader rd;

	*member = 0;
	*blob = NULL;
	if (m->type != CTRL_KEYS)
		return;
	if (ctrl_entry(m, i, CTRL_KEY_ENTRY_LEN, &rd) == -1 ||
	    buf_get_n32(&rd, member) == -1 ||
	    buf_get_ptr(&rd, KEYBLOB_LEN, blob) == -1) {
		*member = 0;
		*blob = NULL;
	}
}

/* Member i of SPEAKERS; 0 if out of range. */
uint32_t
ctrl_speaker_get(const struct ctrl_msg *m, size_t i)
{
	struct buf_reader rd;
	uint32_t member;

	if (m->type != CTRL_SPEAKERS)
		return 0;
	if (ctrl_entry(m, i, CTRL_SPEAKER_LEN, &rd) == -1 ||
	    buf_get_n32(&rd, &member) == -1)
		return 0;
	return member;
}

/* Place i of PEERS; 0 if out of range. */
uint8_t
ctrl_peers_get(const struct ctrl_msg *m, size_t i)
{
	struct buf_reader rd;
	uint8_t place;

	if (m->type != CTRL_PEERS)
		return 0;
	if (ctrl_entry(m, i, CTRL_PEER_LEN, &rd) == -1 ||
	    buf_get_u8(&rd, &place) == -1)
		return 0;
	return place;
}

/* Entry i of BLOCK; NULL and 0 if out of range. */
void
ctrl_block_get(const struct ctrl_msg *m, size_t i, const uint8_t **id,
    uint8_t *flags)
{
	struct buf_reader rd;

	*id = NULL;
	*flags = 0;
	if (m->type != CTRL_BLOCK)
		return;
	if (ctrl_entry(m, i, CTRL_BLOCK_ENTRY_LEN, &rd) == -1 ||
	    buf_get_ptr(&rd, CTRL_BLOCK_ID_LEN, id) == -1 ||
	    buf_get_u8(&rd, flags) == -1) {
		*id = NULL;
		*flags = 0;
	}
}

int
ctrl_put_create(struct buf_writer *w, const uint8_t room_pub[ROOM_PUB_LEN],
    const uint8_t join_key[ROOM_KEY_LEN],
    const uint8_t sig[CRYPTO_ED25519_SIG_LEN], const uint8_t *records,
    size_t nrecords)
{
	if (nrecords > CTRL_MAX_CREATE_RECORDS ||
	    (nrecords > 0 && records == NULL))
		return -1;
	buf_put_u8(w, CTRL_CREATE);
	buf_put_bytes(w, room_pub, ROOM_PUB_LEN);
	buf_put_bytes(w, join_key, ROOM_KEY_LEN);
	buf_put_bytes(w, sig, CRYPTO_ED25519_SIG_LEN);
	buf_put_u8(w, (uint8_t)nrecords);
	if (nrecords > 0)
		buf_put_bytes(w, records, nrecords * RECORD_LEN);
	return buf_wr_error(w);
}

/*
 * JOIN; STANDBY: the same membership proof, for a warm standby; LINK:
 * the same, made by a node of the room's cascade.
 */
int
ctrl_put_join(struct buf_writer *w, uint8_t type,
    const uint8_t room_id[ROOM_ID_LEN], const uint8_t proof[ROOM_PROOF_LEN])
{
	if (type != CTRL_JOIN && type != CTRL_STANDBY && type != CTRL_LINK)
		return -1;
	buf_put_u8(w, type);
	buf_put_bytes(w, room_id, ROOM_ID_LEN);
	buf_put_bytes(w, proof, ROOM_PROOF_LEN);
	return buf_wr_error(w);
}

/* A JOIN or STANDBY that presents an invitation (opaque here), or not. */
int
ctrl_put_join_invite(struct buf_writer *w, uint8_t type,
    const uint8_t room_id[ROOM_ID_LEN], const uint8_t proof[ROOM_PROOF_LEN],
    const uint8_t invite[RECORD_LEN])
{
	if (type != CTRL_JOIN && type != CTRL_STANDBY)
		return -1;
	if (ctrl_put_join(w, type, room_id, proof) == -1)
		return -1;
	if (invite != NULL)
		buf_put_bytes(w, invite, RECORD_LEN);
	return buf_wr_error(w);
}

/* Refuses what ctrl_parse_block() refuses, before writing anything. */
int
ctrl_put_block(struct buf_writer *w, uint8_t op, const uint8_t *ids,
    const uint8_t *flags, size_t n)
{
	size_t i;

	if (!ctrl_block_op_valid(op) || !ctrl_block_count_valid(op, n) ||
	    (n > 0 && ids == NULL))
		return -1;
	for (i = 0; i < n; i++)
		if (!ctrl_block_entry_valid(op, ids + i * CTRL_BLOCK_ID_LEN,
		    flags != NULL ? flags[i] : 0))
			return -1;
	buf_put_u8(w, CTRL_BLOCK);
	buf_put_u8(w, op);
	buf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++) {
		buf_put_bytes(w, ids + i * CTRL_BLOCK_ID_LEN,
		    CTRL_BLOCK_ID_LEN);
		buf_put_u8(w, flags != NULL ? flags[i] : 0);
	}
	return buf_wr_error(w);
}

int
ctrl_put_leave(struct buf_writer *w)
{
	buf_put_u8(w, CTRL_LEAVE);
	return buf_wr_error(w);
}

/* RECORD (client to node) or RECORDED (node to client). */
int
ctrl_put_record(struct buf_writer *w, uint8_t type,
    const uint8_t record[RECORD_LEN])
{
	if (type != CTRL_RECORD && type != CTRL_RECORDED)
		return -1;
	buf_put_u8(w, type);
	buf_put_bytes(w, record, RECORD_LEN);
	return buf_wr_error(w);
}

int
ctrl_put_keys(struct buf_writer *w, uint16_t epoch, const uint32_t *members,
    const uint8_t *blobs, size_t n)
{
	size_t i;

	if (n < 1 || n > CTRL_MAX_KEYS)
		return -1;
	buf_put_u8(w, CTRL_KEYS);
	buf_put_n16(w, epoch);
	buf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++) {
		buf_put_n32(w, members[i]);
		buf_put_bytes(w, blobs + i * KEYBLOB_LEN, KEYBLOB_LEN);
	}
	return buf_wr_error(w);
}

int
ctrl_put_created(struct buf_writer *w, const uint8_t room_id[ROOM_ID_LEN])
{
	buf_put_u8(w, CTRL_CREATED);
	buf_put_bytes(w, room_id, ROOM_ID_LEN);
	return buf_wr_error(w);
}

int
ctrl_put_standing(struct buf_writer *w, const uint8_t room_id[ROOM_ID_LEN],
    uint16_t members)
{
	buf_put_u8(w, CTRL_STANDING);
	buf_put_bytes(w, room_id, ROOM_ID_LEN);
	buf_put_n16(w, members);
	return buf_wr_error(w);
}

int
ctrl_put_move(struct buf_writer *w, uint8_t reason,
    const uint8_t room_id[ROOM_ID_LEN])
{
	if (!ctrl_move_valid(reason))
		return -1;
	buf_put_u8(w, CTRL_MOVE);
	buf_put_u8(w, reason);
	buf_put_bytes(w, room_id, ROOM_ID_LEN);
	return buf_wr_error(w);
}

/* limit is the room's member limit, at least 1; mode the room's mode. */
int
ctrl_put_joined(struct buf_writer *w, uint32_t member, uint16_t epoch,
    uint16_t limit, uint8_t mode, const uint8_t room_pub[ROOM_PUB_LEN])
{
	if (limit == 0 || !ctrl_mode_valid(mode))
		return -1;
	buf_put_u8(w, CTRL_JOINED);
	buf_put_n32(w, member);
	buf_put_n16(w, epoch);
	buf_put_n16(w, limit);
	buf_put_u8(w, mode);
	buf_put_bytes(w, room_pub, ROOM_PUB_LEN);
	return buf_wr_error(w);
}

/* Every ROSTER repeats the mode, so no client misses it. */
int
ctrl_put_roster(struct buf_writer *w, uint8_t mode,
    const struct ctrl_roster_entry *e, size_t n)
{
	size_t i;

	if (!ctrl_mode_valid(mode) || n < 1 || n > CTRL_MAX_ROSTER)
		return -1;
	for (i = 0; i < n; i++)
		if ((e[i].event != CTRL_ROSTER_PRESENT &&
		    e[i].event != CTRL_ROSTER_LEFT) || e[i].ed_pub == NULL ||
		    e[i].x_pub == NULL || e[i].binding == NULL)
			return -1;
	buf_put_u8(w, CTRL_ROSTER);
	buf_put_u8(w, mode);
	buf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++) {
		buf_put_u8(w, e[i].event);
		buf_put_n32(w, e[i].member);
		buf_put_bytes(w, e[i].ed_pub, CRYPTO_ED25519_PUB_LEN);
		buf_put_bytes(w, e[i].x_pub, CRYPTO_X25519_LEN);
		buf_put_bytes(w, e[i].binding, CRYPTO_ED25519_SIG_LEN);
	}
	return buf_wr_error(w);
}

/* n may be 0: nobody is speaking. */
int
ctrl_put_speakers(struct buf_writer *w, const uint32_t *members, size_t n)
{
	size_t i;

	if (n > CTRL_MAX_SPEAKERS || (n > 0 && members == NULL))
		return -1;
	buf_put_u8(w, CTRL_SPEAKERS);
	buf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++)
		buf_put_n32(w, members[i]);
	return buf_wr_error(w);
}

int
ctrl_put_key(struct buf_writer *w, uint32_t from, uint16_t epoch,
    const uint8_t blob[KEYBLOB_LEN])
{
	buf_put_u8(w, CTRL_KEY);
	buf_put_n32(w, from);
	buf_put_n16(w, epoch);
	buf_put_bytes(w, blob, KEYBLOB_LEN);
	return buf_wr_error(w);
}

/* The answer to LINK: the answering node's place. */
int
ctrl_put_linked(struct buf_writer *w, const uint8_t room_id[ROOM_ID_LEN],
    uint8_t place)
{
	if (!ctrl_place_valid(place))
		return -1;
	buf_put_u8(w, CTRL_LINKED);
	buf_put_bytes(w, room_id, ROOM_ID_LEN);
	buf_put_u8(w, place);
	return buf_wr_error(w);
}

/* origin's live links; refuses what ctrl_parse_peers() refuses. */
int
ctrl_put_peers(struct buf_writer *w, uint8_t origin, uint32_t seq,
    const uint8_t *places, size_t n)
{
	if ((n > 0 && places == NULL) || !ctrl_peers_valid(origin, places, n))
		return -1;
	buf_put_u8(w, CTRL_PEERS);
	buf_put_u8(w, origin);
	buf_put_n32(w, seq);
	buf_put_u8(w, (uint8_t)n);
	if (n > 0)
		buf_put_bytes(w, places, n);
	return buf_wr_error(w);
}

int
ctrl_put_keyfwd(struct buf_writer *w, uint32_t to, uint32_t from,
    uint16_t epoch, const uint8_t blob[KEYBLOB_LEN])
{
	buf_put_u8(w, CTRL_KEYFWD);
	buf_put_n32(w, to);
	buf_put_n32(w, from);
	buf_put_n16(w, epoch);
	buf_put_bytes(w, blob, KEYBLOB_LEN);
	return buf_wr_error(w);
}

/* code nonzero; text (NULL: none) printable ASCII, cut at CTRL_MAX_TEXT. */
int
ctrl_put_error(struct buf_writer *w, uint16_t code, uint8_t about,
    const char *text)
{
	size_t n = 0;

	if (code == 0)
		return -1;
	if (text != NULL)
		while (n < CTRL_MAX_TEXT && text[n] != '\0')
			n++;
	if (!ctrl_text_valid((const uint8_t *)text, n))
		return -1;
	buf_put_u8(w, CTRL_ERROR);
	buf_put_n16(w, code);
	buf_put_u8(w, about);
	buf_put_u8(w, (uint8_t)n);
	if (n > 0)
		buf_put_bytes(w, text, n);
	return buf_wr_error(w);
}
