/*
 * vivaldi.h - Vivaldi network coordinates (Dabek, Cox, Kaashoek and
 * Morris, SIGCOMM 2004) with height vectors, sans-I/O.
 *
 * A coordinate is a point in the plane plus a height, all in
 * milliseconds: the predicted round-trip time between two coordinates
 * is their planar distance plus both heights (the height models the
 * access link every packet crosses).  A node keeps its own coordinate
 * and a local error estimate (relative error, VIVALDI_ERROR_MIN ..
 * VIVALDI_ERROR_MAX); each RTT sample to a remote node, with that
 * node's coordinate and error, moves the coordinate a little along the
 * line between the two, by the adaptive timestep of the paper (section
 * 4.3): the less sure of itself this node is compared with the remote
 * one, the further it moves.  doc/PROTOCOL.md "Network coordinates".
 *
 * Pure: when two coordinates coincide in the plane the paper moves in a
 * random direction; here the direction comes from a small generator
 * seeded by the caller at vivaldi_init, so a run is reproducible.
 */
#ifndef CHORUS_VIVALDI_H
#define CHORUS_VIVALDI_H

#include <stdint.h>

#define VIVALDI_DIM		2	/* planar axes (plus the height) */
#define VIVALDI_CC		0.25	/* coordinate timestep constant */
#define VIVALDI_CE		0.25	/* error moving-average constant */
#define VIVALDI_ERROR_INIT	1.5	/* error of a fresh coordinate */
#define VIVALDI_ERROR_MIN	0.01	/* errors are clamped to ... */
#define VIVALDI_ERROR_MAX	1.5	/* ... this range */
#define VIVALDI_HEIGHT_MIN	0.01	/* ms; a height never goes below */
#define VIVALDI_COORD_MAX	100000.0 /* ms; |component| and height cap */
#define VIVALDI_RTT_MAX_MS	10000.0	/* longer samples are refused */
#define VIVALDI_COINCIDE_MS	1e-6	/* planar distance taken as zero */

struct vivaldi_coord {
	double	pos[VIVALDI_DIM];	/* ms */
	double	height;			/* ms, >= VIVALDI_HEIGHT_MIN */
};

struct vivaldi {
	struct vivaldi_coord	coord;
	double			error;	/* local relative error estimate */
	uint64_t		rng;	/* direction generator state */
	uint64_t		nupdates; /* samples accepted */
};

/*
 * A fresh coordinate: the origin at VIVALDI_HEIGHT_MIN, error
 * VIVALDI_ERROR_INIT.  seed picks the random directions used when this
 * node coincides with a remote one; give every node its own (from the
 * caller's RNG or its identity), or nodes that start together move
 * together.
 */
void	vivaldi_init(struct vivaldi *, uint64_t seed);
/*
 * One RTT sample to a node with coordinate remote and error estimate
 * remote_error (clamped to VIVALDI_ERROR_MIN .. VIVALDI_ERROR_MAX).
 * Returns 0, or -1 and changes nothing if rtt_ms is not a number in
 * (0, VIVALDI_RTT_MAX_MS], remote_error is not a finite number >= 0,
 * or remote is not a valid coordinate (vivaldi_coord_valid).
 */
int	vivaldi_update(struct vivaldi *, const struct vivaldi_coord *remote,
	    double remote_error, double rtt_ms);
/* Predicted RTT in ms between two coordinates: planar distance + heights. */
double	vivaldi_predict(const struct vivaldi_coord *,
	    const struct vivaldi_coord *);
/*
 * 1 if every component is a finite number, |pos[i]| <= VIVALDI_COORD_MAX
 * and 0 <= height <= VIVALDI_COORD_MAX (what a received coordinate must
 * be before it is used); else 0.  vivaldi_update keeps its own
 * coordinate valid, with height >= VIVALDI_HEIGHT_MIN.
 */
int	vivaldi_coord_valid(const struct vivaldi_coord *);

#endif
