/*
 * session.h - a Chorus session: the Noise IKpsk2 handshake in WireGuard's
 * datagrams (wire.h) and the transport that follows it, sans-I/O.
 *
 * The client is the initiator, the node the responder.  Every random
 * value (indexes, ephemeral keys, cookie nonces), every time (TAI64N
 * labels, monotonic microseconds) comes from the caller.  Keys are wiped
 * when a session ends (session_wipe()) and whenever a call fails.
 * doc/PROTOCOL.md "Chorus sessions" has the state machine and the timers.
 */
#ifndef CHORUS_SESSION_H
#define CHORUS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/noise.h"
#include "chorus/replay.h"
#include "chorus/wire.h"

#define SESSION_PSK_LEN		32
/* WireGuard's timers (seconds) and message limits. */
#define SESSION_REKEY_AFTER_TIME	120
#define SESSION_REJECT_AFTER_TIME	180
#define SESSION_REKEY_AFTER_MSGS	(1ULL << 60)
#define SESSION_REJECT_AFTER_MSGS	(UINT64_MAX - (1ULL << 13))
#define SESSION_REKEY_TIMEOUT		5	/* s before an initiation is retried */
#define SESSION_KEEPALIVE		10	/* s of silence before a keepalive */
/* Largest packet inside one transport datagram (fits a 1280-byte path). */
#define SESSION_MAX_PACKET	(1280 - 48 - WIRE_TRANSPORT_HDR - NOISE_TAG_LEN)

/* An initiator's pending handshake (one initiation in flight). */
struct session_init {
	struct noise_hs	hs;
	uint32_t	local_index;
	uint8_t		mac1[WIRE_MAC_LEN];	/* of the initiation sent */
	uint8_t		node_x_pub[CRYPTO_X25519_LEN];
	uint8_t		mac1key[WIRE_KEY_LEN];	/* ours: checks the response */
	uint8_t		cookiekey[WIRE_KEY_LEN];	/* the node's */
};

/* Established transport keys, either side. */
struct session {
	struct noise_cs	send, recv;
	struct replay	replay;
	uint32_t	local_index, remote_index;
	uint64_t	send_counter;		/* next counter to send */
	uint64_t	created_usec;		/* when the keys were made */
	uint8_t		hash[NOISE_HASH_LEN];	/* handshake hash h */
	uint8_t		peer_ed_pub[CRYPTO_ED25519_PUB_LEN];
	uint8_t		peer_x_pub[CRYPTO_X25519_LEN];
	uint8_t		peer_binding[CRYPTO_ED25519_SIG_LEN];	/* node side */
	int		initiator;
	int		live;			/* keys usable */
};

/*
 * mac1 key of a receiver (the node for initiations, the client for
 * responses): BLAKE2s-256("mac1----" || its static key), and on a
 * private node (psk not NULL and not all zero) BLAKE2s-256("mac1----" ||
 * static key || psk), so that without the PSK an initiation fails mac1
 * and draws no reply at all.
 */
int	session_mac1_key(const uint8_t node_x_pub[CRYPTO_X25519_LEN],
	    const uint8_t *psk, uint8_t out[WIRE_KEY_LEN]);

/*
 * Initiator: write an initiation to out.  psk is 32 bytes (zeros, or
 * NULL, on a public node), e_priv the fresh ephemeral key, tai64n the
 * current time label (wire_tai64n()), cookie the one opened from the
 * node's last cookie reply (< 115 s old) or NULL.  0, or -1 (st and out
 * wiped).
 */
int	session_initiate(struct session_init *st, const struct identity *me,
	    const uint8_t node_x_pub[CRYPTO_X25519_LEN],
	    const uint8_t psk[SESSION_PSK_LEN], uint32_t local_index,
	    const uint8_t e_priv[CRYPTO_X25519_LEN],
	    const uint8_t tai64n[WIRE_TAI64N_LEN],
	    const uint8_t *cookie, uint8_t out[WIRE_INITIATION_LEN]);
/*
 * Initiator: take the node's response (already wire_parse()d, type 5,
 * receiver == st->local_index); its mac1 is checked here, keyed with
 * session_mac1_key(our static key, psk), before any DH.  On success *s is
 * live, created at now_usec, and st is wiped.  -1 with *s wiped on any
 * failure; st is kept if the response was refused before Noise (not a
 * response, another index, bad mac1), so a forged one does not kill the
 * handshake, and wiped if Noise failed.
 */
int	session_initiator_finish(struct session_init *st,
	    const struct wire_msg *resp, uint64_t now_usec,
	    struct session *s);
/* Initiator: open a cookie reply to our initiation; 0 with cookie set. */
int	session_initiator_cookie(const struct session_init *st,
	    const struct wire_msg *reply, uint8_t cookie[WIRE_MAC_LEN]);
void	session_init_wipe(struct session_init *);

/*
 * Responder: consume a parsed initiation whose mac1 the caller has
 * checked (and mac2 if under load) and write the response, whose mac1 is
 * keyed with session_mac1_key(the initiator's static key, psk).  On
 * success *s is live (peer keys and identity filled, created at
 * now_usec) and *tai64n holds the initiation's timestamp for the
 * caller's per-identity replay check, which it must do before sending out
 * or using *s (a replay: session_wipe(s), send nothing).  -1 with *s,
 * tai64n and out wiped if Noise or the identity binding fails.
 */
int	session_respond(const struct identity *node,
	    const uint8_t psk[SESSION_PSK_LEN], const struct wire_msg *init,
	    uint32_t local_index, const uint8_t e_priv[CRYPTO_X25519_LEN],
	    uint64_t now_usec, struct session *s,
	    uint8_t tai64n[WIRE_TAI64N_LEN], uint8_t out[WIRE_RESPONSE_LEN]);

/*
 * Seal one packet (len <= SESSION_MAX_PACKET) as a transport datagram:
 * out gets WIRE_TRANSPORT_HDR + len + NOISE_TAG_LEN bytes, *outlen its
 * length.  -1 if the session is not live, expired at now_usec
 * (SESSION_REJECT_AFTER_TIME) or out of counters, or len or cap is wrong.
 * A seal or open that finds the session expired ends it: keys and hash
 * wiped, live = 0, indexes kept so the caller can still find it.
 */
int	session_seal(struct session *, uint64_t now_usec, const void *pkt,
	    size_t len, uint8_t *out, size_t cap, size_t *outlen);
/*
 * Open a parsed transport datagram addressed to this session: replay
 * check, decrypt into out (cap >= m->datalen - NOISE_TAG_LEN), record
 * the counter.  -1 if not live, expired, for another index, replayed or
 * forged; then *outlen is 0, the first m->datalen - NOISE_TAG_LEN bytes
 * of out (at most cap) are zero and the session is unchanged (unless it
 * expired).
 */
int	session_open(struct session *, uint64_t now_usec,
	    const struct wire_msg *m, uint8_t *out, size_t cap,
	    size_t *outlen);
/*
 * 1 if the initiator of a live session should start a new handshake:
 * REKEY_AFTER_TIME old or REKEY_AFTER_MSGS sent.  Always 0 for the
 * responder, which never initiates.
 */
int	session_needs_rekey(const struct session *, uint64_t now_usec);
/*
 * 1 if the keys may no longer be used: not live, REJECT_AFTER_TIME old
 * (or now_usec before created_usec) or REJECT_AFTER_MSGS sent.
 */
int	session_expired(const struct session *, uint64_t now_usec);
void	session_wipe(struct session *);

#endif
