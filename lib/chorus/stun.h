/*
 * stun.h - STUN message codec (RFC 8489) with the TURN attributes
 * (RFC 8656, RFC 6062).
 *
 * stun_parse() checks the header and walks the attributes once, indexing
 * them (type, length, offset) without copying; getters decode one
 * attribute on demand.  The builder writes a message into a caller's
 * buffer through a buf_writer and appends MESSAGE-INTEGRITY(-SHA256) and
 * FINGERPRINT last, as the RFC orders them.  Nothing here allocates.
 */
#ifndef CHORUS_STUN_H
#define CHORUS_STUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "chorus/buf.h"

#define STUN_HEADER_LEN		20
#define STUN_MAGIC_COOKIE	0x2112A442u
#define STUN_TID_LEN		12
#define STUN_MAX_ATTRS		40	/* attributes indexed per message */
#define STUN_MAX_UNKNOWN	16	/* unknown comprehension-required kept */
#define STUN_MAX_MSG		65535	/* whole message, header included */
#define STUN_FINGERPRINT_XOR	0x5354554Eu
#define STUN_MAX_REASON		128	/* ERROR-CODE reason phrase bytes */

/* Methods (RFC 8489 §18.2, RFC 8656 §17, RFC 6062 §6.1). */
#define STUN_BINDING		0x001
#define STUN_ALLOCATE		0x003
#define STUN_REFRESH		0x004
#define STUN_SEND		0x006
#define STUN_DATA		0x007
#define STUN_CREATE_PERMISSION	0x008
#define STUN_CHANNEL_BIND	0x009
#define STUN_CONNECT		0x00A
#define STUN_CONNECTION_BIND	0x00B
#define STUN_CONNECTION_ATTEMPT	0x00C

/* Classes. */
#define STUN_REQUEST		0
#define STUN_INDICATION		1
#define STUN_SUCCESS		2
#define STUN_ERROR		3

/* Attributes: comprehension-required (< 0x8000). */
#define STUN_A_MAPPED_ADDRESS		0x0001
#define STUN_A_USERNAME			0x0006
#define STUN_A_MESSAGE_INTEGRITY	0x0008
#define STUN_A_ERROR_CODE		0x0009
#define STUN_A_UNKNOWN_ATTRIBUTES	0x000A
#define STUN_A_CHANNEL_NUMBER		0x000C
#define STUN_A_LIFETIME			0x000D
#define STUN_A_XOR_PEER_ADDRESS		0x0012
#define STUN_A_DATA			0x0013
#define STUN_A_REALM			0x0014
#define STUN_A_NONCE			0x0015
#define STUN_A_XOR_RELAYED_ADDRESS	0x0016
#define STUN_A_REQUESTED_ADDRESS_FAMILY	0x0017
#define STUN_A_EVEN_PORT		0x0018
#define STUN_A_REQUESTED_TRANSPORT	0x0019
#define STUN_A_DONT_FRAGMENT		0x001A
#define STUN_A_MESSAGE_INTEGRITY_SHA256	0x001C
#define STUN_A_PASSWORD_ALGORITHM	0x001D
#define STUN_A_USERHASH			0x001E
#define STUN_A_XOR_MAPPED_ADDRESS	0x0020
#define STUN_A_RESERVATION_TOKEN	0x0022
#define STUN_A_PRIORITY			0x0024
#define STUN_A_USE_CANDIDATE		0x0025
#define STUN_A_CONNECTION_ID		0x002A
/* Comprehension-optional (>= 0x8000). */
#define STUN_A_ADDITIONAL_ADDRESS_FAMILY 0x8000
#define STUN_A_ADDRESS_ERROR_CODE	0x8001
#define STUN_A_PASSWORD_ALGORITHMS	0x8002
#define STUN_A_ALTERNATE_DOMAIN		0x8003
#define STUN_A_ICMP			0x8004
#define STUN_A_SOFTWARE			0x8022
#define STUN_A_ALTERNATE_SERVER		0x8023
#define STUN_A_TRANSACTION_TRANSMIT_COUNTER 0x8025
#define STUN_A_CACHE_TIMEOUT		0x8027
#define STUN_A_FINGERPRINT		0x8028
#define STUN_A_ICE_CONTROLLED		0x8029
#define STUN_A_ICE_CONTROLLING		0x802A
#define STUN_A_RESPONSE_ORIGIN		0x802B
#define STUN_A_OTHER_ADDRESS		0x802C

/* PASSWORD-ALGORITHM values (RFC 8489 §18.5). */
#define STUN_PASSWORD_MD5	0x0001
#define STUN_PASSWORD_SHA256	0x0002

/* Why a datagram is not an acceptable STUN message. */
enum stun_error {
	STUN_OK = 0,
	STUN_ENOTSTUN,		/* top bits, cookie: not STUN at all */
	STUN_ETRUNCATED,	/* shorter than the header says */
	STUN_EBADLEN,		/* length not a multiple of 4, or trailing bytes */
	STUN_EATTR,		/* an attribute runs past the message */
	STUN_ETOOMANY,		/* more than STUN_MAX_ATTRS attributes */
	STUN_EFINGERPRINT,	/* FINGERPRINT present and wrong, or not last */
	STUN_EINTEGRITY,	/* MESSAGE-INTEGRITY malformed (wrong length) */
};

/* One attribute: its value is raw[off .. off+len). */
struct stun_attr {
	uint16_t	type;
	uint16_t	len;
	uint16_t	off;
};

struct stun_msg {
	const uint8_t	*raw;		/* the whole message */
	size_t		 len;
	uint16_t	 type;
	uint16_t	 method;
	uint8_t		 cls;		/* STUN_REQUEST ... STUN_ERROR */
	uint8_t		 tid[STUN_TID_LEN];
	struct stun_attr attrs[STUN_MAX_ATTRS];
	size_t		 nattrs;	/* indexed (ignored ones not counted) */
	int		 mi;		/* index of MESSAGE-INTEGRITY, or -1 */
	int		 mi256;		/* of MESSAGE-INTEGRITY-SHA256, or -1 */
	int		 fingerprint;	/* of FINGERPRINT, or -1 */
	uint16_t	 unknown[STUN_MAX_UNKNOWN];	/* for a 420 */
	size_t		 nunknown;
};

/* Message type from method and class, and back (RFC 8489 §5). */
uint16_t	stun_type(uint16_t method, uint8_t cls);
uint16_t	stun_type_method(uint16_t type);
uint8_t		stun_type_class(uint16_t type);

/*
 * Parse len bytes at p (a message longer than STUN_MAX_MSG is EBADLEN).
 * Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256
 * and FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 other than
 * FINGERPRINT, are ignored (not indexed), as RFC 8489 §14.5/§14.6 say;
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT themselves
 * are indexed (msg->mi, mi256, fingerprint).  A FINGERPRINT is verified
 * here; msg->fingerprint is -1 when there is none, and a receiver that
 * requires one must check (no MAC covers it, so it can be stripped).
 * Comprehension-required attributes this codec does not know are listed
 * in msg->unknown (a request with any gets a 420).
 */
enum stun_error	stun_parse(struct stun_msg *, const uint8_t *p, size_t len);
const char	*stun_strerror(enum stun_error);
/* 1 if the first bytes look like STUN (top bits 0, cookie), for demux. */
int		stun_is_stun(const uint8_t *p, size_t len);
/* Total length of the STUN message starting at p (header + body), or 0. */
size_t		stun_message_len(const uint8_t *p, size_t len);

/* The first attribute of a type, or NULL. */
const struct stun_attr *stun_find(const struct stun_msg *, uint16_t type);
/* Decoders: 0, or -1 if the attribute's value is malformed. */
int	stun_get_u32(const struct stun_msg *, const struct stun_attr *,
	    uint32_t *);
int	stun_get_bytes(const struct stun_msg *, const struct stun_attr *,
	    const uint8_t **p, size_t *len);
int	stun_get_addr(const struct stun_msg *, const struct stun_attr *,
	    struct sockaddr_storage *);		/* MAPPED-ADDRESS style */
int	stun_get_xor_addr(const struct stun_msg *, const struct stun_attr *,
	    struct sockaddr_storage *);		/* XOR-*-ADDRESS */
int	stun_get_error(const struct stun_msg *, const struct stun_attr *,
	    unsigned *code, const uint8_t **reason, size_t *reasonlen);
/*
 * CHANNEL-NUMBER: the number (the RFFU bytes are ignored, RFC 8656 §18.1;
 * the STUN_CHANNEL_MIN..MAX range is the caller's to check).
 */
int	stun_get_channel(const struct stun_msg *, const struct stun_attr *,
	    uint16_t *);
/* REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY: AF_INET/AF_INET6. */
int	stun_get_family(const struct stun_msg *, const struct stun_attr *,
	    int *af);

/*
 * Check MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256 against
 * key (RFC 8489 §14.5, §14.6), in constant time.  0 if it verifies, -1 if
 * absent or wrong.
 */
int	stun_check_integrity(const struct stun_msg *, const uint8_t *key,
	    size_t keylen);
int	stun_check_integrity_sha256(const struct stun_msg *,
	    const uint8_t *key, size_t keylen);

/* Builder. */
struct stun_builder {
	struct buf_writer	w;
	uint8_t			tid[STUN_TID_LEN];
};
/*
 * Start a message of type with transaction id tid into buf[cap] (at most
 * STUN_MAX_MSG bytes of it are used).
 */
void	stun_build_init(struct stun_builder *, void *buf, size_t cap,
	    uint16_t type, const uint8_t tid[STUN_TID_LEN]);
/*
 * Each appends one attribute (padded with zeroes); -1 if it does not fit
 * or an argument is bad (unknown address family, error code outside
 * 300..699, reason over STUN_MAX_REASON bytes), and stun_build_finish()
 * then fails too.  A NULL reason means stun_reason(code).
 */
int	stun_add_bytes(struct stun_builder *, uint16_t type, const void *,
	    size_t);
int	stun_add_u32(struct stun_builder *, uint16_t type, uint32_t);
int	stun_add_addr(struct stun_builder *, uint16_t type,
	    const struct sockaddr *);
int	stun_add_xor_addr(struct stun_builder *, uint16_t type,
	    const struct sockaddr *);
int	stun_add_error(struct stun_builder *, unsigned code,
	    const char *reason);
int	stun_add_unknown(struct stun_builder *, const uint16_t *types,
	    size_t n);
int	stun_add_channel(struct stun_builder *, uint16_t channel);
/* These three go last, in this order. */
int	stun_add_integrity(struct stun_builder *, const uint8_t *key,
	    size_t keylen);
int	stun_add_integrity_sha256(struct stun_builder *, const uint8_t *key,
	    size_t keylen);
int	stun_add_fingerprint(struct stun_builder *);
/* The finished message's length, or -1 if anything overflowed. */
ssize_t	stun_build_finish(struct stun_builder *);

/* Standard reason phrase of an error code ("Unauthenticated"), or "". */
const char *stun_reason(unsigned code);

/*
 * ChannelData (RFC 8656 §12.4): 2-byte channel number, 2-byte length,
 * data.  Channel numbers are accepted in RFC 5766's range 0x4000-0x7FFF,
 * not only RFC 8656's narrower 0x4000-0x4FFF: deployed clients (coturn's
 * among them) still choose from the old range, and the first bytes 80-127
 * carry nothing else on a Chorus port.  Layout:
 * 2-byte length, data.  Over TCP/TLS the frame is padded to 4 bytes.
 */
#define STUN_CHANNEL_MIN	0x4000
#define STUN_CHANNEL_MAX	0x7FFF	/* RFC 5766 §11; see above */
#define STUN_CHANNELDATA_HDR	4
/* Parse: 0 with *channel, *data, *datalen set, or -1 if malformed. */
int	stun_channeldata_parse(const uint8_t *p, size_t len, uint16_t *channel,
	    const uint8_t **data, size_t *datalen);
/* Header for a ChannelData message of datalen bytes. */
void	stun_channeldata_header(uint8_t hdr[STUN_CHANNELDATA_HDR],
	    uint16_t channel, uint16_t datalen);

/*
 * Stream framing for TCP and TLS (RFC 8489 §6.2.2, RFC 8656 §12.5): how
 * long the frame at the start of a stream buffer is.  Returns the frame
 * length (> 0) once enough bytes are there to tell, 0 if more bytes are
 * needed, -1 if the stream cannot be STUN or ChannelData (close it).
 * The frame length is returned only once the whole frame, padding
 * included, is buffered; *consume is then the number of bytes to consume
 * (ChannelData is padded to 4 on streams).  A STUN frame longer than
 * STUN_MAX_MSG is -1.
 */
ssize_t	stun_stream_frame(const uint8_t *p, size_t len, size_t *consume);

#endif
