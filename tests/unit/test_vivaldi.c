/*
 * test_vivaldi.c - Vivaldi coordinates: the prediction and one update
 * worked by hand, the random direction for coincident nodes (seeded,
 * reproducible), every nonsense sample refused without a trace, the
 * invariants (height, error, bounds) under random and hostile samples,
 * convergence on a synthetic space that embeds exactly, and then the
 * real thing: 490 PlanetLab hosts, each sampling 32 (then 8) random
 * neighbours, predicting the pairs nobody sampled.
 *
 * The RTT matrix lives outside the tree (../shared/data/rtt); without
 * it the tests that need it report themselves skipped.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/vivaldi.h"
#include "../tap.h"

#define RTT_FILE	"../shared/data/rtt/planetlab-490-slice1.tsv"
#define RTT_HOSTS	490
#define RTT_LINE_MAX	(RTT_HOSTS * 16)	/* "2984.1\t" is 7 */
#define PL_ROUNDS	1000	/* samples per node per neighbour count */
#define PL_SEED		0x5eed0490ULL
#define PL_MAX_MEDIAN	0.15	/* README: 11-13 % with 32 neighbours */
#define SYN_NODES	24
#define SYN_ROUNDS	1000
#define EPS		1e-12

/* The test's own PRNG (splitmix64), so every run draws the same. */
static uint64_t
rnd_next(uint64_t *s)
{
	uint64_t z;

	*s += 0x9e3779b97f4a7c15ULL;
	z = *s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) / 9007199254740992.0;
}

/* Uniform in [0, n). */
static size_t
rnd_below(uint64_t *s, size_t n)
{
	return (size_t)(rnd_unit(s) * (double)n);
}

static int
near(double got, double want, double tol, const char *name)
{
	if (fabs(got - want) <= tol)
		return tap_ok(1, "%s", name);
	tap_ok(0, "%s", name);
	tap_diag("  got %.17g, want %.17g", got, want);
	return 0;
}

static void
coord_set(struct vivaldi_coord *c, double x, double y, double h)
{
	c->pos[0] = x;
	c->pos[1] = y;
	c->height = h;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of v[n] (sorts v); n > 0. */
static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
test_init_predict(void)
{
	struct vivaldi v;
	struct vivaldi_coord a, b;

	vivaldi_init(&v, 1);
	tap_ok(v.coord.pos[0] == 0 && v.coord.pos[1] == 0,
	    "init: at the origin");
	tap_ok(v.coord.height == VIVALDI_HEIGHT_MIN, "init: minimum height");
	tap_ok(v.error == VIVALDI_ERROR_INIT, "init: error %g",
	    VIVALDI_ERROR_INIT);
	tap_ok(vivaldi_coord_valid(&v.coord), "init: valid");

	coord_set(&a, 1, 2, 10);
	coord_set(&b, 4, 6, 7.5);
	near(vivaldi_predict(&a, &b), 5 + 10 + 7.5, EPS,
	    "predict: planar 3-4-5 plus both heights");
	near(vivaldi_predict(&b, &a), 22.5, EPS, "predict: symmetric");
	near(vivaldi_predict(&a, &a), 20, EPS,
	    "predict: a coordinate to itself is twice its height");
}

/*
 * One sample worked by hand: self (3, 4) h 1, error 1; remote (0, 0)
 * h 1, error 1; RTT 17.  d = 5 + 2 = 7, w = 1/2, e_s = 10/17,
 * e = 10/17 * 0.125 + 0.875, F = 0.25 * 0.5 * 10 = 1.25 along
 * (3, 4, 2) / 7.
 */
static void
test_update_worked(void)
{
	struct vivaldi v;
	struct vivaldi_coord r;

	vivaldi_init(&v, 1);
	coord_set(&v.coord, 3, 4, 1);
	v.error = 1;
	coord_set(&r, 0, 0, 1);
	tap_is_int(vivaldi_update(&v, &r, 1, 17), 0, "worked: accepted");
	near(v.coord.pos[0], 3 + 1.25 * 3 / 7, EPS, "worked: x");
	near(v.coord.pos[1], 4 + 1.25 * 4 / 7, EPS, "worked: y");
	near(v.coord.height, 1 + 1.25 * 2 / 7, EPS, "worked: height grows");
	near(v.error, 10.0 / 17 * 0.125 + 0.875, EPS, "worked: error");
	near(vivaldi_predict(&v.coord, &r), 7 + 1.25, EPS,
	    "worked: the prediction moved by the force");
	tap_is_int((long long)v.nupdates, 1, "worked: counted");

	/* Too far: pulled in, and the height shrinks. */
	coord_set(&v.coord, 30, 40, 10);
	v.error = 0.5;
	coord_set(&r, 0, 0, 4);
	tap_is_int(vivaldi_update(&v, &r, 1.5, 34), 0, "pull: accepted");
	/* d = 64, w = 0.25, F = 0.25 * 0.25 * (34 - 64) = -1.875. */
	near(v.coord.pos[0], 30 - 1.875 * 30 / 64, EPS, "pull: x");
	near(v.coord.height, 10 - 1.875 * 14 / 64, EPS, "pull: height");
	near(v.error, 30.0 / 34 * 0.0625 + 0.5 * 0.9375, EPS, "pull: error");

	/* A remote error above the maximum counts as the maximum. */
	coord_set(&v.coord, 3, 4, 1);
	v.error = 1.5;
	coord_set(&r, 0, 0, 1);
	tap_is_int(vivaldi_update(&v, &r, 1e6, 17), 0, "huge error: accepted");
	near(v.coord.pos[0], 3 + 0.125 * 10 * 3 / 7, EPS,
	    "huge error: clamped to the maximum (w = 1/2)");
}

/* Coincident nodes part in a seeded random direction, by the force. */
static void
test_coincide(void)
{
	struct vivaldi a, b, c;
	struct vivaldi_coord origin;
	double dist;
	int i;

	coord_set(&origin, 0, 0, VIVALDI_HEIGHT_MIN);
	vivaldi_init(&a, 42);
	vivaldi_init(&b, 42);
	vivaldi_init(&c, 43);
	tap_is_int(vivaldi_update(&a, &origin, VIVALDI_ERROR_INIT, 50), 0,
	    "coincide: accepted");
	vivaldi_update(&b, &origin, VIVALDI_ERROR_INIT, 50);
	vivaldi_update(&c, &origin, VIVALDI_ERROR_INIT, 50);
	dist = hypot(a.coord.pos[0], a.coord.pos[1]);
	/* d = 0.02, w = 1/2, F = 0.125 * (50 - 0.02). */
	near(dist, 0.125 * (50 - 2 * VIVALDI_HEIGHT_MIN), 1e-9,
	    "coincide: moved by the force in the plane");
	tap_ok(a.coord.height == VIVALDI_HEIGHT_MIN,
	    "coincide: the height stays");
	tap_ok(a.coord.pos[0] == b.coord.pos[0] &&
	    a.coord.pos[1] == b.coord.pos[1], "coincide: same seed, same way");
	tap_ok(a.coord.pos[0] != c.coord.pos[0] ||
	    a.coord.pos[1] != c.coord.pos[1],
	    "coincide: other seed, other way");
	/* The generator advances: a second push goes another way. */
	vivaldi_init(&b, 42);
	vivaldi_update(&b, &origin, VIVALDI_ERROR_INIT, 50);
	coord_set(&b.coord, 0, 0, VIVALDI_HEIGHT_MIN);
	vivaldi_update(&b, &origin, VIVALDI_ERROR_INIT, 50);
	tap_ok(a.coord.pos[0] != b.coord.pos[0], "coincide: next draw differs");

	/* Coincident and too far: only the height can give. */
	vivaldi_init(&a, 7);
	a.coord.height = 50;
	a.error = 1;
	coord_set(&origin, 0, 0, 50);
	vivaldi_update(&a, &origin, 1, 20);
	/* d = 100, F = 0.125 * (20 - 100) = -10. */
	near(a.coord.height, 40, EPS, "coincide, too far: height drops");
	tap_ok(a.coord.pos[0] == 0 && a.coord.pos[1] == 0,
	    "coincide, too far: stays put in the plane");
	/* ... but never below the minimum. */
	for (i = 0; i < 50; i++)
		vivaldi_update(&a, &origin, 1, 0.001);
	tap_ok(a.coord.height == VIVALDI_HEIGHT_MIN,
	    "coincide, too far: height floored at %g", VIVALDI_HEIGHT_MIN);
}

/* Every nonsense sample is refused and leaves no trace. */
static void
test_refused(void)
{
	static const struct {
		const char	*name;
		double		 x, h, err, rtt;
	} bad[] = {
		{ "rtt NaN",		1, 1, 1, NAN },
		{ "rtt negative",	1, 1, 1, -5 },
		{ "rtt zero",		1, 1, 1, 0 },
		{ "rtt -0",		1, 1, 1, -0.0 },
		{ "rtt infinite",	1, 1, 1, INFINITY },
		{ "rtt too long",	1, 1, 1, VIVALDI_RTT_MAX_MS * 1.0001 },
		{ "error NaN",		1, 1, NAN, 10 },
		{ "error negative",	1, 1, -0.1, 10 },
		{ "error infinite",	1, 1, INFINITY, 10 },
		{ "remote x NaN",	NAN, 1, 1, 10 },
		{ "remote x infinite",	-INFINITY, 1, 1, 10 },
		{ "remote x too far",	VIVALDI_COORD_MAX * 1.0001, 1, 1, 10 },
		{ "remote height NaN",	1, NAN, 1, 10 },
		{ "remote height < 0",	1, -0.5, 1, 10 },
		{ "remote height huge",	1, VIVALDI_COORD_MAX * 2, 1, 10 },
	};
	struct vivaldi v, before;
	struct vivaldi_coord r;
	size_t i;

	vivaldi_init(&v, 9);
	coord_set(&v.coord, 5, -5, 3);
	v.error = 0.7;
	before = v;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		coord_set(&r, bad[i].x, 2, bad[i].h);
		tap_is_int(vivaldi_update(&v, &r, bad[i].err, bad[i].rtt), -1,
		    bad[i].name);
		tap_ok(memcmp(&v, &before, sizeof(v)) == 0,
		    "%s: nothing changed", bad[i].name);
	}
	coord_set(&r, 1, NAN, 1);
	tap_is_int(vivaldi_update(&v, &r, 1, 10), -1, "remote y NaN");

	/* The edges of what is accepted. */
	coord_set(&r, -VIVALDI_COORD_MAX, VIVALDI_COORD_MAX, 0);
	tap_ok(vivaldi_coord_valid(&r), "valid: at the bounds, height 0");
	tap_is_int(vivaldi_update(&v, &r, 0, VIVALDI_RTT_MAX_MS), 0,
	    "accepted: longest RTT, error 0, coordinate at the bounds");
	tap_ok(vivaldi_coord_valid(&v.coord), "still valid after it");
}

/* 1 if the node's state is within its promises. */
static int
state_ok(const struct vivaldi *v)
{
	return vivaldi_coord_valid(&v->coord) &&
	    v->coord.height >= VIVALDI_HEIGHT_MIN &&
	    v->error >= VIVALDI_ERROR_MIN && v->error <= VIVALDI_ERROR_MAX;
}

/* Random, often absurd but valid samples: the invariants hold. */
static void
test_invariants(void)
{
	struct vivaldi v;
	struct vivaldi_coord r;
	uint64_t s = 77;
	double err;
	int i, ok = 1, refused = 0;

	vivaldi_init(&v, 5);
	for (i = 0; i < 200000 && ok; i++) {
		/* Coordinates from tiny to the bounds, RTTs likewise. */
		double scale = pow(10, rnd_unit(&s) * 5);

		coord_set(&r, (rnd_unit(&s) * 2 - 1) * scale,
		    (rnd_unit(&s) * 2 - 1) * scale, rnd_unit(&s) * scale);
		err = rnd_unit(&s) < 0.1 ? 0 : rnd_unit(&s) * 3;
		if (vivaldi_update(&v, &r, err,
		    pow(10, rnd_unit(&s) * 8 - 3)) == -1)
			refused++;
		ok = state_ok(&v);
	}
	tap_ok(ok, "random samples: coordinate valid, height >= min, "
	    "error in [min, max] (%d samples)", i);
	tap_ok(refused > 0 && v.nupdates == (uint64_t)(i - refused),
	    "random samples: the too long RTTs refused, the rest counted");
	/* A hostile remote at the corner of the space, over and over. */
	coord_set(&r, VIVALDI_COORD_MAX, -VIVALDI_COORD_MAX, 0);
	for (i = 0; i < 1000; i++)
		vivaldi_update(&v, &r, 0, i % 2 ? 1e-9 : VIVALDI_RTT_MAX_MS);
	tap_ok(state_ok(&v), "hostile samples: still within bounds");
	/* A caller that scribbled NaN over the error: clamped, not spread. */
	v.error = NAN;
	coord_set(&r, 10, 10, 1);
	vivaldi_update(&v, &r, 1, 30);
	tap_ok(state_ok(&v), "NaN local error: back within bounds");
}

/*
 * A space Vivaldi can embed exactly: points in a 200 x 200 ms square
 * with access links of 1..20 ms.  Every node samples random others;
 * the predictions must end within a percent or two.
 */
static void
test_synthetic(void)
{
	struct vivaldi node[SYN_NODES];
	double tx[SYN_NODES], ty[SYN_NODES], th[SYN_NODES];
	double rel[SYN_NODES * SYN_NODES], rtt, maxerr = 0;
	uint64_t s = 2004;
	size_t i, j, n = 0;
	int round, ok = 1;

	for (i = 0; i < SYN_NODES; i++) {
		tx[i] = rnd_unit(&s) * 200;
		ty[i] = rnd_unit(&s) * 200;
		th[i] = 1 + rnd_unit(&s) * 19;
		vivaldi_init(&node[i], 1000 + i);
	}
	for (round = 0; round < SYN_ROUNDS; round++)
		for (i = 0; i < SYN_NODES; i++) {
			do
				j = rnd_below(&s, SYN_NODES);
			while (j == i);
			rtt = hypot(tx[i] - tx[j], ty[i] - ty[j]) +
			    th[i] + th[j];
			if (vivaldi_update(&node[i], &node[j].coord,
			    node[j].error, rtt) == -1 || !state_ok(&node[i]))
				ok = 0;
		}
	tap_ok(ok, "synthetic: every sample accepted, state in bounds");
	for (i = 0; i < SYN_NODES; i++) {
		if (node[i].error > maxerr)
			maxerr = node[i].error;
		for (j = i + 1; j < SYN_NODES; j++) {
			rtt = hypot(tx[i] - tx[j], ty[i] - ty[j]) +
			    th[i] + th[j];
			rel[n++] = fabs(vivaldi_predict(&node[i].coord,
			    &node[j].coord) - rtt) / rtt;
		}
	}
	rtt = median(rel, n);
	tap_ok(rtt < 0.01, "synthetic: median relative error %.4f < 0.01",
	    rtt);
	tap_ok(rel[n * 9 / 10] < 0.02,
	    "synthetic: 90th percentile %.4f < 0.02", rel[n * 9 / 10]);
	tap_ok(maxerr < 0.03, "synthetic: every local error estimate "
	    "converged below 0.03 (max %.4f)", maxerr);
}

/* A usable RTT: a finite number > 0 (anything else counts as missing). */
static int
rtt_usable(double rtt)
{
	return rtt > 0 && rtt <= VIVALDI_RTT_MAX_MS;
}

/*
 * Read the n x n matrix at path into m (missing entries NAN); the
 * number of hosts, or 0 if the file is not a square matrix of at most
 * RTT_HOSTS.
 */
static size_t
rtt_load(const char *path, double *m)
{
	FILE *f;
	char *line = NULL, *p, *end;
	size_t cap = 0, rows = 0, cols, n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (getline(&line, &cap, f) != -1 && rows < RTT_HOSTS) {
		for (p = line, cols = 0; *p != '\0' && *p != '\n'; cols++) {
			if (cols == RTT_HOSTS)
				goto bad;
			m[rows * RTT_HOSTS + cols] = strtod(p, &end);
			if (end == p)	/* empty or unparsable: missing */
				m[rows * RTT_HOSTS + cols] = NAN;
			p = end + strcspn(end, "\t\n");
			if (*p == '\t')
				p++;
		}
		if (rows == 0)
			n = cols;
		if (cols != n)
			goto bad;
		rows++;
	}
	if (rows != n)
		n = 0;
	free(line);
	fclose(f);
	return n;
bad:
	free(line);
	fclose(f);
	return 0;
}

/*
 * Vivaldi over the matrix: every host samples nnb random neighbours
 * (of those with a usable RTT), one random neighbour per round, for
 * PL_ROUNDS rounds; then the median relative error over the pairs that
 * neither side sampled.  Returns the median (NAN if nothing to judge);
 * *bad counts refused samples.
 */
static double
pl_run(const double *m, size_t n, size_t nnb, size_t *npairs, int *bad)
{
	struct vivaldi *node;
	size_t *nb, i, j, k, tries, pairs = 0;
	unsigned char *sampled;
	double *rel, med = NAN, rtt;
	uint64_t s = PL_SEED;
	int round;

	*bad = 0;
	node = calloc(n, sizeof(*node));
	nb = calloc(n * nnb, sizeof(*nb));
	sampled = calloc(n * n, 1);
	rel = calloc(n * n / 2, sizeof(*rel));
	if (node == NULL || nb == NULL || sampled == NULL || rel == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		vivaldi_init(&node[i], PL_SEED ^ (i + 1));
		for (k = 0, tries = 0; k < nnb && tries < 100 * n; tries++) {
			j = rnd_below(&s, n);
			if (j == i || sampled[i * n + j] ||
			    !rtt_usable(m[i * RTT_HOSTS + j]))
				continue;
			sampled[i * n + j] = 1;
			nb[i * nnb + k++] = j;
		}
		if (k < nnb)	/* too few usable entries */
			goto out;
	}
	for (round = 0; round < PL_ROUNDS; round++)
		for (i = 0; i < n; i++) {
			j = nb[i * nnb + rnd_below(&s, nnb)];
			if (vivaldi_update(&node[i], &node[j].coord,
			    node[j].error, m[i * RTT_HOSTS + j]) == -1)
				(*bad)++;
		}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			rtt = m[i * RTT_HOSTS + j];
			if (sampled[i * n + j] || sampled[j * n + i] ||
			    !rtt_usable(rtt))
				continue;
			rel[pairs++] = fabs(vivaldi_predict(&node[i].coord,
			    &node[j].coord) - rtt) / rtt;
		}
	if (pairs > 0)
		med = median(rel, pairs);
out:
	*npairs = pairs;
	free(node);
	free(nb);
	free(sampled);
	free(rel);
	return med;
}

/* The PlanetLab matrix: 32 neighbours must do, and beat 8. */
static void
test_planetlab(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	double *m, med32, med8;
	size_t n = 0, pairs32, pairs8;
	int bad32, bad8;

	if ((m = malloc(RTT_HOSTS * RTT_HOSTS * sizeof(*m))) == NULL)
		abort();
	if (top != NULL) {
		snprintf(path, sizeof(path), "%s/%s", top, RTT_FILE);
		n = rtt_load(path, m);
	}
	if (n == 0) {
		tap_ok(1, "planetlab: 32 neighbours # SKIP %s not found "
		    "(top_srcdir %s)", RTT_FILE, top ? "set" : "unset");
		tap_ok(1, "planetlab: samples accepted # SKIP no matrix");
		tap_ok(1, "planetlab: 8 neighbours worse # SKIP no matrix");
		free(m);
		return;
	}
	med32 = pl_run(m, n, 32, &pairs32, &bad32);
	med8 = pl_run(m, n, 8, &pairs8, &bad8);
	tap_diag("%zu hosts; 32 neighbours: median %.4f over %zu pairs; "
	    "8 neighbours: median %.4f over %zu pairs", n, med32, pairs32,
	    med8, pairs8);
	tap_ok(bad32 == 0 && bad8 == 0, "planetlab: every sample accepted");
	tap_ok(pairs32 > n * (n - 1) / 4 && med32 <= PL_MAX_MEDIAN,
	    "planetlab: 32 neighbours, median relative error %.4f <= %.2f "
	    "on never-sampled pairs", med32, PL_MAX_MEDIAN);
	tap_ok(med8 > med32, "planetlab: 8 neighbours (%.4f) worse than 32",
	    med8);
	free(m);
}

int
main(void)
{
	test_init_predict();
	test_update_worked();
	test_coincide();
	test_refused();
	test_invariants();
	test_synthetic();
	test_planetlab();
	return tap_done();
}
