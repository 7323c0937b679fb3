/*
 * netrec.c - node network records: descriptors, measurement reports,
 * vouches and room records as nodes publish them on the DHT
 * (doc/PROTOCOL.md "Node network records").
 *
 * Owns struct netrec, its one canonical byte layout, the Ed25519
 * signature over NETREC_LABEL || the bytes before it, and the order in
 * which a reader refuses a record: length, magic, version, kind, layout,
 * signature, binding, network, time.  The same field rules serve the
 * encoder and the parser, so nothing is signed that a reader refuses and
 * everything a reader accepts writes back byte for byte.  The network ID,
 * DHT key and room locator helpers live here too.  No clock: `now` comes
 * from the caller.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"

#define NETREC_MAGIC_LEN	4
#define NETREC_LABEL_LEN	(sizeof(NETREC_LABEL) - 1)
#define NETREC_NETWORK_LABEL_LEN (sizeof(NETREC_NETWORK_LABEL) - 1)
#define NETREC_DHT_LABEL_LEN	(sizeof(NETREC_DHT_LABEL) - 1)
#define NETREC_ROOM_LABEL_LEN	(sizeof(NETREC_ROOM_LABEL) - 1)
#define NETREC_ROOM_ID_LEN	32	/* a room ID (room.h ROOM_ID_LEN) */
#define NETREC_SIG_LEN		CRYPTO_ED25519_SIG_LEN
#define NETREC_BODY_MAX		(NETREC_MAX_LEN - NETREC_SIG_LEN)
#define NETREC_MSG_MAX		(NETREC_LABEL_LEN + NETREC_BODY_MAX)
#define NETREC_DHT_MSG_LEN	(NETREC_DHT_LABEL_LEN + \
				    NETREC_NETWORK_ID_LEN + 1 + \
				    CRYPTO_ED25519_PUB_LEN)
#define NETREC_LOCATOR_MSG_LEN	(NETREC_ROOM_LABEL_LEN + \
				    NETREC_NETWORK_ID_LEN + NETREC_ROOM_ID_LEN)
#define NETREC_V4_LEN		4
#define NETREC_V6_LEN		16
#define NETREC_NEG_ZERO		0x80000000u	/* float -0: +0 is canonical */

/* Floats travel as their IEEE 754 binary32 bits. */
_Static_assert(sizeof(float) == sizeof(uint32_t), "float is 32 bits");
_Static_assert(NETREC_HEADER_LEN == NETREC_MAGIC_LEN + 1 + 1 + 2 +
    CRYPTO_ED25519_PUB_LEN + NETREC_NETWORK_ID_LEN + 8 + 8, "header");
_Static_assert(NETREC_VOUCH_LEN == NETREC_HEADER_LEN +
    CRYPTO_ED25519_PUB_LEN + 4 + NETREC_SIG_LEN, "vouch length");
_Static_assert(NETREC_ROOM_LEN == NETREC_HEADER_LEN +
    CRYPTO_ED25519_PUB_LEN + 4 + NETREC_SIG_LEN, "room length");
_Static_assert(NETREC_ROOM_LEN >= NETREC_MIN_LEN, "room fits the bounds");
_Static_assert(NETREC_ROOM_LABEL_LEN == 22, "room locator label");
_Static_assert(CRYPTO_BLAKE2S_LEN == CRYPTO_ED25519_PUB_LEN,
    "a room locator is a whole BLAKE2s-256 digest");
_Static_assert(NETREC_REPORT_LEN == NETREC_HEADER_LEN +
    CRYPTO_ED25519_PUB_LEN + 8 + 8 + 4 + 4 + 8 + 4 * 4 + NETREC_SIG_LEN,
    "report length");
_Static_assert(NETREC_DESC_MAX_LEN == NETREC_HEADER_LEN + CRYPTO_X25519_LEN +
    CRYPTO_ED25519_SIG_LEN + 3 * 4 + 4 * 4 + 1 + NETREC_MAX_SOFTWARE + 1 +
    NETREC_MAX_REGION + 1 + NETREC_MAX_ADDRS * (1 + NETREC_V6_LEN + 6) +
    NETREC_SIG_LEN, "descriptor length");
_Static_assert(NETREC_DESC_MAX_LEN <= NETREC_MAX_LEN, "descriptor fits");

/* 1 if n bytes at s are all printable ASCII (0x20..0x7e). */
static int
netrec_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Length of a NUL-ended string of min..max printable characters, or -1. */
static long
netrec_string_len(const char *s, size_t min, size_t max)
{
	const char *nul;
	size_t n;

	if ((nul = memchr(s, '\0', max + 1)) == NULL)
		return -1;
	n = (size_t)(nul - s);
	if (n < min || !netrec_printable(s, n))
		return -1;
	return (long)n;
}

/* Vivaldi coordinate x or y: finite, |v| <= NETREC_MAX_COORD. */
static int
netrec_coord_ok(float v)
{
	return isfinite(v) && v >= -NETREC_MAX_COORD && v <= NETREC_MAX_COORD;
}

/* Height, or error estimate when max is NETREC_MAX_ERROR: 0..max. */
static int
netrec_positive_ok(float v, float max)
{
	return isfinite(v) && v >= 0.0f && v <= max;
}

/* Bits of v as written: -0 becomes +0, so each value has one encoding. */
static uint32_t
netrec_float_bits(float v)
{
	uint32_t bits;

	if (v == 0.0f)
		return 0;
	memcpy(&bits, &v, sizeof(bits));
	return bits;
}

/* Family 4 or 6, a specified address, IPv4 not mapped, some port. */
static int
netrec_addr_ok(const struct netrec_addr *a)
{
	static const uint8_t zero[NETREC_V6_LEN];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	size_t alen;

	if (a->family == 4)
		alen = NETREC_V4_LEN;
	else if (a->family == 6)
		alen = NETREC_V6_LEN;
	else
		return 0;
	if (memcmp(a->addr, zero, alen) == 0)
		return 0;
	/* ::ffff:a.b.c.d is written as family 4: one address, one form. */
	if (a->family == 6 && memcmp(a->addr, mapped, sizeof(mapped)) == 0)
		return 0;
	return a->udp_port != 0 || a->tcp_port != 0 || a->tls_port != 0;
}

/* The descriptor's field rules, on the struct (for the encoder). */
/* The coordinate's four numbers are in their ranges. */
static int
netrec_coords_ok(const struct netrec_descriptor *d)
{
	return netrec_coord_ok(d->x) && netrec_coord_ok(d->y) &&
	    netrec_positive_ok(d->height, NETREC_MAX_COORD) &&
	    netrec_positive_ok(d->error, NETREC_MAX_ERROR);
}

/* expires after issued, and not more than the longest lifetime after. */
static int
netrec_lifetime_ok(const struct netrec *r)
{
	return r->expires > r->issued &&
	    r->expires - r->issued <= NETREC_MAX_LIFETIME;
}

static int
netrec_desc_ok(const struct netrec_descriptor *d)
{
	size_t i;

	if (!netrec_coords_ok(d))
		return 0;
	if (netrec_string_len(d->software, 1, NETREC_MAX_SOFTWARE) == -1 ||
	    netrec_string_len(d->region, 0, NETREC_MAX_REGION) == -1)
		return 0;
	if (d->naddrs < 1 || d->naddrs > NETREC_MAX_ADDRS)
		return 0;
	for (i = 0; i < d->naddrs; i++)
		if (!netrec_addr_ok(&d->addrs[i]))
			return 0;
	return 1;
}

/* A report about someone else, over a closed window, with sane counts. */
static int
netrec_report_ok(const struct netrec *r)
{
	const struct netrec_report *p = &r->u.report;

	if (memcmp(p->subject, r->signer, sizeof(p->subject)) == 0)
		return 0;
	if (p->window_end <= p->window_start ||
	    p->window_end - p->window_start > NETREC_MAX_WINDOW ||
	    p->window_end > r->issued)
		return 0;
	return p->passed <= p->sent && p->loss_ppm <= NETREC_PPM;
}

/* A vouch for someone else, staking something. */
static int
netrec_vouch_ok(const struct netrec *r)
{
	return memcmp(r->u.vouch.vouchee, r->signer,
	    sizeof(r->u.vouch.vouchee)) != 0 && r->u.vouch.stake > 0;
}

/* Someone's room (a locator is never all zero), with someone in it. */
static int
netrec_room_ok(const struct netrec_room *m)
{
	static const uint8_t zero[sizeof(m->locator)];

	return memcmp(m->locator, zero, sizeof(zero)) != 0 && m->members > 0;
}

/* Every rule a reader applies that needs neither keys nor a clock. */
static int
netrec_fields_ok(const struct netrec *r)
{
	if (!netrec_lifetime_ok(r))
		return 0;
	switch (r->kind) {
	case NETREC_DESCRIPTOR:
		return netrec_desc_ok(&r->u.desc);
	case NETREC_REPORT:
		return netrec_report_ok(r);
	case NETREC_VOUCH:
		return netrec_vouch_ok(r);
	case NETREC_ROOM:
		return netrec_room_ok(&r->u.room);
	}
	return 0;
}

/* One address: family, its 4 or 16 bytes, three ports. */
static void
netrec_put_addr(struct buf_writer *w, const struct netrec_addr *a)
{
	buf_put_u8(w, a->family);
	buf_put_bytes(w, a->addr, a->family == 4 ? NETREC_V4_LEN :
	    NETREC_V6_LEN);
	buf_put_n16(w, a->udp_port);
	buf_put_n16(w, a->tcp_port);
	buf_put_n16(w, a->tls_port);
}

/* The descriptor body (fields already checked). */
static void
netrec_put_desc(struct buf_writer *w, const struct netrec_descriptor *d)
{
	size_t i, slen = strlen(d->software), rlen = strlen(d->region);

	buf_put_bytes(w, d->noise_key, sizeof(d->noise_key));
	buf_put_bytes(w, d->binding, sizeof(d->binding));
	buf_put_n32(w, d->caps);
	buf_put_n32(w, d->max_sessions);
	buf_put_n32(w, d->upload_kbps);
	buf_put_n32(w, netrec_float_bits(d->x));
	buf_put_n32(w, netrec_float_bits(d->y));
	buf_put_n32(w, netrec_float_bits(d->height));
	buf_put_n32(w, netrec_float_bits(d->error));
	buf_put_u8(w, (uint8_t)slen);
	buf_put_bytes(w, d->software, slen);
	buf_put_u8(w, (uint8_t)rlen);
	buf_put_bytes(w, d->region, rlen);
	buf_put_u8(w, (uint8_t)d->naddrs);
	for (i = 0; i < d->naddrs; i++)
		netrec_put_addr(w, &d->addrs[i]);
}

/* The report body. */
static void
netrec_put_report(struct buf_writer *w, const struct netrec_report *p)
{
	buf_put_bytes(w, p->subject, sizeof(p->subject));
	buf_put_n64(w, p->window_start);
	buf_put_n64(w, p->window_end);
	buf_put_n32(w, p->sent);
	buf_put_n32(w, p->passed);
	buf_put_n64(w, p->verified_bytes);
	buf_put_n32(w, p->throughput_kbps);
	buf_put_n32(w, p->rtt_median_us);
	buf_put_n32(w, p->rtt_spread_us);
	buf_put_n32(w, p->loss_ppm);
}

/*
 * NETREC_LABEL || every byte before the signature, into msg; the bytes
 * without the label are msg + NETREC_LABEL_LEN, *blen of them.  -1 if r
 * breaks a field rule.
 */
static int
netrec_message(const struct netrec *r, uint8_t msg[NETREC_MSG_MAX],
    size_t *blen)
{
	struct buf_writer w;

	*blen = 0;
	if (!netrec_fields_ok(r))
		return -1;
	buf_wr_init(&w, msg, NETREC_MSG_MAX);
	buf_put_bytes(&w, NETREC_LABEL, NETREC_LABEL_LEN);
	buf_put_bytes(&w, NETREC_MAGIC, NETREC_MAGIC_LEN);
	buf_put_u8(&w, NETREC_VERSION);
	buf_put_u8(&w, r->kind);
	buf_put_zero(&w, 2);
	buf_put_bytes(&w, r->signer, sizeof(r->signer));
	buf_put_bytes(&w, r->network_id, sizeof(r->network_id));
	buf_put_n64(&w, r->issued);
	buf_put_n64(&w, r->expires);
	if (r->kind == NETREC_DESCRIPTOR)
		netrec_put_desc(&w, &r->u.desc);
	else if (r->kind == NETREC_REPORT)
		netrec_put_report(&w, &r->u.report);
	else if (r->kind == NETREC_VOUCH) {
		buf_put_bytes(&w, r->u.vouch.vouchee,
		    sizeof(r->u.vouch.vouchee));
		buf_put_n32(&w, r->u.vouch.stake);
	} else {
		buf_put_bytes(&w, r->u.room.locator,
		    sizeof(r->u.room.locator));
		buf_put_n32(&w, r->u.room.members);
	}
	if (buf_wr_error(&w) == -1)
		return -1;
	*blen = buf_wr_len(&w) - NETREC_LABEL_LEN;
	return 0;
}

/* Sign as seed's key and write the record. */
int
netrec_encode(struct netrec *r, const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
    uint8_t out[NETREC_MAX_LEN], size_t *outlen)
{
	uint8_t msg[NETREC_MSG_MAX];
	size_t blen;

	if (crypto_ed25519_public(seed, r->signer) == -1 ||
	    netrec_message(r, msg, &blen) == -1)
		goto fail;
	/* A descriptor whose Noise key is not the signer's helps no one. */
	if (r->kind == NETREC_DESCRIPTOR &&
	    identity_verify_binding(r->signer, r->u.desc.noise_key,
	    r->u.desc.binding) == -1)
		goto fail;
	if (crypto_ed25519_sign(seed, msg, NETREC_LABEL_LEN + blen,
	    r->sig) == -1)
		goto fail;
	memcpy(out, msg + NETREC_LABEL_LEN, blen);
	memcpy(out + blen, r->sig, NETREC_SIG_LEN);
	*outlen = blen + NETREC_SIG_LEN;
	return 0;
fail:
	memset(r->sig, 0, sizeof(r->sig));
	memset(out, 0, NETREC_MAX_LEN);
	*outlen = 0;
	return -1;
}

/* Write with the signature r holds. */
int
netrec_write(const struct netrec *r, uint8_t out[NETREC_MAX_LEN],
    size_t *outlen)
{
	uint8_t msg[NETREC_MSG_MAX];
	size_t blen;

	if (netrec_message(r, msg, &blen) == -1) {
		memset(out, 0, NETREC_MAX_LEN);
		*outlen = 0;
		return -1;
	}
	memcpy(out, msg + NETREC_LABEL_LEN, blen);
	memcpy(out + blen, r->sig, NETREC_SIG_LEN);
	*outlen = blen + NETREC_SIG_LEN;
	return 0;
}

/* A float as read: FORMAT for -0, NaN, infinities. */
static enum netrec_error
netrec_get_float(struct buf_reader *rd, float *v)
{
	uint32_t bits;

	if (buf_get_n32(rd, &bits) == -1)
		return NETREC_ERR_LENGTH;
	if (bits == NETREC_NEG_ZERO)
		return NETREC_ERR_FORMAT;
	memcpy(v, &bits, sizeof(*v));
	return isfinite(*v) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/* A length byte (min..max) and that many printable characters. */
static enum netrec_error
netrec_get_string(struct buf_reader *rd, char *s, size_t min, size_t max)
{
	uint8_t n;

	if (buf_get_u8(rd, &n) == -1)
		return NETREC_ERR_LENGTH;
	if (n < min || n > max)
		return NETREC_ERR_FORMAT;
	if (buf_get_bytes(rd, s, n) == -1)
		return NETREC_ERR_LENGTH;
	s[n] = '\0';
	return netrec_printable(s, n) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/* One address entry. */
static enum netrec_error
netrec_get_addr(struct buf_reader *rd, struct netrec_addr *a)
{
	if (buf_get_u8(rd, &a->family) == -1)
		return NETREC_ERR_LENGTH;
	if (a->family != 4 && a->family != 6)
		return NETREC_ERR_FORMAT;
	if (buf_get_bytes(rd, a->addr, a->family == 4 ? NETREC_V4_LEN :
	    NETREC_V6_LEN) == -1 || buf_get_n16(rd, &a->udp_port) == -1 ||
	    buf_get_n16(rd, &a->tcp_port) == -1 ||
	    buf_get_n16(rd, &a->tls_port) == -1)
		return NETREC_ERR_LENGTH;
	return netrec_addr_ok(a) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/* Vivaldi coordinates: x, y, height, error. */
static enum netrec_error
netrec_get_coords(struct buf_reader *rd, struct netrec_descriptor *d)
{
	float *f[4] = { &d->x, &d->y, &d->height, &d->error };
	enum netrec_error e;
	size_t i;

	for (i = 0; i < 4; i++)
		if ((e = netrec_get_float(rd, f[i])) != NETREC_OK)
			return e;
	if (!netrec_coords_ok(d))
		return NETREC_ERR_FORMAT;
	return NETREC_OK;
}

/* The descriptor body, front to back; the first failure decides. */
static enum netrec_error
netrec_get_desc(struct buf_reader *rd, struct netrec_descriptor *d)
{
	enum netrec_error e;
	uint8_t n;
	size_t i;

	if (buf_get_bytes(rd, d->noise_key, sizeof(d->noise_key)) == -1 ||
	    buf_get_bytes(rd, d->binding, sizeof(d->binding)) == -1 ||
	    buf_get_n32(rd, &d->caps) == -1 ||
	    buf_get_n32(rd, &d->max_sessions) == -1 ||
	    buf_get_n32(rd, &d->upload_kbps) == -1)
		return NETREC_ERR_LENGTH;
	if ((e = netrec_get_coords(rd, d)) != NETREC_OK ||
	    (e = netrec_get_string(rd, d->software, 1,
	    NETREC_MAX_SOFTWARE)) != NETREC_OK ||
	    (e = netrec_get_string(rd, d->region, 0,
	    NETREC_MAX_REGION)) != NETREC_OK)
		return e;
	if (buf_get_u8(rd, &n) == -1)
		return NETREC_ERR_LENGTH;
	if (n < 1 || n > NETREC_MAX_ADDRS)
		return NETREC_ERR_FORMAT;
	d->naddrs = n;
	for (i = 0; i < d->naddrs; i++)
		if ((e = netrec_get_addr(rd, &d->addrs[i])) != NETREC_OK)
			return e;
	/* Bytes between the last address and the signature. */
	return buf_rd_left(rd) == 0 ? NETREC_OK : NETREC_ERR_LENGTH;
}

/* The report body (its length was checked with the kind). */
static enum netrec_error
netrec_get_report(struct buf_reader *rd, struct netrec *r)
{
	struct netrec_report *p = &r->u.report;

	if (buf_get_bytes(rd, p->subject, sizeof(p->subject)) == -1 ||
	    buf_get_n64(rd, &p->window_start) == -1 ||
	    buf_get_n64(rd, &p->window_end) == -1 ||
	    buf_get_n32(rd, &p->sent) == -1 ||
	    buf_get_n32(rd, &p->passed) == -1 ||
	    buf_get_n64(rd, &p->verified_bytes) == -1 ||
	    buf_get_n32(rd, &p->throughput_kbps) == -1 ||
	    buf_get_n32(rd, &p->rtt_median_us) == -1 ||
	    buf_get_n32(rd, &p->rtt_spread_us) == -1 ||
	    buf_get_n32(rd, &p->loss_ppm) == -1 || buf_rd_left(rd) != 0)
		return NETREC_ERR_LENGTH;
	return netrec_report_ok(r) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/* The vouch body (its length was checked with the kind). */
static enum netrec_error
netrec_get_vouch(struct buf_reader *rd, struct netrec *r)
{
	if (buf_get_bytes(rd, r->u.vouch.vouchee,
	    sizeof(r->u.vouch.vouchee)) == -1 ||
	    buf_get_n32(rd, &r->u.vouch.stake) == -1 || buf_rd_left(rd) != 0)
		return NETREC_ERR_LENGTH;
	return netrec_vouch_ok(r) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/* The room body (its length was checked with the kind). */
static enum netrec_error
netrec_get_room(struct buf_reader *rd, struct netrec_room *m)
{
	if (buf_get_bytes(rd, m->locator, sizeof(m->locator)) == -1 ||
	    buf_get_n32(rd, &m->members) == -1 || buf_rd_left(rd) != 0)
		return NETREC_ERR_LENGTH;
	return netrec_room_ok(m) ? NETREC_OK : NETREC_ERR_FORMAT;
}

/*
 * Steps 2 to 7 of the order in netrec.h: the header and the body, from
 * the len - NETREC_SIG_LEN bytes before the signature.
 */
static enum netrec_error
netrec_get(struct buf_reader *rd, size_t len, struct netrec *r)
{
	uint8_t magic[NETREC_MAGIC_LEN], version;
	uint16_t reserved;

	if (buf_get_bytes(rd, magic, sizeof(magic)) == -1 ||
	    buf_get_u8(rd, &version) == -1 || buf_get_u8(rd, &r->kind) == -1 ||
	    buf_get_n16(rd, &reserved) == -1 ||
	    buf_get_bytes(rd, r->signer, sizeof(r->signer)) == -1 ||
	    buf_get_bytes(rd, r->network_id, sizeof(r->network_id)) == -1 ||
	    buf_get_n64(rd, &r->issued) == -1 ||
	    buf_get_n64(rd, &r->expires) == -1)
		return NETREC_ERR_LENGTH;	/* not with len >= MIN_LEN */
	if (memcmp(magic, NETREC_MAGIC, sizeof(magic)) != 0)
		return NETREC_ERR_MAGIC;
	if (version != NETREC_VERSION)
		return NETREC_ERR_VERSION;
	if (r->kind < NETREC_DESCRIPTOR || r->kind > NETREC_ROOM)
		return NETREC_ERR_KIND;
	if ((r->kind == NETREC_REPORT && len != NETREC_REPORT_LEN) ||
	    (r->kind == NETREC_VOUCH && len != NETREC_VOUCH_LEN) ||
	    (r->kind == NETREC_ROOM && len != NETREC_ROOM_LEN))
		return NETREC_ERR_LENGTH;
	if (reserved != 0)
		return NETREC_ERR_FORMAT;
	if (r->kind == NETREC_DESCRIPTOR)
		return netrec_get_desc(rd, &r->u.desc);
	if (r->kind == NETREC_REPORT)
		return netrec_get_report(rd, r);
	if (r->kind == NETREC_VOUCH)
		return netrec_get_vouch(rd, r);
	return netrec_get_room(rd, &r->u.room);
}

/* Steps 11 to 13: expiry, skew, lifetime (no overflow for any now). */
static enum netrec_error
netrec_check_time(const struct netrec *r, uint64_t now)
{
	if (now >= r->expires)
		return NETREC_ERR_EXPIRED;
	if (r->issued > now && r->issued - now > NETREC_MAX_SKEW)
		return NETREC_ERR_FUTURE;
	if (!netrec_lifetime_ok(r))
		return NETREC_ERR_LIFETIME;
	return NETREC_OK;
}

/* Parse and check one record; the first failure in the documented order. */
enum netrec_error
netrec_parse(const uint8_t *in, size_t len, uint64_t now,
    const uint8_t network_id[NETREC_NETWORK_ID_LEN], struct netrec *out)
{
	struct buf_reader rd;
	uint8_t msg[NETREC_MSG_MAX];
	size_t blen;
	enum netrec_error e;

	memset(out, 0, sizeof(*out));
	e = NETREC_ERR_LENGTH;
	if (in == NULL || len < NETREC_MIN_LEN || len > NETREC_MAX_LEN)
		goto fail;
	blen = len - NETREC_SIG_LEN;
	buf_rd_init(&rd, in, blen);
	if ((e = netrec_get(&rd, len, out)) != NETREC_OK)
		goto fail;
	memcpy(out->sig, in + blen, NETREC_SIG_LEN);
	/*
	 * The bytes as received are the bytes netrec_write() would give
	 * (every field was checked canonical), so verify over them.
	 */
	memcpy(msg, NETREC_LABEL, NETREC_LABEL_LEN);
	memcpy(msg + NETREC_LABEL_LEN, in, blen);
	e = NETREC_ERR_SIGNATURE;
	if (crypto_ed25519_verify(out->signer, msg, NETREC_LABEL_LEN + blen,
	    out->sig) == -1)
		goto fail;
	e = NETREC_ERR_BINDING;
	if (out->kind == NETREC_DESCRIPTOR &&
	    identity_verify_binding(out->signer, out->u.desc.noise_key,
	    out->u.desc.binding) == -1)
		goto fail;
	e = NETREC_ERR_NETWORK;
	if (memcmp(out->network_id, network_id, NETREC_NETWORK_ID_LEN) != 0)
		goto fail;
	if ((e = netrec_check_time(out, now)) != NETREC_OK)
		goto fail;
	return NETREC_OK;
fail:
	memset(out, 0, sizeof(*out));
	return e;
}

/* A fixed string for each error. */
const char *
netrec_strerror(enum netrec_error e)
{
	switch (e) {
	case NETREC_OK:
		return "ok";
	case NETREC_ERR_LENGTH:
		return "wrong network record length";
	case NETREC_ERR_MAGIC:
		return "not a network record";
	case NETREC_ERR_VERSION:
		return "unknown network record version";
	case NETREC_ERR_KIND:
		return "unknown network record kind";
	case NETREC_ERR_FORMAT:
		return "network record field out of range or not canonical";
	case NETREC_ERR_SIGNATURE:
		return "bad network record signature";
	case NETREC_ERR_BINDING:
		return "Noise key not bound to the node ID";
	case NETREC_ERR_NETWORK:
		return "network record is for another network";
	case NETREC_ERR_EXPIRED:
		return "network record has expired";
	case NETREC_ERR_FUTURE:
		return "network record issued in the future";
	case NETREC_ERR_LIFETIME:
		return "network record lifetime out of range";
	}
	return "unknown error";
}

/* First 8 bytes of BLAKE2s(label || name). */
int
netrec_network_id(const char *name, uint8_t out[NETREC_NETWORK_ID_LEN])
{
	uint8_t h[CRYPTO_BLAKE2S_LEN];

	if (crypto_blake2s2(NETREC_NETWORK_LABEL, NETREC_NETWORK_LABEL_LEN,
	    name, strlen(name), h) == -1) {
		memset(out, 0, NETREC_NETWORK_ID_LEN);
		return -1;
	}
	memcpy(out, h, NETREC_NETWORK_ID_LEN);
	return 0;
}

/* First 20 bytes of BLAKE2s(label || network ID || kind || id). */
int
netrec_dht_key(const uint8_t network_id[NETREC_NETWORK_ID_LEN],
    uint8_t kind, const uint8_t id[CRYPTO_ED25519_PUB_LEN],
    uint8_t out[NETREC_DHT_KEY_LEN])
{
	uint8_t msg[NETREC_DHT_MSG_LEN], h[CRYPTO_BLAKE2S_LEN];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	buf_put_bytes(&w, NETREC_DHT_LABEL, NETREC_DHT_LABEL_LEN);
	buf_put_bytes(&w, network_id, NETREC_NETWORK_ID_LEN);
	buf_put_u8(&w, kind);
	buf_put_bytes(&w, id, CRYPTO_ED25519_PUB_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(msg) ||
	    crypto_blake2s(msg, sizeof(msg), h) == -1) {
		memset(out, 0, NETREC_DHT_KEY_LEN);
		return -1;
	}
	memcpy(out, h, NETREC_DHT_KEY_LEN);
	return 0;
}

/*
 * BLAKE2s(label || network ID || room ID), all 32 bytes: the DHT, and
 * whoever does not have the room ID already, learn no room ID from it.
 */
int
netrec_room_locator(const uint8_t network_id[NETREC_NETWORK_ID_LEN],
    const uint8_t room_id[32], uint8_t out[CRYPTO_ED25519_PUB_LEN])
{
	uint8_t msg[NETREC_LOCATOR_MSG_LEN];
	struct buf_writer w;
	int rc = -1;

	if (out == NULL)
		return -1;
	if (network_id == NULL || room_id == NULL)
		goto done;
	buf_wr_init(&w, msg, sizeof(msg));
	buf_put_bytes(&w, NETREC_ROOM_LABEL, NETREC_ROOM_LABEL_LEN);
	buf_put_bytes(&w, network_id, NETREC_NETWORK_ID_LEN);
	buf_put_bytes(&w, room_id, NETREC_ROOM_ID_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(msg))
		goto done;
	rc = crypto_blake2s(msg, sizeof(msg), out);
done:
	if (rc == -1)
		memset(out, 0, CRYPTO_ED25519_PUB_LEN);
	crypto_wipe(msg, sizeof(msg));	/* it holds the room ID */
	return rc;
}

/* Whose DHT key the record goes under. */
const uint8_t *
netrec_subject(const struct netrec *r)
{
	switch (r->kind) {
	case NETREC_DESCRIPTOR:
		return r->signer;
	case NETREC_REPORT:
		return r->u.report.subject;
	case NETREC_VOUCH:
		return r->u.vouch.vouchee;
	case NETREC_ROOM:
		return r->u.room.locator;
	}
	return NULL;
}
