/*
 * media.c - end-to-end encrypted media frames (SFrame-like).
 *
 * Owns the frame layout and the per-sender key and nonce derivation of
 * doc/PROTOCOL.md "End-to-end media frames": a 16-byte header the node
 * reads to pick loud speakers, then ChaCha20-Poly1305 over the Opus
 * packet with the header as associated data.  Keys are per (media key,
 * epoch, sender), so two senders never share a (key, nonce); the nonce is
 * the sender's 32-bit sequence and timestamp.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/media.h"

#define MEDIA_VERSION_SHIFT	6
#define MEDIA_FLAG_VAD		0x20
#define MEDIA_FLAGS_RESERVED	0x1f
#define MEDIA_LEVEL_MAX		127
#define MEDIA_INFO_LEN		(sizeof(MEDIA_SENDER_INFO) - 1)

/* Read the 16 header bytes (field ranges checked by the caller). */
static int
media_header_read(struct buf_reader *rd, uint8_t *flags,
    struct media_header *hdr)
{
	if (buf_get_u8(rd, flags) == -1 ||
	    buf_get_n32(rd, &hdr->sender) == -1 ||
	    buf_get_n32(rd, &hdr->seq) == -1 ||
	    buf_get_n32(rd, &hdr->timestamp) == -1 ||
	    buf_get_n16(rd, &hdr->epoch) == -1 ||
	    buf_get_u8(rd, &hdr->level) == -1)
		return -1;
	hdr->version = *flags >> MEDIA_VERSION_SHIFT;
	hdr->vad = (*flags & MEDIA_FLAG_VAD) != 0;
	return 0;
}

/* Check the frame's length and header fields (doc/PROTOCOL.md). */
enum media_error
media_header_parse(struct media_header *hdr, const uint8_t *frame,
    size_t len)
{
	struct buf_reader rd;
	uint8_t flags;

	memset(hdr, 0, sizeof(*hdr));
	if (len < MEDIA_MIN_FRAME)
		return MEDIA_ERR_SHORT;
	if (len > MEDIA_MAX_FRAME)
		return MEDIA_ERR_LONG;
	buf_rd_init(&rd, frame, len);
	if (media_header_read(&rd, &flags, hdr) == -1) {
		memset(hdr, 0, sizeof(*hdr));
		return MEDIA_ERR_SHORT;
	}
	if (hdr->version != MEDIA_VERSION) {
		memset(hdr, 0, sizeof(*hdr));
		return MEDIA_ERR_VERSION;
	}
	if ((flags & MEDIA_FLAGS_RESERVED) != 0) {
		memset(hdr, 0, sizeof(*hdr));
		return MEDIA_ERR_RESERVED;
	}
	if (hdr->level > MEDIA_LEVEL_MAX) {
		memset(hdr, 0, sizeof(*hdr));
		return MEDIA_ERR_LEVEL;
	}
	return MEDIA_OK;
}

/* A fixed string for each parse error. */
const char *
media_strerror(enum media_error e)
{
	switch (e) {
	case MEDIA_OK:
		return "ok";
	case MEDIA_ERR_SHORT:
		return "frame too short";
	case MEDIA_ERR_LONG:
		return "frame too long";
	case MEDIA_ERR_VERSION:
		return "unknown version";
	case MEDIA_ERR_RESERVED:
		return "reserved flag set";
	case MEDIA_ERR_LEVEL:
		return "audio level out of range";
	}
	return "unknown error";
}

/* HKDF-SHA256 of the media key, salted by epoch, labelled by sender. */
int
media_sender_key(const uint8_t media_key[MEDIA_KEY_LEN], uint16_t epoch,
    uint32_t sender, uint8_t out[MEDIA_KEY_LEN])
{
	uint8_t salt[2], info[MEDIA_INFO_LEN + 4];
	struct buf_writer wr;

	buf_wr_init(&wr, salt, sizeof(salt));
	buf_put_n16(&wr, epoch);
	buf_wr_init(&wr, info, sizeof(info));
	buf_put_bytes(&wr, MEDIA_SENDER_INFO, MEDIA_INFO_LEN);
	buf_put_n32(&wr, sender);
	if (buf_wr_error(&wr) == -1 ||
	    crypto_hkdf_sha256(salt, sizeof(salt), media_key, MEDIA_KEY_LEN,
	    info, sizeof(info), out, MEDIA_KEY_LEN) == -1) {
		crypto_wipe(out, MEDIA_KEY_LEN);
		return -1;
	}
	return 0;
}

/* IV = 4 zero bytes || seq (4, BE) || timestamp (4, BE). */
static void
media_iv(const struct media_header *hdr, uint8_t iv[CRYPTO_AEAD_NONCE_LEN])
{
	struct buf_writer wr;

	buf_wr_init(&wr, iv, CRYPTO_AEAD_NONCE_LEN);
	buf_put_zero(&wr, 4);
	buf_put_n32(&wr, hdr->seq);
	buf_put_n32(&wr, hdr->timestamp);
}

/* Header as AD, Opus packet encrypted, tag appended. */
int
media_seal(const uint8_t sender_key[MEDIA_KEY_LEN],
    const struct media_header *hdr, const void *opus, size_t len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct buf_writer wr;
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN], *ct;
	size_t total;

	*outlen = 0;
	if (hdr->version != MEDIA_VERSION || hdr->vad > 1 ||
	    hdr->level > MEDIA_LEVEL_MAX ||
	    len < MEDIA_MIN_PAYLOAD || len > MEDIA_MAX_PAYLOAD)
		return -1;
	total = MEDIA_HEADER_LEN + len + MEDIA_TAG_LEN;
	if (cap < total)
		return -1;
	buf_wr_init(&wr, out, cap);
	buf_put_u8(&wr, (uint8_t)(MEDIA_VERSION << MEDIA_VERSION_SHIFT |
	    (hdr->vad ? MEDIA_FLAG_VAD : 0)));
	buf_put_n32(&wr, hdr->sender);
	buf_put_n32(&wr, hdr->seq);
	buf_put_n32(&wr, hdr->timestamp);
	buf_put_n16(&wr, hdr->epoch);
	buf_put_u8(&wr, hdr->level);
	if (buf_put_reserve(&wr, len + MEDIA_TAG_LEN, &ct) == -1 ||
	    buf_wr_error(&wr) == -1 || buf_wr_len(&wr) != total)
		return -1;
	media_iv(hdr, iv);
	if (crypto_aead_seal_iv(sender_key, iv, out, MEDIA_HEADER_LEN, opus,
	    len, ct) == -1) {
		crypto_wipe(out, total);
		return -1;
	}
	*outlen = total;
	return 0;
}

/* Parse, then authenticate and decrypt; wipe everything on failure. */
int
media_open(const uint8_t sender_key[MEDIA_KEY_LEN], const uint8_t *frame,
    size_t len, struct media_header *hdr, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct buf_reader rd;
	const uint8_t *ad, *ct;
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN];
	size_t ptlen;

	*outlen = 0;
	if (media_header_parse(hdr, frame, len) != MEDIA_OK)
		return -1;
	ptlen = len - MEDIA_HEADER_LEN - MEDIA_TAG_LEN;
	buf_rd_init(&rd, frame, len);
	if (cap < ptlen ||
	    buf_get_ptr(&rd, MEDIA_HEADER_LEN, &ad) == -1 ||
	    buf_get_ptr(&rd, ptlen + MEDIA_TAG_LEN, &ct) == -1)
		goto fail;
	media_iv(hdr, iv);
	if (crypto_aead_open_iv(sender_key, iv, ad, MEDIA_HEADER_LEN, ct,
	    ptlen + MEDIA_TAG_LEN, out) == -1) {
		crypto_wipe(out, ptlen);
		goto fail;
	}
	*outlen = ptlen;
	return 0;
fail:
	memset(hdr, 0, sizeof(*hdr));
	return -1;
}

/* RFC 6464: the level byte is -dBov. */
int
media_level_dbov(uint8_t level)
{
	if (level > MEDIA_LEVEL_MAX)
		level = MEDIA_LEVEL_MAX;
	return -(int)level;
}

/* The inverse, clamped to 0..127. */
uint8_t
media_level_from_dbov(int dbov)
{
	if (dbov >= 0)
		return 0;
	if (dbov <= -MEDIA_LEVEL_MAX)
		return MEDIA_LEVEL_MAX;
	return (uint8_t)-dbov;
}
