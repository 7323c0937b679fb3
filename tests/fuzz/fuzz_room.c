/*
 * fuzz_room.c - fuzz target for the invite link parser and formatter.
 *
 * The input, cut at its first NUL, is parsed as a link.  Nothing may
 * crash.  A refused link must leave the output wiped; an accepted one
 * must format back to the input byte for byte (the grammar has one
 * spelling), parse again to the same keys, nodes and flags (p=1 and
 * mixed=1; mixed 0 or 1), give each node a key, and, when nodes carry
 * keys of their own, every node must carry one and they must not all be
 * the same.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/room.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_MAX	(ROOM_LINK_MAX + 2)	/* one past the limit, and a NUL */

/* abort() unless cond holds. */
static void
fuzz_room_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if the memory is all zero. */
static int
fuzz_room_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* The invariants of an accepted link. */
static void
fuzz_room_accepted(const char *in, const struct room_link *l)
{
	static char out[ROOM_LINK_MAX + 1];
	struct room_link back;
	size_t i, own = 0, same = 1;

	fuzz_room_check(l->nnodes >= 1 && l->nnodes <= ROOM_MAX_NODES);
	for (i = 0; i < l->nnodes; i++) {
		fuzz_room_check(room_link_key(l, i) != NULL);
		own += l->nodes[i].has_key != 0;
		if (memcmp(room_link_key(l, i), room_link_key(l, 0),
		    ROOM_NODE_KEY_LEN) != 0)
			same = 0;
	}
	fuzz_room_check(own == 0 || (own == l->nnodes && !same &&
	    memcmp(l->node_key, l->nodes[0].key, ROOM_NODE_KEY_LEN) == 0));
	fuzz_room_check(room_link_format(l, out, sizeof(out)) ==
	    (int)strlen(in) && strcmp(out, in) == 0);
	fuzz_room_check(room_link_parse(out, &back) == ROOM_LINK_OK);
	fuzz_room_check(back.nnodes == l->nnodes &&
	    back.password == l->password && back.mixed == l->mixed &&
	    (l->mixed == 0 || l->mixed == 1) &&
	    memcmp(back.room_id, l->room_id, ROOM_ID_LEN) == 0 &&
	    memcmp(back.secret, l->secret, ROOM_SECRET_LEN) == 0);
	for (i = 0; i < l->nnodes; i++)
		fuzz_room_check(back.nodes[i].type == l->nodes[i].type &&
		    back.nodes[i].port == l->nodes[i].port &&
		    strcmp(back.nodes[i].host, l->nodes[i].host) == 0 &&
		    memcmp(room_link_key(&back, i), room_link_key(l, i),
		    ROOM_NODE_KEY_LEN) == 0);
	/* Too small a buffer is refused, never overrun. */
	fuzz_room_check(room_link_format(l, out, strlen(in)) == -1 &&
	    out[0] == '\0');
	room_link_wipe(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char in[FZ_MAX];
	struct room_link l;
	enum room_link_error e;
	size_t n = size < FZ_MAX - 1 ? size : FZ_MAX - 1;

	memcpy(in, data, n);
	in[n] = '\0';
	e = room_link_parse(in, &l);
	fuzz_room_check(room_link_error_name(e) != NULL &&
	    strcmp(room_link_error_name(e), "unknown error") != 0);
	if (e == ROOM_LINK_OK)
		fuzz_room_accepted(in, &l);
	else
		fuzz_room_check(fuzz_room_zero(&l, sizeof(l)));
	room_link_wipe(&l);
	return 0;
}
