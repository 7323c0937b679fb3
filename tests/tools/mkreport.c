/*
 * mkreport.c - test tool: print N measurement reports about a node, each
 * signed by a fresh verifier identity, one base64 record per line, for
 * tests that need many valid reports quickly (tests/integ/ledger_crash.sh).
 *
 * Usage: mkreport N NETWORK SUBJECT-ID
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "chorus/encode.h"
#include "chorus/netrec.h"

int
main(int argc, char *argv[])
{
	uint8_t seed[CRYPTO_ED25519_SEED_LEN], out[NETREC_MAX_LEN];
	char b64[NETREC_MAX_LEN * 2];
	struct netrec r;
	uint64_t now = (uint64_t)time(NULL);
	size_t len;
	long i, n;

	if (argc != 4 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: mkreport N NETWORK SUBJECT-ID\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = NETREC_REPORT;
		if (netrec_network_id(argv[2], r.network_id) == -1 ||
		    strlen(argv[3]) != 52 || encode_unbase32(argv[3], 52,
		    r.u.report.subject, 32) != 32 ||
		    RAND_bytes(seed, sizeof(seed)) != 1)
			return 1;
		r.issued = now;
		r.expires = now + 3600;
		r.u.report.window_start = now - 60;
		r.u.report.window_end = now;
		r.u.report.sent = 100;
		r.u.report.passed = 100 - (uint32_t)(i % 3);
		r.u.report.verified_bytes = 30000;
		r.u.report.throughput_kbps = 400;
		r.u.report.rtt_median_us = 100;
		r.u.report.rtt_spread_us = 20;
		r.u.report.loss_ppm = (uint32_t)(i % 3) * 10000;
		if (netrec_encode(&r, seed, out, &len) == -1 ||
		    encode_base64(out, len, b64, sizeof(b64)) < 0)
			return 1;
		printf("%s\n", b64);
	}
	return 0;
}
