/*
 * cmd_nodes.c - chorus nodes: the node network as one client sees it;
 * and the node choice that room create and join share (nodes_choose).
 *
 * Candidates come from a node's API (GET /api/v1/network/nodes: each
 * node's descriptor, score and standing) or from a link.  With --near
 * (and always in nodes_choose) the client times real Noise handshakes to
 * each node's UDP address -- a node that completes one also proves that
 * it holds its key -- takes the median of a few, places itself with
 * Vivaldi against the nodes' published coordinates, and ranks the nodes
 * with nodesel_rank (doc/REPUTATION.md "Choosing a node").  Nodes that
 * did not answer are ranked after every node that did.  --draws repeats
 * the ranking with fresh random draws and counts the first places, so
 * the share that goes to nodes without standing can be measured.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/nodesel.h"
#include "chorus/vivaldi.h"
#include "cli.h"
#include "client.h"

#define NODES_PATH		"/api/v1/network/nodes"
#define NODES_MAX_BODY		(16u << 20)
#define NODES_SAMPLES		3	/* handshakes timed per node */
#define NODES_PARALLEL		32	/* handshakes in flight at once */
#define NODES_TIMEOUT_MS	2000	/* one handshake, chorus nodes */
#define NODES_CHOOSE_MAX_MS	2000	/* ... at most, for room and join */
#define NODES_MAX_DRAWS		100000
#define NODES_MAX_PARTS		64	/* --participant */
#define NODES_ROUNDS		32	/* Vivaldi passes over the samples */
#define NODES_REGION_MAX	64
#define NODES_USAGE	"usage: chorus nodes --api URL [--near] " \
			"[--participant X,Y,H]... [--draws N] [--json]\n" \
			"       [--network-key FILE] [--timeout S]\n"

/* One node: where, who, what the API says, what was measured. */
struct nodes_cand {
	char			 host[ROOM_HOST_MAX + 1];
	uint16_t		 port;		/* UDP; 0: no address */
	uint8_t			 key[ROOM_NODE_KEY_LEN];
	int			 known;		/* listed by the API */
	char			 id[IDENTITY_ID_STRLEN];
	char			 fpr[IDENTITY_FPR_STRLEN];
	char			 region[NODES_REGION_MAX];
	double			 score;
	int			 standing;
	struct vivaldi_coord	 coord;
	double			 error;
	int			 has_coord;	/* published (or placed) */
	int			 published;	/* ... by the node itself */
	int			 measured;	/* handshakes were tried */
	double			 rtt[NODES_SAMPLES];	/* ms */
	size_t			 nrtt;
	double			 median;	/* ms; -1: no answer */
	double			 predicted;	/* ms, to the participants */
	size_t			 rank;		/* 1-based */
	uint64_t		 first;		/* draws it came first */
};

struct nodes_set {
	struct nodes_cand	*c;
	size_t			 n;
	int			 api;		/* reputations are known */
	struct vivaldi		 me;		/* the client */
	int			 placed;	/* me is a participant */
	struct vivaldi_coord	 parts[NODES_MAX_PARTS + 1];
	size_t			 nparts;	/* parts[] after me */
	size_t			*order;		/* best first */
	/* Scratch for nodes_rank, n entries each. */
	struct nodesel_node	*nn;
	size_t			*idx, *ord;
	int			*used;
	double			*dist;		/* nodes_nearest */
	int			 nearest;	/* ... ordered this set */
};

struct nodes_meter;

/* One handshake in flight. */
struct nodes_probe {
	struct nodes_meter	*m;
	struct nodes_cand	*c;		/* NULL: the slot is free */
	struct conn		*conn;
	struct identity		 me;
	uint64_t		 t0;
	int			 over, up;
};

/* The handshakes of one measurement, NODES_PARALLEL at a time. */
struct nodes_meter {
	struct nodes_set	*s;
	struct event_base	*base;
	struct event		*ev_reap;
	struct conn_opts	 o;
	size_t			 next;		/* next candidate */
	size_t			 busy;		/* slots in use */
	int			 done;
	struct nodes_probe	 p[NODES_PARALLEL];
};

struct nodes_args {
	const char		*api, *network_key;
	int			 near, json;
	unsigned long		 draws;
	double			 timeout;
	struct vivaldi_coord	 parts[NODES_MAX_PARTS];
	size_t			 nparts;
};

/* Room for n candidates and the ranking's scratch; 0 or -1. */
static int
nodes_set_alloc(struct nodes_set *s, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n == 0 || n > NODESEL_MAX_NODES)
		return -1;
	s->n = n;
	if ((s->c = calloc(n, sizeof(*s->c))) == NULL ||
	    (s->order = calloc(n, sizeof(*s->order))) == NULL ||
	    (s->nn = calloc(n, sizeof(*s->nn))) == NULL ||
	    (s->idx = calloc(n, sizeof(*s->idx))) == NULL ||
	    (s->ord = calloc(n, sizeof(*s->ord))) == NULL ||
	    (s->used = calloc(n, sizeof(*s->used))) == NULL ||
	    (s->dist = calloc(n, sizeof(*s->dist))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		s->c[i].median = s->c[i].predicted = -1;
	return 0;
}

static void
nodes_set_free(struct nodes_set *s)
{
	free(s->c);
	free(s->order);
	free(s->nn);
	free(s->idx);
	free(s->ord);
	free(s->used);
	free(s->dist);
	memset(s, 0, sizeof(*s));
}

/* A uniform draw in [0, 1) from the RNG, or -1. */
static double
nodes_draw(void)
{
	uint64_t x;

	if (RAND_bytes((uint8_t *)&x, sizeof(x)) != 1)
		return -1;
	return ldexp((double)(x >> 11), -53);
}

/* The number in o[name], or -1 if it is missing or not a number. */
static int
nodes_json_num(const json_t *o, const char *name, double *v)
{
	const json_t *x = json_object_get(o, name);

	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return isfinite(*v) ? 0 : -1;
}

/* Copy a string member into out (empty if missing). */
static void
nodes_json_str(const json_t *o, const char *name, char *out, size_t outlen)
{
	const char *v = json_string_value(json_object_get(o, name));

	snprintf(out, outlen, "%s", v != NULL ? v : "");
}

/* The node's published coordinate and error, if valid. */
static void
nodes_entry_coord(const json_t *e, struct nodes_cand *c)
{
	const json_t *co = json_object_get(e, "coordinates");

	c->has_coord = nodes_json_num(co, "x", &c->coord.pos[0]) == 0 &&
	    nodes_json_num(co, "y", &c->coord.pos[1]) == 0 &&
	    nodes_json_num(co, "height", &c->coord.height) == 0 &&
	    nodes_json_num(co, "error", &c->error) == 0 &&
	    c->error >= 0 && vivaldi_coord_valid(&c->coord);
	if (!c->has_coord)
		memset(&c->coord, 0, sizeof(c->coord));
}

/* Its first address with a UDP port. */
static void
nodes_entry_addr(const json_t *e, struct nodes_cand *c)
{
	const json_t *a;
	const char *ip;
	json_int_t udp;
	size_t i;

	json_array_foreach(json_object_get(e, "addresses"), i, a) {
		ip = json_string_value(json_object_get(a, "ip"));
		udp = json_integer_value(json_object_get(a, "udp"));
		if (ip == NULL || udp < 1 || udp > UINT16_MAX ||
		    strlen(ip) >= sizeof(c->host))
			continue;
		snprintf(c->host, sizeof(c->host), "%s", ip);
		c->port = (uint16_t)udp;
		return;
	}
}

/* One entry of the API's list; -1 if it has no usable noise_key. */
static int
nodes_entry(const json_t *e, struct nodes_cand *c, int with_addr)
{
	const char *key = json_string_value(json_object_get(e, "noise_key"));

	if (key == NULL || identity_key_parse(key, c->key) == -1)
		return -1;
	c->known = 1;
	nodes_json_str(e, "id", c->id, sizeof(c->id));
	nodes_json_str(e, "fingerprint", c->fpr, sizeof(c->fpr));
	nodes_json_str(e, "region", c->region, sizeof(c->region));
	if (nodes_json_num(e, "score", &c->score) == -1)
		c->score = 0;
	c->standing = json_is_true(json_object_get(e, "standing"));
	nodes_entry_coord(e, c);
	if (with_addr)
		nodes_entry_addr(e, c);
	return 0;
}

/*
 * GET the node list from the API at url into *doc; a CLIENT_EXIT_*
 * status (messages on stderr name who).
 */
static int
nodes_fetch(const char *url, const char *who, json_t **doc)
{
	struct cli_http h = { 0, NULL, 0, NODES_MAX_BODY };
	json_error_t jerr;
	int rc = CLIENT_EXIT_FAILED;

	*doc = NULL;
	if (cli_http_get(url, NODES_PATH, &h, who) == -1)
		return CLIENT_EXIT_USAGE;
	if (h.code == 0) {
		fprintf(stderr, "%s: %s: no answer (is chorusd running and "
		    "is its http-address right?)\n", who, url);
		rc = CLIENT_EXIT_UNREACHABLE;
	} else if (h.code != 200 || h.body == NULL ||
	    (*doc = json_loadb(h.body, h.len, 0, &jerr)) == NULL ||
	    !json_is_array(json_object_get(*doc, "nodes"))) {
		fprintf(stderr, "%s: %s: HTTP %d, not a node list\n", who,
		    url, h.code);
		json_decref(*doc);
		*doc = NULL;
	} else
		rc = CLIENT_EXIT_OK;
	free(h.body);
	return rc;
}

/* Every node of the API's list that has a key. */
static int
nodes_load(struct nodes_set *s, const json_t *doc)
{
	const json_t *list = json_object_get(doc, "nodes"), *e;
	size_t i, n = 0, max = json_array_size(list);

	/* The first NODESEL_MAX_NODES (and room for one in an empty list). */
	if (max > NODESEL_MAX_NODES)
		max = NODESEL_MAX_NODES;
	if (nodes_set_alloc(s, max > 0 ? max : 1) == -1)
		return -1;
	json_array_foreach(list, i, e) {
		if (n < s->n && nodes_entry(e, &s->c[n], 1) == 0)
			n++;
	}
	s->n = n;
	s->api = 1;
	return 0;
}

/* The handshake completed: one sample. */
static void
nodes_probe_up(struct conn *conn, void *arg)
{
	struct nodes_probe *p = arg;

	(void)conn;
	if (p->c->nrtt < NODES_SAMPLES)
		p->c->rtt[p->c->nrtt++] =
		    (double)(conn_now_usec() - p->t0) / 1000.0;
	p->up = 1;
	p->over = 1;
	/* Freed by the reaper, not here: conn is still on the stack. */
	event_active(p->m->ev_reap, EV_TIMEOUT, 0);
}

static void
nodes_probe_failed(struct conn *conn, enum conn_error e, void *arg)
{
	struct nodes_probe *p = arg;

	(void)conn;
	(void)e;
	p->over = 1;
	event_active(p->m->ev_reap, EV_TIMEOUT, 0);
}

/* Start one timed handshake to p->c; 0, or -1 (give the node up). */
static int
nodes_probe_start(struct nodes_meter *m, struct nodes_probe *p)
{
	static const struct conn_cb cb = {
		.up = nodes_probe_up, .failed = nodes_probe_failed,
	};
	struct conn_opts o = m->o;
	char err[256];

	p->over = p->up = 0;
	/*
	 * A fresh identity each time: a node refuses an identity's
	 * handshake whose timestamp does not grow, and back-to-back
	 * handshakes can share one (it moves in steps of about 16 ms).
	 */
	if (cli_ephemeral_identity(&p->me) == -1)
		return -1;
	o.host = p->c->host;
	o.port = p->c->port;
	memcpy(o.node_key, p->c->key, sizeof(o.node_key));
	p->t0 = conn_now_usec();
	p->conn = conn_new(m->base, &p->me, &o, &cb, p, err, sizeof(err));
	crypto_wipe(o.psk, sizeof(o.psk));
	if (p->conn == NULL) {
		identity_wipe(&p->me);
		return -1;
	}
	m->busy++;
	return 0;
}

/* Give the slot to the next node that has an address, if any is left. */
static void
nodes_meter_next(struct nodes_meter *m, struct nodes_probe *p)
{
	struct nodes_cand *c;

	p->c = NULL;
	while (m->next < m->s->n) {
		c = &m->s->c[m->next++];
		c->measured = 1;
		if (c->port == 0)
			continue;
		p->c = c;
		if (nodes_probe_start(m, p) == 0)
			return;
		p->c = NULL;
	}
}

/* Free the handshakes that are over; sample again or move on. */
static void
nodes_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct nodes_meter *m = arg;
	struct nodes_probe *p;
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < NODES_PARALLEL; i++) {
		p = &m->p[i];
		if (p->c == NULL || !p->over)
			continue;
		conn_free(p->conn);
		p->conn = NULL;
		identity_wipe(&p->me);
		m->busy--;
		/* A node that failed once is not tried again. */
		if (p->up && p->c->nrtt < NODES_SAMPLES &&
		    nodes_probe_start(m, p) == 0)
			continue;
		nodes_meter_next(m, p);
	}
	if (m->busy == 0 && m->next >= m->s->n)
		m->done = 1;
}

static int
nodes_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of the samples, -1 without any. */
static double
nodes_median(struct nodes_cand *c)
{
	double v[NODES_SAMPLES];
	size_t n = c->nrtt;

	if (n == 0)
		return -1;
	memcpy(v, c->rtt, n * sizeof(*v));
	qsort(v, n, sizeof(*v), nodes_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Time NODES_SAMPLES handshakes to every node with an address (the
 * first failure ends a node's turn), timeout_ms each; 0 or -1.
 */
static int
nodes_measure(struct nodes_set *s, const uint8_t psk[32],
    unsigned timeout_ms)
{
	struct nodes_meter m;
	uint64_t bound;
	size_t i;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	m.s = s;
	memcpy(m.o.psk, psk, sizeof(m.o.psk));
	m.o.timeout_ms = timeout_ms;
	if ((m.base = event_base_new()) == NULL ||
	    (m.ev_reap = event_new(m.base, -1, 0, nodes_reap_cb, &m)) == NULL)
		goto done;
	for (i = 0; i < NODES_PARALLEL; i++) {
		m.p[i].m = &m;
		nodes_meter_next(&m, &m.p[i]);
	}
	m.done = m.busy == 0;
	/* Every handshake ends by itself; this is only a backstop. */
	bound = (uint64_t)(s->n / NODES_PARALLEL + 1) * NODES_SAMPLES *
	    (timeout_ms + 1000);
	(void)cli_run(m.base, &m.done, bound > UINT32_MAX ? UINT32_MAX :
	    (unsigned)bound);
	for (i = 0; i < s->n; i++)
		s->c[i].median = nodes_median(&s->c[i]);
	rc = 0;
done:
	for (i = 0; i < NODES_PARALLEL; i++) {
		if (m.p[i].conn != NULL) {
			conn_free(m.p[i].conn);
			identity_wipe(&m.p[i].me);
		}
	}
	if (m.ev_reap != NULL)
		event_free(m.ev_reap);
	if (m.base != NULL)
		event_base_free(m.base);
	crypto_wipe(m.o.psk, sizeof(m.o.psk));
	return rc;
}

/*
 * Place the client with Vivaldi against the published coordinates of the
 * nodes it measured, going over the samples NODES_ROUNDS times.  A node
 * with no published coordinate is put where its measured RTT says,
 * seen from the client (far off if it did not answer).
 */
static void
nodes_place(struct nodes_set *s)
{
	struct nodes_cand *c;
	uint64_t seed = 0;
	size_t r, i, k;
	double d;

	(void)RAND_bytes((uint8_t *)&seed, sizeof(seed));
	vivaldi_init(&s->me, seed);
	for (r = 0; r < NODES_ROUNDS; r++)
		for (i = 0; i < s->n; i++)
			for (k = 0, c = &s->c[i]; c->has_coord && k < c->nrtt;
			    k++)
				(void)vivaldi_update(&s->me, &c->coord,
				    c->error, c->rtt[k]);
	for (i = 0; i < s->n; i++) {
		c = &s->c[i];
		if (c->median >= 0)
			s->placed = 1;
		c->published = c->has_coord;
		if (c->has_coord)
			continue;
		d = c->median >= 0 ? c->median : VIVALDI_RTT_MAX_MS;
		c->coord = s->me.coord;
		c->coord.height = VIVALDI_HEIGHT_MIN;
		d -= s->me.coord.height + VIVALDI_HEIGHT_MIN;
		c->coord.pos[0] = fmin(c->coord.pos[0] + fmax(d, 0),
		    VIVALDI_COORD_MAX);
		c->error = VIVALDI_ERROR_MAX;
		c->has_coord = 1;
	}
}

/* A node that was measured and never answered. */
static int
nodes_silent(const struct nodes_cand *c)
{
	return c->measured && c->median < 0;
}

/* Rank one group (answered, or silent) after *pos; -1 on failure. */
static int
nodes_rank_group(struct nodes_set *s, int silent, double u,
    const struct vivaldi_coord *parts, size_t nparts, size_t *pos)
{
	struct nodes_cand *c;
	size_t i, m = 0;
	int r;

	for (i = 0; i < s->n; i++) {
		c = &s->c[i];
		if (nodes_silent(c) != silent)
			continue;
		s->nn[m].reputation = !s->api ? 1.0 : c->known ? c->score : 0;
		s->nn[m].is_new = s->api && !(c->known && c->standing);
		s->nn[m].coord = c->coord;
		/* No coordinate: left out by nodesel_rank, ranked last. */
		if (!c->has_coord)
			s->nn[m].coord.height = -1;
		s->idx[m++] = i;
	}
	if ((r = nodesel_rank(s->nn, m, parts, nparts, NODESEL_NEW_SHARE, u,
	    s->ord)) == -1)
		return -1;
	for (i = 0; i < (size_t)r; i++) {
		s->order[(*pos)++] = s->idx[s->ord[i]];
		s->used[s->idx[s->ord[i]]] = 1;
		s->c[s->idx[s->ord[i]]].predicted = nodesel_node_rtt(
		    &s->nn[s->ord[i]], parts, nparts);
	}
	return 0;
}

/*
 * Rank every node with draw u: the nodes that answered (or were not
 * measured) by nodesel_rank, then those that did not, then any that
 * nodesel_rank leaves out.  0 or -1.
 */
static int
nodes_rank(struct nodes_set *s, double u)
{
	struct vivaldi_coord *parts = s->parts;
	size_t i, pos = 0, nparts = s->nparts;

	if (s->placed) {
		s->parts[0] = s->me.coord;
		nparts++;
	} else
		parts++;
	memset(s->used, 0, s->n * sizeof(*s->used));
	if (nodes_rank_group(s, 0, u, parts, nparts, &pos) == -1 ||
	    nodes_rank_group(s, 1, u, parts, nparts, &pos) == -1)
		return -1;
	for (i = 0; i < s->n; i++) {
		if (!s->used[i]) {
			s->order[pos++] = i;
			s->c[i].predicted = -1;
		}
	}
	for (i = 0; i < s->n; i++)
		s->c[s->order[i]].rank = i + 1;
	return 0;
}

/* "HOST:PORT" of a node, with brackets for IPv6; "-" without one. */
static void
nodes_addr_text(const struct nodes_cand *c, char *out, size_t outlen)
{
	if (c->port == 0)
		snprintf(out, outlen, "-");
	else
		snprintf(out, outlen, strchr(c->host, ':') != NULL ?
		    "[%s]:%u" : "%s:%u", c->host, c->port);
}

/* The ranked table. */
static void
nodes_print_table(const struct nodes_set *s, unsigned long draws)
{
	char addr[ROOM_HOST_MAX + 16], rtt[32], pred[32], coord[96];
	const struct nodes_cand *c;
	size_t i;

	printf("%4s  %-19s  %-12s  %5s  %-3s  %9s  %9s  %-24s  %s%s\n",
	    "RANK", "FINGERPRINT", "REGION", "SCORE", "STD", "RTT_MS",
	    "PRED_MS", "COORD_X,Y,H", "ADDRESS", draws ? "  FIRST" : "");
	for (i = 0; i < s->n; i++) {
		c = &s->c[s->order[i]];
		nodes_addr_text(c, addr, sizeof(addr));
		if (!c->measured)
			snprintf(rtt, sizeof(rtt), "-");
		else if (c->median < 0)
			snprintf(rtt, sizeof(rtt), "unreach");
		else
			snprintf(rtt, sizeof(rtt), "%.2f", c->median);
		snprintf(pred, sizeof(pred), c->predicted < 0 ? "-" : "%.2f",
		    c->predicted);
		snprintf(coord, sizeof(coord), "%.1f,%.1f,%.1f",
		    c->coord.pos[0], c->coord.pos[1], c->coord.height);
		printf("%4zu  %-19s  %-12s  %5.3f  %-3s  %9s  %9s  %-24s  %s",
		    c->rank, c->fpr, c->region, c->score,
		    c->standing ? "yes" : "no", rtt, pred, coord, addr);
		if (draws)
			printf("  %5lu", (unsigned long)c->first);
		printf("\n");
	}
}

/* A number, or null if it is negative (unknown). */
static json_t *
nodes_json_ms(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

/* One node as JSON. */
static json_t *
nodes_json_node(const struct nodes_cand *c, unsigned long draws)
{
	char addr[ROOM_HOST_MAX + 16];
	json_t *o;

	nodes_addr_text(c, addr, sizeof(addr));
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:b, s:o, s:o, s:I, "
	    "s:o, s:{s:f, s:f, s:f, s:f}}",
	    "rank", (json_int_t)c->rank, "id", c->id, "fingerprint", c->fpr,
	    "region", c->region, "address", addr, "score", c->score,
	    "standing", c->standing,
	    "reachable", !c->measured ? json_null() :
	    json_boolean(c->median >= 0),
	    "measured_rtt_ms", nodes_json_ms(c->median),
	    "samples", (json_int_t)c->nrtt,
	    "predicted_rtt_ms", nodes_json_ms(c->predicted),
	    "coordinates", "x", c->coord.pos[0], "y", c->coord.pos[1],
	    "height", c->coord.height, "error", c->error);
	if (o != NULL && draws)
		json_object_set_new(o, "first", json_integer(
		    (json_int_t)c->first));
	return o;
}

/* The whole answer as one JSON document. */
static int
nodes_print_json(const struct nodes_set *s, unsigned long draws)
{
	json_t *doc, *list = json_array(), *me = json_null();
	size_t i;

	for (i = 0; list != NULL && i < s->n; i++)
		json_array_append_new(list, nodes_json_node(
		    &s->c[s->order[i]], draws));
	if (s->placed)
		me = json_pack("{s:f, s:f, s:f, s:f}", "x",
		    s->me.coord.pos[0], "y", s->me.coord.pos[1], "height",
		    s->me.coord.height, "error", s->me.error);
	doc = json_pack("{s:o, s:I, s:I, s:o}", "client", me,
	    "participants", (json_int_t)s->nparts,
	    "draws", (json_int_t)draws, "nodes", list);
	if (doc == NULL)
		return -1;
	json_dumpf(doc, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(doc);
	return 0;
}

/* "X,Y,H" in ms: a valid coordinate. */
static int
nodes_parse_part(const char *s, struct vivaldi_coord *c)
{
	double *v[3] = { &c->pos[0], &c->pos[1], &c->height };
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		*v[i] = strtod(p, &end);
		if (end == p || *end != (i < 2 ? ',' : '\0'))
			return -1;
		p = end + 1;
	}
	return vivaldi_coord_valid(c) ? 0 : -1;
}

static int
nodes_args_parse(int argc, char *argv[], struct nodes_args *a)
{
	char *end;
	int i;

	a->timeout = NODES_TIMEOUT_MS / 1000.0;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--near") == 0) {
			a->near = 1;
			continue;
		}
		if (strcmp(o, "--json") == 0) {
			a->json = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(o, "--api") == 0)
			a->api = v;
		else if (strcmp(o, "--network-key") == 0)
			a->network_key = v;
		else if (strcmp(o, "--participant") == 0) {
			if (a->nparts == NODES_MAX_PARTS || nodes_parse_part(v,
			    &a->parts[a->nparts++]) == -1)
				return -1;
		} else if (strcmp(o, "--draws") == 0) {
			a->draws = strtoul(v, &end, 10);
			if (*v == '-' || *end != '\0' || a->draws < 1 ||
			    a->draws > NODES_MAX_DRAWS)
				return -1;
		} else if (strcmp(o, "--timeout") == 0) {
			if (cli_seconds(v, &a->timeout) == -1 ||
			    a->timeout <= 0 || a->timeout > 60)
				return -1;
		} else
			return -1;
	}
	return a->api == NULL ? -1 : 0;
}

/* Measure and place (--near), then rank, with draws first. */
static int
nodes_run(struct nodes_set *s, const struct nodes_args *a,
    const uint8_t psk[32])
{
	unsigned long k;
	double u;

	memcpy(s->parts + 1, a->parts, a->nparts * sizeof(*a->parts));
	s->nparts = a->nparts;
	if (a->near) {
		if (nodes_measure(s, psk, (unsigned)(a->timeout * 1000)) == -1)
			return -1;
		nodes_place(s);
	}
	for (k = 0; k < a->draws; k++) {
		if ((u = nodes_draw()) < 0 || nodes_rank(s, u) == -1)
			return -1;
		if (s->n > 0)
			s->c[s->order[0]].first++;
	}
	if ((u = nodes_draw()) < 0 || nodes_rank(s, u) == -1)
		return -1;
	return a->json ? nodes_print_json(s, a->draws) :
	    (nodes_print_table(s, a->draws), 0);
}

/* chorus nodes --api URL [--near] ... */
int
cmd_nodes(int argc, char *argv[])
{
	struct nodes_args a;
	struct nodes_set s;
	uint8_t psk[32];
	json_t *doc = NULL;
	char err[512];
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	memset(psk, 0, sizeof(psk));
	if (nodes_args_parse(argc, argv, &a) == -1) {
		fputs(NODES_USAGE, stderr);
		return CLIENT_EXIT_USAGE;
	}
	if (a.network_key != NULL && cli_read_key(a.network_key,
	    "network key", psk, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus nodes: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	if ((rc = nodes_fetch(a.api, "chorus nodes", &doc)) !=
	    CLIENT_EXIT_OK)
		goto done;
	rc = CLIENT_EXIT_FAILED;
	if (nodes_load(&s, doc) == -1 || nodes_run(&s, &a, psk) == -1) {
		fprintf(stderr, "chorus nodes: cannot rank the nodes\n");
		goto done;
	}
	rc = CLIENT_EXIT_OK;
done:
	json_decref(doc);
	nodes_set_free(&s);
	crypto_wipe(psk, sizeof(psk));
	return rc;
}

/* Reputation, standing and coordinates from the API, matched by key. */
static void
nodes_apply_api(struct nodes_set *s, const json_t *doc)
{
	struct nodes_cand probe;
	const json_t *e;
	size_t i, j;

	s->api = 1;
	json_array_foreach(json_object_get(doc, "nodes"), j, e) {
		memset(&probe, 0, sizeof(probe));
		if (nodes_entry(e, &probe, 0) == -1)
			continue;
		for (i = 0; i < s->n; i++) {
			if (s->c[i].known || memcmp(s->c[i].key, probe.key,
			    sizeof(probe.key)) != 0)
				continue;
			memcpy(probe.host, s->c[i].host, sizeof(probe.host));
			probe.port = s->c[i].port;
			s->c[i] = probe;
		}
	}
}

/* One line on stderr: the ranking and what was measured. */
static void
nodes_say(const struct nodes_set *s, const char *who)
{
	char addr[ROOM_HOST_MAX + 16];
	const struct nodes_cand *c;
	size_t i;

	fprintf(stderr, "%s: nodes ranked:", who);
	for (i = 0; i < s->n; i++) {
		c = &s->c[s->order[i]];
		nodes_addr_text(c, addr, sizeof(addr));
		if (c->median < 0)
			fprintf(stderr, " %s (no answer)", addr);
		else if (s->nearest && c->predicted != c->median)
			fprintf(stderr, " %s (%.2f ms, %.2f ms by coordinates)",
			    addr, c->median, c->predicted);
		else
			fprintf(stderr, " %s (%.2f ms)", addr, c->median);
	}
	fprintf(stderr, "\n");
}

/*
 * Nearest first (nodesel_nearest): the nodes that answered by the RTT
 * predicted from the client's coordinate to the one they publish, or
 * by the median the client measured where a node publishes none or the
 * client's fit is poor (nodesel_near_rtt); then the others, each group
 * in its ranked order.
 */
static void
nodes_nearest(struct nodes_set *s)
{
	double *dist = s->dist;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct nodes_cand *c = &s->c[i];

		dist[i] = nodesel_near_rtt(s->placed ? &s->me : NULL,
		    c->published ? &c->coord : NULL,
		    nodes_silent(c) ? -1 : c->median);
		c->predicted = dist[i];
	}
	nodesel_nearest(dist, s->n, s->order);
	s->nearest = 1;
	for (i = 0; i < s->n; i++)
		s->c[s->order[i]].rank = i + 1;
}

int
nodes_choose(const struct room_link *l, const char *api_url,
    const uint8_t psk[32], unsigned timeout_ms, size_t *order,
    const char *who, int nearest)
{
	struct nodes_set s;
	json_t *doc = NULL;
	size_t i;
	double u;
	int rc = -1;

	if (nodes_set_alloc(&s, l->nnodes) == -1)
		goto done;
	for (i = 0; i < s.n; i++) {
		memcpy(s.c[i].host, l->nodes[i].host, sizeof(s.c[i].host));
		s.c[i].port = l->nodes[i].port;
		memcpy(s.c[i].key, room_link_key(l, i), sizeof(s.c[i].key));
	}
	if (api_url != NULL) {
		if (nodes_fetch(api_url, who, &doc) == CLIENT_EXIT_OK)
			nodes_apply_api(&s, doc);
		else
			fprintf(stderr, "%s: ranking without reputations\n",
			    who);
	}
	if (timeout_ms == 0 || timeout_ms > NODES_CHOOSE_MAX_MS)
		timeout_ms = NODES_CHOOSE_MAX_MS;
	if (nodes_measure(&s, psk, timeout_ms) == -1)
		goto done;
	nodes_place(&s);
	if ((u = nodes_draw()) < 0 || nodes_rank(&s, u) == -1)
		goto done;
	if (nearest)
		nodes_nearest(&s);
	memcpy(order, s.order, s.n * sizeof(*order));
	nodes_say(&s, who);
	rc = 0;
done:
	json_decref(doc);
	nodes_set_free(&s);
	return rc;
}
