/*
 * netrec.h - the signed records nodes publish on the DHT: node
 * descriptors, measurement reports, vouches and room records, sans-I/O.
 *
 * The DHT only stores bytes, so every record carries its author's ID and
 * an Ed25519 signature, the network it belongs to and an expiry, and has
 * exactly one encoding: whatever netrec_parse() accepts, netrec_write()
 * gives back byte for byte.  Times are Unix seconds from the caller.
 * doc/PROTOCOL.md "Node network records".
 */
#ifndef CHORUS_NETREC_H
#define CHORUS_NETREC_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"

#define NETREC_MAGIC		"CHNR"
#define NETREC_VERSION		1
#define NETREC_LABEL		"chorus netrec v1"	/* signature domain */
#define NETREC_NETWORK_LABEL	"chorus network id v1"
#define NETREC_DHT_LABEL	"chorus dht key v1"
#define NETREC_HEADER_LEN	64	/* common fields before the body */
#define NETREC_DESC_MIN_LEN	267	/* 1-char software, no region, 1 IPv4 */
#define NETREC_DESC_MAX_LEN	395	/* 32, 16 and 4 IPv6 addresses */
#define NETREC_REPORT_LEN	208
#define NETREC_VOUCH_LEN	164
#define NETREC_ROOM_LEN		164
#define NETREC_ROOM_LABEL	"chorus room locator v1"
#define NETREC_MIN_LEN		NETREC_VOUCH_LEN
#define NETREC_MAX_LEN		512	/* what a reader accepts at all */
#define NETREC_NETWORK_ID_LEN	8
#define NETREC_DHT_KEY_LEN	20	/* an OpenDHT InfoHash */
#define NETREC_MAX_LIFETIME	86400	/* expires - issued, seconds */
#define NETREC_MAX_SKEW		300	/* issued may be this far ahead */
#define NETREC_MAX_WINDOW	86400	/* a report's window, seconds */
#define NETREC_MAX_ADDRS	4
#define NETREC_MAX_SOFTWARE	32	/* characters, at least 1 */
#define NETREC_MAX_REGION	16	/* characters, may be none */
#define NETREC_MAX_COORD	10000.0f	/* |x|, |y|, height: ms */
#define NETREC_MAX_ERROR	10.0f	/* Vivaldi error estimate */
#define NETREC_PPM		1000000u	/* loss is parts per million */
#define NETREC_STAKE_ONE	1000u	/* vouch stake points in a score of 1 */

enum netrec_kind {
	NETREC_DESCRIPTOR = 1,	/* a node says where and what it is */
	NETREC_REPORT,		/* a verifier says what it measured */
	NETREC_VOUCH,		/* a node stakes points on another */
	NETREC_ROOM,		/* a node hosts a room (by its locator) */
};

/* Capability bits; others are kept as signed and ignored. */
#define NETREC_CAP_TURN		0x1u
#define NETREC_CAP_SFU		0x2u
#define NETREC_CAP_MIX		0x4u

struct netrec_addr {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		addr[16];	/* IPv4 uses the first 4 */
	uint16_t	udp_port;	/* each 0: none, not all 0 */
	uint16_t	tcp_port;
	uint16_t	tls_port;
};

struct netrec_descriptor {
	uint8_t		noise_key[CRYPTO_X25519_LEN];
	uint8_t		binding[CRYPTO_ED25519_SIG_LEN]; /* identity.h */
	uint32_t	caps;		/* NETREC_CAP_* */
	uint32_t	max_sessions;
	uint32_t	upload_kbps;
	float		x, y, height;	/* Vivaldi, milliseconds */
	float		error;		/* Vivaldi error estimate */
	char		software[NETREC_MAX_SOFTWARE + 1];	/* NUL-ended */
	char		region[NETREC_MAX_REGION + 1];		/* may be "" */
	size_t		naddrs;		/* 1..NETREC_MAX_ADDRS */
	struct netrec_addr addrs[NETREC_MAX_ADDRS];
};

struct netrec_report {
	uint8_t		subject[CRYPTO_ED25519_PUB_LEN];	/* measured */
	uint64_t	window_start;	/* end > start, end <= issued */
	uint64_t	window_end;
	uint32_t	sent;		/* challenges */
	uint32_t	passed;		/* <= sent */
	uint64_t	verified_bytes;
	uint32_t	throughput_kbps;	/* median */
	uint32_t	rtt_median_us;
	uint32_t	rtt_spread_us;
	uint32_t	loss_ppm;	/* <= NETREC_PPM */
};

struct netrec_vouch {
	uint8_t		vouchee[CRYPTO_ED25519_PUB_LEN];	/* != voucher */
	uint32_t	stake;		/* points, at least 1 */
};

/*
 * A node hosts a room: it has members there now.  The room is named by
 * its locator (netrec_room_locator), not its ID, so the DHT learns no
 * room ID; whoever has the link computes the locator and looks it up.
 */
struct netrec_room {
	uint8_t		locator[CRYPTO_ED25519_PUB_LEN];
	uint32_t	members;	/* at least 1; locator not all zero */
};

/*
 * One record.  signer is the node ID (descriptor), the verifier (report),
 * the voucher (vouch) or the hosting node (room); the signature covers
 * NETREC_LABEL and every byte before it.  Layout: doc/PROTOCOL.md "Node network records".
 */
struct netrec {
	uint8_t		kind;		/* enum netrec_kind */
	uint8_t		signer[CRYPTO_ED25519_PUB_LEN];
	uint8_t		network_id[NETREC_NETWORK_ID_LEN];
	uint64_t	issued;
	uint64_t	expires;	/* valid while now < expires */
	union {
		struct netrec_descriptor desc;
		struct netrec_report	 report;
		struct netrec_vouch	 vouch;
		struct netrec_room	 room;
	}		u;
	uint8_t		sig[CRYPTO_ED25519_SIG_LEN];
};

/* What netrec_parse() refused, in the order it checks. */
enum netrec_error {
	NETREC_OK = 0,
	NETREC_ERR_LENGTH,	/* outside MIN..MAX, or not what the fields
				   need (cut short, or bytes left over) */
	NETREC_ERR_MAGIC,	/* not "CHNR" */
	NETREC_ERR_VERSION,	/* not NETREC_VERSION */
	NETREC_ERR_KIND,	/* not an enum netrec_kind */
	NETREC_ERR_FORMAT,	/* a field out of range or not canonical */
	NETREC_ERR_SIGNATURE,	/* the signer's signature does not verify */
	NETREC_ERR_BINDING,	/* descriptor: Noise key not bound to the ID */
	NETREC_ERR_NETWORK,	/* for another network */
	NETREC_ERR_EXPIRED,	/* now >= expires */
	NETREC_ERR_FUTURE,	/* issued > now + NETREC_MAX_SKEW */
	NETREC_ERR_LIFETIME,	/* expires <= issued, or over the maximum */
};
const char *netrec_strerror(enum netrec_error);

/*
 * Sign r as the key of seed (which becomes r->signer), fill r->sig and
 * write the record to out, its length to *outlen.  -1 (r->sig, out and
 * *outlen zeroed) if r is something netrec_parse() would refuse at any
 * time: a field out of range, a lifetime not in 1..NETREC_MAX_LIFETIME,
 * a descriptor whose binding is not the seed's.  A float -0 is written
 * as +0 (one encoding per value).
 */
int	netrec_encode(struct netrec *r,
	    const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
	    uint8_t out[NETREC_MAX_LEN], size_t *outlen);
/*
 * Write r with the signature it holds, without signing: a parsed record
 * comes back exactly as it was received.  -1 (out and *outlen zeroed)
 * on a field netrec_parse() would refuse; the signature is not checked.
 */
int	netrec_write(const struct netrec *r, uint8_t out[NETREC_MAX_LEN],
	    size_t *outlen);
/*
 * Parse and check one record for this network at now, in this order:
 * length bounds, magic, version, kind, layout and field values (reading
 * front to back), signature, binding, network, expiry, skew, lifetime.
 * The first failure is returned and *out zeroed.
 */
enum netrec_error netrec_parse(const uint8_t *in, size_t len, uint64_t now,
	    const uint8_t network_id[NETREC_NETWORK_ID_LEN], struct netrec *out);

/*
 * Network ID: the first 8 bytes of BLAKE2s-256(NETREC_NETWORK_LABEL ||
 * name), so records of test and private networks never pass for the
 * public one's.  0 or -1.
 */
int	netrec_network_id(const char *name,
	    uint8_t out[NETREC_NETWORK_ID_LEN]);
/*
 * DHT key of the records of one kind about id in a network: the first
 * 20 bytes of BLAKE2s-256(NETREC_DHT_LABEL || network ID || kind || id).
 * 0 or -1 (out zeroed).
 */
int	netrec_dht_key(const uint8_t network_id[NETREC_NETWORK_ID_LEN],
	    uint8_t kind, const uint8_t id[CRYPTO_ED25519_PUB_LEN],
	    uint8_t out[NETREC_DHT_KEY_LEN]);
/*
 * A room's locator: BLAKE2s-256(NETREC_ROOM_LABEL || network ID ||
 * room ID).  0 or -1 (out zeroed).
 */
int	netrec_room_locator(const uint8_t network_id[NETREC_NETWORK_ID_LEN],
	    const uint8_t room_id[32], uint8_t out[CRYPTO_ED25519_PUB_LEN]);
/*
 * The ID a record is stored under: the node's own for a descriptor, the
 * subject's for a report, the vouchee's for a vouch, the locator for a
 * room; NULL for an unknown kind.
 */
const uint8_t *netrec_subject(const struct netrec *);

#endif
