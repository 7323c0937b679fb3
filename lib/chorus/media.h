/*
 * media.h - end-to-end encrypted media frames (SFrame-like).
 *
 * A media frame carries one Opus packet, encrypted end to end with a
 * per-sender key derived from the room's media key for one key epoch.
 * Its 16-byte header (version, VAD, sender, sequence, timestamp, epoch,
 * audio level) stays readable to the node, which forwards by it, and is
 * authenticated end to end as the AEAD's associated data.  The node never
 * holds the media key.  Layout and derivations: doc/PROTOCOL.md
 * "End-to-end media frames".  Pure: no clock, no RNG.
 */
#ifndef CHORUS_MEDIA_H
#define CHORUS_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_VERSION		1
#define MEDIA_KEY_LEN		32	/* room media key, sender key */
#define MEDIA_HEADER_LEN	16
#define MEDIA_TAG_LEN		16
#define MEDIA_MIN_PAYLOAD	1	/* an Opus packet has its TOC byte */
#define MEDIA_MAX_PAYLOAD	1275	/* largest Opus packet, RFC 6716 §3.2.1 */
#define MEDIA_MIN_FRAME		(MEDIA_HEADER_LEN + MEDIA_MIN_PAYLOAD + \
				    MEDIA_TAG_LEN)
#define MEDIA_MAX_FRAME		(MEDIA_HEADER_LEN + MEDIA_MAX_PAYLOAD + \
				    MEDIA_TAG_LEN)
#define MEDIA_LEVEL_SILENCE	127	/* -127 dBov, RFC 6464 */
#define MEDIA_SENDER_INFO	"chorus media sender v1"

struct media_header {
	uint8_t		version;	/* MEDIA_VERSION */
	uint8_t		vad;		/* 1 if the sender detected voice */
	uint32_t	sender;		/* member index the node assigned */
	uint32_t	seq;		/* per sender and epoch, never reused */
	uint32_t	timestamp;	/* RTP-style, 48 kHz units */
	uint16_t	epoch;		/* key epoch of the room's media key */
	uint8_t		level;		/* -dBov, 0..127, 127 = silence */
};

enum media_error {
	MEDIA_OK = 0,
	MEDIA_ERR_SHORT,	/* shorter than MEDIA_MIN_FRAME */
	MEDIA_ERR_LONG,		/* longer than MEDIA_MAX_FRAME */
	MEDIA_ERR_VERSION,	/* version bits are not MEDIA_VERSION */
	MEDIA_ERR_RESERVED,	/* a reserved flag bit is set */
	MEDIA_ERR_LEVEL		/* audio level above 127 */
};

/*
 * Read and check the header of a whole frame of len bytes (the payload
 * and tag lengths are checked too, not the tag itself).  *hdr is zeroed
 * on error.
 */
enum media_error media_header_parse(struct media_header *hdr,
	    const uint8_t *frame, size_t len);
const char *media_strerror(enum media_error);

/*
 * sender_key = HKDF-SHA256(salt = epoch (2 bytes BE), ikm = media_key,
 * info = MEDIA_SENDER_INFO || sender (4 bytes BE)), 32 bytes.  0 or -1.
 */
int	media_sender_key(const uint8_t media_key[MEDIA_KEY_LEN],
	    uint16_t epoch, uint32_t sender, uint8_t out[MEDIA_KEY_LEN]);

/*
 * Seal len bytes of Opus under hdr into out (cap bytes); *outlen is set
 * to MEDIA_HEADER_LEN + len + MEDIA_TAG_LEN.  -1 if hdr is out of range,
 * len is not MEDIA_MIN_PAYLOAD..MEDIA_MAX_PAYLOAD, or cap is too small.
 * The caller must never seal two frames with the same (sender key, seq).
 */
int	media_seal(const uint8_t sender_key[MEDIA_KEY_LEN],
	    const struct media_header *hdr, const void *opus, size_t len,
	    uint8_t *out, size_t cap, size_t *outlen);
/*
 * Parse, authenticate and decrypt a frame into hdr and out (cap bytes,
 * MEDIA_MAX_PAYLOAD always suffices).  -1, with *hdr and out wiped, if
 * the frame is malformed, cap is too small, or anything was altered.
 * Replay checking of (sender, epoch, seq) is the caller's.
 */
int	media_open(const uint8_t sender_key[MEDIA_KEY_LEN],
	    const uint8_t *frame, size_t len, struct media_header *hdr,
	    uint8_t *out, size_t cap, size_t *outlen);

/* The level in dBov (0 down to -127) for a valid level byte. */
int	media_level_dbov(uint8_t level);
/* The level byte for a dBov value, clamped to 0..127 (RFC 6464 §3). */
uint8_t	media_level_from_dbov(int dbov);

#endif
