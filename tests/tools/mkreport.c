/*
 * mkreport.c - test tool: print signed node network records, one base64
 * record per line, for tests that need many valid records quickly
 * (tests/integ/ledger_crash.sh, tests/integ/vouch.sh).
 *
 * Usage: mkreport [-p PASSED] [-t KBPS] [-b BYTES] [-r RTT-US]
 *		   [-s SPREAD-US] [-l LOSS-PPM] N NETWORK SUBJECT-ID
 *	N measurement reports about SUBJECT-ID, each signed by a fresh
 *	verifier identity, 100 challenges each.  Without options the
 *	figures vary a little from report to report (97 to 100 passed);
 *	an option fixes that figure for every report.
 *
 *	  mkreport -V KEY-FILE NETWORK VOUCHEE-ID POINTS
 *	One vouch for VOUCHEE-ID staking POINTS, signed with the identity
 *	file KEY-FILE (a node's node.key, doc/PROTOCOL.md "Identity file").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"

#define MKREPORT_SENT	100

/* Figures fixed by options; -1: vary with the report's index. */
struct mkreport_opts {
	long long	passed, kbps, bytes, rtt, spread, loss;
};

static int
usage(void)
{
	fprintf(stderr, "usage: mkreport [-p passed] [-t kbps] [-b bytes] "
	    "[-r rtt-us] [-s spread-us] [-l loss-ppm] N NETWORK SUBJECT-ID\n"
	    "       mkreport -V key-file NETWORK VOUCHEE-ID POINTS\n");
	return 1;
}

/* A number option in [0, max], or -2 if it is not one. */
static long long
number(const char *s, long long max)
{
	char *end;
	long long v;

	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > max)
		return -2;
	return v;
}

/* Print a signed record in base64 on its own line; 0 or -1. */
static int
emit(struct netrec *r, const uint8_t seed[CRYPTO_ED25519_SEED_LEN])
{
	uint8_t out[NETREC_MAX_LEN];
	char b64[NETREC_MAX_LEN * 2];
	size_t len;

	if (netrec_encode(r, seed, out, &len) == -1 ||
	    encode_base64(out, len, b64, sizeof(b64)) < 0)
		return -1;
	printf("%s\n", b64);
	return 0;
}

/* The common fields: kind, network, issued now, valid an hour. */
static int
common(struct netrec *r, int kind, const char *network, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->issued = now;
	r->expires = now + 3600;
	return netrec_network_id(network, r->network_id);
}

/* An ID in base32 into out; 0 or -1. */
static int
node_id(const char *s, uint8_t out[CRYPTO_ED25519_PUB_LEN])
{
	return identity_key_parse(s, out);
}

/* N reports, each by a fresh verifier. */
static int
reports(const struct mkreport_opts *o, long n, const char *network,
    const char *subject, uint64_t now)
{
	uint8_t seed[CRYPTO_ED25519_SEED_LEN];
	struct netrec_report *m;
	struct netrec r;
	long i;

	for (i = 0; i < n; i++) {
		if (common(&r, NETREC_REPORT, network, now) == -1 ||
		    node_id(subject, r.u.report.subject) == -1 ||
		    RAND_bytes(seed, sizeof(seed)) != 1)
			return 1;
		m = &r.u.report;
		m->window_start = now - 60;
		m->window_end = now;
		m->sent = MKREPORT_SENT;
		m->passed = o->passed >= 0 ? (uint32_t)o->passed :
		    MKREPORT_SENT - (uint32_t)(i % 3);
		m->verified_bytes = o->bytes >= 0 ? (uint64_t)o->bytes : 30000;
		m->throughput_kbps = o->kbps >= 0 ? (uint32_t)o->kbps : 400;
		m->rtt_median_us = o->rtt >= 0 ? (uint32_t)o->rtt : 100;
		m->rtt_spread_us = o->spread >= 0 ? (uint32_t)o->spread : 20;
		m->loss_ppm = o->loss >= 0 ? (uint32_t)o->loss :
		    (uint32_t)(i % 3) * 10000;
		if (emit(&r, seed) == -1)
			return 1;
	}
	return 0;
}

/* One vouch signed with the identity in keyfile. */
static int
vouch(const char *keyfile, const char *network, const char *vouchee,
    const char *points, uint64_t now)
{
	uint8_t buf[IDENTITY_FILE_LEN + 1];
	struct identity id;
	struct netrec r;
	long long p;
	size_t len;
	FILE *f;
	int rc = 1;

	if ((p = number(points, UINT32_MAX)) < 1)
		return usage();
	if ((f = fopen(keyfile, "rb")) == NULL) {
		perror(keyfile);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (identity_decode(&id, buf, len) != IDENTITY_OK) {
		fprintf(stderr, "%s: not an identity file\n", keyfile);
		goto done;
	}
	if (common(&r, NETREC_VOUCH, network, now) == -1 ||
	    node_id(vouchee, r.u.vouch.vouchee) == -1)
		goto done;
	r.u.vouch.stake = (uint32_t)p;
	if (emit(&r, id.ed_seed) == 0)
		rc = 0;
done:
	identity_wipe(&id);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int
main(int argc, char *argv[])
{
	struct mkreport_opts o = { -1, -1, -1, -1, -1, -1 };
	const char *keyfile = NULL;
	uint64_t now = (uint64_t)time(NULL);
	long long *fix;
	long n;
	int ch;

	while ((ch = getopt(argc, argv, "p:t:b:r:s:l:V:")) != -1) {
		switch (ch) {
		case 'p':
			fix = &o.passed;
			break;
		case 't':
			fix = &o.kbps;
			break;
		case 'b':
			fix = &o.bytes;
			break;
		case 'r':
			fix = &o.rtt;
			break;
		case 's':
			fix = &o.spread;
			break;
		case 'l':
			fix = &o.loss;
			break;
		case 'V':
			keyfile = optarg;
			continue;
		default:
			return usage();
		}
		*fix = number(optarg, ch == 'b' ? (long long)INT64_MAX :
		    ch == 'p' ? MKREPORT_SENT : ch == 'l' ? NETREC_PPM :
		    UINT32_MAX);
		if (*fix == -2)
			return usage();
	}
	argc -= optind;
	argv += optind;
	if (keyfile != NULL)
		return argc == 3 ? vouch(keyfile, argv[0], argv[1], argv[2],
		    now) : usage();
	if (argc != 3 || (n = strtol(argv[0], NULL, 10)) <= 0)
		return usage();
	return reports(&o, n, argv[1], argv[2], now);
}
