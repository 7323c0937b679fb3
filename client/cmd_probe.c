/*
 * cmd_probe.c - chorus probe: measure a node's forwarding with proof of
 * bandwidth, and sign the measurement report.
 *
 * The prober makes a room on the node and joins it twice (sender A and
 * receiver B, one identity).  A sends challenge packets (lib/probe.c) as
 * the end-to-end encrypted payload of ordinary media frames, so the node
 * cannot tell them from voice, let alone predict or forge them; B checks
 * each as it arrives.  Only what the node really forwarded, on time and
 * unaltered, counts.  The result is printed as JSON, with the report
 * (lib/netrec.c) signed by the prober's identity when the node's ID is
 * given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/netrec.h"
#include "chorus/probe.h"
#include "cli.h"
#include "client.h"
#include "rclient.h"

#define PROBE_TICK_MS		2
#define PROBE_REPORT_LIFE	43200	/* s a report stays valid */

struct probe_cmd {
	const char		*node, *node_key, *node_id, *identity;
	const char		*network, *network_key;
	int			 tcp;
	struct probe_params	 params;
	struct identity		 me;
	struct room_link	 link;
	uint8_t			 seed[CRYPTO_ED25519_SEED_LEN];
	struct room_keys	 keys;
	struct event_base	*base;
	struct rclient		*a, *b;
	struct probe_session	 sess;
	struct probe_tally	*tally;
	int			 a_joined, b_joined, created;
	uint32_t		 next;		/* next sequence to send */
	uint64_t		 t0, last_send;
	uint64_t		 wall_start;
	int			 done, exit;
	struct event		*ev;
};


static void
probe_fail(struct probe_cmd *p, int code, const char *what)
{
	if (p->done)
		return;
	fprintf(stderr, "chorus probe: %s\n", what);
	p->exit = code;
	p->done = 1;
}

static void
probe_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	(void)rc;
	(void)about;
	probe_fail(arg, cli_exit_code(code), ctrl_code_text(code));
}

static void
probe_failed_cb(struct rclient *rc, void *arg)
{
	struct conn *c = rclient_conn(rc);

	probe_fail(arg, cli_exit_conn(conn_failure(c)), conn_strerror(c));
}

static void	probe_start_b(struct probe_cmd *);

static void
probe_created_cb(struct rclient *rc, void *arg)
{
	struct probe_cmd *p = arg;

	p->created = 1;
	(void)rclient_join(rc);
	probe_start_b(p);
}

static void
probe_joined_cb(struct rclient *rc, void *arg)
{
	struct probe_cmd *p = arg;

	if (rc == p->a)
		p->a_joined = 1;
	else
		p->b_joined = 1;
}

/* B: a media frame from A: is it a challenge we made, on time? */
static void
probe_media_cb(struct rclient *rc, struct rpeer *peer,
    const struct media_header *h, const uint8_t *pkt, size_t len, void *arg)
{
	struct probe_cmd *p = arg;

	(void)peer;
	(void)h;
	if (rc == p->b && p->tally != NULL)
		(void)probe_check(&p->sess, p->tally, pkt, len, conn_now_usec());
}

static const struct rclient_cb probe_cb = {
	.created = probe_created_cb, .joined = probe_joined_cb,
	.media = probe_media_cb, .error = probe_error_cb,
	.failed = probe_failed_cb,
};

static struct rclient *
probe_client(struct probe_cmd *p)
{
	struct rclient_opts o;
	char err[512];
	struct rclient *rc;

	memset(&o, 0, sizeof(o));
	cli_link_conn(&p->link, 0, &o.conn);
	o.conn.tcp = p->tcp;
	o.me = &p->me;
	o.link = &p->link;
	o.decrypt = 1;
	if (p->network_key != NULL && cli_read_key(p->network_key,
	    "network key", o.conn.psk, err, sizeof(err)) == -1) {
		probe_fail(p, CLIENT_EXIT_FAILED, err);
		return NULL;
	}
	if ((rc = rclient_new(p->base, &o, &probe_cb, p, err, sizeof(err))) ==
	    NULL)
		probe_fail(p, CLIENT_EXIT_FAILED, err);
	return rc;
}

static void
probe_start_b(struct probe_cmd *p)
{
	if ((p->b = probe_client(p)) != NULL)
		(void)rclient_join(p->b);
}

/* Send the challenges that are due; end once the last one is overdue. */
static void
probe_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	uint8_t pkt[PROBE_MAX_SIZE];
	struct probe_cmd *p = arg;
	uint64_t now = conn_now_usec();
	size_t len;

	(void)fd;
	(void)what;
	if (p->done || !p->a_joined || !p->b_joined)
		return;
	if (p->t0 == 0) {
		p->t0 = now + 200000;	/* let both memberships settle */
		p->wall_start = (uint64_t)time(NULL);
	}
	while (p->next < p->params.count && now >= p->t0 &&
	    now - p->t0 >= probe_offset_usec(&p->sess, p->next)) {
		if (probe_make(&p->sess, p->tally, p->next, now, pkt,
		    sizeof(pkt), &len) == 0)
			(void)rclient_send_media(p->a, pkt, len, 1, 20,
			    p->next * 960);
		p->next++;
		p->last_send = now;
	}
	if (p->next == p->params.count && now - p->last_send >
	    (uint64_t)p->params.deadline_ms * 1000 + 100000) {
		p->exit = CLIENT_EXIT_OK;
		p->done = 1;
	}
}

/* The signed measurement report, base64, or NULL without --node-id. */
static char *
probe_report(struct probe_cmd *p, const struct probe_result *r)
{
	uint8_t out[NETREC_MAX_LEN];
	char *b64 = NULL;
	struct netrec rec;
	uint64_t now = (uint64_t)time(NULL);
	size_t len;

	if (p->node_id == NULL)
		return NULL;
	memset(&rec, 0, sizeof(rec));
	rec.kind = NETREC_REPORT;
	if (strlen(p->node_id) != 52 || encode_unbase32(p->node_id, 52,
	    rec.u.report.subject, 32) != 32 ||
	    netrec_network_id(p->network, rec.network_id) == -1)
		return NULL;
	rec.issued = now;
	rec.expires = now + PROBE_REPORT_LIFE;
	rec.u.report.window_start = p->wall_start;
	rec.u.report.window_end = now > p->wall_start ? now : p->wall_start + 1;
	rec.u.report.sent = r->sent;
	rec.u.report.passed = r->passed;
	rec.u.report.verified_bytes = r->bytes;
	rec.u.report.throughput_kbps = r->throughput_kbps;
	rec.u.report.rtt_median_us = r->rtt_median_us;
	rec.u.report.rtt_spread_us = r->rtt_spread_us;
	rec.u.report.loss_ppm = r->loss_ppm;
	if (netrec_encode(&rec, p->me.ed_seed, out, &len) == -1 ||
	    (b64 = malloc(len * 2 + 4)) == NULL)
		return NULL;
	if (encode_base64(out, len, b64, len * 2 + 4) < 0) {
		free(b64);
		return NULL;
	}
	return b64;
}

static void
probe_print(struct probe_cmd *p)
{
	struct probe_result r;
	char *report;
	json_t *o;

	if (probe_result(&p->sess, p->tally, &r) == -1)
		return;
	report = probe_report(p, &r);
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:s?}",
	    "sent", (json_int_t)r.sent, "passed", (json_int_t)r.passed,
	    "late", (json_int_t)r.late, "forged", (json_int_t)r.forged,
	    "duplicates", (json_int_t)r.duplicates,
	    "bytes", (json_int_t)r.bytes,
	    "throughput_kbps", (json_int_t)r.throughput_kbps,
	    "rtt_min_us", (json_int_t)r.rtt_min_us,
	    "rtt_median_us", (json_int_t)r.rtt_median_us,
	    "rtt_spread_us", (json_int_t)r.rtt_spread_us,
	    "jitter_us", (json_int_t)r.jitter_us,
	    "loss_ppm", (json_int_t)r.loss_ppm,
	    "window_ms", (json_int_t)r.window_ms,
	    "report", report);
	if (o != NULL) {
		json_dumpf(o, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(o);
	}
	free(report);
}

/* Keys, the in-memory link, the probe session. */
static int
probe_prepare(struct probe_cmd *p)
{
	uint8_t pub[ROOM_PUB_LEN], secret[PROBE_SECRET_LEN];
	uint8_t sid[PROBE_SID_LEN];
	char err[512];
	enum probe_error e;

	if ((p->identity != NULL ? cli_load_identity(p->identity, &p->me,
	    err, sizeof(err)) : cli_ephemeral_identity(&p->me)) == -1) {
		fprintf(stderr, "chorus probe: %s\n", p->identity != NULL ?
		    err : "cannot make an identity");
		return CLIENT_EXIT_FAILED;
	}
	if (cli_parse_hostport(p->node, p->link.nodes[0].host,
	    sizeof(p->link.nodes[0].host), &p->link.nodes[0].port) == -1 ||
	    strlen(p->node_key) != 52 || encode_unbase32(p->node_key, 52,
	    p->link.node_key, 32) != 32) {
		fprintf(stderr, "chorus probe: --node HOST:PORT and --node-key "
		    "(52 characters) are needed\n");
		return CLIENT_EXIT_USAGE;
	}
	p->link.nodes[0].type = cli_host_type(p->link.nodes[0].host);
	p->link.nnodes = 1;
	if (RAND_priv_bytes(p->seed, sizeof(p->seed)) != 1 ||
	    RAND_priv_bytes(p->link.secret, 32) != 1 ||
	    RAND_priv_bytes(secret, sizeof(secret)) != 1 ||
	    RAND_bytes(sid, sizeof(sid)) != 1 ||
	    crypto_ed25519_public(p->seed, pub) == -1 ||
	    room_id_from_key(pub, p->link.room_id) == -1 ||
	    room_keys_derive(p->link.secret, NULL, p->link.room_id,
	    &p->keys) == -1)
		return CLIENT_EXIT_FAILED;
	e = probe_session_init(&p->sess, secret, sid, &p->params);
	crypto_wipe(secret, sizeof(secret));
	if (e != PROBE_OK) {
		fprintf(stderr, "chorus probe: %s\n", probe_strerror(e));
		return CLIENT_EXIT_USAGE;
	}
	if ((p->tally = probe_tally_new(&p->sess)) == NULL)
		return CLIENT_EXIT_FAILED;
	return CLIENT_EXIT_OK;
}

static int
probe_args(int argc, char *argv[], struct probe_cmd *p)
{
	int i;

	p->network = "chorus";
	p->params = (struct probe_params){ 500, 400, 100, 1000 };
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--tcp") == 0) {
			p->tcp = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(o, "--node") == 0)
			p->node = v;
		else if (strcmp(o, "--node-key") == 0)
			p->node_key = v;
		else if (strcmp(o, "--node-id") == 0)
			p->node_id = v;
		else if (strcmp(o, "--identity") == 0)
			p->identity = v;
		else if (strcmp(o, "--network-id") == 0)
			p->network = v;
		else if (strcmp(o, "--network-key") == 0)
			p->network_key = v;
		else if (strcmp(o, "--packets") == 0)
			p->params.count = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(o, "--size") == 0)
			p->params.size = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(o, "--rate") == 0)
			p->params.rate = (uint32_t)strtoul(v, NULL, 10);
		else
			return -1;
	}
	return p->node == NULL || p->node_key == NULL ? -1 : 0;
}

/* chorus probe --node HOST:PORT --node-key KEY [...] */
int
cmd_probe(int argc, char *argv[])
{
	struct timeval tv = { 0, PROBE_TICK_MS * 1000 };
	struct probe_cmd p;
	int rc;

	memset(&p, 0, sizeof(p));
	if (probe_args(argc, argv, &p) == -1) {
		fprintf(stderr, "usage: chorus probe --node HOST:PORT --node-key "
		    "KEY [--node-id ID] [--packets N]\n       [--size BYTES] "
		    "[--rate N] [--identity FILE] [--network-id NAME]\n"
		    "       [--network-key FILE] [--tcp]\n");
		return CLIENT_EXIT_USAGE;
	}
	if ((rc = probe_prepare(&p)) != CLIENT_EXIT_OK)
		goto done;
	rc = CLIENT_EXIT_FAILED;
	if ((p.base = event_base_new()) == NULL ||
	    (p.ev = event_new(p.base, -1, EV_PERSIST, probe_tick_cb, &p)) ==
	    NULL || event_add(p.ev, &tv) == -1 ||
	    (p.a = probe_client(&p)) == NULL)
		goto done;
	if (rclient_create(p.a, p.seed, p.keys.join_key, NULL, 0) == -1)
		goto done;
	p.exit = CLIENT_EXIT_UNREACHABLE;
	(void)cli_run(p.base, &p.done, 120000);
	rc = p.exit;
	if (rc == CLIENT_EXIT_OK)
		probe_print(&p);
done:
	rclient_free(p.a);
	rclient_free(p.b);
	if (p.ev != NULL)
		event_free(p.ev);
	if (p.base != NULL)
		event_base_free(p.base);
	probe_tally_free(p.tally);
	probe_session_wipe(&p.sess);
	room_keys_wipe(&p.keys);
	room_link_wipe(&p.link);
	crypto_wipe(p.seed, sizeof(p.seed));
	identity_wipe(&p.me);
	return rc;
}
