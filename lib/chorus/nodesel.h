/*
 * nodesel.h - two pure selection rules: which room participant mixes,
 * and which dedicated nodes a room should use.  doc/PROTOCOL.md
 * "Choosing a mixer" and "Choosing a node".
 *
 * The mixer rule must come out the same on every client of a room
 * without any coordination, so it is computed in integers: scores are
 * fixed point (NODESEL_ONE is 1.0 per component, the weights are
 * percent, a full score is 100 * NODESEL_ONE) and the last tie is broken
 * by a hash of the participants' IDs.  Given the same candidate table,
 * in any order, every implementation picks the same participant.
 *
 *	score = 40 * bandwidth + 25 * stability + 20 * resources + 15 * tenure
 *
 * bandwidth is upload_kbps over the best candidate's; stability is
 * (s_best + F) / (s + F) with s the RTT standard deviation (the integer
 * square root of rtt_var_us2) and F = NODESEL_JITTER_FLOOR_US; resources
 * is free_ppm; tenure is room_ms over the best candidate's, counted as 0
 * for a candidate that has been the mixer for NODESEL_MIXER_TERM_MS or
 * more (rotation).  Every candidate whose score is within
 * NODESEL_BAND_PCT of the best is eligible; of those the one with the
 * lowest load_ppm wins, and among equal loads the lowest tie key:
 *
 *	D   = BLAKE2s(all candidate IDs, sorted bytewise, concatenated)
 *	key = BLAKE2s(D || id)
 *
 * The node ranking is for one client choosing where to put a room, so
 * it is plain floating point: a node's score is its reputation divided
 * by (1 + r / NODESEL_RTT_REF_MS), r its largest predicted RTT to any
 * participant (vivaldi_predict), and nodes flagged new are held back
 * except for a share of draws the caller sets.
 */
#ifndef CHORUS_NODESEL_H
#define CHORUS_NODESEL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/vivaldi.h"

/* Mixer selection. */
#define NODESEL_ID_LEN		32	/* a participant ID (Ed25519 key) */
#define NODESEL_MAX_CANDS	1024
#define NODESEL_ONE		1000000	/* 1.0 in a score component */
#define NODESEL_W_BANDWIDTH	40	/* weights, percent */
#define NODESEL_W_STABILITY	25
#define NODESEL_W_RESOURCES	20
#define NODESEL_W_TENURE	15
#define NODESEL_SCORE_MAX	(100 * NODESEL_ONE)
#define NODESEL_BAND_PCT	5	/* within 5 % of the best: by load */
#define NODESEL_MIXER_TERM_MS	(30 * 60 * 1000ULL)	/* then rotate */
#define NODESEL_JITTER_FLOOR_US	5000	/* jitter below ~5 ms hardly counts */
#define NODESEL_TIME_CAP_MS	1000000000000ULL	/* 10^12: cap */

/* Dedicated-node ranking. */
#define NODESEL_MAX_NODES	4096
#define NODESEL_MAX_PARTS	4096
#define NODESEL_RTT_REF_MS	100.0	/* the RTT that halves a score */
#define NODESEL_NEW_SHARE	0.10	/* suggested share for new nodes */
#define NODESEL_TRIAL_MIN	0.05	/* least reputation for a trial */
#define NODESEL_NEAR_ERROR	0.5	/* a client fit worse: measured RTT */

/*
 * One participant as every client of the room sees it (from the room's
 * shared announcements, so that all tables agree).
 */
struct nodesel_cand {
	uint8_t		id[NODESEL_ID_LEN];
	uint32_t	upload_kbps;	/* upload bandwidth, kbit/s */
	uint64_t	rtt_var_us2;	/* RTT variance, last 60 s, us^2 */
	uint32_t	free_ppm;	/* free resources, 0..NODESEL_ONE */
	uint32_t	load_ppm;	/* current load, 0..NODESEL_ONE */
	/*
	 * Time since it joined the room or last stopped being the mixer,
	 * whichever is later; and the length of its current term as the
	 * mixer (0 if it is not the mixer).
	 */
	uint64_t	room_ms;
	uint64_t	mixer_ms;
};

/*
 * Write each candidate's score (0..NODESEL_SCORE_MAX) to scores[n].
 * free_ppm and load_ppm above NODESEL_ONE count as NODESEL_ONE, room_ms
 * above NODESEL_TIME_CAP_MS as the cap.  0, or -1 if n is 0 or above
 * NODESEL_MAX_CANDS.
 */
int	nodesel_mixer_scores(const struct nodesel_cand *, size_t n,
	    uint32_t *scores);
/*
 * The index in c[n] of the participant that mixes, or -1 if n is 0 or
 * above NODESEL_MAX_CANDS, if two candidates share an ID, or on an
 * allocation or hash failure.
 */
int	nodesel_mixer(const struct nodesel_cand *c, size_t n);
/*
 * The room digest D of c[n]: BLAKE2s of the IDs sorted bytewise and
 * concatenated.  0, or -1 if n is 0 or above NODESEL_MAX_CANDS, if two
 * candidates share an ID, or on an allocation or hash failure.
 */
int	nodesel_mixer_digest(const struct nodesel_cand *c, size_t n,
	    uint8_t digest[NODESEL_ID_LEN]);
/* The tie key of id: BLAKE2s(digest || id).  0, or -1 on hash failure. */
int	nodesel_tie_key(const uint8_t digest[NODESEL_ID_LEN],
	    const uint8_t id[NODESEL_ID_LEN], uint8_t key[NODESEL_ID_LEN]);

/* A dedicated node a room could use. */
struct nodesel_node {
	double			reputation;	/* 0..1 */
	struct vivaldi_coord	coord;
	int			is_new;		/* no standing yet */
};

/*
 * The largest predicted RTT (ms) from node to any of parts[nparts]
 * (invalid coordinates are skipped; 0 if none is left).
 */
double	nodesel_node_rtt(const struct nodesel_node *,
	    const struct vivaldi_coord *parts, size_t nparts);
/* reputation / (1 + nodesel_node_rtt / NODESEL_RTT_REF_MS). */
double	nodesel_node_score(const struct nodesel_node *,
	    const struct vivaldi_coord *parts, size_t nparts);
/*
 * Rank nodes[n] for a room of participants parts[nparts], best first,
 * into order[] (indexes into nodes; room for n).  A node with a
 * reputation outside 0..1 or an invalid coordinate is left out.  Within
 * each class (established, new) nodes go by score, then by smaller RTT,
 * then by index.  If u < new_share and there is a new node, the best
 * new node comes first, then the established ones, then the other new
 * ones; otherwise all established nodes come before all new ones.  So
 * with u uniform in [0, 1), a new node is ranked first in at most
 * new_share of draws whenever an established node is available.
 * Returns the number of nodes ranked, or -1 if n or nparts is above its
 * limit, new_share is not in [0, 1], u not in [0, 1), or on an
 * allocation failure.
 */
int	nodesel_rank(const struct nodesel_node *nodes, size_t n,
	    const struct vivaldi_coord *parts, size_t nparts,
	    double new_share, double u, size_t *order);

/*
 * How far a node is from a client, for joining the nearest node of a
 * cascaded room: the RTT (ms) predicted from the client's coordinate me
 * to the node's coordinate c when both are known and the client's fit
 * error is at most NODESEL_NEAR_ERROR (its coordinate agrees with what
 * it measured); else measured_ms, the median the client timed itself.
 * me or c may be NULL (no coordinate).  A negative measured_ms means the
 * node did not answer: -1 then, whatever the coordinates say.
 */
double	nodesel_near_rtt(const struct vivaldi *me,
	    const struct vivaldi_coord *c, double measured_ms);
/*
 * Sort order[n] (indexes into dist) nearest first by dist[], stably, so
 * nodes at the same distance keep their ranked order; nodes with a
 * negative distance (no answer) go last, in their ranked order too.
 */
void	nodesel_nearest(const double *dist, size_t n, size_t *order);

#endif
