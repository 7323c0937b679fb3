/*
 * fuzz_ctrl.c - fuzz target for the control message parser (client and
 * node messages, and the node-to-node messages of a cascade).
 *
 * The input is parsed as one control message.  The parser must not crash;
 * a refused message must leave the struct zeroed.  An accepted one is
 * rebuilt with the builders from the parsed fields and entry getters, and
 * must come back byte for byte (the encoding is canonical: one message,
 * one encoding).  A BLOCK must hold a known op with the count it allows
 * and no zero ID or bad flags; a JOIN is 65 bytes, or 251 with one
 * invitation, and STANDBY and LINK carry none.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/ctrl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_MAX	4096

static uint8_t fz_out[FZ_MAX];
static uint8_t fz_blobs[CTRL_MAX_KEYS * KEYBLOB_LEN];
static uint8_t fz_ids[CTRL_MAX_BLOCK * 32];

/* abort() unless cond holds. */
static void
fuzz_ctrl_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if every byte of m is zero. */
static int
fuzz_ctrl_zero(const struct ctrl_msg *m)
{
	const uint8_t *p = (const uint8_t *)m;
	size_t i;

	for (i = 0; i < sizeof(*m); i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* KEYS, from its getters. */
static int
fuzz_ctrl_keys(struct buf_writer *w, const struct ctrl_msg *m)
{
	uint32_t members[CTRL_MAX_KEYS], past;
	const uint8_t *blob;
	size_t i;

	fuzz_ctrl_check(m->n >= 1 && m->n <= CTRL_MAX_KEYS);
	for (i = 0; i < m->n; i++) {
		ctrl_keys_get(m, i, &members[i], &blob);
		fuzz_ctrl_check(blob != NULL);
		memcpy(fz_blobs + i * KEYBLOB_LEN, blob, KEYBLOB_LEN);
	}
	ctrl_keys_get(m, m->n, &past, &blob);
	fuzz_ctrl_check(past == 0 && blob == NULL);
	return ctrl_put_keys(w, m->epoch, members, fz_blobs, m->n);
}

/* ROSTER, from its getter. */
static int
fuzz_ctrl_roster(struct buf_writer *w, const struct ctrl_msg *m)
{
	struct ctrl_roster_entry e[CTRL_MAX_ROSTER];
	size_t i;

	fuzz_ctrl_check(m->n >= 1 && m->n <= CTRL_MAX_ROSTER);
	fuzz_ctrl_check(m->mode == CTRL_MODE_E2E || m->mode == CTRL_MODE_MIXED);
	for (i = 0; i < m->n; i++) {
		ctrl_roster_get(m, i, &e[i]);
		fuzz_ctrl_check(e[i].event == CTRL_ROSTER_PRESENT ||
		    e[i].event == CTRL_ROSTER_LEFT);
	}
	return ctrl_put_roster(w, m->mode, e, m->n);
}

/* SPEAKERS, from its getter. */
static int
fuzz_ctrl_speakers(struct buf_writer *w, const struct ctrl_msg *m)
{
	uint32_t members[CTRL_MAX_SPEAKERS];
	size_t i;

	fuzz_ctrl_check(m->n <= CTRL_MAX_SPEAKERS);
	for (i = 0; i < m->n; i++)
		members[i] = ctrl_speaker_get(m, i);
	return ctrl_put_speakers(w, members, m->n);
}

/* PEERS, from its getter: places 1..8, increasing, never the origin. */
static int
fuzz_ctrl_peers(struct buf_writer *w, const struct ctrl_msg *m)
{
	uint8_t places[CTRL_MAX_PEERS];
	size_t i;

	fuzz_ctrl_check(m->n <= CTRL_MAX_PEERS && m->place >= 1 &&
	    m->place <= CTRL_MAX_PLACE);
	for (i = 0; i < m->n; i++) {
		places[i] = ctrl_peers_get(m, i);
		fuzz_ctrl_check(places[i] >= 1 && places[i] <= CTRL_MAX_PLACE &&
		    places[i] != m->place && (i == 0 ||
		    places[i] > places[i - 1]));
	}
	fuzz_ctrl_check(ctrl_peers_get(m, m->n) == 0);
	return ctrl_put_peers(w, m->place, m->seq, places, m->n);
}

/* BLOCK, from its getter: each entry a nonzero ID and flags op allows. */
static int
fuzz_ctrl_block(struct buf_writer *w, const struct ctrl_msg *m)
{
	static const uint8_t zero[32];
	uint8_t flags[CTRL_MAX_BLOCK], past_flags;
	const uint8_t *id;
	size_t i;

	fuzz_ctrl_check(m->op >= CTRL_BLOCK_ADD && m->op <= CTRL_BLOCK_CLEAR);
	if (m->op == CTRL_BLOCK_CLEAR)
		fuzz_ctrl_check(m->n == 0);
	else
		fuzz_ctrl_check(m->n >= 1 && m->n <= CTRL_MAX_BLOCK);
	for (i = 0; i < m->n; i++) {
		ctrl_block_get(m, i, &id, &flags[i]);
		fuzz_ctrl_check(id != NULL && memcmp(id, zero, 32) != 0 &&
		    (flags[i] & ~CTRL_BLOCK_FLAGS) == 0 &&
		    (m->op != CTRL_BLOCK_REMOVE || flags[i] == 0));
		memcpy(fz_ids + i * 32, id, 32);
	}
	ctrl_block_get(m, m->n, &id, &past_flags);
	fuzz_ctrl_check(id == NULL && past_flags == 0);
	return ctrl_put_block(w, m->op, fz_ids, flags, m->n);
}

/* JOIN, STANDBY, LINK: JOIN and STANDBY may carry one invitation. */
static int
fuzz_ctrl_join(struct buf_writer *w, const struct ctrl_msg *m, size_t size)
{
	if (m->records == NULL) {
		fuzz_ctrl_check(m->n == 0 && size == 1 + 64);
		return ctrl_put_join(w, m->type, m->room_id, m->proof);
	}
	fuzz_ctrl_check((m->type == CTRL_JOIN || m->type == CTRL_STANDBY) &&
	    m->n == 1 && size == 1 + 64 + RECORD_LEN);
	return ctrl_put_join_invite(w, m->type, m->room_id, m->proof,
	    m->records);
}

/* ERROR: the text NUL-terminated for the builder. */
static int
fuzz_ctrl_error(struct buf_writer *w, const struct ctrl_msg *m)
{
	char text[CTRL_MAX_TEXT + 1];

	fuzz_ctrl_check(m->textlen <= CTRL_MAX_TEXT && m->code != 0);
	memcpy(text, m->text, m->textlen);
	text[m->textlen] = '\0';
	fuzz_ctrl_check(ctrl_code_text(m->code) != NULL);
	return ctrl_put_error(w, m->code, m->about, text);
}

/* Rebuild a parsed message with the builder of its type. */
static int
fuzz_ctrl_rebuild(struct buf_writer *w, const struct ctrl_msg *m, size_t size)
{
	switch (m->type) {
	case CTRL_CREATE:
		return ctrl_put_create(w, m->room_pub, m->join_key, m->sig,
		    m->records, m->n);
	case CTRL_JOIN:
	case CTRL_STANDBY:
	case CTRL_LINK:
		return fuzz_ctrl_join(w, m, size);
	case CTRL_BLOCK:
		return fuzz_ctrl_block(w, m);
	case CTRL_LINKED:
		fuzz_ctrl_check(m->place >= 1 && m->place <= CTRL_MAX_PLACE);
		return ctrl_put_linked(w, m->room_id, m->place);
	case CTRL_PEERS:
		return fuzz_ctrl_peers(w, m);
	case CTRL_KEYFWD:
		return ctrl_put_keyfwd(w, m->to, m->member, m->epoch, m->blob);
	case CTRL_STANDING:
		return ctrl_put_standing(w, m->room_id, m->members);
	case CTRL_MOVE:
		return ctrl_put_move(w, m->reason, m->room_id);
	case CTRL_LEAVE:
		return ctrl_put_leave(w);
	case CTRL_RECORD:
	case CTRL_RECORDED:
		return ctrl_put_record(w, m->type, m->records);
	case CTRL_KEYS:
		return fuzz_ctrl_keys(w, m);
	case CTRL_CREATED:
		return ctrl_put_created(w, m->room_id);
	case CTRL_JOINED:
		fuzz_ctrl_check(m->mode == CTRL_MODE_E2E ||
		    m->mode == CTRL_MODE_MIXED);
		return ctrl_put_joined(w, m->member, m->epoch, m->limit,
		    m->mode, m->room_pub);
	case CTRL_ROSTER:
		return fuzz_ctrl_roster(w, m);
	case CTRL_SPEAKERS:
		return fuzz_ctrl_speakers(w, m);
	case CTRL_KEY:
		return ctrl_put_key(w, m->member, m->epoch, m->blob);
	case CTRL_ERROR:
		return fuzz_ctrl_error(w, m);
	}
	abort();	/* the parser accepted a type it does not know */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf_writer w;
	struct ctrl_msg m;

	if (ctrl_parse(data, size, &m) == -1) {
		fuzz_ctrl_check(fuzz_ctrl_zero(&m));
		return 0;
	}
	fuzz_ctrl_check(size >= 1 && size <= FZ_MAX && m.type == data[0]);
	buf_wr_init(&w, fz_out, sizeof(fz_out));
	fuzz_ctrl_check(fuzz_ctrl_rebuild(&w, &m, size) == 0);
	fuzz_ctrl_check(buf_wr_len(&w) == size &&
	    memcmp(fz_out, data, size) == 0);
	return 0;
}
