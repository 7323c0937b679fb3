/*
 * encode.c - hex, base32 and base64 text encodings (RFC 4648).
 *
 * Owns the encode_* functions.  Encoders always NUL-terminate; decoders
 * are strict: one canonical text per byte string, so an ID or token has
 * exactly one spelling (apart from the letter case hex and base32 allow).
 * Base32 is unpadded and lower case; base64 is padded.  Neither decoder
 * accepts whitespace.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "chorus/encode.h"

#define ENCODE_BAD		0xff	/* not in the alphabet */
#define ENCODE_BASE32_BITS	5
#define ENCODE_BASE64_BITS	6

static const char encode_hexdigits[] = "0123456789abcdef";
static const char encode_b32alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char encode_b64alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of one hex digit, or ENCODE_BAD. */
static uint8_t
encode_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (uint8_t)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (uint8_t)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (uint8_t)(c - 'A' + 10);
	return ENCODE_BAD;
}

/* Value of one base32 character (either case), or ENCODE_BAD. */
static uint8_t
encode_b32val(char c)
{
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(c - 'a');
	if (c >= 'A' && c <= 'Z')
		return (uint8_t)(c - 'A');
	if (c >= '2' && c <= '7')
		return (uint8_t)(c - '2' + 26);
	return ENCODE_BAD;
}

/* Value of one base64 character, or ENCODE_BAD ('=' included). */
static uint8_t
encode_b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (uint8_t)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (uint8_t)(c - '0' + 52);
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return ENCODE_BAD;
}

/* Lower-case hex of inlen bytes. */
ssize_t
encode_hex(const void *in, size_t inlen, char *out, size_t outlen)
{
	const uint8_t *p = in;
	size_t i;

	if (inlen > (SSIZE_MAX - 1) / 2 || outlen < ENCODE_HEX_LEN(inlen))
		return -1;
	for (i = 0; i < inlen; i++) {
		out[2 * i] = encode_hexdigits[p[i] >> 4];
		out[2 * i + 1] = encode_hexdigits[p[i] & 0x0f];
	}
	out[2 * inlen] = '\0';
	return (ssize_t)(2 * inlen);
}

/* Decode hex of either case; an odd length is bad. */
ssize_t
encode_unhex(const char *in, size_t inlen, void *out, size_t outlen)
{
	uint8_t *o = out;
	uint8_t hi, lo;
	size_t i;

	if (inlen % 2 != 0 || outlen < inlen / 2)
		return -1;
	for (i = 0; i < inlen / 2; i++) {
		hi = encode_hexval(in[2 * i]);
		lo = encode_hexval(in[2 * i + 1]);
		if (hi == ENCODE_BAD || lo == ENCODE_BAD)
			return -1;
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(inlen / 2);
}

/* Unpadded lower-case base32 (RFC 4648 §6 alphabet). */
ssize_t
encode_base32(const void *in, size_t inlen, char *out, size_t outlen)
{
	const uint8_t *p = in;
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	if (inlen > (SSIZE_MAX - 5) / 8 || outlen < ENCODE_BASE32_LEN(inlen))
		return -1;
	for (i = 0; i < inlen; i++) {
		acc = (acc << 8 | p[i]) & 0xfff;
		bits += 8;
		while (bits >= ENCODE_BASE32_BITS) {
			bits -= ENCODE_BASE32_BITS;
			out[n++] = encode_b32alpha[(acc >> bits) & 0x1f];
		}
	}
	/* The last character carries the leftover bits, zero-filled. */
	if (bits > 0)
		out[n++] = encode_b32alpha[(acc << (ENCODE_BASE32_BITS - bits))
		    & 0x1f];
	out[n] = '\0';
	return (ssize_t)n;
}

/*
 * Decode unpadded base32 of either case.  Lengths that no byte string
 * encodes to (1, 3 or 6 mod 8) are bad, and so are non-zero bits left
 * over after the last whole byte (a second spelling of the same bytes).
 */
ssize_t
encode_unbase32(const char *in, size_t inlen, void *out, size_t outlen)
{
	uint8_t *o = out;
	uint32_t acc = 0;
	size_t i, n = 0;
	uint8_t v;
	int bits = 0;

	switch (inlen % 8) {
	case 1:
	case 3:
	case 6:
		return -1;
	}
	if (outlen < inlen / 8 * 5 + inlen % 8 * ENCODE_BASE32_BITS / 8)
		return -1;
	for (i = 0; i < inlen; i++) {
		if ((v = encode_b32val(in[i])) == ENCODE_BAD)
			return -1;
		acc = (acc << ENCODE_BASE32_BITS | v) & 0xfff;
		bits += ENCODE_BASE32_BITS;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (uint8_t)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (ssize_t)n;
}

/* Padded base64 (RFC 4648 §4). */
ssize_t
encode_base64(const void *in, size_t inlen, char *out, size_t outlen)
{
	const uint8_t *p = in;
	uint32_t v;
	size_t i, n = 0, rest;

	if (inlen > (SSIZE_MAX - 1) / 4 * 3 - 2 ||
	    outlen < ENCODE_BASE64_LEN(inlen))
		return -1;
	for (i = 0; i + 3 <= inlen; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[n++] = encode_b64alpha[v >> 18];
		out[n++] = encode_b64alpha[(v >> 12) & 0x3f];
		out[n++] = encode_b64alpha[(v >> 6) & 0x3f];
		out[n++] = encode_b64alpha[v & 0x3f];
	}
	rest = inlen - i;
	if (rest > 0) {
		v = (uint32_t)p[i] << 16;
		if (rest == 2)
			v |= (uint32_t)p[i + 1] << 8;
		out[n++] = encode_b64alpha[v >> 18];
		out[n++] = encode_b64alpha[(v >> 12) & 0x3f];
		out[n++] = rest == 2 ? encode_b64alpha[(v >> 6) & 0x3f] : '=';
		out[n++] = '=';
	}
	out[n] = '\0';
	return (ssize_t)n;
}

/*
 * Decode padded base64.  The length must be a multiple of 4, '=' may only
 * be the last one or two characters, and the bits the padding leaves over
 * must be zero.
 */
ssize_t
encode_unbase64(const char *in, size_t inlen, void *out, size_t outlen)
{
	uint8_t *o = out;
	uint8_t c[4];
	uint32_t v;
	size_t i, j, n = 0, pad = 0, need;

	if (inlen % 4 != 0)
		return -1;
	if (inlen > 0 && in[inlen - 1] == '=') {
		pad++;
		if (in[inlen - 2] == '=')
			pad++;
	}
	/* "x===" style or "xx=y": caught below as bad characters. */
	need = inlen / 4 * 3 - pad;
	if (outlen < need)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		for (j = 0; j < 4; j++) {
			if (i + j >= inlen - pad) {
				c[j] = 0;
				continue;
			}
			if ((c[j] = encode_b64val(in[i + j])) == ENCODE_BAD)
				return -1;
		}
		v = (uint32_t)c[0] << 18 | (uint32_t)c[1] << 12 |
		    (uint32_t)c[2] << 6 | c[3];
		if (i + 4 < inlen || pad == 0) {
			o[n++] = (uint8_t)(v >> 16);
			o[n++] = (uint8_t)(v >> 8);
			o[n++] = (uint8_t)v;
		} else if (pad == 1) {
			if ((v & 0xff) != 0)
				return -1;
			o[n++] = (uint8_t)(v >> 16);
			o[n++] = (uint8_t)(v >> 8);
		} else {
			if ((v & 0xffff) != 0)
				return -1;
			o[n++] = (uint8_t)(v >> 16);
		}
	}
	return (ssize_t)n;
}
