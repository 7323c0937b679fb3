/*
 * probe.c - proof of bandwidth: challenge packets and verifier accounting.
 *
 * Owns the probe packet layout and key schedule of doc/PROTOCOL.md "Proof
 * of bandwidth" and struct probe_tally.  A packet is a 20-byte header
 * (type 0x0e, three zero bytes, session ID, sequence, send time as an
 * offset from the session's first packet), ChaCha20 keystream as payload,
 * and a 16-byte BLAKE2s MAC over both.  The keystream and MAC keys are
 * derived from the verifier's secret and the session ID, so a node that
 * forwards the packets learns nothing that would let it make one: it can
 * only forward what it was given, and only first copies arriving before
 * the deadline count.  The MAC is checked on every packet; the payload is
 * also compared with the keystream for one sequence in PROBE_SPOT_RATE,
 * chosen by a keyed hash the node cannot compute.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/hash.h"
#include "chorus/probe.h"

#define PROBE_USEC		1000000ULL
#define PROBE_RESERVED_LEN	3
#define PROBE_WORD_BITS		64
#define PROBE_PPM		1000000ULL

/* All-zero plaintext: ChaCha20-Poly1305 over zeros yields the keystream. */
static const uint8_t probe_zeros[PROBE_MAX_PAYLOAD];

/* The parsed clear header of a probe packet. */
struct probe_hdr {
	uint8_t		sid[PROBE_SID_LEN];
	uint32_t	seq;
	uint32_t	time;	/* usec after the session's first packet */
};

/* Each limit in turn; the first one broken is the error. */
enum probe_error
probe_params_check(const struct probe_params *p)
{
	if (p->count == 0 || p->count > PROBE_MAX_PACKETS)
		return PROBE_ECOUNT;
	if (p->size < PROBE_MIN_SIZE || p->size > PROBE_MAX_SIZE)
		return PROBE_ESIZE;
	if (p->rate == 0 || p->rate > PROBE_MAX_RATE)
		return PROBE_ERATE;
	if (p->deadline_ms == 0 || p->deadline_ms > PROBE_MAX_DEADLINE_MS)
		return PROBE_EDEADLINE;
	if ((uint64_t)p->count * p->size > PROBE_MAX_BYTES)
		return PROBE_EBYTES;
	/* count / rate seconds of sending, exactly, without division */
	if ((uint64_t)p->count > (uint64_t)PROBE_MAX_SECONDS * p->rate)
		return PROBE_ETIME;
	return PROBE_OK;
}

/* A fixed string for each error. */
const char *
probe_strerror(enum probe_error e)
{
	switch (e) {
	case PROBE_OK:
		return "ok";
	case PROBE_ECOUNT:
		return "packet count out of range";
	case PROBE_ESIZE:
		return "packet size out of range";
	case PROBE_ERATE:
		return "packet rate out of range";
	case PROBE_EDEADLINE:
		return "deadline out of range";
	case PROBE_EBYTES:
		return "session too many bytes";
	case PROBE_ETIME:
		return "session too long";
	case PROBE_ECRYPTO:
		return "key derivation failed";
	}
	return "unknown error";
}

/* A fixed name for each verdict (log and metric labels). */
const char *
probe_verdict_name(enum probe_verdict v)
{
	switch (v) {
	case PROBE_ACCEPTED:
		return "accepted";
	case PROBE_LATE:
		return "late";
	case PROBE_FORGED:
		return "forged";
	case PROBE_DUPLICATE:
		return "duplicate";
	case PROBE_UNKNOWN:
		return "unknown";
	case PROBE_MALFORMED:
		return "malformed";
	case PROBE_FAILED:
		return "failed";
	}
	return "invalid";
}

/* key = BLAKE2s-MAC-32 keyed with the secret over label || sid. */
static int
probe_derive(const uint8_t secret[PROBE_SECRET_LEN], const char *label,
    const uint8_t sid[PROBE_SID_LEN], uint8_t out[PROBE_KEY_LEN])
{
	uint8_t msg[64];
	struct buf_writer wr;

	buf_wr_init(&wr, msg, sizeof(msg));
	buf_put_bytes(&wr, label, strlen(label));
	buf_put_bytes(&wr, sid, PROBE_SID_LEN);
	if (buf_wr_error(&wr) == -1)
		return -1;
	return crypto_blake2s_mac(secret, PROBE_SECRET_LEN, msg,
	    buf_wr_len(&wr), out, PROBE_KEY_LEN);
}

/* Little-endian 64-bit word of 8 bytes, as SipHash takes its key. */
static uint64_t
probe_le64(const uint8_t b[8])
{
	uint64_t w = 0;
	int i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | b[i];
	return w;
}

/* Parameters, then the stream, MAC and pick keys. */
enum probe_error
probe_session_init(struct probe_session *sess,
    const uint8_t secret[PROBE_SECRET_LEN], const uint8_t sid[PROBE_SID_LEN],
    const struct probe_params *params)
{
	uint8_t pick[PROBE_KEY_LEN];
	enum probe_error e;

	memset(sess, 0, sizeof(*sess));
	if ((e = probe_params_check(params)) != PROBE_OK)
		return e;
	sess->params = *params;
	memcpy(sess->sid, sid, PROBE_SID_LEN);
	if (probe_derive(secret, PROBE_LABEL_STREAM, sid,
	    sess->stream_key) == -1 ||
	    probe_derive(secret, PROBE_LABEL_MAC, sid, sess->mac_key) == -1 ||
	    probe_derive(secret, PROBE_LABEL_PICK, sid, pick) == -1) {
		crypto_wipe(pick, sizeof(pick));
		probe_session_wipe(sess);
		return PROBE_ECRYPTO;
	}
	sess->pick_key[0] = probe_le64(pick);
	sess->pick_key[1] = probe_le64(pick + 8);
	crypto_wipe(pick, sizeof(pick));
	return PROBE_OK;
}

/* Keys and all. */
void
probe_session_wipe(struct probe_session *sess)
{
	crypto_wipe(sess, sizeof(*sess));
}

/* floor(seq * 10^6 / rate): the send schedule at the session's rate. */
uint64_t
probe_offset_usec(const struct probe_session *sess, uint32_t seq)
{
	if (sess->params.rate == 0)
		return 0;
	return (uint64_t)seq * PROBE_USEC / sess->params.rate;
}

/* SipHash-2-4(pick key, seq BE) mod PROBE_SPOT_RATE == 0. */
int
probe_spot_checked(const struct probe_session *sess, uint32_t seq)
{
	uint8_t b[4];
	struct buf_writer wr;

	buf_wr_init(&wr, b, sizeof(b));
	buf_put_n32(&wr, seq);
	return hash_siphash(sess->pick_key, b, sizeof(b)) % PROBE_SPOT_RATE ==
	    0;
}

/*
 * The payload of packet seq, len bytes, and 16 more (Poly1305's tag,
 * which the caller ignores or overwrites) into out: ChaCha20-Poly1305 of
 * len zero bytes under the stream key with nonce 0^8 || seq (BE), i.e.
 * the ChaCha20 keystream from block counter 1 (RFC 8439 §2.8).
 */
static int
probe_keystream(const struct probe_session *sess, uint32_t seq, size_t len,
    uint8_t *out)
{
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN];
	struct buf_writer wr;

	if (len > sizeof(probe_zeros))
		return -1;
	buf_wr_init(&wr, iv, sizeof(iv));
	buf_put_zero(&wr, CRYPTO_AEAD_NONCE_LEN - 4);
	buf_put_n32(&wr, seq);
	return crypto_aead_seal_iv(sess->stream_key, iv, NULL, 0, probe_zeros,
	    len, out);
}

/* Bit i of a bitmap. */
static int
probe_bit(const uint64_t *bits, uint32_t i)
{
	return (bits[i / PROBE_WORD_BITS] >> (i % PROBE_WORD_BITS)) & 1;
}

static void
probe_bit_set(uint64_t *bits, uint32_t i)
{
	bits[i / PROBE_WORD_BITS] |= 1ULL << (i % PROBE_WORD_BITS);
}

/*
 * Bins enough for every passed arrival: all packets are made within
 * PROBE_MAX_SECONDS of the first, and each passes only within the
 * deadline of being made.
 */
static uint32_t
probe_nbins(uint64_t deadline_usec)
{
	return (uint32_t)((PROBE_MAX_SECONDS * PROBE_USEC + deadline_usec) /
	    PROBE_BIN_USEC + 1);
}

/* Zeroed counters and arrays sized for the session. */
struct probe_tally *
probe_tally_new(const struct probe_session *sess)
{
	struct probe_tally *t;
	size_t words;

	if (probe_params_check(&sess->params) != PROBE_OK)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	memcpy(t->sid, sess->sid, PROBE_SID_LEN);
	t->count = sess->params.count;
	t->size = sess->params.size;
	t->deadline_usec = (uint64_t)sess->params.deadline_ms * 1000;
	t->nbins = probe_nbins(t->deadline_usec);
	words = (t->count + PROBE_WORD_BITS - 1) / PROBE_WORD_BITS;
	t->sent_bits = calloc(words, sizeof(*t->sent_bits));
	t->seen_bits = calloc(words, sizeof(*t->seen_bits));
	t->delays = calloc(t->count, sizeof(*t->delays));
	t->bins = calloc(t->nbins, sizeof(*t->bins));
	t->scratch = calloc(t->nbins, sizeof(*t->scratch));
	if (t->sent_bits == NULL || t->seen_bits == NULL ||
	    t->delays == NULL || t->bins == NULL || t->scratch == NULL) {
		probe_tally_free(t);
		return NULL;
	}
	return t;
}

/* Every array, then the struct; NULL is fine. */
void
probe_tally_free(struct probe_tally *t)
{
	if (t == NULL)
		return;
	free(t->sent_bits);
	free(t->seen_bits);
	free(t->delays);
	free(t->bins);
	free(t->scratch);
	free(t);
}

/* 1 if the tally was made for this session (same ID and shape). */
static int
probe_tally_matches(const struct probe_session *sess,
    const struct probe_tally *t)
{
	return memcmp(t->sid, sess->sid, PROBE_SID_LEN) == 0 &&
	    t->count == sess->params.count && t->size == sess->params.size &&
	    t->deadline_usec == (uint64_t)sess->params.deadline_ms * 1000;
}

/* Header, keystream payload, then the MAC over both in place of the tag. */
int
probe_make(const struct probe_session *sess, struct probe_tally *t,
    uint32_t seq, uint64_t now_usec, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct buf_writer wr;
	uint8_t *body;
	size_t plen = t->size - PROBE_OVERHEAD;
	uint64_t off;

	*outlen = 0;
	if (!probe_tally_matches(sess, t) || seq >= t->count ||
	    probe_bit(t->sent_bits, seq) || cap < t->size)
		return -1;
	off = t->started ? now_usec - t->start_usec : 0;
	if (t->started && (now_usec < t->start_usec ||
	    off > PROBE_MAX_SECONDS * PROBE_USEC))
		return -1;
	buf_wr_init(&wr, out, t->size);
	buf_put_u8(&wr, PROBE_TYPE);
	buf_put_zero(&wr, PROBE_RESERVED_LEN);
	buf_put_bytes(&wr, sess->sid, PROBE_SID_LEN);
	buf_put_n32(&wr, seq);
	buf_put_n32(&wr, (uint32_t)off);
	/* payload and the 16 bytes after it, exactly the rest of the packet */
	if (buf_put_reserve(&wr, plen + PROBE_MAC_LEN, &body) == -1 ||
	    buf_wr_error(&wr) == -1 ||
	    probe_keystream(sess, seq, plen, body) == -1 ||
	    crypto_blake2s_mac(sess->mac_key, PROBE_KEY_LEN, out,
	    PROBE_HDR_LEN + plen, body + plen, PROBE_MAC_LEN) == -1) {
		crypto_wipe(out, t->size);
		return -1;
	}
	if (!t->started) {
		t->started = 1;
		t->start_usec = now_usec;
	}
	probe_bit_set(t->sent_bits, seq);
	t->sent++;
	*outlen = t->size;
	return 0;
}

/* Type, reserved bytes and the clear fields; -1 if not a probe packet. */
static int
probe_parse(const uint8_t *pkt, size_t len, struct probe_hdr *h)
{
	struct buf_reader rd;
	uint8_t type, rsv[PROBE_RESERVED_LEN];
	static const uint8_t zero[PROBE_RESERVED_LEN];

	buf_rd_init(&rd, pkt, len);
	if (buf_get_u8(&rd, &type) == -1 || type != PROBE_TYPE ||
	    buf_get_bytes(&rd, rsv, sizeof(rsv)) == -1 ||
	    memcmp(rsv, zero, sizeof(rsv)) != 0 ||
	    buf_get_bytes(&rd, h->sid, PROBE_SID_LEN) == -1 ||
	    buf_get_n32(&rd, &h->seq) == -1 ||
	    buf_get_n32(&rd, &h->time) == -1)
		return -1;
	return 0;
}

/* The session ID of a well-formed header. */
int
probe_peek_sid(const uint8_t *pkt, size_t len, uint8_t sid[PROBE_SID_LEN])
{
	struct probe_hdr h;

	if (probe_parse(pkt, len, &h) == -1)
		return -1;
	memcpy(sid, h.sid, PROBE_SID_LEN);
	return 0;
}

/*
 * Is this a packet we made?  PROBE_ACCEPTED if so, PROBE_FORGED if not,
 * PROBE_FAILED if OpenSSL could not say.  The length and sequence were
 * checked by the caller.
 */
static enum probe_verdict
probe_authentic(const struct probe_session *sess, const struct probe_tally *t,
    const uint8_t *pkt, uint32_t seq)
{
	struct buf_reader rd;
	const uint8_t *signed_part, *payload, *mac;
	uint8_t want[PROBE_MAC_LEN], ks[PROBE_MAX_PAYLOAD + PROBE_MAC_LEN];
	size_t plen = t->size - PROBE_OVERHEAD;

	buf_rd_init(&rd, pkt, t->size);
	if (buf_get_ptr(&rd, PROBE_HDR_LEN + plen, &signed_part) == -1 ||
	    buf_get_ptr(&rd, PROBE_MAC_LEN, &mac) == -1)
		return PROBE_FAILED;
	if (crypto_blake2s_mac(sess->mac_key, PROBE_KEY_LEN, signed_part,
	    PROBE_HDR_LEN + plen, want, sizeof(want)) == -1)
		return PROBE_FAILED;
	if (crypto_memeq(want, mac, sizeof(want)) == -1)
		return PROBE_FORGED;
	/* authentic, but not made through this tally: never count it */
	if (!probe_bit(t->sent_bits, seq))
		return PROBE_FORGED;
	if (!probe_spot_checked(sess, seq))
		return PROBE_ACCEPTED;
	buf_rd_init(&rd, signed_part, PROBE_HDR_LEN + plen);
	if (buf_skip(&rd, PROBE_HDR_LEN) == -1 ||
	    buf_get_ptr(&rd, plen, &payload) == -1 ||
	    probe_keystream(sess, seq, plen, ks) == -1)
		return PROBE_FAILED;
	return crypto_memeq(ks, payload, plen) == 0 ? PROBE_ACCEPTED :
	    PROBE_FORGED;
}

/*
 * Jitter: D is RFC 3550 §6.4.1's difference in transit time between
 * consecutive passed packets, in arrival order; the report gives the mean
 * |D| over the session (what RFC 3550's smoothed J estimates) rather than
 * J itself, which remembers only the last few dozen packets.
 */
static void
probe_jitter(struct probe_tally *t, uint32_t delay)
{
	if (t->passed > 0)
		t->jitter_sum += delay > t->last_delay ?
		    delay - t->last_delay : t->last_delay - delay;
	t->last_delay = delay;
}

/* Count one passed packet: delay, jitter, its 100 ms bin, bytes. */
static void
probe_pass(struct probe_tally *t, uint32_t delay, uint64_t now_usec)
{
	uint64_t bin;

	if (t->passed == 0)
		t->first_usec = t->last_usec = now_usec;
	probe_jitter(t, delay);
	if (now_usec > t->last_usec)
		t->last_usec = now_usec;
	bin = now_usec > t->first_usec ?
	    (now_usec - t->first_usec) / PROBE_BIN_USEC : 0;
	if (bin >= t->nbins)
		bin = t->nbins - 1;		/* cannot happen: see nbins */
	t->bins[bin] += t->size;
	t->delays[t->passed++] = delay;
	t->bytes += t->size;
}

/* The checks, in the order doc/PROTOCOL.md gives them. */
static enum probe_verdict
probe_judge(const struct probe_session *sess, struct probe_tally *t,
    const uint8_t *pkt, size_t len, uint64_t now_usec)
{
	struct probe_hdr h;
	enum probe_verdict v;
	uint64_t sent_at, delay;

	if (!probe_tally_matches(sess, t))
		return PROBE_FAILED;
	if (probe_parse(pkt, len, &h) == -1)
		return PROBE_MALFORMED;
	if (memcmp(h.sid, sess->sid, PROBE_SID_LEN) != 0)
		return PROBE_UNKNOWN;
	if (len != t->size || h.seq >= t->count)
		return PROBE_FORGED;
	if ((v = probe_authentic(sess, t, pkt, h.seq)) != PROBE_ACCEPTED)
		return v;
	if (probe_bit(t->seen_bits, h.seq))
		return PROBE_DUPLICATE;
	probe_bit_set(t->seen_bits, h.seq);
	/* both times are ours; an arrival "before" sending is a zero delay */
	sent_at = t->start_usec + h.time;
	delay = now_usec > sent_at ? now_usec - sent_at : 0;
	if (delay > t->deadline_usec)
		return PROBE_LATE;
	probe_pass(t, (uint32_t)delay, now_usec);
	return PROBE_ACCEPTED;
}

/* Judge, then add one to the counter of the verdict. */
enum probe_verdict
probe_check(const struct probe_session *sess, struct probe_tally *t,
    const uint8_t *pkt, size_t len, uint64_t now_usec)
{
	enum probe_verdict v;

	v = probe_judge(sess, t, pkt, len, now_usec);
	switch (v) {
	case PROBE_ACCEPTED:
		break;			/* probe_pass() counted it */
	case PROBE_LATE:
		t->late++;
		break;
	case PROBE_FORGED:
		t->forged++;
		break;
	case PROBE_DUPLICATE:
		t->duplicates++;
		break;
	case PROBE_UNKNOWN:
		t->unknown++;
		break;
	case PROBE_MALFORMED:
		t->malformed++;
		break;
	case PROBE_FAILED:
		t->failed++;
		break;
	}
	return v;
}

/* qsort order for 32-bit values. */
static int
probe_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank p-th percentile of n >= 1 sorted values. */
static uint32_t
probe_rank(const uint32_t *v, uint32_t n, uint32_t pct)
{
	uint64_t r = ((uint64_t)pct * n + 99) / 100;

	return v[r > 0 ? r - 1 : 0];
}

/*
 * Median of the 100 ms bins in kbit/s: bins 0 .. k-1, where k is the bin
 * of the last passed arrival, which the end of the traffic cuts short;
 * bin 0 alone when everything arrived within one bin.
 */
static uint32_t
probe_throughput(struct probe_tally *t)
{
	uint64_t k;
	uint32_t i, n;

	k = (t->last_usec - t->first_usec) / PROBE_BIN_USEC;
	if (k >= t->nbins)
		k = t->nbins - 1;
	n = k > 0 ? (uint32_t)k : 1;
	for (i = 0; i < n; i++)
		/* bytes * 8 bits per 0.1 s, in kbit/s */
		t->scratch[i] = (uint32_t)((uint64_t)t->bins[i] * 8 *
		    (PROBE_USEC / PROBE_BIN_USEC) / 1000);
	qsort(t->scratch, n, sizeof(*t->scratch), probe_cmp_u32);
	return probe_rank(t->scratch, n, 50);
}

/* Counters as they are; rates, percentiles and loss computed. */
int
probe_result(const struct probe_session *sess, struct probe_tally *t,
    struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!probe_tally_matches(sess, t))
		return -1;
	r->count = sess->params.count;
	r->size = sess->params.size;
	r->rate = sess->params.rate;
	r->deadline_ms = sess->params.deadline_ms;
	r->sent = t->sent;
	r->passed = t->passed;
	r->late = t->late;
	r->forged = t->forged;
	r->duplicates = t->duplicates;
	r->bytes = t->bytes;
	if (t->sent > 0)
		r->loss_ppm = (uint32_t)((uint64_t)(t->sent - t->passed) *
		    PROBE_PPM / t->sent);
	if (t->passed == 0)
		return 0;
	r->window_ms = (uint32_t)((t->last_usec - t->first_usec) / 1000);
	r->throughput_kbps = probe_throughput(t);
	/* jitter keeps its own last delay: sorting in place loses nothing */
	qsort(t->delays, t->passed, sizeof(*t->delays), probe_cmp_u32);
	r->rtt_min_us = t->delays[0];
	r->rtt_median_us = probe_rank(t->delays, t->passed, 50);
	r->rtt_spread_us = probe_rank(t->delays, t->passed, 75) -
	    probe_rank(t->delays, t->passed, 25);
	if (t->passed > 1)
		r->jitter_us = (uint32_t)(t->jitter_sum / (t->passed - 1));
	return 0;
}
