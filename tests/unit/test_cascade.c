/*
 * test_cascade.c - routing over a cascade's link graph: the small graphs
 * of doc/PROTOCOL.md "Cascade routing" (triangle, line, cut triangle,
 * half-open link, square with equal paths) checked place by place; the
 * PEERS sequence rule with serial wrap-around; invalid input; and, on
 * random graphs, the trees against a naive all-pairs-distance reference
 * and flooding simulated to show every reachable place gets a frame
 * exactly once and no other place gets it.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/cascade.h"
#include "../tap.h"

#define NP		CASCADE_MAX_PLACE
#define BIT(p)		((uint16_t)(1u << (p)))
#define RANDOM_GRAPHS	3000
#define FAR		99

/* Places of a bitmask as a list, for cascade_update; returns n. */
static size_t
list_of(uint16_t mask, uint8_t places[NP])
{
	size_t n = 0;
	uint8_t q;

	for (q = 1; q <= NP; q++)
		if (mask & BIT(q))
			places[n++] = q;
	return n;
}

/* Give place p the list mask, with a seq newer than any before. */
static int
say(struct cascade_graph *g, uint8_t p, uint16_t mask)
{
	uint8_t places[NP];
	size_t n = list_of(mask, places);

	return cascade_update(g, p, g->seq[p] + 1, places, n);
}

/* A graph of n places, each listing the given neighbours. */
static void
make_graph(struct cascade_graph *g, const uint16_t *lists, uint8_t n)
{
	uint8_t p;

	cascade_init(g);
	for (p = 1; p <= n; p++)
		say(g, p, lists[p]);
}

/* Every place of a full triangle sends straight to the other two. */
static void
test_triangle(void)
{
	static const uint16_t lists[] = { 0, BIT(2) | BIT(3), BIT(1) | BIT(3),
	    BIT(1) | BIT(2) };
	struct cascade_graph g;
	uint8_t o, s, d;
	int bad = 0;

	make_graph(&g, lists, 3);
	for (o = 1; o <= 3; o++) {
		if (cascade_reachable(&g, o) != (BIT(1) | BIT(2) | BIT(3)))
			bad++;
		for (s = 1; s <= 3; s++) {
			uint16_t all = BIT(1) | BIT(2) | BIT(3);
			uint16_t want = s == o ? (uint16_t)(all & ~BIT(o)) : 0;

			if (cascade_children(&g, o, s) != want)
				bad++;
		}
	}
	tap_is_int(bad, 0, "triangle: each origin sends to both others, "
	    "nobody relays");
	bad = 0;
	for (s = 1; s <= 3; s++)
		for (d = 1; d <= 3; d++)
			if (cascade_next_hop(&g, s, d) != (s == d ? 0 : d))
				bad++;
	tap_is_int(bad, 0, "triangle: the next hop is the destination");
	tap_is_int(cascade_children(&g, 1, 4), 0, "place 4, not in it: none");
	tap_is_int(cascade_next_hop(&g, 1, 4), 0, "no way to place 4");
}

/* 1-2-3: 2 relays between the ends. */
static void
test_line(void)
{
	static const uint16_t lists[] = { 0, BIT(2), BIT(1) | BIT(3), BIT(2) };
	struct cascade_graph g;

	make_graph(&g, lists, 3);
	tap_is_int(cascade_reachable(&g, 1), BIT(1) | BIT(2) | BIT(3),
	    "line: 1 reaches all three");
	tap_is_int(cascade_children(&g, 1, 1), BIT(2), "line: 1 sends to 2");
	tap_is_int(cascade_children(&g, 1, 2), BIT(3),
	    "line: 2 relays 1's frames to 3");
	tap_is_int(cascade_children(&g, 1, 3), 0, "line: 3 relays none of 1's");
	tap_is_int(cascade_children(&g, 3, 3), BIT(2), "line: 3 sends to 2");
	tap_is_int(cascade_children(&g, 3, 2), BIT(1),
	    "line: 2 relays 3's frames to 1");
	tap_is_int(cascade_children(&g, 3, 1), 0, "line: 1 relays none of 3's");
	tap_is_int(cascade_children(&g, 2, 2), BIT(1) | BIT(3),
	    "line: 2's own frames go both ways");
	tap_is_int(cascade_children(&g, 2, 1) | cascade_children(&g, 2, 3), 0,
	    "line: the ends relay none of 2's");
	tap_is_int(cascade_next_hop(&g, 1, 3), 2, "line: 1 to 3 via 2");
	tap_is_int(cascade_next_hop(&g, 3, 1), 2, "line: 3 to 1 via 2");
	tap_is_int(cascade_next_hop(&g, 2, 3), 3, "line: 2 to 3 direct");
	tap_is_int(cascade_next_hop(&g, 2, 2), 0, "line: 2 to itself: none");
}

/* A triangle whose 1-2 link is down on both sides: 3 relays. */
static void
test_cut_triangle(void)
{
	static const uint16_t lists[] = { 0, BIT(3), BIT(3), BIT(1) | BIT(2) };
	struct cascade_graph g;

	make_graph(&g, lists, 3);
	tap_is_int(cascade_children(&g, 1, 1), BIT(3),
	    "cut triangle: children(1, 1) = {3}");
	tap_is_int(cascade_children(&g, 1, 3), BIT(2),
	    "cut triangle: children(1, 3) = {2}");
	tap_is_int(cascade_children(&g, 1, 2), 0,
	    "cut triangle: children(1, 2) = {}");
	tap_is_int(cascade_children(&g, 2, 3), BIT(1),
	    "cut triangle: 3 relays 2's frames to 1");
	tap_is_int(cascade_next_hop(&g, 1, 2), 3, "cut triangle: 1 to 2 via 3");
	tap_is_int(cascade_next_hop(&g, 2, 1), 3, "cut triangle: 2 to 1 via 3");
	tap_is_int(cascade_next_hop(&g, 3, 2), 2,
	    "cut triangle: 3 to 2 direct");
}

/* 1 claims a link to 2 that 2 does not list: unusable until it does. */
static void
test_asymmetric(void)
{
	struct cascade_graph g;

	cascade_init(&g);
	tap_is_int(say(&g, 1, BIT(2)), 1, "1 says 1-2");
	tap_is_int(say(&g, 2, 0), 1, "2 says nothing");
	tap_is_int(cascade_reachable(&g, 1), BIT(1), "1 reaches only itself");
	tap_is_int(cascade_reachable(&g, 2), BIT(2), "2 reaches only itself");
	tap_is_int(cascade_children(&g, 1, 1), 0, "1 sends 2 nothing");
	tap_is_int(cascade_children(&g, 1, 2), 0, "2 is no child of 1's tree");
	tap_is_int(cascade_next_hop(&g, 1, 2), 0, "no way from 1 to 2");
	tap_is_int(cascade_next_hop(&g, 2, 1), 0, "nor back");

	cascade_init(&g);
	tap_is_int(say(&g, 1, BIT(2)), 1, "1 says 1-2, 2 has said nothing");
	tap_is_int(cascade_reachable(&g, 1), BIT(1),
	    "a place never heard from lists nothing");
	tap_is_int(say(&g, 2, BIT(1)), 1, "then 2 says 2-1");
	tap_is_int(cascade_children(&g, 1, 1), BIT(2), "now 1 sends to 2");
	tap_is_int(cascade_next_hop(&g, 2, 1), 1, "and 2 reaches 1");
	tap_is_int(say(&g, 1, 0), 1, "1 drops the link");
	tap_is_int(cascade_children(&g, 2, 2), 0,
	    "2 stops sending at once, though it still lists 1");
}

/* Square 1-2, 2-4, 4-3, 3-1: two equal paths, the lower parent wins. */
static void
test_square(void)
{
	static const uint16_t lists[] = { 0, BIT(2) | BIT(3), BIT(1) | BIT(4),
	    BIT(1) | BIT(4), BIT(2) | BIT(3) };
	struct cascade_graph g;

	make_graph(&g, lists, 4);
	tap_is_int(cascade_children(&g, 1, 1), BIT(2) | BIT(3),
	    "square: 1 sends to 2 and 3");
	tap_is_int(cascade_children(&g, 1, 2), BIT(4),
	    "square: 4 is 2's child in 1's tree (2 < 3)");
	tap_is_int(cascade_children(&g, 1, 3), 0, "square: 3 relays nothing");
	tap_is_int(cascade_children(&g, 4, 2), BIT(1),
	    "square: from 4, 1 hangs under 2");
	tap_is_int(cascade_children(&g, 4, 3), 0,
	    "square: from 4, not under 3");
	tap_is_int(cascade_children(&g, 2, 1), BIT(3),
	    "square: from 2, 3 hangs under 1 (1 < 4)");
	tap_is_int(cascade_children(&g, 2, 4), 0, "square: not under 4");
	tap_is_int(cascade_children(&g, 3, 1), BIT(2),
	    "square: from 3, 2 hangs under 1");
	tap_is_int(cascade_next_hop(&g, 1, 4), 2, "square: 1 to 4 via 2");
	tap_is_int(cascade_next_hop(&g, 4, 1), 2, "square: 4 to 1 via 2");
	tap_is_int(cascade_next_hop(&g, 2, 3), 1, "square: 2 to 3 via 1");
	tap_is_int(cascade_next_hop(&g, 3, 2), 1, "square: 3 to 2 via 1");
}

/* Newer seq replaces, same and older do not; serial arithmetic. */
static void
test_seq(void)
{
	struct cascade_graph g, before;
	static const uint8_t two[] = { 2 }, three[] = { 3 }, both[] = { 2, 3 };

	cascade_init(&g);
	tap_ok(g.known[1] == 0 && g.adj[1] == 0, "nothing known at first");
	tap_is_int(cascade_update(&g, 1, 0, two, 1), 1,
	    "the first list of a place is newer, even at seq 0");
	tap_ok(g.known[1] == 1 && g.seq[1] == 0 && g.adj[1] == BIT(2),
	    "applied: known, seq 0, 1-2");
	tap_is_int(cascade_update(&g, 1, 5, both, 2), 1, "seq 5 is newer");
	tap_ok(g.seq[1] == 5 && g.adj[1] == (BIT(2) | BIT(3)),
	    "applied: seq 5, 1-2 and 1-3");
	memcpy(&before, &g, sizeof(g));
	tap_is_int(cascade_update(&g, 1, 5, three, 1), 0,
	    "the same seq again: not newer");
	tap_is_int(cascade_update(&g, 1, 4, three, 1), 0, "seq 4: older");
	tap_is_int(cascade_update(&g, 1, 0x80000005u, three, 1), 0,
	    "seq 5 + 2^31: undefined, not newer");
	tap_is_int(cascade_update(&g, 1, 0x80000006u, three, 1), 0,
	    "seq 6 + 2^31: older (it is behind by 2^31 - 1)");
	tap_is_mem(&g, &before, sizeof(g), "none of them changed the graph");
	tap_is_int(cascade_update(&g, 1, 0x80000004u, three, 1), 1,
	    "seq 4 + 2^31: newer (ahead by 2^31 - 1)");
	tap_ok(g.adj[1] == BIT(3) && g.seq[1] == 0x80000004u,
	    "applied: 1-3 alone");

	tap_is_int(cascade_update(&g, 2, 0xffffffffu, three, 1), 1,
	    "place 2 at seq 0xffffffff");
	tap_is_int(cascade_update(&g, 2, 1, NULL, 0), 1,
	    "then seq 1 is newer across the wrap");
	tap_ok(g.adj[2] == 0 && g.seq[2] == 1, "applied: 2 lists nothing");
	tap_is_int(cascade_update(&g, 2, 0xffffffffu, three, 1), 0,
	    "and 0xffffffff is now older");
	tap_is_int(cascade_update(&g, 2, 0, three, 1), 0, "and so is 0");
	tap_is_int(cascade_update(&g, 2, 2, three, 1), 1, "2 is newer");
	tap_ok(g.known[3] == 0 && g.seq[3] == 0,
	    "other places untouched");
}

/* Out-of-range places and lists are refused and change nothing. */
static void
test_invalid(void)
{
	static const uint8_t p0[] = { 0 }, p9[] = { 9 }, self2[] = { 1, 2 };
	static const uint8_t ok[] = { 1, 3 }, dup[] = { 3, 3 };
	struct cascade_graph g, before;

	cascade_init(&g);
	say(&g, 1, BIT(2));
	say(&g, 2, BIT(1));
	memcpy(&before, &g, sizeof(g));
	tap_is_int(cascade_update(&g, 0, 1, ok, 2), -1, "origin 0 refused");
	tap_is_int(cascade_update(&g, 9, 1, ok, 2), -1, "origin 9 refused");
	tap_is_int(cascade_update(&g, 255, 1, NULL, 0), -1,
	    "origin 255 refused");
	tap_is_int(cascade_update(&g, 2, 9, p0, 1), -1, "place 0 refused");
	tap_is_int(cascade_update(&g, 2, 9, p9, 1), -1, "place 9 refused");
	tap_is_int(cascade_update(&g, 2, 9, self2, 2), -1,
	    "origin in its own list refused");
	tap_is_int(cascade_update(&g, 2, 9, NULL, 1), -1,
	    "one place and no list refused");
	tap_is_mem(&g, &before, sizeof(g), "the graph is unchanged");
	tap_is_int(cascade_update(&g, 2, 9, dup, 2), 1,
	    "a duplicate is harmless here (ctrl_parse refuses it)");
	tap_is_int(g.adj[2], BIT(3), "2 lists 3 once");

	tap_is_int(cascade_reachable(&g, 0), 0, "reachable from 0: none");
	tap_is_int(cascade_reachable(&g, 9), 0, "reachable from 9: none");
	tap_is_int(cascade_children(&g, 0, 1), 0, "children, origin 0: none");
	tap_is_int(cascade_children(&g, 1, 0), 0, "children, self 0: none");
	tap_is_int(cascade_children(&g, 9, 1), 0, "children, origin 9: none");
	tap_is_int(cascade_children(&g, 1, 9), 0, "children, self 9: none");
	tap_is_int(cascade_next_hop(&g, 0, 1), 0, "next hop from 0: none");
	tap_is_int(cascade_next_hop(&g, 1, 0), 0, "next hop to 0: none");
	tap_is_int(cascade_next_hop(&g, 1, 9), 0, "next hop to 9: none");
	tap_is_int(cascade_next_hop(&g, 9, 1), 0, "next hop from 9: none");
}

/* cascade_set_own: bits 0, self and above 8 ignored; no seq. */
static void
test_set_own(void)
{
	struct cascade_graph g, before;

	cascade_init(&g);
	cascade_set_own(&g, 3, 0xffff);
	tap_ok(g.adj[3] == (0x1fe & ~BIT(3)) && g.known[3] == 1 &&
	    g.seq[3] == 0, "all bits: places 1..8 but 3 itself, known, seq 0");
	cascade_set_own(&g, 3, BIT(5));
	tap_is_int(g.adj[3], BIT(5), "replaced by 3-5 alone");
	tap_is_int(say(&g, 5, BIT(3)), 1, "5 says 5-3");
	tap_is_int(cascade_children(&g, 3, 3), BIT(5), "3 sends to 5");
	cascade_set_own(&g, 3, 0);
	tap_is_int(cascade_children(&g, 3, 3), 0, "link dropped: nothing");
	memcpy(&before, &g, sizeof(g));
	cascade_set_own(&g, 0, 0xffff);
	cascade_set_own(&g, 9, 0xffff);
	tap_is_mem(&g, &before, sizeof(g), "self 0 and 9 ignored");
}

/* A fixed xorshift32, so the random graphs are the same every run. */
static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Hop distances from every place, over both-ways edges, by relaxation. */
static void
naive_dist(const struct cascade_graph *g, uint8_t d[NP + 1][NP + 1])
{
	uint8_t i, j, k;

	for (i = 1; i <= NP; i++)
		for (j = 1; j <= NP; j++)
			d[i][j] = i == j ? 0 : ((g->adj[i] & BIT(j)) &&
			    (g->adj[j] & BIT(i))) ? 1 : FAR;
	for (k = 1; k <= NP; k++)
		for (i = 1; i <= NP; i++)
			for (j = 1; j <= NP; j++)
				if (d[i][k] + d[k][j] < d[i][j])
					d[i][j] = (uint8_t)(d[i][k] + d[k][j]);
}

/* The reference parent of v in o's tree: lowest neighbour one closer. */
static uint8_t
naive_parent(const struct cascade_graph *g, uint8_t d[NP + 1][NP + 1],
    uint8_t o, uint8_t v)
{
	uint8_t u;

	if (v == o || d[o][v] == FAR)
		return 0;
	for (u = 1; u <= NP; u++)
		if ((g->adj[u] & BIT(v)) && (g->adj[v] & BIT(u)) &&
		    d[o][u] + 1 == d[o][v])
			return u;
	return FAR;	/* cannot happen */
}

/*
 * Flood one frame from o with cascade_children at every hop; count what
 * each place receives.  0 if every place reachable from o got it exactly
 * once (o itself: never), nothing else got it, and every hop was over a
 * both-ways edge.
 */
static int
flood_ok(const struct cascade_graph *g, uint8_t o)
{
	uint8_t queue[NP * NP + 1], got[NP + 1], from, q;
	size_t head = 0, tail = 0;
	uint16_t kids, reach = cascade_reachable(g, o);

	memset(got, 0, sizeof(got));
	queue[tail++] = o;
	while (head < tail) {
		from = queue[head++];
		kids = cascade_children(g, o, from);
		for (q = 1; q <= NP; q++) {
			if (!(kids & BIT(q)))
				continue;
			if (!(g->adj[from] & BIT(q)) ||
			    !(g->adj[q] & BIT(from)))
				return -1;
			if (got[q]++ == 0 && tail < sizeof(queue))
				queue[tail++] = q;
		}
	}
	for (q = 1; q <= NP; q++) {
		if (q == o ? got[q] != 0 :
		    got[q] != ((reach & BIT(q)) ? 1 : 0))
			return -1;
	}
	return 0;
}

/* Random graphs on 8 places: the naive reference, then flooding. */
static void
test_random(void)
{
	struct cascade_graph g;
	uint8_t d[NP + 1][NP + 1], o, s, v, want;
	uint32_t seed = 0x2545f491u;
	size_t i, bad_reach = 0, bad_kids = 0, bad_hop = 0, bad_flood = 0;
	size_t split = 0;
	uint16_t kids, reach;

	for (i = 0; i < RANDOM_GRAPHS; i++) {
		cascade_init(&g);
		for (o = 1; o <= NP; o++) {
			uint32_t r = xorshift(&seed);

			if ((r & 15) == 0)
				continue;	/* never heard from */
			/* Each link listed with odds 1/2, 3/4 or 7/8. */
			r >>= 4;
			if (i % 3 >= 1)
				r |= xorshift(&seed);
			if (i % 3 == 2)
				r |= xorshift(&seed);
			if (o == 1)
				cascade_set_own(&g, o, (uint16_t)(r << 1));
			else
				say(&g, o, (uint16_t)((r << 1) & 0x1fe &
				    ~BIT(o)));
		}
		naive_dist(&g, d);
		for (o = 1; o <= NP; o++) {
			reach = 0;
			for (v = 1; v <= NP; v++)
				if (d[o][v] != FAR)
					reach |= BIT(v);
			if (cascade_reachable(&g, o) != reach)
				bad_reach++;
			if (reach != 0x1fe)
				split++;
			for (s = 1; s <= NP; s++) {
				kids = 0;
				for (v = 1; v <= NP; v++)
					if (naive_parent(&g, d, o, v) == s)
						kids |= BIT(v);
				if (!(reach & BIT(s)))
					kids = 0;
				if (cascade_children(&g, o, s) != kids)
					bad_kids++;
				want = naive_parent(&g, d, o, s);
				if (cascade_next_hop(&g, s, o) != want)
					bad_hop++;
			}
			if (flood_ok(&g, o) == -1)
				bad_flood++;
		}
	}
	tap_ok(split > 2000 && split < RANDOM_GRAPHS * NP - 2000,
	    "random graphs: split and whole ones (%zu of %d split)", split,
	    RANDOM_GRAPHS * NP);
	tap_is_int(bad_reach, 0, "reachable matches the naive distances");
	tap_is_int(bad_kids, 0, "children match the naive lowest parent");
	tap_is_int(bad_hop, 0, "next hop is the parent in the dest's tree");
	tap_is_int(bad_flood, 0, "flooding: every reachable place exactly "
	    "once, no other place, only over both-ways edges");
}

int
main(void)
{
	test_triangle();
	test_line();
	test_cut_triangle();
	test_asymmetric();
	test_square();
	test_seq();
	test_invalid();
	test_set_own();
	test_random();
	return tap_done();
}
