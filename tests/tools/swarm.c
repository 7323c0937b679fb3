/*
 * swarm.c - test tool: a Sybil swarm.  N fresh identities join a node
 * network's DHT directly (as an attacker would, without running nodes)
 * and publish what would make them look best: descriptors claiming huge
 * capacity and a coordinate next to everyone, perfect measurement reports
 * on each other, and vouches for each other with the largest stake a
 * record can claim.  The identities are spread over PREFIXES /24s.
 * Their IDs are printed, one per line, then the records are put again
 * every few seconds until SECONDS have passed (the DHT forgets values
 * that are not put again).
 *
 * Usage: swarm N NETWORK BOOTSTRAP-HOST:PORT SECONDS PREFIXES
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <opendht/opendht_c.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"

#define SWARM_MAX		64
#define SWARM_REPORTS		5	/* each reports on the next five */
#define SWARM_VOUCHES		2	/* and vouches for the next two */
#define SWARM_LABEL		"chorus dht network v1"	/* PROTOCOL.md */
#define SWARM_REPUT_SEC		5

struct swarm {
	dht_runner	*runner;
	uint8_t		 network_id[NETREC_NETWORK_ID_LEN];
	struct identity	 id[SWARM_MAX];
	int		 n, prefixes;
};

static void
swarm_put(struct swarm *s, const uint8_t key[NETREC_DHT_KEY_LEN],
    const uint8_t *rec, size_t len)
{
	dht_infohash h;
	dht_value *v;

	if ((v = dht_value_new(rec, len)) == NULL)
		return;
	memcpy(h.d, key, sizeof(h.d));
	dht_runner_put(s->runner, &h, v, NULL, NULL, false);
	dht_value_unref(v);
}

/* Sign r with identity i and put it under kind's key of subject. */
static void
swarm_sign_put(struct swarm *s, int i, struct netrec *r, const uint8_t *subj)
{
	uint8_t out[NETREC_MAX_LEN], key[NETREC_DHT_KEY_LEN];
	size_t len;

	memcpy(r->network_id, s->network_id, sizeof(r->network_id));
	if (netrec_encode(r, s->id[i].ed_seed, out, &len) == -1 ||
	    netrec_dht_key(s->network_id, r->kind, subj, key) == -1) {
		fprintf(stderr, "swarm: cannot make a record\n");
		exit(1);
	}
	swarm_put(s, key, out, len);
	if (r->kind == NETREC_DESCRIPTOR) {
		uint8_t zero[CRYPTO_ED25519_PUB_LEN];

		memset(zero, 0, sizeof(zero));
		if (netrec_dht_key(s->network_id, NETREC_DESCRIPTOR, zero,
		    key) == 0)
			swarm_put(s, key, out, len);
	}
}

static void
swarm_descriptor(struct swarm *s, int i, uint64_t now)
{
	struct netrec r;
	struct netrec_addr *a;

	memset(&r, 0, sizeof(r));
	r.kind = NETREC_DESCRIPTOR;
	r.issued = now;
	r.expires = now + 3600;
	memcpy(r.u.desc.noise_key, s->id[i].x_pub, CRYPTO_X25519_LEN);
	memcpy(r.u.desc.binding, s->id[i].binding, CRYPTO_ED25519_SIG_LEN);
	r.u.desc.caps = NETREC_CAP_TURN | NETREC_CAP_SFU | NETREC_CAP_MIX;
	r.u.desc.max_sessions = 1000000;
	r.u.desc.upload_kbps = 10000000;
	r.u.desc.height = 0.01f;	/* "next to everyone" */
	r.u.desc.error = 0.01f;		/* "and certain of it" */
	snprintf(r.u.desc.software, sizeof(r.u.desc.software), "chorusd 9.9");
	snprintf(r.u.desc.region, sizeof(r.u.desc.region), "sybil-%d", i);
	r.u.desc.naddrs = 1;
	a = &r.u.desc.addrs[0];
	a->family = 4;
	a->addr[0] = 127;
	a->addr[1] = 0;
	a->addr[2] = (uint8_t)(200 + i % s->prefixes);
	a->addr[3] = (uint8_t)(1 + i);
	a->udp_port = a->tcp_port = 9;	/* nothing answers there */
	swarm_sign_put(s, i, &r, s->id[i].ed_pub);
}

static void
swarm_records(struct swarm *s, int i, uint64_t now)
{
	struct netrec r;
	int k, j;

	for (k = 1; k <= SWARM_REPORTS && k < s->n; k++) {
		j = (i + k) % s->n;
		memset(&r, 0, sizeof(r));
		r.kind = NETREC_REPORT;
		r.issued = now;
		r.expires = now + 3600;
		memcpy(r.u.report.subject, s->id[j].ed_pub, 32);
		r.u.report.window_start = now - 60;
		r.u.report.window_end = now;
		r.u.report.sent = 100;
		r.u.report.passed = 100;
		r.u.report.verified_bytes = 10000000;
		r.u.report.throughput_kbps = 1000000;
		r.u.report.rtt_median_us = 100;
		r.u.report.rtt_spread_us = 1;
		swarm_sign_put(s, i, &r, s->id[j].ed_pub);
	}
	for (k = 1; k <= SWARM_VOUCHES && k < s->n; k++) {
		j = (i + k) % s->n;
		memset(&r, 0, sizeof(r));
		r.kind = NETREC_VOUCH;
		r.issued = now;
		r.expires = now + 3600;
		memcpy(r.u.vouch.vouchee, s->id[j].ed_pub, 32);
		r.u.vouch.stake = NETREC_STAKE_ONE;
		swarm_sign_put(s, i, &r, s->id[j].ed_pub);
	}
}

static void
swarm_bootstrap(struct swarm *s, const char *hostport)
{
	char host[256], *colon;

	snprintf(host, sizeof(host), "%s", hostport);
	if ((colon = strrchr(host, ':')) == NULL) {
		fprintf(stderr, "swarm: bootstrap is HOST:PORT\n");
		exit(2);
	}
	*colon = '\0';
	dht_runner_bootstrap(s->runner, host, colon + 1);
}

int
main(int argc, char *argv[])
{
	static struct swarm s;
	uint8_t seed[32], x[32], h[CRYPTO_BLAKE2S_LEN];
	char id[IDENTITY_ID_STRLEN];
	dht_runner_config cfg;
	time_t end;
	int i;

	if (argc != 6 || (s.n = atoi(argv[1])) <= 0 || s.n > SWARM_MAX ||
	    (s.prefixes = atoi(argv[5])) <= 0) {
		fprintf(stderr, "usage: swarm N NETWORK BOOTSTRAP-HOST:PORT "
		    "SECONDS PREFIXES\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[4]);
	if (netrec_network_id(argv[2], s.network_id) == -1 ||
	    crypto_blake2s2(SWARM_LABEL, sizeof(SWARM_LABEL) - 1, argv[2],
	    strlen(argv[2]), h) == -1)
		return 1;
	for (i = 0; i < s.n; i++) {
		if (RAND_bytes(seed, sizeof(seed)) != 1 ||
		    RAND_bytes(x, sizeof(x)) != 1 ||
		    identity_from_secrets(&s.id[i], seed, x) == -1)
			return 1;
		identity_id_string(s.id[i].ed_pub, id);
		printf("%s\n", id);
	}
	fflush(stdout);
	s.runner = dht_runner_new();
	dht_runner_config_default(&cfg);
	cfg.dht_config.node_config.network = (uint32_t)h[0] << 24 |
	    (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	cfg.threaded = true;
	cfg.peer_discovery = false;
	cfg.peer_publish = false;
	if (dht_runner_run_config(s.runner, 0, &cfg) != 0) {
		fprintf(stderr, "swarm: cannot start a DHT runner\n");
		return 1;
	}
	swarm_bootstrap(&s, argv[3]);
	sleep(1);
	while (time(NULL) < end) {
		uint64_t now = (uint64_t)time(NULL);

		for (i = 0; i < s.n; i++) {
			swarm_descriptor(&s, i, now);
			swarm_records(&s, i, now);
		}
		sleep(SWARM_REPUT_SEC);
	}
	dht_runner_delete(s.runner);
	for (i = 0; i < s.n; i++)
		identity_wipe(&s.id[i]);
	return 0;
}
