/*
 * cmd_probe.c - chorus probe: measure a node's forwarding with proof of
 * bandwidth, and sign the measurement report.
 *
 * The measurement itself is client/probe_pair.c, which the node's own
 * prober shares: a room on the node joined twice, challenge packets
 * (lib/probe.c) as end-to-end encrypted media from one membership to the
 * other.  Only what the node really forwarded, on time and unaltered,
 * counts.  The result is printed as JSON, with the report (lib/netrec.c)
 * signed by the prober's identity when the node's ID is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "chorus/probe.h"
#include "cli.h"
#include "client.h"
#include "probe_pair.h"

#define PROBE_MAX_MS		120000	/* the whole measurement */
#define PROBE_REPORT_LIFE	43200	/* s a report stays valid */

struct probe_cmd {
	const char		*node, *node_key, *node_id, *identity;
	const char		*network, *network_key;
	int			 tcp;
	struct probe_params	 params;
	struct identity		 me;
	struct probe_pair	*pair;
	int			 done;
};

static void
probe_done_cb(struct probe_pair *pp, void *arg)
{
	struct probe_cmd *p = arg;

	(void)pp;
	p->done = 1;
}

/* The signed measurement report, base64, or NULL without --node-id. */
static char *
probe_report(struct probe_cmd *p, const struct probe_result *r)
{
	uint8_t out[NETREC_MAX_LEN], subject[32], net[NETREC_NETWORK_ID_LEN];
	char *b64 = NULL;
	size_t len;

	if (p->node_id == NULL || identity_key_parse(p->node_id, subject) == -1 ||
	    netrec_network_id(p->network, net) == -1 ||
	    probe_pair_report(probe_pair_status(p->pair), r, net, subject,
	    p->me.ed_seed, (uint64_t)time(NULL), PROBE_REPORT_LIFE, out,
	    &len) == -1 || (b64 = malloc(len * 2 + 4)) == NULL)
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

	if (probe_pair_result(p->pair, &r) == -1)
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

/* The identity, the node's address and key, the parameters. */
static int
probe_prepare(struct probe_cmd *p, struct probe_pair_opts *o,
    char *host, size_t hostlen)
{
	char err[512];
	enum probe_error e;

	if ((p->identity != NULL ? cli_load_identity(p->identity, &p->me,
	    err, sizeof(err)) : cli_ephemeral_identity(&p->me)) == -1) {
		fprintf(stderr, "chorus probe: %s\n", p->identity != NULL ?
		    err : "cannot make an identity");
		return CLIENT_EXIT_FAILED;
	}
	memset(o, 0, sizeof(*o));
	if (cli_parse_hostport(p->node, host, hostlen, &o->conn.port) == -1 ||
	    identity_key_parse(p->node_key, o->conn.node_key) == -1) {
		fprintf(stderr, "chorus probe: --node HOST:PORT and --node-key "
		    "(52 characters) are needed\n");
		return CLIENT_EXIT_USAGE;
	}
	o->conn.host = host;
	o->conn.tcp = p->tcp;
	if (p->network_key != NULL && cli_read_key(p->network_key,
	    "network key", o->conn.psk, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus probe: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	if ((e = probe_params_check(&p->params)) != PROBE_OK) {
		fprintf(stderr, "chorus probe: %s\n", probe_strerror(e));
		return CLIENT_EXIT_USAGE;
	}
	o->me = &p->me;
	o->params = p->params;
	o->max_ms = PROBE_MAX_MS;
	return CLIENT_EXIT_OK;
}

/* The exit status and message of a measurement that did not finish. */
static int
probe_failure(const struct probe_pair_status *st)
{
	fprintf(stderr, "chorus probe: %s\n", st->why);
	if (st->end == PROBE_PAIR_REFUSED)
		return cli_exit_code(st->ctrl_code);
	if (st->conn_error != CONN_E_NONE)
		return cli_exit_conn(st->conn_error);
	return CLIENT_EXIT_UNREACHABLE;
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
	char host[ROOM_HOST_MAX + 1], err[512];
	struct probe_pair_opts o;
	struct event_base *base = NULL;
	struct probe_cmd p;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	if (probe_args(argc, argv, &p) == -1) {
		fprintf(stderr, "usage: chorus probe --node HOST:PORT --node-key "
		    "KEY [--node-id ID] [--packets N]\n       [--size BYTES] "
		    "[--rate N] [--identity FILE] [--network-id NAME]\n"
		    "       [--network-key FILE] [--tcp]\n");
		return CLIENT_EXIT_USAGE;
	}
	if ((rc = probe_prepare(&p, &o, host, sizeof(host))) != CLIENT_EXIT_OK)
		goto done;
	rc = CLIENT_EXIT_FAILED;
	if ((base = event_base_new()) == NULL)
		goto done;
	if ((p.pair = probe_pair_new(base, &o, probe_done_cb, &p, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "chorus probe: %s\n", err);
		goto done;
	}
	(void)cli_run(base, &p.done, PROBE_MAX_MS + 1000);
	if (!p.done || probe_pair_status(p.pair)->end != PROBE_PAIR_MEASURED)
		rc = p.done ? probe_failure(probe_pair_status(p.pair)) :
		    CLIENT_EXIT_UNREACHABLE;
	else {
		rc = CLIENT_EXIT_OK;
		probe_print(&p);
	}
done:
	probe_pair_free(p.pair);
	if (base != NULL)
		event_base_free(base);
	crypto_wipe(o.conn.psk, sizeof(o.conn.psk));
	identity_wipe(&p.me);
	return rc;
}
