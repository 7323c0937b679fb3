/*
 * probe.h - proof of bandwidth: challenge packets and verifier accounting.
 *
 * A verifier measures a subject node by sending challenge packets through
 * it to a second endpoint the verifier controls (a TURN relay allocated
 * on the subject, or a Chorus session on it that forwards to a second
 * session of the verifier).  Each packet's payload is ChaCha20 keystream
 * under a key derived from a secret only the verifier holds, and a
 * BLAKE2s MAC covers the packet, so the subject can neither predict nor
 * fabricate a challenge: it earns credit only for packets it actually
 * forwarded, on time.  This module is the pure part: the packet format,
 * the key schedule, and the tally the receiving endpoint keeps (passed,
 * late, forged, duplicate; throughput as the median of 100 ms bins; delay
 * median and spread; jitter from RFC 3550's D; loss).  Sockets,
 * scheduling and the forwarding path are the caller's.  Layout and rules:
 * doc/PROTOCOL.md "Proof of bandwidth".  No clock, no RNG: the secret,
 * the session ID and every time come from the caller.
 */
#ifndef CHORUS_PROBE_H
#define CHORUS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_TYPE		0x0e	/* first byte: the Chorus range 4-15 */
#define PROBE_SECRET_LEN	32	/* from the caller's RNG */
#define PROBE_SID_LEN		8	/* random, from the caller */
#define PROBE_KEY_LEN		32	/* derived stream and MAC keys */
#define PROBE_HDR_LEN		20	/* type, 3 reserved, sid, seq, time */
#define PROBE_MAC_LEN		16
#define PROBE_OVERHEAD		(PROBE_HDR_LEN + PROBE_MAC_LEN)

/* Session limits (doc/PROTOCOL.md "Proof of bandwidth", "Limits"). */
#define PROBE_MIN_SIZE		64	/* whole datagram, header to MAC */
#define PROBE_MAX_SIZE		1200
#define PROBE_MAX_PAYLOAD	(PROBE_MAX_SIZE - PROBE_OVERHEAD)
#define PROBE_MAX_PACKETS	65536
#define PROBE_MAX_RATE		10000	/* packets per second */
#define PROBE_MAX_DEADLINE_MS	5000
#define PROBE_MAX_BYTES		(32u * 1024 * 1024)	/* n * size */
#define PROBE_MAX_SECONDS	60	/* n / rate, and the sending window */
#define PROBE_BIN_USEC		100000	/* throughput bins, 100 ms */
#define PROBE_SPOT_RATE		16	/* payload compared for 1 seq in 16 */

#define PROBE_LABEL_STREAM	"chorus probe stream v1"
#define PROBE_LABEL_MAC		"chorus probe mac v1"
#define PROBE_LABEL_PICK	"chorus probe pick v1"

/* What the verifier asks for; all checked by probe_params_check(). */
struct probe_params {
	uint32_t	count;		/* packets, sequence 0..count-1 */
	uint32_t	size;		/* bytes per datagram, header to MAC */
	uint32_t	rate;		/* packets per second sent */
	uint32_t	deadline_ms;	/* later than this: late */
};

enum probe_error {
	PROBE_OK = 0,
	PROBE_ECOUNT,		/* count 0 or over PROBE_MAX_PACKETS */
	PROBE_ESIZE,		/* size outside PROBE_MIN_SIZE..MAX_SIZE */
	PROBE_ERATE,		/* rate 0 or over PROBE_MAX_RATE */
	PROBE_EDEADLINE,	/* deadline 0 or over PROBE_MAX_DEADLINE_MS */
	PROBE_EBYTES,		/* count * size over PROBE_MAX_BYTES */
	PROBE_ETIME,		/* count / rate over PROBE_MAX_SECONDS */
	PROBE_ECRYPTO		/* key derivation failed (OpenSSL) */
};

/* What probe_check() made of one datagram. */
enum probe_verdict {
	PROBE_ACCEPTED = 0,	/* authentic, on time, first copy: passed */
	PROBE_LATE,		/* authentic first copy, after the deadline */
	PROBE_FORGED,		/* our session, but not a packet we made */
	PROBE_DUPLICATE,	/* authentic, its sequence already seen */
	PROBE_UNKNOWN,		/* well-formed, another session ID */
	PROBE_MALFORMED,	/* not a probe packet at all */
	PROBE_FAILED		/* tally/session mismatch or OpenSSL failure */
};

/*
 * One session's keys and parameters; holds no secret beyond the derived
 * keys (the caller's secret is not kept).  Immutable after init.
 */
struct probe_session {
	uint8_t			sid[PROBE_SID_LEN];
	struct probe_params	params;
	uint8_t			stream_key[PROBE_KEY_LEN];
	uint8_t			mac_key[PROBE_KEY_LEN];
	uint64_t		pick_key[2];	/* SipHash key, spot checks */
};

/*
 * The verifier's accounting for one session, made by probe_tally_new()
 * for that session.  The counters may be read directly; the arrays are
 * private.  Invariants: passed + late <= sent <= count, bytes = passed *
 * size, and every probe_check() call adds one to exactly one of passed,
 * late, forged, duplicates, unknown, malformed, failed.
 */
struct probe_tally {
	uint8_t		 sid[PROBE_SID_LEN];	/* the session it belongs to */
	uint32_t	 count, size;
	uint64_t	 deadline_usec;
	/* counters */
	uint32_t	 sent;		/* distinct sequences made */
	uint32_t	 passed, late, forged, duplicates;
	uint32_t	 unknown, malformed, failed;
	uint64_t	 bytes;		/* passed * size */
	/* clocks (the caller's, microseconds) */
	int		 started;	/* a packet was made */
	uint64_t	 start_usec;	/* when the first packet was made */
	uint64_t	 first_usec;	/* arrival of the first passed packet */
	uint64_t	 last_usec;	/* latest passed arrival */
	uint32_t	 last_delay;	/* of the previous passed packet */
	uint64_t	 jitter_sum;	/* of |D| (RFC 3550 6.4.1), usec */
	/* private */
	uint64_t	*sent_bits;	/* count bits: made */
	uint64_t	*seen_bits;	/* count bits: authentic copy arrived */
	uint32_t	*delays;	/* usec, one per passed packet */
	uint32_t	*bins;		/* bytes passed per PROBE_BIN_USEC */
	uint32_t	*scratch;	/* nbins, for the median */
	uint32_t	 nbins;
};

/*
 * What a measurement report needs (netrec encodes it).  Delays are the
 * path verifier -> subject -> second endpoint on the verifier's own
 * clock; with both endpoints on the verifier that is a round trip
 * through the subject.  Percentiles are nearest-rank (the median of an
 * even number is the lower middle).  Everything is 0 when nothing passed.
 */
struct probe_result {
	uint32_t	count, size, rate, deadline_ms;	/* the parameters */
	uint32_t	sent, passed, late, forged, duplicates;
	uint64_t	bytes;		/* verified: passed * size */
	uint32_t	window_ms;	/* first to last passed arrival */
	uint32_t	throughput_kbps; /* median of the 100 ms bins */
	uint32_t	rtt_min_us;
	uint32_t	rtt_median_us;
	uint32_t	rtt_spread_us;	/* 75th minus 25th percentile */
	uint32_t	jitter_us;	/* mean |D| of RFC 3550 6.4.1 */
	uint32_t	loss_ppm;	/* (sent - passed) * 10^6 / sent */
};

/* PROBE_OK if the parameters are within every limit, else which is not. */
enum probe_error probe_params_check(const struct probe_params *);
const char	*probe_strerror(enum probe_error);
const char	*probe_verdict_name(enum probe_verdict);

/*
 * Check the parameters and derive the session's keys from the verifier's
 * secret and the session ID.  The caller must use a fresh random session
 * ID for every session (the keys depend on it) and may then wipe its
 * secret.  *sess is zeroed on error.
 */
enum probe_error probe_session_init(struct probe_session *sess,
	    const uint8_t secret[PROBE_SECRET_LEN],
	    const uint8_t sid[PROBE_SID_LEN], const struct probe_params *);
/* Wipe the keys. */
void	probe_session_wipe(struct probe_session *);

/*
 * Microseconds after the first packet at which packet seq is due when
 * sending at the session's rate: floor(seq * 10^6 / rate).
 */
uint64_t probe_offset_usec(const struct probe_session *, uint32_t seq);
/* 1 if probe_check() compares the payload of packet seq, else 0. */
int	probe_spot_checked(const struct probe_session *, uint32_t seq);

/*
 * A tally for sess (arrays sized by its count), or NULL when out of
 * memory.  probe_tally_free(NULL) is safe.
 */
struct probe_tally *probe_tally_new(const struct probe_session *sess);
void	probe_tally_free(struct probe_tally *);

/*
 * Make packet seq at now_usec (a monotonic clock) into out, cap bytes;
 * *outlen is set to the session's size.  Each sequence is made once: -1
 * if seq >= count, it was made already, cap is too small, the tally is
 * not this session's, now_usec is before the first packet's time or more
 * than PROBE_MAX_SECONDS after it, or OpenSSL failed.  The tally records
 * the packet as sent.
 */
int	probe_make(const struct probe_session *, struct probe_tally *,
	    uint32_t seq, uint64_t now_usec, uint8_t *out, size_t cap,
	    size_t *outlen);

/*
 * Judge one datagram that arrived at the second endpoint at now_usec
 * (the same clock as probe_make) and count it.  Order of checks and what
 * each verdict means: doc/PROTOCOL.md "Proof of bandwidth".
 */
enum probe_verdict probe_check(const struct probe_session *,
	    struct probe_tally *, const uint8_t *pkt, size_t len,
	    uint64_t now_usec);

/*
 * The session ID of something that looks like a probe packet (so the
 * caller can find the session): 0, or -1 if it is malformed.
 */
int	probe_peek_sid(const uint8_t *pkt, size_t len,
	    uint8_t sid[PROBE_SID_LEN]);

/*
 * Summarise the tally.  Call after the last packet's deadline has
 * passed: packets still in flight count as lost.  0, or -1 if the tally
 * is not this session's.
 */
int	probe_result(const struct probe_session *, struct probe_tally *,
	    struct probe_result *);

#endif
