/*
 * encode.h - text encodings for keys, IDs and tokens.
 *
 * hex (lower case out, either case in), base32 (RFC 4648 alphabet, lower
 * case, no padding: how node IDs and fingerprints are shown) and base64
 * (RFC 4648 with padding, for TURN REST credentials).
 * Encoders NUL-terminate and return the string length, or -1 if outlen is
 * too small.  Decoders return the number of bytes written, or -1 on any
 * bad character, bad length or lack of room.
 */
#ifndef CHORUS_ENCODE_H
#define CHORUS_ENCODE_H

#include <stddef.h>
#include <sys/types.h>

/* Output sizes, terminating NUL included. */
#define ENCODE_HEX_LEN(n)	((n) * 2 + 1)
#define ENCODE_BASE32_LEN(n)	(((n) * 8 + 4) / 5 + 1)
#define ENCODE_BASE64_LEN(n)	((((n) + 2) / 3) * 4 + 1)

ssize_t	encode_hex(const void *in, size_t inlen, char *out, size_t outlen);
ssize_t	encode_unhex(const char *in, size_t inlen, void *out, size_t outlen);
ssize_t	encode_base32(const void *in, size_t inlen, char *out, size_t outlen);
ssize_t	encode_unbase32(const char *in, size_t inlen, void *out, size_t outlen);
ssize_t	encode_base64(const void *in, size_t inlen, char *out, size_t outlen);
ssize_t	encode_unbase64(const char *in, size_t inlen, void *out, size_t outlen);

#endif
