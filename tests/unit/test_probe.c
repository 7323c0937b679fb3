/*
 * test_probe.c - proof-of-bandwidth probes: parameter limits, known
 * answers from an independent Python implementation, the honest path,
 * random drops, late packets, every single-bit flip, spot checks,
 * duplicates, other sessions, the time bound, delay and jitter
 * statistics, a median throughput that one burst does not move, and a
 * long random run compared with a deliberately naive reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/probe.h"
#include "../tap.h"

#define T0		1000000000000ULL	/* any monotonic clock */
#define MS		1000ULL
#define SEC		1000000ULL
#define RND_N		4000		/* packets in the random run */
#define RND_SIZE	128
#define RND_BINS	64		/* 4 s of sending and 0.25 s of delay */

/*
 * Known answers, computed with Python 3: hashlib.blake2s (keyed, for the
 * key schedule and the MAC), the "cryptography" package's ChaCha20 (16-
 * byte nonce = counter 1 LE || 0^8 || seq BE) and SipHash-2-4 written out
 * by hand (checked against the paper's example).  Secret 00 01 .. 1f,
 * session ID 01 02 .. 08.
 */
#define KAT_SID		"0102030405060708"
#define KAT_STREAM	"bea83bc9d1b6383f18ecaed6c53c0f06" \
			"c6ba643a6ab28c5827fafefdf23af2c2"
#define KAT_MAC		"f16eb88b8a7b455274e5c1fd63e147ba" \
			"48f61f267a748892ba26bcd4eb61c254"
#define KAT_PICK	"610cfd881576658aecaddb08d6863562"
/* size 64, seq 0, made first (time 0) */
#define KAT_PKT0	"0e00000001020304050607080000000000000000" \
			"9fafbb19111983e77a1031e3b4fe333e07238eeb" \
			"b9a2adefcac373d54977957447c5340d3b63eed45328d4d0"
/* size 100, seq 7, made 70 ms after the first packet */
#define KAT_PKT7	"0e00000001020304050607080000000700011170" \
			"df61aa4fccdf58e02d9221c02929218c7eeb39211544f79e" \
			"0e732741ca63864cc72f66c9e0def4b243c1b33bf75d3de3" \
			"4030d13426c6aee10904f5ac8ccfdb07aa2dd0f9c17f1cc8" \
			"2c68a1bdfe506dd1"
/* seqs 0..63 whose payload is compared; and how many of 0..4095 */
#define KAT_SPOT_MASK	0x20000880004000ULL
#define KAT_SPOT_4096	277

static uint8_t secret[PROBE_SECRET_LEN];

/* A small deterministic generator (xorshift64*), so runs repeat. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Little-endian 64-bit word. */
static uint64_t
le64(const uint8_t *b)
{
	uint64_t w = 0;
	int i;

	for (i = 0; i < 8; i++)
		w |= (uint64_t)b[i] << (8 * i);
	return w;
}

static struct probe_params
params(uint32_t count, uint32_t size, uint32_t rate, uint32_t deadline_ms)
{
	struct probe_params p;

	p.count = count;
	p.size = size;
	p.rate = rate;
	p.deadline_ms = deadline_ms;
	return p;
}

/* Session with the fixed secret and a session ID of eight times fill. */
static int
session(struct probe_session *s, uint8_t fill, uint32_t count, uint32_t size,
    uint32_t rate, uint32_t deadline_ms)
{
	struct probe_params p = params(count, size, rate, deadline_ms);
	uint8_t sid[PROBE_SID_LEN];

	memset(sid, fill, sizeof(sid));
	return probe_session_init(s, secret, sid, &p) == PROBE_OK ? 0 : -1;
}

/* Every limit, on both sides of its boundary. */
static void
test_params(void)
{
	static const struct {
		struct probe_params	p;
		enum probe_error	want;
		const char		*name;
	} cases[] = {
		{ { 1, 64, 1, 1 }, PROBE_OK, "smallest session" },
		{ { 100, 1200, 100, 5000 }, PROBE_OK, "largest packets" },
		{ { 0, 200, 100, 1000 }, PROBE_ECOUNT, "no packets" },
		{ { 65537, 64, 10000, 1000 }, PROBE_ECOUNT, "65537 packets" },
		{ { 65536, 64, 10000, 1000 }, PROBE_OK, "65536 packets" },
		{ { 10, 63, 10, 1000 }, PROBE_ESIZE, "63-byte packets" },
		{ { 10, 1201, 10, 1000 }, PROBE_ESIZE, "1201-byte packets" },
		{ { 10, 200, 0, 1000 }, PROBE_ERATE, "rate 0" },
		{ { 10, 200, 10001, 1000 }, PROBE_ERATE, "rate 10001" },
		{ { 10, 200, 10000, 1000 }, PROBE_OK, "rate 10000" },
		{ { 10, 200, 10, 0 }, PROBE_EDEADLINE, "deadline 0" },
		{ { 10, 200, 10, 5001 }, PROBE_EDEADLINE, "deadline 5001" },
		/* 27962 * 1200 = 33554400 <= 2^25 < 27963 * 1200 */
		{ { 27962, 1200, 10000, 1000 }, PROBE_OK, "just under 32 MiB" },
		{ { 27963, 1200, 10000, 1000 }, PROBE_EBYTES,
		    "just over 32 MiB" },
		{ { 600, 200, 10, 1000 }, PROBE_OK, "exactly 60 s" },
		{ { 601, 200, 10, 1000 }, PROBE_ETIME, "60.1 s" },
		{ { 61, 64, 1, 1 }, PROBE_ETIME, "61 s at 1/s" },
	};
	struct probe_session s;
	size_t i;
	int e, f, zero;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_is_int(probe_params_check(&cases[i].p), cases[i].want,
		    cases[i].name);

	memset(&s, 0xa5, sizeof(s));
	e = probe_session_init(&s, secret, (const uint8_t *)"abcdefgh",
	    &cases[6].p);
	tap_is_int(e, PROBE_ESIZE, "init refuses what check refuses");
	tap_ok(tap_is_zero(&s, sizeof(s)), "and leaves the session zeroed");

	zero = 1;
	for (e = PROBE_OK; e <= PROBE_ECRYPTO; e++) {
		if (probe_strerror(e)[0] == '\0' ||
		    strcmp(probe_strerror(e), "unknown error") == 0)
			zero = 0;
		for (f = PROBE_OK; f < e; f++)
			if (strcmp(probe_strerror(e), probe_strerror(f)) == 0)
				zero = 0;
	}
	tap_ok(zero, "every error has its own text");
	tap_is_str(probe_strerror(PROBE_ETIME), "session too long",
	    "ETIME text");
	tap_is_str(probe_verdict_name(PROBE_ACCEPTED), "accepted", "name");
	tap_is_str(probe_verdict_name(PROBE_DUPLICATE), "duplicate", "name");
	tap_is_str(probe_verdict_name((enum probe_verdict)99), "invalid",
	    "out-of-range verdict name");
}

/* The key schedule, two packets and the spot choice against Python. */
static void
test_kat(void)
{
	struct probe_params p = params(10, 64, 100, 1000);
	struct probe_session s;
	struct probe_tally *t;
	uint8_t sid[PROBE_SID_LEN], want[256], pkt[256], pick[16];
	uint64_t mask = 0;
	size_t n, len;
	uint32_t i, spots = 0;

	tap_unhex(KAT_SID, sid, sizeof(sid));
	tap_is_int(probe_session_init(&s, secret, sid, &p), PROBE_OK, "init");
	tap_unhex(KAT_STREAM, want, sizeof(want));
	tap_is_mem(s.stream_key, want, PROBE_KEY_LEN, "stream key");
	tap_unhex(KAT_MAC, want, sizeof(want));
	tap_is_mem(s.mac_key, want, PROBE_KEY_LEN, "MAC key");
	tap_unhex(KAT_PICK, pick, sizeof(pick));
	tap_ok(s.pick_key[0] == le64(pick) && s.pick_key[1] == le64(pick + 8),
	    "pick key: its first 16 bytes as little-endian words");
	tap_ok(s.pick_key[0] == 0x8a65761588fd0c61ULL,
	    "little-endian, not big-endian");
	for (i = 0; i < 64; i++)
		if (probe_spot_checked(&s, i))
			mask |= 1ULL << i;
	tap_ok(mask == KAT_SPOT_MASK, "spot-checked seqs 0..63");
	for (i = 0; i < 4096; i++)
		spots += probe_spot_checked(&s, i);
	tap_is_int(spots, KAT_SPOT_4096, "spot-checked among 0..4095");

	t = probe_tally_new(&s);
	tap_ok(t != NULL, "tally");
	n = tap_unhex(KAT_PKT0, want, sizeof(want));
	tap_ok(probe_make(&s, t, 0, T0, pkt, sizeof(pkt), &len) == 0 &&
	    len == 64 && n == 64, "make seq 0, 64 bytes");
	tap_is_mem(pkt, want, n, "packet 0 vector");
	tap_is_int(probe_check(&s, t, want, n, T0 + 5 * MS), PROBE_ACCEPTED,
	    "the Python packet is accepted");
	probe_tally_free(t);

	p.size = 100;
	probe_session_init(&s, secret, sid, &p);
	t = probe_tally_new(&s);
	n = tap_unhex(KAT_PKT7, want, sizeof(want));
	tap_ok(probe_make(&s, t, 0, T0, pkt, sizeof(pkt), &len) == 0 &&
	    probe_make(&s, t, 7, T0 + 70 * MS, pkt, sizeof(pkt), &len) == 0 &&
	    len == 100 && n == 100, "make seq 7 at 70 ms, 100 bytes");
	tap_is_mem(pkt, want, n, "packet 7 vector");
	probe_tally_free(t);
	probe_session_wipe(&s);
	tap_ok(tap_is_zero(&s, sizeof(s)), "wipe clears the keys");
}

/* probe_make refuses what the header says it refuses. */
static void
test_make_limits(void)
{
	struct probe_session s, other;
	struct probe_tally *t, *to;
	uint8_t pkt[PROBE_MAX_SIZE + 1];
	size_t len;

	session(&s, 1, 3, 200, 1, 1000);
	session(&other, 2, 3, 200, 1, 1000);
	t = probe_tally_new(&s);
	to = probe_tally_new(&other);
	tap_ok(t != NULL && to != NULL, "tallies");
	tap_ok(probe_make(&s, t, 3, T0, pkt, sizeof(pkt), &len) == -1 &&
	    len == 0, "seq == count refused");
	tap_ok(probe_make(&s, t, 0, T0, pkt, 199, &len) == -1,
	    "cap one short refused");
	tap_ok(probe_make(&s, to, 0, T0, pkt, sizeof(pkt), &len) == -1,
	    "another session's tally refused");
	tap_is_int(t->sent, 0, "nothing counted as sent");
	tap_ok(probe_make(&s, t, 1, T0, pkt, 200, &len) == 0 && len == 200,
	    "exact cap; any seq may come first");
	tap_ok(probe_make(&s, t, 1, T0 + MS, pkt, sizeof(pkt), &len) == -1,
	    "a seq is made once");
	tap_ok(probe_make(&s, t, 0, T0 - 1, pkt, sizeof(pkt), &len) == -1,
	    "clock before the first packet refused");
	tap_ok(probe_make(&s, t, 0, T0 + PROBE_MAX_SECONDS * SEC + 1, pkt,
	    sizeof(pkt), &len) == -1, "past the time bound refused");
	tap_ok(probe_make(&s, t, 0, T0 + PROBE_MAX_SECONDS * SEC, pkt,
	    sizeof(pkt), &len) == 0, "at the time bound made");
	tap_ok(pkt[16] == 0x03 && pkt[17] == 0x93 && pkt[18] == 0x87 &&
	    pkt[19] == 0x00, "time field 60000000 usec");
	tap_is_int(t->sent, 2, "two made");
	tap_is_int(probe_offset_usec(&s, 2), 2 * SEC, "offset at 1/s");
	session(&other, 2, 100, 200, 3, 1000);
	tap_is_int(probe_offset_usec(&other, 1), 333333, "offset 1 at 3/s");
	tap_is_int(probe_offset_usec(&other, 3), SEC, "offset 3 at 3/s");
	probe_tally_free(t);
	probe_tally_free(to);
	probe_tally_free(NULL);
}

/* All delivered on time: all pass; exact throughput and delays. */
static void
test_honest(void)
{
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t pkt[PROBE_MAX_SIZE];
	uint64_t at;
	size_t len;
	uint32_t i, ok = 0;

	session(&s, 3, 100, 1000, 100, 1000);
	t = probe_tally_new(&s);
	for (i = 0; i < 100; i++) {
		at = T0 + probe_offset_usec(&s, i);
		if (probe_make(&s, t, i, at, pkt, sizeof(pkt), &len) == 0 &&
		    probe_check(&s, t, pkt, len, at + 20 * MS) ==
		    PROBE_ACCEPTED)
			ok++;
	}
	tap_is_int(ok, 100, "honest path: all 100 accepted");
	tap_is_int(probe_result(&s, t, &r), 0, "result");
	tap_ok(r.count == 100 && r.size == 1000 && r.rate == 100 &&
	    r.deadline_ms == 1000, "result carries the parameters");
	tap_ok(r.sent == 100 && r.passed == 100 && r.late == 0 &&
	    r.forged == 0 && r.duplicates == 0, "counts");
	tap_is_int((long long)r.bytes, 100000, "bytes verified");
	tap_is_int(r.loss_ppm, 0, "no loss");
	/* 10 packets of 8000 bits per 100 ms bin */
	tap_is_int(r.throughput_kbps, 800, "800 kbit/s");
	tap_is_int(r.window_ms, 990, "window first to last arrival");
	tap_ok(r.rtt_min_us == 20000 && r.rtt_median_us == 20000 &&
	    r.rtt_spread_us == 0, "delay 20 ms, no spread");
	tap_is_int(r.jitter_us, 0, "no jitter");
	probe_tally_free(t);
}

/* 20 % dropped at random: passed exact, loss near 0.2. */
static void
test_drops(void)
{
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t pkt[PROBE_MAX_SIZE];
	uint64_t at;
	size_t len;
	uint32_t i, delivered = 0, bad = 0;

	session(&s, 4, 2000, 200, 1000, 500);
	t = probe_tally_new(&s);
	for (i = 0; i < 2000; i++) {
		at = T0 + probe_offset_usec(&s, i);
		if (probe_make(&s, t, i, at, pkt, sizeof(pkt), &len) == -1)
			bad++;
		if (rng() % 5 == 0)
			continue;
		delivered++;
		if (probe_check(&s, t, pkt, len, at + 30 * MS) !=
		    PROBE_ACCEPTED)
			bad++;
	}
	tap_is_int(bad, 0, "every delivered packet accepted");
	probe_result(&s, t, &r);
	tap_is_int(r.sent, 2000, "sent");
	tap_is_int(r.passed, delivered, "passed is exactly what arrived");
	tap_is_int(r.loss_ppm, (2000 - delivered) * 1000000ULL / 2000,
	    "loss_ppm is (sent - passed) / sent");
	tap_ok(r.loss_ppm > 170000 && r.loss_ppm < 230000,
	    "loss 0.2 +- 0.03 (got %u ppm)", r.loss_ppm);
	/* 100 packets of 1600 bits per bin, 80 % delivered: about 1280 */
	tap_ok(r.throughput_kbps > 1100 && r.throughput_kbps < 1460,
	    "throughput near 1280 kbit/s (got %u)", r.throughput_kbps);
	tap_is_int((long long)r.bytes, (long long)delivered * 200, "bytes");
	probe_tally_free(t);
}

/* On the deadline passes; a microsecond after is late, and stays so. */
static void
test_late(void)
{
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t pkt[4][PROBE_MAX_SIZE];
	size_t len;
	uint32_t i;

	session(&s, 5, 4, 300, 10, 100);
	t = probe_tally_new(&s);
	for (i = 0; i < 4; i++)
		probe_make(&s, t, i, T0 + i * 100 * MS, pkt[i], sizeof(pkt[i]),
		    &len);
	tap_is_int(probe_check(&s, t, pkt[0], len, T0 + 100 * MS),
	    PROBE_ACCEPTED, "exactly at the deadline: passed");
	tap_is_int(probe_check(&s, t, pkt[1], len, T0 + 200 * MS + 1),
	    PROBE_LATE, "1 usec after: late");
	tap_is_int(probe_check(&s, t, pkt[2], len, T0 + 5 * SEC), PROBE_LATE,
	    "seconds after: late");
	tap_is_int(probe_check(&s, t, pkt[1], len, T0 + 200 * MS + 2),
	    PROBE_DUPLICATE, "a late packet sent again is a duplicate");
	tap_is_int(probe_check(&s, t, pkt[3], len, T0 + 250 * MS),
	    PROBE_ACCEPTED, "arrival before its send time: zero delay");
	probe_result(&s, t, &r);
	tap_ok(r.sent == 4 && r.passed == 2 && r.late == 2 &&
	    r.duplicates == 1, "2 passed, 2 late, 1 duplicate");
	tap_is_int(r.loss_ppm, 500000, "late counts as lost");
	tap_ok(r.rtt_min_us == 0 && r.rtt_median_us == 0 &&
	    r.rtt_spread_us == 100000, "delays of passed packets only");
	tap_is_int((long long)r.bytes, 600, "bytes of passed packets only");
	probe_tally_free(t);
}

/* The verdict expected for a bit flipped in byte pos of a probe packet. */
static enum probe_verdict
flip_verdict(size_t pos)
{
	if (pos < 4)
		return PROBE_MALFORMED;		/* type, reserved */
	if (pos < 12)
		return PROBE_UNKNOWN;		/* session ID */
	return PROBE_FORGED;			/* seq, time, payload, MAC */
}

/* Every single-bit flip refused; lengths and sequence out of range. */
static void
test_forged(void)
{
	struct probe_session s;
	struct probe_tally *t;
	uint8_t pkt[PROBE_MAX_SIZE + 1], bad[PROBE_MAX_SIZE + 1];
	size_t len, bit, wrong = 0;
	enum probe_verdict v;

	session(&s, 6, 20, 64, 10, 1000);
	t = probe_tally_new(&s);
	probe_make(&s, t, 5, T0, pkt, sizeof(pkt), &len);
	for (bit = 0; bit < len * 8; bit++) {
		pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		v = probe_check(&s, t, pkt, len, T0 + MS);
		if (v != flip_verdict(bit / 8))
			wrong++;
		pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	tap_is_int(wrong, 0, "all 512 flips: malformed, unknown or forged");
	tap_ok(t->malformed == 32 && t->unknown == 64 && t->forged == 416,
	    "each counted under its verdict");
	tap_is_int(t->passed, 0, "none passed");

	tap_is_int(probe_check(&s, t, pkt, len - 1, T0 + MS), PROBE_FORGED,
	    "truncated by one byte: forged");
	memcpy(bad, pkt, len);
	bad[len] = 0;
	tap_is_int(probe_check(&s, t, bad, len + 1, T0 + MS), PROBE_FORGED,
	    "one byte appended: forged");
	memcpy(bad, pkt, len);
	bad[12] = bad[13] = bad[14] = 0;
	bad[15] = 20;
	tap_is_int(probe_check(&s, t, bad, len, T0 + MS), PROBE_FORGED,
	    "seq == count: forged");
	bad[15] = 6;
	tap_is_int(probe_check(&s, t, bad, len, T0 + MS), PROBE_FORGED,
	    "another seq under the same MAC: forged");
	tap_is_int(probe_check(&s, t, pkt, PROBE_HDR_LEN - 1, T0 + MS),
	    PROBE_MALFORMED, "shorter than a header: malformed");
	tap_is_int(probe_check(&s, t, pkt, PROBE_HDR_LEN, T0 + MS),
	    PROBE_FORGED, "a header alone: forged");
	tap_is_int(probe_check(&s, t, pkt, 0, T0 + MS), PROBE_MALFORMED,
	    "empty: malformed");
	bad[0] = 0x07;
	tap_is_int(probe_check(&s, t, bad, len, T0 + MS), PROBE_MALFORMED,
	    "a Chorus transport type: malformed");
	tap_is_int(probe_check(&s, t, pkt, len, T0 + MS), PROBE_ACCEPTED,
	    "the unaltered packet still passes after all that");
	probe_tally_free(t);
}

/*
 * A payload changed and the MAC made again with the MAC key (which only
 * the verifier has): only the spot check can see it, and it does for
 * exactly the sequences probe_spot_checked() names.
 */
static void
test_spot(void)
{
	struct probe_session s;
	struct probe_tally *t;
	uint8_t pkt[PROBE_MAX_SIZE];
	size_t len;
	uint32_t i, wrong = 0, forged = 0;
	enum probe_verdict v;

	session(&s, 7, 256, 128, 100, 1000);
	t = probe_tally_new(&s);
	for (i = 0; i < 256; i++) {
		probe_make(&s, t, i, T0 + i * MS, pkt, sizeof(pkt), &len);
		pkt[PROBE_HDR_LEN + (i % (len - PROBE_OVERHEAD))] ^= 0x40;
		crypto_blake2s_mac(s.mac_key, PROBE_KEY_LEN, pkt,
		    len - PROBE_MAC_LEN, pkt + len - PROBE_MAC_LEN,
		    PROBE_MAC_LEN);
		v = probe_check(&s, t, pkt, len, T0 + i * MS + MS);
		if (v != (probe_spot_checked(&s, i) ? PROBE_FORGED :
		    PROBE_ACCEPTED))
			wrong++;
		forged += v == PROBE_FORGED;
	}
	tap_is_int(wrong, 0, "payload compared exactly for spot seqs");
	tap_ok(forged >= 4 && forged <= 40, "about 1 in 16 caught (%u)",
	    forged);
	tap_is_int(t->forged, forged, "counted forged");
	probe_tally_free(t);
}

/* Copies after the first, other sessions, a tally of another session. */
static void
test_sessions(void)
{
	struct probe_session a, b, c;
	struct probe_tally *ta, *tb;
	uint8_t pa[PROBE_MAX_SIZE], pb[PROBE_MAX_SIZE], sid[PROBE_SID_LEN];
	size_t la, lb;
	struct probe_params p = params(10, 200, 10, 1000);

	session(&a, 8, 10, 200, 10, 1000);
	session(&b, 9, 10, 200, 10, 1000);
	ta = probe_tally_new(&a);
	tb = probe_tally_new(&b);
	probe_make(&a, ta, 0, T0, pa, sizeof(pa), &la);
	probe_make(&b, tb, 0, T0, pb, sizeof(pb), &lb);
	tap_is_int(probe_check(&a, ta, pa, la, T0 + MS), PROBE_ACCEPTED,
	    "first copy accepted");
	tap_is_int(probe_check(&a, ta, pa, la, T0 + 2 * MS), PROBE_DUPLICATE,
	    "replayed copy: duplicate");
	tap_is_int(probe_check(&a, ta, pa, la, T0 + 3 * MS), PROBE_DUPLICATE,
	    "and again");
	tap_ok(ta->passed == 1 && ta->duplicates == 2 && ta->bytes == 200,
	    "duplicates add nothing to passed or bytes");
	tap_is_int(probe_check(&a, ta, pb, lb, T0 + MS), PROBE_UNKNOWN,
	    "another session ID: unknown");
	tap_is_int(probe_check(&a, tb, pa, la, T0 + MS), PROBE_FAILED,
	    "a tally of another session: failed");
	tap_ok(ta->unknown == 1 && tb->failed == 1, "counted");
	tap_ok(probe_peek_sid(pb, lb, sid) == 0 &&
	    memcmp(sid, b.sid, PROBE_SID_LEN) == 0, "peek the session ID");
	tap_ok(probe_peek_sid(pb, PROBE_HDR_LEN - 1, sid) == -1,
	    "peek refuses a short packet");

	/* same session ID, another secret: the keys differ */
	secret[0] ^= 1;
	tap_is_int(probe_session_init(&c, secret, a.sid, &p), PROBE_OK,
	    "same ID, other secret");
	secret[0] ^= 1;
	tap_ok(memcmp(c.mac_key, a.mac_key, PROBE_KEY_LEN) != 0 &&
	    memcmp(c.stream_key, a.stream_key, PROBE_KEY_LEN) != 0,
	    "keys depend on the secret");
	probe_tally_free(tb);
	tb = probe_tally_new(&c);
	probe_make(&c, tb, 1, T0, pb, sizeof(pb), &lb);
	tap_is_int(probe_check(&a, ta, pb, lb, T0 + MS), PROBE_FORGED,
	    "a packet under another secret: forged");
	/* authentic, but made through another tally of the same session */
	probe_tally_free(tb);
	tb = probe_tally_new(&a);
	probe_make(&a, tb, 2, T0, pb, sizeof(pb), &lb);
	tap_is_int(probe_check(&a, ta, pb, lb, T0 + MS), PROBE_FORGED,
	    "a seq this tally never made: forged");
	tap_ok(ta->passed + ta->late <= ta->sent, "passed + late <= sent");
	probe_tally_free(ta);
	probe_tally_free(tb);
}

/* Median and spread of known delays; jitter as mean |D|. */
static void
test_delays(void)
{
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t pkt[PROBE_MAX_SIZE];
	uint64_t at, d, prev = 0;
	uint64_t jsum = 0;
	size_t len;
	uint32_t i;

	session(&s, 10, 100, 100, 50, 1000);
	t = probe_tally_new(&s);
	for (i = 0; i < 100; i++) {
		at = T0 + probe_offset_usec(&s, i);
		d = 10000 + (i * 7 % 10) * 1000;	/* 10..19 ms, 10 each */
		probe_make(&s, t, i, at, pkt, sizeof(pkt), &len);
		probe_check(&s, t, pkt, len, at + d);
		if (i > 0)
			jsum += d > prev ? d - prev : prev - d;
		prev = d;
	}
	probe_result(&s, t, &r);
	tap_is_int(r.rtt_min_us, 10000, "min delay");
	tap_is_int(r.rtt_median_us, 14000, "median: the 50th of 100");
	tap_is_int(r.rtt_spread_us, 17000 - 12000, "spread: 75th - 25th");
	tap_is_int(r.jitter_us, jsum / 99, "jitter: mean |D| over 99 pairs");
	/*
	 * |D| is 7 ms after a delay of 10..12 ms and 3 ms otherwise; 30 of
	 * the 99 pairs start at 10..12: (30 * 7 + 69 * 3) / 99 ms.
	 */
	tap_is_int(r.jitter_us, 417000 / 99, "which is 4212 usec here");
	probe_tally_free(t);
}

/*
 * Packets 100..119 held and released with 120: two empty bins and one
 * of three times the rate; the median stays at the steady 800 kbit/s.
 */
static void
test_burst(void)
{
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t pkt[PROBE_MAX_SIZE];
	uint64_t at, arrive;
	size_t len;
	uint32_t i, ok = 0;

	session(&s, 11, 300, 1000, 100, 1000);
	t = probe_tally_new(&s);
	for (i = 0; i < 300; i++) {
		at = T0 + probe_offset_usec(&s, i);
		arrive = at + 10 * MS;
		if (i >= 100 && i < 120)
			arrive = T0 + probe_offset_usec(&s, 120) + 10 * MS;
		probe_make(&s, t, i, at, pkt, sizeof(pkt), &len);
		ok += probe_check(&s, t, pkt, len, arrive) == PROBE_ACCEPTED;
	}
	tap_is_int(ok, 300, "all within the deadline");
	tap_ok(t->bins[10] == 0 && t->bins[11] == 0 && t->bins[12] == 30000,
	    "bins 10 and 11 empty, 12 holds the burst");
	probe_result(&s, t, &r);
	tap_is_int(r.throughput_kbps, 800, "median ignores the burst");
	tap_is_int(r.rtt_median_us, 10000, "median delay unmoved too");
	tap_ok(r.rtt_spread_us == 0 && r.jitter_us > 0,
	    "the burst shows as jitter, not spread (%u, %u)", r.rtt_spread_us,
	    r.jitter_us);
	probe_tally_free(t);

	/* everything inside one bin: that bin is the rate */
	session(&s, 12, 5, 1000, 100, 1000);
	t = probe_tally_new(&s);
	for (i = 0; i < 5; i++) {
		probe_make(&s, t, i, T0 + i * 10 * MS, pkt, sizeof(pkt), &len);
		probe_check(&s, t, pkt, len, T0 + i * 10 * MS + MS);
	}
	probe_result(&s, t, &r);
	tap_ok(r.throughput_kbps == 400 && r.window_ms == 40,
	    "one partial bin: 5 packets per 100 ms");
	probe_tally_free(t);

	/* nothing passed */
	session(&s, 13, 5, 1000, 100, 1000);
	t = probe_tally_new(&s);
	probe_result(&s, t, &r);
	tap_ok(r.sent == 0 && r.loss_ppm == 0 && r.throughput_kbps == 0,
	    "empty tally: zeros");
	probe_make(&s, t, 0, T0, pkt, sizeof(pkt), &len);
	probe_result(&s, t, &r);
	tap_ok(r.sent == 1 && r.passed == 0 && r.loss_ppm == 1000000 &&
	    r.rtt_median_us == 0, "one sent, none back: loss 1");
	probe_tally_free(t);
}

/* One delivery of the random run: which packet, when, and whether hurt. */
struct delivery {
	uint32_t	seq;
	uint64_t	at;
	int		corrupt;	/* byte to flip, or -1 */
};

/* Naive reference state for the random run. */
struct ref {
	uint8_t		seen[RND_N];
	uint32_t	delays[RND_N];
	uint32_t	passed, late, forged, dup;
	uint64_t	bins[RND_BINS];
	uint64_t	first, last;
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Arrival order; ties by sequence so the order is fixed. */
static int
cmp_delivery(const void *a, const void *b)
{
	const struct delivery *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The reference's verdict on a copy of seq sent at s, arriving at at. */
static enum probe_verdict
ref_deliver(struct ref *rf, const struct delivery *dv, uint64_t s,
    uint64_t deadline)
{
	uint64_t d = dv->at - s;

	if (dv->corrupt >= 0) {
		rf->forged++;
		return PROBE_FORGED;
	}
	if (rf->seen[dv->seq]) {
		rf->dup++;
		return PROBE_DUPLICATE;
	}
	rf->seen[dv->seq] = 1;
	if (d > deadline) {
		rf->late++;
		return PROBE_LATE;
	}
	if (rf->passed == 0)
		rf->first = dv->at;
	rf->last = dv->at;
	rf->bins[(dv->at - rf->first) / 100000]++;
	rf->delays[rf->passed++] = (uint32_t)d;
	return PROBE_ACCEPTED;
}

/*
 * Random drops, second copies, delays either side of the deadline and
 * corrupted copies, delivered in arrival order, against the reference:
 * every verdict, the counts, loss, delays and median throughput.
 */
static void
test_random(void)
{
	static struct ref rf;
	static uint8_t pkts[RND_N][RND_SIZE];
	static uint64_t sent_at[RND_N];
	static struct delivery dv[2 * RND_N];
	struct probe_session s;
	struct probe_tally *t;
	struct probe_result r;
	uint8_t copy[RND_SIZE];
	uint32_t i, k, nd = 0, mismatch = 0, kbins[RND_BINS];
	size_t len = 0;
	enum probe_verdict want;

	session(&s, 14, RND_N, RND_SIZE, 1000, 200);
	t = probe_tally_new(&s);
	memset(&rf, 0, sizeof(rf));
	for (i = 0; i < RND_N; i++) {
		sent_at[i] = T0 + probe_offset_usec(&s, i);
		if (probe_make(&s, t, i, sent_at[i], pkts[i], RND_SIZE,
		    &len) == -1)
			mismatch++;
		for (k = 0; k < 2; k++) {
			if ((k == 0 && rng() % 10 == 0) ||
			    (k == 1 && rng() % 8 != 0))
				continue;	/* drop; or no second copy */
			dv[nd].seq = i;
			dv[nd].at = sent_at[i] + rng() % 250000;
			dv[nd].corrupt = rng() % 30 == 0 ?
			    (int)(rng() % RND_SIZE) : -1;
			nd++;
		}
	}
	qsort(dv, nd, sizeof(dv[0]), cmp_delivery);
	for (i = 0; i < nd; i++) {
		memcpy(copy, pkts[dv[i].seq], RND_SIZE);
		if (dv[i].corrupt >= 0)
			copy[dv[i].corrupt] ^= 0x10;
		want = ref_deliver(&rf, &dv[i], sent_at[dv[i].seq], 200000);
		/* a flip in type, reserved or ID: not our probe at all */
		if (dv[i].corrupt >= 0 && dv[i].corrupt < 12)
			want = dv[i].corrupt < 4 ? PROBE_MALFORMED :
			    PROBE_UNKNOWN;
		if (probe_check(&s, t, copy, RND_SIZE, dv[i].at) != want)
			mismatch++;
	}
	tap_ok(nd > RND_N, "%u deliveries", nd);
	tap_is_int(mismatch, 0, "every verdict as the reference says");
	probe_result(&s, t, &r);
	tap_ok(r.passed == rf.passed && r.late == rf.late &&
	    r.duplicates == rf.dup && r.forged + t->malformed + t->unknown ==
	    rf.forged, "counts: %u passed, %u late, %u forged, %u duplicates",
	    r.passed, r.late, r.forged, r.duplicates);
	tap_ok(r.late > 0 && r.duplicates > 0 && r.forged > 0,
	    "the run has late, duplicate and forged packets");
	tap_is_int(r.loss_ppm, (uint64_t)(RND_N - rf.passed) * 1000000 / RND_N,
	    "loss");
	qsort(rf.delays, rf.passed, sizeof(rf.delays[0]), cmp_u32);
	tap_is_int(r.rtt_min_us, rf.delays[0], "min delay");
	tap_is_int(r.rtt_median_us, rf.delays[(rf.passed + 1) / 2 - 1],
	    "median delay");
	tap_is_int(r.rtt_spread_us, rf.delays[(rf.passed * 3 + 3) / 4 - 1] -
	    rf.delays[(rf.passed + 3) / 4 - 1], "delay spread");
	k = (uint32_t)((rf.last - rf.first) / 100000);
	for (i = 0; i < k; i++)
		kbins[i] = (uint32_t)(rf.bins[i] * RND_SIZE * 8 * 10 / 1000);
	qsort(kbins, k, sizeof(kbins[0]), cmp_u32);
	tap_is_int(r.throughput_kbps, kbins[(k + 1) / 2 - 1],
	    "median throughput");
	tap_is_int(r.window_ms, (rf.last - rf.first) / 1000, "window");
	probe_tally_free(t);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)i;
	test_params();
	test_kat();
	test_make_limits();
	test_honest();
	test_drops();
	test_late();
	test_forged();
	test_spot();
	test_sessions();
	test_delays();
	test_burst();
	test_random();
	return tap_done();
}
