/*
 * vivaldi.c - Vivaldi network coordinates with height vectors.
 *
 * Owns struct vivaldi: this node's coordinate, its error estimate and the
 * generator of random directions.  One sample (an RTT to a remote node,
 * with the remote's coordinate and error) is one step of the paper's
 * adaptive-timestep algorithm (Dabek et al., SIGCOMM 2004, figure 3),
 * in height-vector space (section 5.4):
 *
 *	w     = e_i / (e_i + e_j)
 *	e_s   = |d - rtt| / rtt		(d: the predicted RTT)
 *	e_i   = e_s * ce * w + e_i * (1 - ce * w)
 *	x_i  += cc * w * (rtt - d) * u(x_i - x_j)
 *
 * In height-vector space x_i - x_j is the planar difference with height
 * h_i + h_j, its norm is the planar length plus that height (that is,
 * d), and u is the difference divided by d: a node that is too close
 * moves away in the plane and also grows taller, one that is too far
 * does the opposite.  A move of F along u changes d by exactly F.
 * doc/PROTOCOL.md "Network coordinates".
 */
#include <math.h>
#include <string.h>

#include "chorus/vivaldi.h"

#define VIVALDI_TWO_PI		6.283185307179586
#define VIVALDI_2POW_M53	(1.0 / 9007199254740992.0)	/* 2^-53 */

/* splitmix64 (Steele, Lea and Flood 2014): the direction generator. */
static uint64_t
vivaldi_next(uint64_t *state)
{
	uint64_t z;

	*state += 0x9e3779b97f4a7c15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* lo if x < lo (or NaN), hi if x > hi, else x. */
static double
vivaldi_clamp(double x, double lo, double hi)
{
	if (!(x >= lo))
		return lo;
	if (x > hi)
		return hi;
	return x;
}

void
vivaldi_init(struct vivaldi *v, uint64_t seed)
{
	memset(v, 0, sizeof(*v));
	v->coord.height = VIVALDI_HEIGHT_MIN;
	v->error = VIVALDI_ERROR_INIT;
	v->rng = seed;
}

int
vivaldi_coord_valid(const struct vivaldi_coord *c)
{
	int i;

	/* Written so that NaN fails every test. */
	for (i = 0; i < VIVALDI_DIM; i++)
		if (!(fabs(c->pos[i]) <= VIVALDI_COORD_MAX))
			return 0;
	return c->height >= 0 && c->height <= VIVALDI_COORD_MAX;
}

/* Length of the planar part of a - b. */
static double
vivaldi_planar(const struct vivaldi_coord *a, const struct vivaldi_coord *b)
{
	double d, sum = 0;
	int i;

	for (i = 0; i < VIVALDI_DIM; i++) {
		d = a->pos[i] - b->pos[i];
		sum += d * d;
	}
	return sqrt(sum);
}

double
vivaldi_predict(const struct vivaldi_coord *a, const struct vivaldi_coord *b)
{
	return vivaldi_planar(a, b) + a->height + b->height;
}

/*
 * Move c by force (ms; > 0 away from r, < 0 towards it) along the unit
 * height vector from r to c.  Where the two coincide in the plane there
 * is no direction: the paper picks a random one for a push apart; a pull
 * together can only lower the heights (the unit vector is then all
 * height).
 */
static void
vivaldi_move(struct vivaldi *v, const struct vivaldi_coord *r, double force)
{
	struct vivaldi_coord *c = &v->coord;
	double planar, d, theta;
	int i;

	planar = vivaldi_planar(c, r);
	d = planar + c->height + r->height;
	if (planar > VIVALDI_COINCIDE_MS) {
		for (i = 0; i < VIVALDI_DIM; i++)
			c->pos[i] += force * (c->pos[i] - r->pos[i]) / d;
		c->height += force * (c->height + r->height) / d;
	} else if (force > 0) {
		/* The first two planar axes; any others stay put. */
		theta = (double)(vivaldi_next(&v->rng) >> 11) *
		    VIVALDI_2POW_M53 * VIVALDI_TWO_PI;
		c->pos[0] += force * cos(theta);
		c->pos[1] += force * sin(theta);
	} else
		c->height += force;

	/* Keep the coordinate valid whatever the samples were. */
	for (i = 0; i < VIVALDI_DIM; i++)
		c->pos[i] = vivaldi_clamp(c->pos[i], -VIVALDI_COORD_MAX,
		    VIVALDI_COORD_MAX);
	c->height = vivaldi_clamp(c->height, VIVALDI_HEIGHT_MIN,
	    VIVALDI_COORD_MAX);
}

int
vivaldi_update(struct vivaldi *v, const struct vivaldi_coord *remote,
    double remote_error, double rtt_ms)
{
	double ei, ej, w, d, es;

	/* Comparisons written so that NaN is refused too. */
	if (!(rtt_ms > 0 && rtt_ms <= VIVALDI_RTT_MAX_MS) ||
	    !(remote_error >= 0) || isinf(remote_error) ||
	    !vivaldi_coord_valid(remote))
		return -1;

	ei = vivaldi_clamp(v->error, VIVALDI_ERROR_MIN, VIVALDI_ERROR_MAX);
	ej = vivaldi_clamp(remote_error, VIVALDI_ERROR_MIN, VIVALDI_ERROR_MAX);
	/* Trust the sample as much as we are less sure than the remote. */
	w = ei / (ei + ej);
	d = vivaldi_predict(&v->coord, remote);
	es = fabs(d - rtt_ms) / rtt_ms;
	v->error = vivaldi_clamp(es * VIVALDI_CE * w +
	    ei * (1 - VIVALDI_CE * w), VIVALDI_ERROR_MIN, VIVALDI_ERROR_MAX);
	vivaldi_move(v, remote, VIVALDI_CC * w * (rtt_ms - d));
	v->nupdates++;
	return 0;
}
