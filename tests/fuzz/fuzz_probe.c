/*
 * fuzz_probe.c - fuzz target for the probe verifier (probe_check).
 *
 * A fixed session (secret 00..1f, ID 01..08, 16 packets of 80 bytes at
 * 100/s, deadline 200 ms) whose 16 packets are made afresh, into a fresh
 * tally, for every input.  The whole input is checked once as one
 * datagram; then it is read as records
 *
 *	length (2 bytes BE) || arrival (4 bytes BE, usec after packet 0
 *	was made) || length bytes of datagram
 *
 * each checked in turn.  Nothing may crash, and abort() if a promise of
 * probe.h breaks: a datagram judged authentic (accepted, late, duplicate)
 * is byte for byte a packet we made, and an accepted one arrived within
 * the deadline; malformed is exactly what probe_peek_sid() refuses; each
 * check adds one to exactly one counter; passed + late <= sent; bytes =
 * passed * size; and the result agrees with the tally and stays in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/probe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_COUNT	16
#define FZ_SIZE		80
#define FZ_RATE		100
#define FZ_DEADLINE_MS	200
#define FZ_T0		1000000000ULL
#define FZ_MAX_RECORDS	64

static struct probe_session fz_sess;
static uint8_t fz_pkt[FZ_COUNT][FZ_SIZE];
static uint64_t fz_sent_at[FZ_COUNT];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_probe_check(int cond)
{
	if (!cond)
		abort();
}

/* The fixed session. */
static void
fuzz_probe_setup(void)
{
	struct probe_params p = { FZ_COUNT, FZ_SIZE, FZ_RATE, FZ_DEADLINE_MS };
	uint8_t secret[PROBE_SECRET_LEN], sid[PROBE_SID_LEN];
	size_t i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)i;
	for (i = 0; i < sizeof(sid); i++)
		sid[i] = (uint8_t)(i + 1);
	fuzz_probe_check(probe_session_init(&fz_sess, secret, sid, &p) ==
	    PROBE_OK);
	fz_ready = 1;
}

/* Sum of the per-verdict counters. */
static uint64_t
fuzz_probe_total(const struct probe_tally *t)
{
	return (uint64_t)t->passed + t->late + t->forged + t->duplicates +
	    t->unknown + t->malformed + t->failed;
}

/* Check one datagram and everything its verdict promises. */
static void
fuzz_probe_one(struct probe_tally *t, const uint8_t *p, size_t len,
    uint64_t now)
{
	struct buf_reader rd;
	uint8_t sid[PROBE_SID_LEN];
	uint64_t before = fuzz_probe_total(t);
	uint32_t passed = t->passed, seq;
	enum probe_verdict v;
	int peek;

	peek = probe_peek_sid(p, len, sid);
	v = probe_check(&fz_sess, t, p, len, now);
	fuzz_probe_check(fuzz_probe_total(t) == before + 1);
	fuzz_probe_check(v != PROBE_FAILED);
	fuzz_probe_check((v == PROBE_MALFORMED) == (peek == -1));
	fuzz_probe_check(v != PROBE_UNKNOWN ||
	    memcmp(sid, fz_sess.sid, PROBE_SID_LEN) != 0);
	fuzz_probe_check((v == PROBE_ACCEPTED) == (t->passed == passed + 1));
	if (v == PROBE_ACCEPTED || v == PROBE_LATE || v == PROBE_DUPLICATE) {
		fuzz_probe_check(len == FZ_SIZE);
		buf_rd_init(&rd, p, len);
		fuzz_probe_check(buf_skip(&rd, 12) == 0 &&
		    buf_get_n32(&rd, &seq) == 0);
		fuzz_probe_check(seq < FZ_COUNT &&
		    memcmp(p, fz_pkt[seq], FZ_SIZE) == 0);
		fuzz_probe_check(v != PROBE_ACCEPTED ||
		    now <= fz_sent_at[seq] + FZ_DEADLINE_MS * 1000ULL);
		fuzz_probe_check(v != PROBE_LATE ||
		    now > fz_sent_at[seq] + FZ_DEADLINE_MS * 1000ULL);
	}
	fuzz_probe_check(t->passed + t->late <= t->sent);
	fuzz_probe_check(t->bytes == (uint64_t)t->passed * FZ_SIZE);
}

/* The summary agrees with the tally and stays within its bounds. */
static void
fuzz_probe_result(struct probe_tally *t)
{
	struct probe_result r;
	uint64_t cap;

	fuzz_probe_check(probe_result(&fz_sess, t, &r) == 0);
	fuzz_probe_check(r.sent == FZ_COUNT && r.passed == t->passed &&
	    r.late == t->late && r.forged == t->forged &&
	    r.duplicates == t->duplicates && r.bytes == t->bytes);
	fuzz_probe_check(r.loss_ppm ==
	    (uint64_t)(FZ_COUNT - r.passed) * 1000000 / FZ_COUNT);
	fuzz_probe_check(r.rtt_min_us <= r.rtt_median_us &&
	    r.rtt_median_us <= FZ_DEADLINE_MS * 1000 &&
	    r.rtt_spread_us <= FZ_DEADLINE_MS * 1000 &&
	    r.jitter_us <= FZ_DEADLINE_MS * 1000);
	/* no bin holds more than every passed byte */
	cap = r.bytes * 8 * 10 / 1000;
	fuzz_probe_check(r.throughput_kbps <= cap);
	if (r.passed == 0)
		fuzz_probe_check(r.throughput_kbps == 0 && r.window_ms == 0 &&
		    r.rtt_median_us == 0 && r.jitter_us == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_tally *t;
	struct buf_reader rd;
	const uint8_t *dg;
	size_t len, n, i;
	uint16_t dlen;
	uint32_t at;

	if (!fz_ready)
		fuzz_probe_setup();
	if ((t = probe_tally_new(&fz_sess)) == NULL)
		return 0;
	for (i = 0; i < FZ_COUNT; i++) {
		fz_sent_at[i] = FZ_T0 + probe_offset_usec(&fz_sess, i);
		fuzz_probe_check(probe_make(&fz_sess, t, (uint32_t)i,
		    fz_sent_at[i], fz_pkt[i], sizeof(fz_pkt[i]), &len) == 0 &&
		    len == FZ_SIZE);
	}
	fuzz_probe_one(t, data, size, FZ_T0 + 50000);
	buf_rd_init(&rd, data, size);
	for (n = 0; n < FZ_MAX_RECORDS; n++) {
		if (buf_get_n16(&rd, &dlen) == -1 ||
		    buf_get_n32(&rd, &at) == -1 ||
		    buf_get_ptr(&rd, dlen, &dg) == -1)
			break;
		fuzz_probe_one(t, dg, dlen, FZ_T0 + at);
	}
	fuzz_probe_result(t);
	probe_tally_free(t);
	return 0;
}
