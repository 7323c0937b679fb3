/*
 * test_media.c - media frames: round trip, every flipped bit of a sealed
 * frame refused, wrong epoch and sender keys refused, per-sender keys,
 * header parse errors, seal limits, level helpers, known-answer vectors.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/media.h"
#include "../tap.h"

/*
 * Known answers, computed independently with Python 3's hmac and hashlib
 * (RFC 5869 HKDF written out by hand) and, for the frame, the
 * "cryptography" package's ChaCha20Poly1305; media key = 00 01 .. 1f.
 */
static const struct {
	uint16_t	 epoch;
	uint32_t	 sender;
	const char	*key;
} kat_keys[] = {
	{ 7, 3,
	  "55193682efcc279acca075cc9cf14cea11776ecaefcb73eab131448d35292900" },
	{ 0x1234, 0xdeadbeef,
	  "23eebb9e3fde317d8bdeaef92b19a67d9f02a3422794e25225ac4a4d99965393" },
};
/* Epoch 7, sender 3, seq 1, timestamp 960, VAD, level 30, fc0102030405. */
#define KAT_FRAME	"600000000300000001000003c000071e" \
			"e79b357b43a28d4d6bc680243b20cf10a426668ea8cd"
#define KAT_OPUS	"fc0102030405"

static uint8_t media_key[MEDIA_KEY_LEN];

/* A header with the given sender and otherwise fixed fields. */
static struct media_header
make_header(uint32_t sender)
{
	struct media_header h;

	memset(&h, 0, sizeof(h));
	h.version = MEDIA_VERSION;
	h.vad = 1;
	h.sender = sender;
	h.seq = 0x01020304;
	h.timestamp = 0xa0b0c0d0;
	h.epoch = 9;
	h.level = 42;
	return h;
}

/* 1 if two headers hold the same fields. */
static int
header_eq(const struct media_header *a, const struct media_header *b)
{
	return a->version == b->version && a->vad == b->vad &&
	    a->sender == b->sender && a->seq == b->seq &&
	    a->timestamp == b->timestamp && a->epoch == b->epoch &&
	    a->level == b->level;
}

/* The sender keys against the Python vectors. */
static void
test_kat(void)
{
	uint8_t key[MEDIA_KEY_LEN], want[MEDIA_KEY_LEN], frame[64];
	uint8_t opus[8], out[MEDIA_MAX_PAYLOAD];
	struct media_header h;
	size_t i, flen, olen, n;

	for (i = 0; i < sizeof(kat_keys) / sizeof(kat_keys[0]); i++) {
		tap_unhex(kat_keys[i].key, want, sizeof(want));
		tap_ok(media_sender_key(media_key, kat_keys[i].epoch,
		    kat_keys[i].sender, key) == 0, "sender key %zu derives", i);
		tap_is_mem(key, want, sizeof(key), "sender key vector");
	}

	tap_unhex(kat_keys[0].key, key, sizeof(key));
	flen = tap_unhex(KAT_FRAME, frame, sizeof(frame));
	n = tap_unhex(KAT_OPUS, opus, sizeof(opus));
	tap_ok(media_open(key, frame, flen, &h, out, sizeof(out), &olen) == 0,
	    "known frame opens");
	tap_ok(olen == n && memcmp(out, opus, n) == 0, "known frame payload");
	tap_ok(h.version == 1 && h.vad == 1 && h.sender == 3 && h.seq == 1 &&
	    h.timestamp == 960 && h.epoch == 7 && h.level == 30,
	    "known frame header");
	tap_ok(media_seal(key, &h, opus, n, out, sizeof(out), &olen) == 0 &&
	    olen == flen && memcmp(out, frame, flen) == 0,
	    "sealing it again gives the same bytes");
}

/* Seal, parse, open; sizes and limits. */
static void
test_round_trip(void)
{
	uint8_t key[MEDIA_KEY_LEN], opus[MEDIA_MAX_PAYLOAD + 1];
	uint8_t frame[MEDIA_MAX_FRAME + 1], out[MEDIA_MAX_PAYLOAD];
	struct media_header h = make_header(5), back;
	size_t i, flen, olen;

	for (i = 0; i < sizeof(opus); i++)
		opus[i] = (uint8_t)(i * 13 + 5);
	tap_ok(media_sender_key(media_key, h.epoch, h.sender, key) == 0,
	    "sender key");

	tap_ok(media_seal(key, &h, opus, 100, frame, sizeof(frame),
	    &flen) == 0, "seal 100 bytes");
	tap_is_int(flen, MEDIA_HEADER_LEN + 100 + MEDIA_TAG_LEN, "frame length");
	tap_is_mem(frame, "\x60\x00\x00\x00\x05\x01\x02\x03\x04"
	    "\xa0\xb0\xc0\xd0\x00\x09\x2a", MEDIA_HEADER_LEN,
	    "header bytes on the wire");
	tap_ok(memcmp(frame + MEDIA_HEADER_LEN, opus, 100) != 0,
	    "payload is not in the clear");
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_OK,
	    "header parses without the key");
	tap_ok(header_eq(&back, &h), "parsed header equals sealed header");
	tap_ok(media_open(key, frame, flen, &back, out, sizeof(out),
	    &olen) == 0, "open");
	tap_ok(olen == 100 && memcmp(out, opus, 100) == 0, "payload back");
	tap_ok(header_eq(&back, &h), "opened header equals sealed header");
	tap_ok(media_open(key, frame, flen, &back, out, 99, &olen) == -1,
	    "open refuses a short output buffer");

	h.vad = 0;
	h.level = MEDIA_LEVEL_SILENCE;
	tap_ok(media_seal(key, &h, opus, MEDIA_MAX_PAYLOAD, frame,
	    sizeof(frame), &flen) == 0 && flen == MEDIA_MAX_FRAME,
	    "seal the largest Opus packet");
	tap_ok(media_open(key, frame, flen, &back, out, sizeof(out),
	    &olen) == 0 && olen == MEDIA_MAX_PAYLOAD && header_eq(&back, &h) &&
	    memcmp(out, opus, olen) == 0, "open it, no VAD, silence");
	tap_ok(media_seal(key, &h, opus, MEDIA_MIN_PAYLOAD, frame,
	    sizeof(frame), &flen) == 0 && flen == MEDIA_MIN_FRAME,
	    "seal a one-byte packet");

	tap_ok(media_seal(key, &h, opus, MEDIA_MAX_PAYLOAD + 1, frame,
	    sizeof(frame), &flen) == -1 && flen == 0, "seal refuses 1276 bytes");
	tap_ok(media_seal(key, &h, opus, 0, frame, sizeof(frame),
	    &flen) == -1, "seal refuses an empty packet");
	tap_ok(media_seal(key, &h, opus, 100, frame,
	    MEDIA_HEADER_LEN + 100 + MEDIA_TAG_LEN - 1, &flen) == -1,
	    "seal refuses a short output buffer");
	h.level = 128;
	tap_ok(media_seal(key, &h, opus, 10, frame, sizeof(frame),
	    &flen) == -1, "seal refuses level 128");
	h.level = 0;
	h.version = 2;
	tap_ok(media_seal(key, &h, opus, 10, frame, sizeof(frame),
	    &flen) == -1, "seal refuses version 2");
}

/* Every single-bit flip of a short sealed frame must be refused. */
static void
test_flips(void)
{
	uint8_t key[MEDIA_KEY_LEN], frame[64], out[MEDIA_MAX_PAYLOAD];
	struct media_header h = make_header(1), back;
	size_t bit, flen, olen, bad = 0;

	media_sender_key(media_key, h.epoch, h.sender, key);
	if (media_seal(key, &h, "opus!", 5, frame, sizeof(frame), &flen) == -1)
		flen = 0;
	tap_is_int(flen, 37, "short frame sealed");
	for (bit = 0; bit < flen * 8; bit++) {
		frame[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (media_open(key, frame, flen, &back, out, sizeof(out),
		    &olen) != -1 || olen != 0 || back.version != 0)
			bad++;
		frame[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	tap_is_int(bad, 0, "all 296 single-bit flips refused, header wiped");
	tap_ok(media_open(key, frame, flen, &back, out, sizeof(out),
	    &olen) == 0, "unflipped frame still opens");
	tap_ok(media_open(key, frame, flen - 1, &back, out, sizeof(out),
	    &olen) == -1, "a truncated frame is refused");
}

/* Keys for another epoch or sender do not open; senders never collide. */
static void
test_keys(void)
{
	uint8_t k1[MEDIA_KEY_LEN], k2[MEDIA_KEY_LEN], ke[MEDIA_KEY_LEN];
	uint8_t other[MEDIA_KEY_LEN];
	uint8_t f1[64], f2[64], out[MEDIA_MAX_PAYLOAD];
	struct media_header h1 = make_header(1), h2 = make_header(2), back;
	size_t l1, l2, olen;

	media_sender_key(media_key, h1.epoch, 1, k1);
	media_sender_key(media_key, h2.epoch, 2, k2);
	media_sender_key(media_key, h1.epoch + 1, 1, ke);
	tap_ok(memcmp(k1, k2, sizeof(k1)) != 0, "senders get different keys");
	tap_ok(memcmp(k1, ke, sizeof(k1)) != 0, "epochs get different keys");
	memcpy(other, media_key, sizeof(other));
	other[0] ^= 0x80;
	media_sender_key(other, h1.epoch, 1, other);
	tap_ok(memcmp(k1, other, sizeof(k1)) != 0,
	    "another media key gives another sender key");

	media_seal(k1, &h1, "same", 4, f1, sizeof(f1), &l1);
	media_seal(k2, &h2, "same", 4, f2, sizeof(f2), &l2);
	tap_ok(l1 == l2 && memcmp(f1 + MEDIA_HEADER_LEN, f2 + MEDIA_HEADER_LEN,
	    l1 - MEDIA_HEADER_LEN) != 0,
	    "two senders, same payload, seq and timestamp: ciphertexts differ");
	tap_ok(media_open(k2, f1, l1, &back, out, sizeof(out), &olen) == -1,
	    "another sender's key is refused");
	tap_ok(media_open(ke, f1, l1, &back, out, sizeof(out), &olen) == -1,
	    "another epoch's key is refused");
	tap_ok(media_open(other, f1, l1, &back, out, sizeof(out),
	    &olen) == -1, "another media key is refused");
	tap_ok(media_open(k2, f2, l2, &back, out, sizeof(out), &olen) == 0 &&
	    olen == 4 && memcmp(out, "same", 4) == 0, "the right key opens");
}

/* Header parse errors. */
static void
test_parse(void)
{
	uint8_t key[MEDIA_KEY_LEN], frame[MEDIA_MAX_FRAME + 1];
	struct media_header h = make_header(7), back;
	size_t flen;
	int v;

	memset(frame, 0, sizeof(frame));
	media_sender_key(media_key, h.epoch, h.sender, key);
	media_seal(key, &h, "x", 1, frame, sizeof(frame), &flen);
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_OK,
	    "minimal frame parses");
	tap_is_int(media_header_parse(&back, frame, flen - 1), MEDIA_ERR_SHORT,
	    "one byte short");
	tap_is_int(media_header_parse(&back, frame, MEDIA_HEADER_LEN),
	    MEDIA_ERR_SHORT, "header only");
	tap_is_int(media_header_parse(&back, frame, 0), MEDIA_ERR_SHORT,
	    "empty");
	tap_is_int(media_header_parse(&back, frame, MEDIA_MAX_FRAME), MEDIA_OK,
	    "largest frame parses");
	tap_is_int(media_header_parse(&back, frame, MEDIA_MAX_FRAME + 1),
	    MEDIA_ERR_LONG, "oversize frame");
	tap_ok(back.version == 0 && back.sender == 0, "header zeroed on error");
	for (v = 0; v < 4; v++) {
		if (v == MEDIA_VERSION)
			continue;
		frame[0] = (uint8_t)(v << 6 | 0x20);
		tap_is_int(media_header_parse(&back, frame, flen),
		    MEDIA_ERR_VERSION, "version refused");
	}
	frame[0] = 0x61;
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_ERR_RESERVED,
	    "reserved flag bit 0");
	frame[0] = 0x50;
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_ERR_RESERVED,
	    "reserved flag bit 4");
	frame[0] = 0x40;
	frame[15] = 128;
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_ERR_LEVEL,
	    "level 128");
	frame[15] = 127;
	tap_is_int(media_header_parse(&back, frame, flen), MEDIA_OK,
	    "level 127 (silence)");
	tap_ok(back.vad == 0, "VAD bit clear read as 0");
	tap_is_str(media_strerror(MEDIA_ERR_LEVEL), "audio level out of range",
	    "strerror");
}

/* The RFC 6464 level conversions. */
static void
test_levels(void)
{
	tap_is_int(media_level_dbov(0), 0, "level 0 is 0 dBov");
	tap_is_int(media_level_dbov(127), -127, "level 127 is -127 dBov");
	tap_is_int(media_level_dbov(200), -127, "level 200 clamps");
	tap_is_int(media_level_from_dbov(-30), 30, "-30 dBov is 30");
	tap_is_int(media_level_from_dbov(3), 0, "+3 dBov clamps to 0");
	tap_is_int(media_level_from_dbov(-300), 127, "-300 dBov is silence");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(media_key); i++)
		media_key[i] = (uint8_t)i;
	test_kat();
	test_round_trip();
	test_flips();
	test_keys();
	test_parse();
	test_levels();
	return tap_done();
}
