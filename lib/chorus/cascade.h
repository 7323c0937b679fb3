/*
 * cascade.h - routing over the link graph of a cascaded room, sans-I/O.
 *
 * A cascaded room is carried by up to CASCADE_MAX_PLACE nodes, each at
 * a place 1..8 fixed by the owner's CASCADE records.  Every node floods
 * the places it has a live link to (CTRL_PEERS) and keeps the others'
 * lists here; from the same graph every node computes the same trees,
 * so a frame sent down them reaches every reachable place exactly once.
 * doc/PROTOCOL.md "Cascade routing".
 */
#ifndef CHORUS_CASCADE_H
#define CHORUS_CASCADE_H

#include <stddef.h>
#include <stdint.h>

#define CASCADE_MAX_PLACE	8	/* places 1..8 */

/*
 * Indexed by place (index 0 unused).  An edge p-q is usable only if
 * both p and q list each other.
 */
struct cascade_graph {
	uint16_t	adj[CASCADE_MAX_PLACE + 1];	/* bit q: p lists q */
	uint32_t	seq[CASCADE_MAX_PLACE + 1];	/* of p's last PEERS */
	uint8_t		known[CASCADE_MAX_PLACE + 1];	/* p's list applied */
};

/* No links, no place known. */
void	 cascade_init(struct cascade_graph *);
/*
 * Apply place origin's link list places[n]: 1 if its seq is newer
 * (RFC 1982 serial arithmetic on 32 bits; the first list of a place is
 * always newer) and it was applied, so the caller floods it on; 0 if
 * not newer (same or older seq); -1 if invalid (origin or a place out
 * of 1..CASCADE_MAX_PLACE, or origin in its own list).  Duplicates and
 * order do not matter here (ctrl_parse() already refuses them).
 */
int	 cascade_update(struct cascade_graph *, uint8_t origin, uint32_t seq,
	    const uint8_t *places, size_t n);
/*
 * Set self's own list directly (bit q of adjmask: a live link to q),
 * when the node's links change; bit 0, bits above CASCADE_MAX_PLACE and
 * bit self are ignored, as is a self out of range.  The seq of self is
 * left to the caller, which numbers its own PEERS.
 */
void	 cascade_set_own(struct cascade_graph *, uint8_t self,
	    uint16_t adjmask);
/* Places reachable from self over usable edges (bit p; self included). */
uint16_t cascade_reachable(const struct cascade_graph *, uint8_t self);
/*
 * The places to which self passes a frame that originated at origin:
 * self's children in the breadth-first tree rooted at origin, where the
 * parent of every place is its LOWEST-numbered usable neighbour one hop
 * closer to origin.  A bitmask; 0 if self is not reachable from origin
 * or either is out of range.
 */
uint16_t cascade_children(const struct cascade_graph *, uint8_t origin,
	    uint8_t self);
/*
 * The next place on the way from self to dest: self's parent in the
 * tree rooted at dest.  0 if dest is unreachable, dest == self, or
 * either is out of range.
 */
uint8_t	 cascade_next_hop(const struct cascade_graph *, uint8_t self,
	    uint8_t dest);

#endif
