/*
 * cascade.c - routing over the link graph of a cascaded room
 * (doc/PROTOCOL.md "Cascade routing").
 *
 * Owns struct cascade_graph: each place's latest list of live links, as
 * its PEERS said, with the sequence number that orders those lists.  An
 * edge counts only if both ends list it, so a half-open link is never
 * used.  The trees are breadth-first with the lowest-numbered parent, a
 * rule with no ties left open: every node holding the same graph draws
 * the same tree for an origin, so each place forwards a frame only to
 * its own children and every reachable place gets it exactly once.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/cascade.h"
#include "chorus/ctrl.h"
#include "chorus/record.h"

/* A place is a CASCADE record's, travels in PEERS, and is a graph bit. */
_Static_assert(CASCADE_MAX_PLACE == RECORD_MAX_CASCADE &&
    CTRL_MAX_PLACE == RECORD_MAX_CASCADE, "one limit on cascade places");

/* Bits 1..CASCADE_MAX_PLACE: the places that exist. */
#define CASCADE_PLACES_MASK \
	((uint16_t)(((1u << CASCADE_MAX_PLACE) - 1) << 1))
#define CASCADE_BIT(p)		((uint16_t)(1u << (p)))
/* RFC 1982 on 32 bits: s1 is newer than s2 if 0 < s1 - s2 < 2^31. */
#define CASCADE_SERIAL_HALF	0x80000000u

/* 1 if p is a place, 1..CASCADE_MAX_PLACE. */
static int
cascade_place_valid(uint8_t p)
{
	return p >= 1 && p <= CASCADE_MAX_PLACE;
}

/*
 * 1 if seq is newer than old (RFC 1982 §3.2): a difference of exactly
 * 2^31 is undefined there and counts as not newer here, either way.
 */
static int
cascade_serial_newer(uint32_t seq, uint32_t old)
{
	uint32_t d = seq - old;

	return d != 0 && d < CASCADE_SERIAL_HALF;
}

void
cascade_init(struct cascade_graph *g)
{
	memset(g, 0, sizeof(*g));
}

/* Replace origin's list if seq is newer than the one applied. */
int
cascade_update(struct cascade_graph *g, uint8_t origin, uint32_t seq,
    const uint8_t *places, size_t n)
{
	uint16_t mask = 0;
	size_t i;

	if (!cascade_place_valid(origin) || (n > 0 && places == NULL))
		return -1;
	for (i = 0; i < n; i++) {
		if (!cascade_place_valid(places[i]) || places[i] == origin)
			return -1;
		mask |= CASCADE_BIT(places[i]);
	}
	if (g->known[origin] && !cascade_serial_newer(seq, g->seq[origin]))
		return 0;
	g->adj[origin] = mask;
	g->seq[origin] = seq;
	g->known[origin] = 1;
	return 1;
}

/* self's own links, straight from the node's sessions. */
void
cascade_set_own(struct cascade_graph *g, uint8_t self, uint16_t adjmask)
{
	if (!cascade_place_valid(self))
		return;
	g->adj[self] = adjmask & CASCADE_PLACES_MASK & ~CASCADE_BIT(self);
	g->known[self] = 1;
}

/* The neighbours of p over usable (both ways listed) edges. */
static uint16_t
cascade_usable(const struct cascade_graph *g, uint8_t p)
{
	uint16_t out = 0;
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if (q != p && (g->adj[p] & CASCADE_BIT(q)) &&
		    (g->adj[q] & CASCADE_BIT(p)))
			out |= CASCADE_BIT(q);
	return out;
}

/*
 * The breadth-first tree rooted at root: parent[p] is the lowest-
 * numbered usable neighbour of p one hop closer to root (0 for root and
 * for places not reached).  Returns the reached places, root included.
 * Visiting each level's places in increasing order and taking the first
 * parent found gives that lowest one: a place is claimed by the first
 * place of the level before it that reaches it.
 */
static uint16_t
cascade_tree(const struct cascade_graph *g, uint8_t root,
    uint8_t parent[CASCADE_MAX_PLACE + 1])
{
	uint16_t seen, level, next, nb;
	uint8_t p, q;

	memset(parent, 0, CASCADE_MAX_PLACE + 1);
	seen = level = CASCADE_BIT(root);
	while (level != 0) {
		next = 0;
		for (p = 1; p <= CASCADE_MAX_PLACE; p++) {
			if (!(level & CASCADE_BIT(p)))
				continue;
			nb = cascade_usable(g, p) & ~seen & ~next;
			for (q = 1; q <= CASCADE_MAX_PLACE; q++)
				if (nb & CASCADE_BIT(q))
					parent[q] = p;
			next |= nb;
		}
		seen |= next;
		level = next;
	}
	return seen;
}

uint16_t
cascade_reachable(const struct cascade_graph *g, uint8_t self)
{
	uint8_t parent[CASCADE_MAX_PLACE + 1];

	if (!cascade_place_valid(self))
		return 0;
	return cascade_tree(g, self, parent);
}

/* The places whose parent, in origin's tree, is self. */
uint16_t
cascade_children(const struct cascade_graph *g, uint8_t origin, uint8_t self)
{
	uint8_t parent[CASCADE_MAX_PLACE + 1];
	uint16_t reached, out = 0;
	uint8_t q;

	if (!cascade_place_valid(origin) || !cascade_place_valid(self))
		return 0;
	reached = cascade_tree(g, origin, parent);
	if (!(reached & CASCADE_BIT(self)))
		return 0;
	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if (parent[q] == self)
			out |= CASCADE_BIT(q);
	return out;
}

/* self's parent in dest's tree: the first hop toward dest. */
uint8_t
cascade_next_hop(const struct cascade_graph *g, uint8_t self, uint8_t dest)
{
	uint8_t parent[CASCADE_MAX_PLACE + 1];

	if (!cascade_place_valid(self) || !cascade_place_valid(dest) ||
	    self == dest)
		return 0;
	cascade_tree(g, dest, parent);
	return parent[self];
}
