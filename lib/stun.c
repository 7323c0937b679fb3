/*
 * stun.c - STUN message codec (RFC 8489) with the TURN attributes
 * (RFC 8656, RFC 6062), ChannelData (RFC 8656 §12) and stream framing.
 *
 * Owns struct stun_msg (a parsed message: an index of its attributes
 * over the caller's bytes) and struct stun_builder (a message being
 * written into the caller's buffer).  Every wire read goes through a
 * buf_reader; every write through a buf_writer whose capacity is clamped
 * to STUN_MAX_MSG, so attribute offsets always fit 16 bits.  FINGERPRINT
 * uses the table-driven CRC-32 below (ISO-HDLC, reflected 0xEDB88320);
 * MESSAGE-INTEGRITY(-SHA256) the crypto_hmac_* wrappers.  Nothing here
 * allocates, and nothing keeps state between calls.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/stun.h"

#define STUN_ATTR_HDR		4	/* type, length */
#define STUN_ALIGN		4	/* attribute values pad to this */
#define STUN_MI_LEN		CRYPTO_SHA1_LEN
#define STUN_MI256_MIN		16	/* RFC 8489 §14.6 */
#define STUN_MI256_MAX		CRYPTO_SHA256_LEN
#define STUN_FINGERPRINT_LEN	4
#define STUN_TOP_BITS		0xC0	/* of the first byte: 00 for STUN */
#define STUN_ADDR_V4		0x01	/* address families (RFC 8489 §14.1) */
#define STUN_ADDR_V6		0x02
#define STUN_ADDR_V4_LEN	4
#define STUN_ADDR_V6_LEN	16
#define STUN_ERROR_CLASS_MIN	3	/* RFC 8489 §14.8 */
#define STUN_ERROR_CLASS_MAX	6
#define STUN_ERROR_NUMBER_MAX	99
#define STUN_CHANNEL_LEN	4	/* CHANNEL-NUMBER, RFC 8656 §18.1 */
#define STUN_FAMILY_LEN		4	/* REQUESTED-ADDRESS-FAMILY, §18.8 */

/* Padding after a value of n bytes. */
#define STUN_PAD(n)	((STUN_ALIGN - ((n) % STUN_ALIGN)) % STUN_ALIGN)

/* CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320), one entry a byte. */
static const uint32_t stun_crc32_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba,
	0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
	0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91,
	0x1db71064, 0x6ab020f2, 0xf3b97148, 0x84be41de,
	0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec,
	0x14015c4f, 0x63066cd9, 0xfa0f3d63, 0x8d080df5,
	0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b,
	0x35b5a8fa, 0x42b2986c, 0xdbbbc9d6, 0xacbcf940,
	0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116,
	0x21b4f4b5, 0x56b3c423, 0xcfba9599, 0xb8bda50f,
	0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d,
	0x76dc4190, 0x01db7106, 0x98d220bc, 0xefd5102a,
	0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818,
	0x7f6a0dbb, 0x086d3d2d, 0x91646c97, 0xe6635c01,
	0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457,
	0x65b0d9c6, 0x12b7e950, 0x8bbeb8ea, 0xfcb9887c,
	0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2,
	0x4adfa541, 0x3dd895d7, 0xa4d1c46d, 0xd3d6f4fb,
	0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9,
	0x5005713c, 0x270241aa, 0xbe0b1010, 0xc90c2086,
	0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4,
	0x59b33d17, 0x2eb40d81, 0xb7bd5c3b, 0xc0ba6cad,
	0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683,
	0xe3630b12, 0x94643b84, 0x0d6d6a3e, 0x7a6a5aa8,
	0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe,
	0xf762575d, 0x806567cb, 0x196c3671, 0x6e6b06e7,
	0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5,
	0xd6d6a3e8, 0xa1d1937e, 0x38d8c2c4, 0x4fdff252,
	0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60,
	0xdf60efc3, 0xa867df55, 0x316e8eef, 0x4669be79,
	0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f,
	0xc5ba3bbe, 0xb2bd0b28, 0x2bb45a92, 0x5cb36a04,
	0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a,
	0x9c0906a9, 0xeb0e363f, 0x72076785, 0x05005713,
	0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21,
	0x86d3d2d4, 0xf1d4e242, 0x68ddb3f8, 0x1fda836e,
	0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c,
	0x8f659eff, 0xf862ae69, 0x616bffd3, 0x166ccf45,
	0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db,
	0xaed16a4a, 0xd9d65adc, 0x40df0b66, 0x37d83bf0,
	0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6,
	0xbad03605, 0xcdd70693, 0x54de5729, 0x23d967bf,
	0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

/* CRC-32 of n bytes at p (RFC 8489 §14.7 uses the ITU V.42 / zlib CRC). */
static uint32_t
stun_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;
	size_t i;

	for (i = 0; i < n; i++)
		crc = stun_crc32_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return crc ^ 0xFFFFFFFFu;
}

/* Message type from method and class: M11..M7 C1 M6..M4 C0 M3..M0 (§5). */
uint16_t
stun_type(uint16_t method, uint8_t cls)
{
	return (uint16_t)((method & 0x000F) | (method & 0x0070) << 1 |
	    (method & 0x0F80) << 2 | (cls & 0x1) << 4 | (cls & 0x2) << 7);
}

/* The method bits of a message type (RFC 8489 §5). */
uint16_t
stun_type_method(uint16_t type)
{
	return (uint16_t)((type & 0x000F) | (type & 0x00E0) >> 1 |
	    (type & 0x3E00) >> 2);
}

/* The class bits of a message type (RFC 8489 §5). */
uint8_t
stun_type_class(uint16_t type)
{
	return (uint8_t)((type >> 4 & 0x1) | (type >> 7 & 0x2));
}

/* 1 if this codec knows a comprehension-required attribute type. */
static int
stun_known_attr(uint16_t type)
{
	switch (type) {
	case STUN_A_MAPPED_ADDRESS:
	case STUN_A_USERNAME:
	case STUN_A_MESSAGE_INTEGRITY:
	case STUN_A_ERROR_CODE:
	case STUN_A_UNKNOWN_ATTRIBUTES:
	case STUN_A_CHANNEL_NUMBER:
	case STUN_A_LIFETIME:
	case STUN_A_XOR_PEER_ADDRESS:
	case STUN_A_DATA:
	case STUN_A_REALM:
	case STUN_A_NONCE:
	case STUN_A_XOR_RELAYED_ADDRESS:
	case STUN_A_REQUESTED_ADDRESS_FAMILY:
	case STUN_A_EVEN_PORT:
	case STUN_A_REQUESTED_TRANSPORT:
	case STUN_A_DONT_FRAGMENT:
	case STUN_A_MESSAGE_INTEGRITY_SHA256:
	case STUN_A_PASSWORD_ALGORITHM:
	case STUN_A_USERHASH:
	case STUN_A_XOR_MAPPED_ADDRESS:
	case STUN_A_RESERVATION_TOKEN:
	case STUN_A_PRIORITY:
	case STUN_A_USE_CANDIDATE:
	case STUN_A_CONNECTION_ID:
		return 1;
	default:
		return 0;
	}
}

/* List an unknown comprehension-required type once, for a 420 (§14.9). */
static void
stun_note_unknown(struct stun_msg *msg, uint16_t type)
{
	size_t i;

	if (type >= 0x8000 || stun_known_attr(type))
		return;
	for (i = 0; i < msg->nunknown; i++)
		if (msg->unknown[i] == type)
			return;
	if (msg->nunknown < STUN_MAX_UNKNOWN)
		msg->unknown[msg->nunknown++] = type;
}

/* Read and check the 20-byte header (RFC 8489 §5, §6.3). */
static enum stun_error
stun_parse_header(struct stun_msg *msg, struct buf_reader *r)
{
	uint32_t cookie;
	uint16_t mlen;

	if (buf_get_n16(r, &msg->type) == -1)
		return STUN_ETRUNCATED;
	/* The most significant 2 bits of every STUN message MUST be zeroes. */
	if (msg->type & 0xC000)
		return STUN_ENOTSTUN;
	if (buf_get_n16(r, &mlen) == -1 || buf_get_n32(r, &cookie) == -1)
		return STUN_ETRUNCATED;
	if (cookie != STUN_MAGIC_COOKIE)
		return STUN_ENOTSTUN;
	if (buf_get_bytes(r, msg->tid, STUN_TID_LEN) == -1)
		return STUN_ETRUNCATED;
	/* Attributes are padded, so the length is a multiple of 4 (§5). */
	if (mlen % STUN_ALIGN != 0 || STUN_HEADER_LEN + mlen > STUN_MAX_MSG)
		return STUN_EBADLEN;
	if (buf_rd_left(r) < mlen)
		return STUN_ETRUNCATED;
	if (buf_rd_left(r) > mlen)
		return STUN_EBADLEN;
	msg->method = stun_type_method(msg->type);
	msg->cls = stun_type_class(msg->type);
	return STUN_OK;
}

/* Add an attribute to the index; its position in *idx. */
static enum stun_error
stun_index(struct stun_msg *msg, uint16_t type, uint16_t len, size_t off,
    int *idx)
{
	struct stun_attr *a;

	if (msg->nattrs >= STUN_MAX_ATTRS)
		return STUN_ETOOMANY;
	a = &msg->attrs[msg->nattrs];
	a->type = type;
	a->len = len;
	a->off = (uint16_t)off;		/* < STUN_MAX_MSG, checked in header */
	if (idx != NULL)
		*idx = (int)msg->nattrs;
	msg->nattrs++;
	return STUN_OK;
}

/* Read one attribute and index it, or skip it where the RFC says to. */
static enum stun_error
stun_parse_attr(struct stun_msg *msg, struct buf_reader *r)
{
	uint16_t type, len;
	size_t off;

	if (buf_get_n16(r, &type) == -1 || buf_get_n16(r, &len) == -1)
		return STUN_EATTR;
	off = msg->len - buf_rd_left(r);
	if (buf_skip(r, len) == -1 || buf_skip(r, STUN_PAD(len)) == -1)
		return STUN_EATTR;
	/* RFC 8489 §14.7: FINGERPRINT is the last attribute. */
	if (msg->fingerprint != -1)
		return STUN_EFINGERPRINT;
	if (type == STUN_A_FINGERPRINT) {
		if (len != STUN_FINGERPRINT_LEN)
			return STUN_EFINGERPRINT;
		return stun_index(msg, type, len, off, &msg->fingerprint);
	}
	/* RFC 8489 §14.6: only FINGERPRINT counts after MI-SHA256. */
	if (msg->mi256 != -1)
		return STUN_OK;
	if (type == STUN_A_MESSAGE_INTEGRITY_SHA256) {
		if (len < STUN_MI256_MIN || len > STUN_MI256_MAX ||
		    len % STUN_ALIGN != 0)
			return STUN_EINTEGRITY;
		return stun_index(msg, type, len, off, &msg->mi256);
	}
	/* RFC 8489 §14.5: and MI-SHA256 after MESSAGE-INTEGRITY. */
	if (msg->mi != -1)
		return STUN_OK;
	if (type == STUN_A_MESSAGE_INTEGRITY) {
		if (len != STUN_MI_LEN)
			return STUN_EINTEGRITY;
		return stun_index(msg, type, len, off, &msg->mi);
	}
	stun_note_unknown(msg, type);
	return stun_index(msg, type, len, off, NULL);
}

/*
 * RFC 8489 §14.7: the CRC-32 of the message up to FINGERPRINT, XORed with
 * 0x5354554e.  FINGERPRINT is last, so the header length as sent is the
 * one the sender covered.
 */
static enum stun_error
stun_check_fingerprint(const struct stun_msg *msg)
{
	const struct stun_attr *a = &msg->attrs[msg->fingerprint];
	struct buf_reader r;
	const uint8_t *p;
	uint32_t want;
	size_t n = a->off - STUN_ATTR_HDR;

	buf_rd_init(&r, msg->raw, msg->len);
	if (buf_get_ptr(&r, n, &p) == -1 || buf_skip(&r, STUN_ATTR_HDR) == -1 ||
	    buf_get_n32(&r, &want) == -1)
		return STUN_EFINGERPRINT;
	if ((stun_crc32(p, n) ^ STUN_FINGERPRINT_XOR) != want)
		return STUN_EFINGERPRINT;
	return STUN_OK;
}

/* Parse and index a STUN message (RFC 8489 §5, §6.3, §14). */
enum stun_error
stun_parse(struct stun_msg *msg, const uint8_t *p, size_t len)
{
	struct buf_reader r;
	enum stun_error err;

	memset(msg, 0, sizeof(*msg));
	msg->mi = msg->mi256 = msg->fingerprint = -1;
	buf_rd_init(&r, p, len);
	msg->raw = p;
	msg->len = buf_rd_left(&r);
	if ((err = stun_parse_header(msg, &r)) != STUN_OK)
		return err;
	while (buf_rd_left(&r) > 0)
		if ((err = stun_parse_attr(msg, &r)) != STUN_OK)
			return err;
	if (msg->fingerprint != -1)
		return stun_check_fingerprint(msg);
	return STUN_OK;
}

/* A short description of a parse error, for logs. */
const char *
stun_strerror(enum stun_error err)
{
	switch (err) {
	case STUN_OK:
		return "ok";
	case STUN_ENOTSTUN:
		return "not a STUN message";
	case STUN_ETRUNCATED:
		return "truncated";
	case STUN_EBADLEN:
		return "bad message length";
	case STUN_EATTR:
		return "attribute runs past the message";
	case STUN_ETOOMANY:
		return "too many attributes";
	case STUN_EFINGERPRINT:
		return "bad FINGERPRINT";
	case STUN_EINTEGRITY:
		return "malformed MESSAGE-INTEGRITY";
	}
	return "unknown error";
}

/* 1 if p starts a STUN header: top bits 00 and the magic cookie (§5). */
int
stun_is_stun(const uint8_t *p, size_t len)
{
	struct buf_reader r;
	uint16_t type, mlen;
	uint32_t cookie;

	buf_rd_init(&r, p, len);
	if (buf_rd_left(&r) < STUN_HEADER_LEN)
		return 0;
	if (buf_get_n16(&r, &type) == -1 || buf_get_n16(&r, &mlen) == -1 ||
	    buf_get_n32(&r, &cookie) == -1)
		return 0;
	return (type & 0xC000) == 0 && cookie == STUN_MAGIC_COOKIE;
}

/* Header plus body length of the STUN message at p, or 0. */
size_t
stun_message_len(const uint8_t *p, size_t len)
{
	struct buf_reader r;
	uint16_t mlen;

	if (!stun_is_stun(p, len))
		return 0;
	buf_rd_init(&r, p, len);
	if (buf_skip(&r, 2) == -1 || buf_get_n16(&r, &mlen) == -1)
		return 0;
	if (mlen % STUN_ALIGN != 0 || STUN_HEADER_LEN + mlen > STUN_MAX_MSG)
		return 0;
	return STUN_HEADER_LEN + (size_t)mlen;
}

/* The first indexed attribute of a type, or NULL. */
const struct stun_attr *
stun_find(const struct stun_msg *msg, uint16_t type)
{
	size_t i;

	for (i = 0; i < msg->nattrs; i++)
		if (msg->attrs[i].type == type)
			return &msg->attrs[i];
	return NULL;
}

/* A reader over one attribute's value; -1 if it is not in the message. */
static int
stun_attr_value(const struct stun_msg *msg, const struct stun_attr *a,
    struct buf_reader *v)
{
	struct buf_reader r;

	if (a == NULL)
		return -1;
	buf_rd_init(&r, msg->raw, msg->len);
	if (buf_skip(&r, a->off) == -1 || buf_get_sub(&r, a->len, v) == -1)
		return -1;
	return 0;
}

/* A 32-bit value (LIFETIME, PRIORITY, REQUESTED-TRANSPORT, ...). */
int
stun_get_u32(const struct stun_msg *msg, const struct stun_attr *a,
    uint32_t *v)
{
	struct buf_reader r;

	if (stun_attr_value(msg, a, &r) == -1 || buf_rd_left(&r) != 4)
		return -1;
	return buf_get_n32(&r, v);
}

/* The raw value (USERNAME, REALM, NONCE, DATA, ...). */
int
stun_get_bytes(const struct stun_msg *msg, const struct stun_attr *a,
    const uint8_t **p, size_t *len)
{
	struct buf_reader r;

	if (stun_attr_value(msg, a, &r) == -1)
		return -1;
	*len = buf_rd_left(&r);
	return buf_get_ptr(&r, *len, p);
}

/*
 * MAPPED-ADDRESS and the XOR-*-ADDRESS family (RFC 8489 §14.1, §14.2).
 * The first byte is reserved: set to 0, ignored by receivers.  The XOR
 * forms mask the port with the cookie's top 16 bits and the address with
 * the cookie (IPv4) or the cookie and the transaction id (IPv6).
 */
static int
stun_decode_addr(const struct stun_msg *msg, const struct stun_attr *a,
    struct sockaddr_storage *ss, int xor)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct buf_reader r;
	uint8_t mask[4 + STUN_TID_LEN], addr[STUN_ADDR_V6_LEN], family;
	uint16_t port;
	size_t alen, i;

	if (stun_attr_value(msg, a, &r) == -1 || buf_skip(&r, 1) == -1 ||
	    buf_get_u8(&r, &family) == -1 || buf_get_n16(&r, &port) == -1)
		return -1;
	if (family == STUN_ADDR_V4)
		alen = STUN_ADDR_V4_LEN;
	else if (family == STUN_ADDR_V6)
		alen = STUN_ADDR_V6_LEN;
	else
		return -1;
	if (buf_rd_left(&r) != alen || buf_get_bytes(&r, addr, alen) == -1)
		return -1;
	if (xor) {
		mask[0] = (uint8_t)(STUN_MAGIC_COOKIE >> 24);
		mask[1] = (uint8_t)(STUN_MAGIC_COOKIE >> 16);
		mask[2] = (uint8_t)(STUN_MAGIC_COOKIE >> 8);
		mask[3] = (uint8_t)STUN_MAGIC_COOKIE;
		memcpy(mask + 4, msg->tid, STUN_TID_LEN);
		port ^= (uint16_t)(STUN_MAGIC_COOKIE >> 16);
		for (i = 0; i < alen; i++)
			addr[i] ^= mask[i];
	}
	memset(ss, 0, sizeof(*ss));
	if (family == STUN_ADDR_V4) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, STUN_ADDR_V4_LEN);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, STUN_ADDR_V6_LEN);
	}
	return 0;
}

/* MAPPED-ADDRESS style (RFC 8489 §14.1). */
int
stun_get_addr(const struct stun_msg *msg, const struct stun_attr *a,
    struct sockaddr_storage *ss)
{
	return stun_decode_addr(msg, a, ss, 0);
}

/* XOR-MAPPED/PEER/RELAYED-ADDRESS (RFC 8489 §14.2, RFC 8656 §18.3). */
int
stun_get_xor_addr(const struct stun_msg *msg, const struct stun_attr *a,
    struct sockaddr_storage *ss)
{
	return stun_decode_addr(msg, a, ss, 1);
}

/*
 * ERROR-CODE (RFC 8489 §14.8): 21 reserved bits (ignored), the class
 * (3..6) in 3 bits, the number (0..99) in 8, then a UTF-8 reason.
 */
int
stun_get_error(const struct stun_msg *msg, const struct stun_attr *a,
    unsigned *code, const uint8_t **reason, size_t *reasonlen)
{
	struct buf_reader r;
	uint8_t cls, number;
	size_t n;

	if (stun_attr_value(msg, a, &r) == -1 || buf_skip(&r, 2) == -1 ||
	    buf_get_u8(&r, &cls) == -1 || buf_get_u8(&r, &number) == -1)
		return -1;
	cls &= 0x07;
	if (cls < STUN_ERROR_CLASS_MIN || cls > STUN_ERROR_CLASS_MAX ||
	    number > STUN_ERROR_NUMBER_MAX)
		return -1;
	if ((n = buf_rd_left(&r)) > STUN_MAX_REASON ||
	    buf_get_ptr(&r, n, reason) == -1)
		return -1;
	*code = cls * 100u + number;
	*reasonlen = n;
	return 0;
}

/*
 * CHANNEL-NUMBER (RFC 8656 §18.1): the number, then 2 RFFU bytes that
 * are set to 0 on transmission and ignored on reception.  The range
 * (STUN_CHANNEL_MIN..MAX) is the caller's to check: out of range is a 400.
 */
int
stun_get_channel(const struct stun_msg *msg, const struct stun_attr *a,
    uint16_t *channel)
{
	struct buf_reader r;

	if (stun_attr_value(msg, a, &r) == -1 ||
	    buf_rd_left(&r) != STUN_CHANNEL_LEN)
		return -1;
	return buf_get_n16(&r, channel);
}

/*
 * REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.8,
 * §18.11): the family in the first byte, then 3 RFFU bytes.
 */
int
stun_get_family(const struct stun_msg *msg, const struct stun_attr *a,
    int *af)
{
	struct buf_reader r;
	uint8_t family;

	if (stun_attr_value(msg, a, &r) == -1 ||
	    buf_rd_left(&r) != STUN_FAMILY_LEN ||
	    buf_get_u8(&r, &family) == -1)
		return -1;
	if (family == STUN_ADDR_V4)
		*af = AF_INET;
	else if (family == STUN_ADDR_V6)
		*af = AF_INET6;
	else
		return -1;
	return 0;
}

/*
 * Check the MAC at attrs[idx] (RFC 8489 §14.5, §14.6): the HMAC of the
 * message up to that attribute, with the header length rewritten to end
 * just after it, compared in constant time over the attribute's length.
 */
static int
stun_check_mac(const struct stun_msg *msg, int idx, const uint8_t *key,
    size_t keylen, int sha256)
{
	const struct stun_attr *a;
	struct buf_reader r;
	struct buf_writer hw;
	uint8_t hdr[STUN_HEADER_LEN], out[CRYPTO_SHA256_LEN];
	const uint8_t *body, *mac;
	size_t start, bodylen;
	int rc = -1;

	if (idx < 0 || (size_t)idx >= msg->nattrs)
		return -1;
	a = &msg->attrs[idx];
	if (a->len == 0 || a->len > (sha256 ? CRYPTO_SHA256_LEN :
	    CRYPTO_SHA1_LEN) || a->off < STUN_HEADER_LEN + STUN_ATTR_HDR)
		return -1;
	start = a->off - STUN_ATTR_HDR;
	bodylen = start - STUN_HEADER_LEN;
	buf_rd_init(&r, msg->raw, msg->len);
	buf_wr_init(&hw, hdr, sizeof(hdr));
	if (buf_get_ptr(&r, STUN_HEADER_LEN, &body) == -1 ||
	    buf_put_bytes(&hw, body, STUN_HEADER_LEN) == -1 ||
	    buf_get_ptr(&r, bodylen, &body) == -1 ||
	    buf_skip(&r, STUN_ATTR_HDR) == -1 ||
	    buf_get_ptr(&r, a->len, &mac) == -1)
		goto fail;
	if (buf_set_n16(&hw, 2, (uint16_t)(bodylen + STUN_ATTR_HDR +
	    a->len)) == -1)
		goto fail;
	if (sha256) {
		if (crypto_hmac_sha256_2(key, keylen, hdr, sizeof(hdr), body,
		    bodylen, out) == -1)
			goto fail;
	} else if (crypto_hmac_sha1_2(key, keylen, hdr, sizeof(hdr), body,
	    bodylen, out) == -1)
		goto fail;
	if (crypto_memeq(out, mac, a->len) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(out, sizeof(out));
	return rc;
}

/* MESSAGE-INTEGRITY: HMAC-SHA1 (RFC 8489 §14.5). */
int
stun_check_integrity(const struct stun_msg *msg, const uint8_t *key,
    size_t keylen)
{
	return stun_check_mac(msg, msg->mi, key, keylen, 0);
}

/* MESSAGE-INTEGRITY-SHA256: truncated HMAC-SHA256 (RFC 8489 §14.6). */
int
stun_check_integrity_sha256(const struct stun_msg *msg, const uint8_t *key,
    size_t keylen)
{
	return stun_check_mac(msg, msg->mi256, key, keylen, 1);
}

/* Make the builder fail for good: stun_build_finish() will return -1. */
static int
stun_build_poison(struct stun_builder *b)
{
	uint8_t *p;

	/* No writer has SIZE_MAX bytes left: this latches its overflow. */
	(void)buf_put_reserve(&b->w, SIZE_MAX, &p);
	return -1;
}

/* Back-fill the header length with what has been written (§5). */
static int
stun_build_setlen(struct stun_builder *b)
{
	if (buf_wr_error(&b->w) == -1)
		return -1;
	/* The writer's capacity is at most STUN_MAX_MSG: this fits. */
	return buf_set_n16(&b->w, 2,
	    (uint16_t)(buf_wr_len(&b->w) - STUN_HEADER_LEN));
}

/* Start a message: the header, with length 0 until attributes come. */
void
stun_build_init(struct stun_builder *b, void *buf, size_t cap, uint16_t type,
    const uint8_t tid[STUN_TID_LEN])
{
	buf_wr_init(&b->w, buf, cap < STUN_MAX_MSG ? cap : STUN_MAX_MSG);
	memcpy(b->tid, tid, STUN_TID_LEN);
	(void)buf_put_n16(&b->w, type & 0x3FFF);
	(void)buf_put_n16(&b->w, 0);
	(void)buf_put_n32(&b->w, STUN_MAGIC_COOKIE);
	(void)buf_put_bytes(&b->w, tid, STUN_TID_LEN);
}

/* Write an attribute header for a value of len bytes. */
static int
stun_add_header(struct stun_builder *b, uint16_t type, size_t len)
{
	if (len > UINT16_MAX)
		return stun_build_poison(b);
	(void)buf_put_n16(&b->w, type);
	return buf_put_n16(&b->w, (uint16_t)len);
}

/* Pad the value just written with zeroes (§14) and update the length. */
static int
stun_add_end(struct stun_builder *b, size_t len)
{
	(void)buf_put_zero(&b->w, STUN_PAD(len));
	return stun_build_setlen(b);
}

/* An attribute with an opaque value. */
int
stun_add_bytes(struct stun_builder *b, uint16_t type, const void *p,
    size_t len)
{
	if (stun_add_header(b, type, len) == -1)
		return -1;
	(void)buf_put_bytes(&b->w, p, len);
	return stun_add_end(b, len);
}

/* A 32-bit attribute (LIFETIME, PRIORITY, REQUESTED-TRANSPORT, ...). */
int
stun_add_u32(struct stun_builder *b, uint16_t type, uint32_t v)
{
	if (stun_add_header(b, type, 4) == -1)
		return -1;
	(void)buf_put_n32(&b->w, v);
	return stun_add_end(b, 4);
}

/* An address attribute, XORed (§14.2) or plain (§14.1). */
static int
stun_encode_addr(struct stun_builder *b, uint16_t type,
    const struct sockaddr *sa, int xor)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	uint8_t mask[4 + STUN_TID_LEN], addr[STUN_ADDR_V6_LEN], family;
	uint16_t port;
	size_t alen, i;

	/* Copied out: a struct sockaddr need not be aligned for the others. */
	if (sa == NULL)
		return stun_build_poison(b);
	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof(sin));
		family = STUN_ADDR_V4;
		alen = STUN_ADDR_V4_LEN;
		port = ntohs(sin.sin_port);
		memcpy(addr, &sin.sin_addr, alen);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof(sin6));
		family = STUN_ADDR_V6;
		alen = STUN_ADDR_V6_LEN;
		port = ntohs(sin6.sin6_port);
		memcpy(addr, &sin6.sin6_addr, alen);
	} else
		return stun_build_poison(b);
	if (xor) {
		mask[0] = (uint8_t)(STUN_MAGIC_COOKIE >> 24);
		mask[1] = (uint8_t)(STUN_MAGIC_COOKIE >> 16);
		mask[2] = (uint8_t)(STUN_MAGIC_COOKIE >> 8);
		mask[3] = (uint8_t)STUN_MAGIC_COOKIE;
		memcpy(mask + 4, b->tid, STUN_TID_LEN);
		port ^= (uint16_t)(STUN_MAGIC_COOKIE >> 16);
		for (i = 0; i < alen; i++)
			addr[i] ^= mask[i];
	}
	if (stun_add_header(b, type, 4 + alen) == -1)
		return -1;
	(void)buf_put_u8(&b->w, 0);
	(void)buf_put_u8(&b->w, family);
	(void)buf_put_n16(&b->w, port);
	(void)buf_put_bytes(&b->w, addr, alen);
	return stun_add_end(b, 4 + alen);
}

/* MAPPED-ADDRESS style (RFC 8489 §14.1). */
int
stun_add_addr(struct stun_builder *b, uint16_t type, const struct sockaddr *sa)
{
	return stun_encode_addr(b, type, sa, 0);
}

/* XOR-MAPPED/PEER/RELAYED-ADDRESS (RFC 8489 §14.2). */
int
stun_add_xor_addr(struct stun_builder *b, uint16_t type,
    const struct sockaddr *sa)
{
	return stun_encode_addr(b, type, sa, 1);
}

/*
 * ERROR-CODE (RFC 8489 §14.8): code 300..699 as class and number, and a
 * reason phrase (the standard one if reason is NULL), at most
 * STUN_MAX_REASON bytes of UTF-8.
 */
int
stun_add_error(struct stun_builder *b, unsigned code, const char *reason)
{
	size_t n;

	if (code < STUN_ERROR_CLASS_MIN * 100 ||
	    code > STUN_ERROR_CLASS_MAX * 100 + STUN_ERROR_NUMBER_MAX)
		return stun_build_poison(b);
	if (reason == NULL)
		reason = stun_reason(code);
	if ((n = strlen(reason)) > STUN_MAX_REASON)
		return stun_build_poison(b);
	if (stun_add_header(b, STUN_A_ERROR_CODE, 4 + n) == -1)
		return -1;
	(void)buf_put_n16(&b->w, 0);
	(void)buf_put_u8(&b->w, (uint8_t)(code / 100));
	(void)buf_put_u8(&b->w, (uint8_t)(code % 100));
	(void)buf_put_bytes(&b->w, reason, n);
	return stun_add_end(b, 4 + n);
}

/* UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): 16-bit types, padded to 4. */
int
stun_add_unknown(struct stun_builder *b, const uint16_t *types, size_t n)
{
	size_t i;

	if (n > UINT16_MAX / 2)
		return stun_build_poison(b);
	if (stun_add_header(b, STUN_A_UNKNOWN_ATTRIBUTES, 2 * n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		(void)buf_put_n16(&b->w, types[i]);
	return stun_add_end(b, 2 * n);
}

/* CHANNEL-NUMBER (RFC 8656 §18.1): the number and 2 zero RFFU bytes. */
int
stun_add_channel(struct stun_builder *b, uint16_t channel)
{
	if (stun_add_header(b, STUN_A_CHANNEL_NUMBER, STUN_CHANNEL_LEN) == -1)
		return -1;
	(void)buf_put_n16(&b->w, channel);
	(void)buf_put_n16(&b->w, 0);
	return stun_add_end(b, STUN_CHANNEL_LEN);
}

/*
 * Append a MAC of maclen bytes (RFC 8489 §14.5, §14.6): reserve the
 * attribute, set the header length to include it, then MAC everything
 * before it.
 */
static int
stun_add_mac(struct stun_builder *b, uint16_t type, size_t maclen,
    const uint8_t *key, size_t keylen)
{
	uint8_t *mac;
	size_t start = buf_wr_len(&b->w);
	int rc;

	if (stun_add_header(b, type, maclen) == -1 ||
	    buf_put_reserve(&b->w, maclen, &mac) == -1 ||
	    stun_build_setlen(b) == -1)
		return -1;
	if (type == STUN_A_MESSAGE_INTEGRITY)
		rc = crypto_hmac_sha1(key, keylen, b->w.data, start, mac);
	else
		rc = crypto_hmac_sha256(key, keylen, b->w.data, start, mac);
	if (rc == -1)
		return stun_build_poison(b);
	return 0;
}

/* MESSAGE-INTEGRITY, HMAC-SHA1 under key (RFC 8489 §14.5). */
int
stun_add_integrity(struct stun_builder *b, const uint8_t *key, size_t keylen)
{
	return stun_add_mac(b, STUN_A_MESSAGE_INTEGRITY, CRYPTO_SHA1_LEN, key,
	    keylen);
}

/* MESSAGE-INTEGRITY-SHA256, the full 32 bytes (RFC 8489 §14.6). */
int
stun_add_integrity_sha256(struct stun_builder *b, const uint8_t *key,
    size_t keylen)
{
	return stun_add_mac(b, STUN_A_MESSAGE_INTEGRITY_SHA256,
	    CRYPTO_SHA256_LEN, key, keylen);
}

/* FINGERPRINT (RFC 8489 §14.7): CRC-32 of all before it, XOR 0x5354554e. */
int
stun_add_fingerprint(struct stun_builder *b)
{
	uint8_t *fp;
	size_t start = buf_wr_len(&b->w);
	uint32_t crc;

	if (stun_add_header(b, STUN_A_FINGERPRINT,
	    STUN_FINGERPRINT_LEN) == -1 ||
	    buf_put_reserve(&b->w, STUN_FINGERPRINT_LEN, &fp) == -1 ||
	    stun_build_setlen(b) == -1)
		return -1;
	crc = stun_crc32(b->w.data, start) ^ STUN_FINGERPRINT_XOR;
	fp[0] = (uint8_t)(crc >> 24);
	fp[1] = (uint8_t)(crc >> 16);
	fp[2] = (uint8_t)(crc >> 8);
	fp[3] = (uint8_t)crc;
	return 0;
}

/* The finished message's length, or -1 if anything failed. */
ssize_t
stun_build_finish(struct stun_builder *b)
{
	if (buf_wr_error(&b->w) == -1)
		return -1;
	return (ssize_t)buf_wr_len(&b->w);
}

/* Reason phrases: RFC 8489 §14.8, RFC 8656 §18, RFC 6062 §6.3, RFC 8016. */
static const struct {
	unsigned	 code;
	const char	*reason;
} stun_reasons[] = {
	{ 300, "Try Alternate" },
	{ 400, "Bad Request" },
	{ 401, "Unauthenticated" },
	{ 403, "Forbidden" },
	{ 405, "Mobility Forbidden" },
	{ 420, "Unknown Attribute" },
	{ 437, "Allocation Mismatch" },
	{ 438, "Stale Nonce" },
	{ 440, "Address Family not Supported" },
	{ 441, "Wrong Credentials" },
	{ 442, "Unsupported Transport Protocol" },
	{ 443, "Peer Address Family Mismatch" },
	{ 446, "Connection Already Exists" },
	{ 447, "Connection Timeout or Failure" },
	{ 486, "Allocation Quota Reached" },
	{ 500, "Server Error" },
	{ 508, "Insufficient Capacity" },
};

/* The standard reason phrase of an error code, or "". */
const char *
stun_reason(unsigned code)
{
	size_t i;

	for (i = 0; i < sizeof(stun_reasons) / sizeof(stun_reasons[0]); i++)
		if (stun_reasons[i].code == code)
			return stun_reasons[i].reason;
	return "";
}

/*
 * ChannelData (RFC 8656 §12.4).  Over UDP the padding is optional, so
 * bytes after the data are allowed and ignored.
 */
int
stun_channeldata_parse(const uint8_t *p, size_t len, uint16_t *channel,
    const uint8_t **data, size_t *datalen)
{
	struct buf_reader r;
	uint16_t ch, n;

	buf_rd_init(&r, p, len);
	if (buf_get_n16(&r, &ch) == -1 || buf_get_n16(&r, &n) == -1)
		return -1;
	if (ch < STUN_CHANNEL_MIN || ch > STUN_CHANNEL_MAX)
		return -1;
	if (buf_get_ptr(&r, n, data) == -1)
		return -1;
	*channel = ch;
	*datalen = n;
	return 0;
}

/* The 4-byte ChannelData header (RFC 8656 §12.4). */
void
stun_channeldata_header(uint8_t hdr[STUN_CHANNELDATA_HDR], uint16_t channel,
    uint16_t datalen)
{
	struct buf_writer w;

	buf_wr_init(&w, hdr, STUN_CHANNELDATA_HDR);
	(void)buf_put_n16(&w, channel);
	(void)buf_put_n16(&w, datalen);
}

/*
 * Frame the start of a TCP/TLS stream (RFC 8489 §6.2.2, RFC 8656 §12.5):
 * STUN is 20 + length bytes; ChannelData is 4 + length, padded to 4.
 * Returns 0 until the whole (padded) frame is buffered.
 */
ssize_t
stun_stream_frame(const uint8_t *p, size_t len, size_t *consume)
{
	struct buf_reader r;
	uint32_t cookie;
	uint16_t n;
	uint8_t first;
	size_t frame, total;

	buf_rd_init(&r, p, len);
	if (buf_peek_u8(&r, &first) == -1)
		return 0;
	if ((first & STUN_TOP_BITS) == 0) {
		if (buf_skip(&r, 2) == -1 || buf_get_n16(&r, &n) == -1)
			return 0;
		if (n % STUN_ALIGN != 0 || STUN_HEADER_LEN + n > STUN_MAX_MSG)
			return -1;
		if (buf_get_n32(&r, &cookie) == -1)
			return 0;
		if (cookie != STUN_MAGIC_COOKIE)
			return -1;
		frame = total = STUN_HEADER_LEN + (size_t)n;
	} else if (first >= STUN_CHANNEL_MIN >> 8 &&
	    first <= STUN_CHANNEL_MAX >> 8) {
		if (buf_skip(&r, 2) == -1 || buf_get_n16(&r, &n) == -1)
			return 0;
		frame = STUN_CHANNELDATA_HDR + (size_t)n;
		total = frame + STUN_PAD(frame);
	} else
		return -1;
	if (len < total)
		return 0;
	*consume = total;
	return (ssize_t)frame;
}
