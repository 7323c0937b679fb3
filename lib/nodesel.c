/*
 * nodesel.c - choosing a room's mixer among its participants, and
 * ranking the dedicated nodes a room could use.
 *
 * Owns no state: both rules are functions of the tables the caller
 * passes.  The mixer rule is the network's: every client of a room runs
 * it on the same table and must reach the same answer with nobody to
 * ask, so it uses integers only (no rounding that could differ between
 * machines or languages), looks at the table as a set (the order of the
 * rows changes nothing) and ends in a hash of the IDs rather than in a
 * row number.  The node ranking serves one client and may use doubles.
 * doc/PROTOCOL.md "Choosing a mixer" and "Choosing a node".
 */
#include <stdlib.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/nodesel.h"

/* One node in the ranking. */
struct nodesel_ranked {
	size_t	idx;
	double	score;
	double	rtt;
	int	is_new;
};

/* floor(sqrt(v)), bit by bit, so that it is exact everywhere. */
static uint64_t
nodesel_isqrt(uint64_t v)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > v)
		bit >>= 2;
	while (bit != 0) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
		bit >>= 2;
	}
	return r;
}

static uint64_t
nodesel_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The time that counts for tenure: none once a term is served. */
static uint64_t
nodesel_tenure(const struct nodesel_cand *c)
{
	if (c->mixer_ms >= NODESEL_MIXER_TERM_MS)
		return 0;
	return nodesel_min(c->room_ms, NODESEL_TIME_CAP_MS);
}

int
nodesel_mixer_scores(const struct nodesel_cand *c, size_t n,
    uint32_t *scores)
{
	uint64_t bwmax = 0, smin = UINT64_MAX, tmax = 0;
	uint64_t bw, st, fr, tn;
	size_t i;

	if (n == 0 || n > NODESEL_MAX_CANDS)
		return -1;
	/* Every component is relative to the best in the room. */
	for (i = 0; i < n; i++) {
		if (c[i].upload_kbps > bwmax)
			bwmax = c[i].upload_kbps;
		smin = nodesel_min(smin, nodesel_isqrt(c[i].rtt_var_us2));
		if (nodesel_tenure(&c[i]) > tmax)
			tmax = nodesel_tenure(&c[i]);
	}
	/* No product below exceeds 10^6 * 2^32 or 10^6 * 10^12. */
	for (i = 0; i < n; i++) {
		bw = bwmax ? NODESEL_ONE * (uint64_t)c[i].upload_kbps / bwmax :
		    0;
		st = NODESEL_ONE * (smin + NODESEL_JITTER_FLOOR_US) /
		    (nodesel_isqrt(c[i].rtt_var_us2) +
		    NODESEL_JITTER_FLOOR_US);
		fr = nodesel_min(c[i].free_ppm, NODESEL_ONE);
		tn = tmax ? NODESEL_ONE * nodesel_tenure(&c[i]) / tmax : 0;
		scores[i] = (uint32_t)(NODESEL_W_BANDWIDTH * bw +
		    NODESEL_W_STABILITY * st + NODESEL_W_RESOURCES * fr +
		    NODESEL_W_TENURE * tn);
	}
	return 0;
}

static int
nodesel_cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, NODESEL_ID_LEN);
}

int
nodesel_mixer_digest(const struct nodesel_cand *c, size_t n,
    uint8_t digest[NODESEL_ID_LEN])
{
	uint8_t *ids;
	size_t i;
	int rc = -1;

	if (n == 0 || n > NODESEL_MAX_CANDS)
		return -1;
	if ((ids = malloc(n * NODESEL_ID_LEN)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		memcpy(ids + i * NODESEL_ID_LEN, c[i].id, NODESEL_ID_LEN);
	/* Sorted, the digest is the room's, whatever the order of rows. */
	qsort(ids, n, NODESEL_ID_LEN, nodesel_cmp_id);
	for (i = 1; i < n; i++)
		if (memcmp(ids + (i - 1) * NODESEL_ID_LEN,
		    ids + i * NODESEL_ID_LEN, NODESEL_ID_LEN) == 0)
			goto fail;
	if (crypto_blake2s(ids, n * NODESEL_ID_LEN, digest) == -1)
		goto fail;
	rc = 0;
fail:
	free(ids);
	return rc;
}

int
nodesel_tie_key(const uint8_t digest[NODESEL_ID_LEN],
    const uint8_t id[NODESEL_ID_LEN], uint8_t key[NODESEL_ID_LEN])
{
	return crypto_blake2s2(digest, NODESEL_ID_LEN, id, NODESEL_ID_LEN,
	    key);
}

/* 1 if score is within NODESEL_BAND_PCT of best. */
static int
nodesel_in_band(uint32_t score, uint32_t best)
{
	return (uint64_t)score * 100 >=
	    (uint64_t)best * (100 - NODESEL_BAND_PCT);
}

int
nodesel_mixer(const struct nodesel_cand *c, size_t n)
{
	uint8_t digest[NODESEL_ID_LEN], key[NODESEL_ID_LEN];
	uint8_t winkey[NODESEL_ID_LEN];
	uint32_t *scores, best = 0, load, minload = UINT32_MAX;
	size_t i;
	int win = -1;

	if (n == 0 || n > NODESEL_MAX_CANDS)
		return -1;
	if ((scores = calloc(n, sizeof(*scores))) == NULL)
		return -1;
	if (nodesel_mixer_scores(c, n, scores) == -1 ||
	    nodesel_mixer_digest(c, n, digest) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (scores[i] > best)
			best = scores[i];
	/* Near the top, the least loaded... */
	for (i = 0; i < n; i++) {
		load = (uint32_t)nodesel_min(c[i].load_ppm, NODESEL_ONE);
		if (nodesel_in_band(scores[i], best) && load < minload)
			minload = load;
	}
	/* ... and of equal loads, the lowest tie key. */
	for (i = 0; i < n; i++) {
		load = (uint32_t)nodesel_min(c[i].load_ppm, NODESEL_ONE);
		if (!nodesel_in_band(scores[i], best) || load != minload)
			continue;
		if (nodesel_tie_key(digest, c[i].id, key) == -1) {
			win = -1;
			goto fail;
		}
		if (win == -1 || memcmp(key, winkey, sizeof(key)) < 0) {
			win = (int)i;
			memcpy(winkey, key, sizeof(key));
		}
	}
fail:
	free(scores);
	return win;
}

double
nodesel_node_rtt(const struct nodesel_node *node,
    const struct vivaldi_coord *parts, size_t nparts)
{
	double rtt, worst = 0;
	size_t i;

	/* The room is as good as its farthest member has it. */
	for (i = 0; i < nparts; i++) {
		if (!vivaldi_coord_valid(&parts[i]))
			continue;
		rtt = vivaldi_predict(&node->coord, &parts[i]);
		if (rtt > worst)
			worst = rtt;
	}
	return worst;
}

/* A node's ranking score from its reputation and its RTT (ms). */
static double
nodesel_score_at(double reputation, double rtt)
{
	return reputation / (1 + rtt / NODESEL_RTT_REF_MS);
}

double
nodesel_node_score(const struct nodesel_node *node,
    const struct vivaldi_coord *parts, size_t nparts)
{
	return nodesel_score_at(node->reputation,
	    nodesel_node_rtt(node, parts, nparts));
}

/* Established before new, then higher score, smaller RTT, lower index. */
static int
nodesel_cmp_ranked(const void *pa, const void *pb)
{
	const struct nodesel_ranked *a = pa, *b = pb;

	if (a->is_new != b->is_new)
		return a->is_new ? 1 : -1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->rtt != b->rtt)
		return a->rtt < b->rtt ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int
nodesel_rank(const struct nodesel_node *nodes, size_t n,
    const struct vivaldi_coord *parts, size_t nparts, double new_share,
    double u, size_t *order)
{
	struct nodesel_ranked *r;
	size_t i, m = 0, nest = 0;

	/* Written so that NaN fails. */
	if (n > NODESEL_MAX_NODES || nparts > NODESEL_MAX_PARTS ||
	    !(new_share >= 0 && new_share <= 1) || !(u >= 0 && u < 1))
		return -1;
	if (n == 0)
		return 0;
	if ((r = calloc(n, sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (!(nodes[i].reputation >= 0 && nodes[i].reputation <= 1) ||
		    !vivaldi_coord_valid(&nodes[i].coord))
			continue;
		r[m].idx = i;
		r[m].rtt = nodesel_node_rtt(&nodes[i], parts, nparts);
		r[m].score = nodesel_score_at(nodes[i].reputation, r[m].rtt);
		r[m].is_new = nodes[i].is_new != 0;
		if (!r[m].is_new)
			nest++;
		m++;
	}
	qsort(r, m, sizeof(*r), nodesel_cmp_ranked);
	for (i = 0; i < m; i++)
		order[i] = r[i].idx;
	/*
	 * A trial draw: the best new node goes first, if its reputation
	 * is at least NODESEL_TRIAL_MIN (some verified evidence, most of
	 * it from verifiers with standing of their own).  Standing comes
	 * from other nodes' measurements, not from clients; the trial share
	 * lets a node that measures well grow, and gives nothing to
	 * identities nobody could measure (a Sybil swarm).
	 */
	if (u < new_share && nest < m && nest > 0 &&
	    nodes[r[nest].idx].reputation >= NODESEL_TRIAL_MIN) {
		memmove(order + 1, order, nest * sizeof(*order));
		order[0] = r[nest].idx;
	}
	free(r);
	return (int)m;
}

double
nodesel_near_rtt(const struct vivaldi *me, const struct vivaldi_coord *c,
    double measured_ms)
{
	if (!(measured_ms >= 0))
		return -1;
	if (me == NULL || c == NULL || !(me->error <= NODESEL_NEAR_ERROR) ||
	    !vivaldi_coord_valid(&me->coord) || !vivaldi_coord_valid(c))
		return measured_ms;
	return vivaldi_predict(&me->coord, c);
}

void
nodesel_nearest(const double *dist, size_t n, size_t *order)
{
	size_t i, j, k;
	double d, e;

	/* insertion sort: n is a link's few nodes, and it is stable */
	for (i = 1; i < n; i++) {
		k = order[i];
		d = dist[k];
		for (j = i; j > 0; j--) {
			e = dist[order[j - 1]];
			if (!(d >= 0) || (e >= 0 && e <= d))
				break;
			order[j] = order[j - 1];
		}
		order[j] = k;
	}
}
