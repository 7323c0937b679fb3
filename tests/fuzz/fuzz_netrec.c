/*
 * fuzz_netrec.c - fuzz target for node network record parsing.
 *
 * The whole input is parsed as one record for the network "chorus" at
 * T0 = 1700000000.  A refused record must leave the struct zeroed.  An
 * accepted one must be of a length its kind allows, hold only values
 * the format allows (strings, counts, floats, times), be refused at its
 * expiry, for another network and, if it can be, when read 301 seconds
 * before it was issued, and must write back to exactly the input bytes;
 * if its signer is one of the fixed keys the corpus was made with, the
 * encoder must also sign it back to the same bytes (Ed25519 is
 * deterministic).  The first 32 bytes, as a room ID, must give a room
 * locator that is the same twice and differs between networks.  Any
 * violation abort()s.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/netrec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_NOW		UINT64_C(1700000000)
#define FZ_NKEYS	4

/* The corpus keys: byte i of seed tag is tag + 3i (test_netrec.c). */
static const uint8_t fz_tags[FZ_NKEYS] = { 0x11, 0x21, 0x31, 0x41 };
static uint8_t fz_seeds[FZ_NKEYS][CRYPTO_ED25519_SEED_LEN];
static uint8_t fz_pubs[FZ_NKEYS][CRYPTO_ED25519_PUB_LEN];
static uint8_t fz_net[NETREC_NETWORK_ID_LEN], fz_other[NETREC_NETWORK_ID_LEN];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_netrec_check(int cond)
{
	if (!cond)
		abort();
}

static void
fuzz_netrec_setup(void)
{
	size_t i, j;

	for (i = 0; i < FZ_NKEYS; i++) {
		for (j = 0; j < CRYPTO_ED25519_SEED_LEN; j++)
			fz_seeds[i][j] = (uint8_t)(fz_tags[i] + j * 3);
		fuzz_netrec_check(crypto_ed25519_public(fz_seeds[i],
		    fz_pubs[i]) == 0);
	}
	fuzz_netrec_check(netrec_network_id("chorus", fz_net) == 0 &&
	    netrec_network_id("chorus-test", fz_other) == 0);
	fz_ready = 1;
}

/* A NUL-ended string of min..max printable characters, zeros after. */
static void
fuzz_netrec_string(const char *s, size_t size, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	fuzz_netrec_check(n >= min && n <= max && n < size);
	for (i = 0; i < size; i++)
		fuzz_netrec_check(i < n ? s[i] >= 0x20 && s[i] <= 0x7e :
		    s[i] == '\0');
}

/* The descriptor's values are all in range. */
static void
fuzz_netrec_desc(const struct netrec_descriptor *d, size_t size)
{
	const float lim = NETREC_MAX_COORD;
	size_t i;

	fuzz_netrec_check(size >= NETREC_DESC_MIN_LEN &&
	    size <= NETREC_DESC_MAX_LEN);
	fuzz_netrec_check(isfinite(d->x) && isfinite(d->y) &&
	    isfinite(d->height) && isfinite(d->error));
	fuzz_netrec_check(fabsf(d->x) <= lim && fabsf(d->y) <= lim &&
	    d->height >= 0 && d->height <= lim && d->error >= 0 &&
	    d->error <= NETREC_MAX_ERROR);
	/* Zero is +0: -0 has its own bits and is refused. */
	fuzz_netrec_check((!signbit(d->x) || d->x != 0) &&
	    (!signbit(d->y) || d->y != 0));
	fuzz_netrec_check(!signbit(d->height) && !signbit(d->error));
	fuzz_netrec_string(d->software, sizeof(d->software), 1,
	    NETREC_MAX_SOFTWARE);
	fuzz_netrec_string(d->region, sizeof(d->region), 0,
	    NETREC_MAX_REGION);
	fuzz_netrec_check(d->naddrs >= 1 && d->naddrs <= NETREC_MAX_ADDRS);
	for (i = 0; i < d->naddrs; i++) {
		fuzz_netrec_check(d->addrs[i].family == 4 ||
		    d->addrs[i].family == 6);
		fuzz_netrec_check(d->addrs[i].udp_port != 0 ||
		    d->addrs[i].tcp_port != 0 || d->addrs[i].tls_port != 0);
	}
}

/* What each kind promises once parsed. */
static void
fuzz_netrec_fields(const struct netrec *r, size_t size)
{
	const struct netrec_report *p = &r->u.report;

	fuzz_netrec_check(memcmp(r->network_id, fz_net, sizeof(fz_net)) == 0);
	fuzz_netrec_check(r->expires > FZ_NOW && r->expires > r->issued &&
	    r->expires - r->issued <= NETREC_MAX_LIFETIME &&
	    r->issued <= FZ_NOW + NETREC_MAX_SKEW);
	fuzz_netrec_check(netrec_subject(r) != NULL);
	switch (r->kind) {
	case NETREC_DESCRIPTOR:
		fuzz_netrec_desc(&r->u.desc, size);
		break;
	case NETREC_REPORT:
		fuzz_netrec_check(size == NETREC_REPORT_LEN);
		fuzz_netrec_check(memcmp(p->subject, r->signer, 32) != 0 &&
		    p->window_start < p->window_end &&
		    p->window_end - p->window_start <= NETREC_MAX_WINDOW &&
		    p->window_end <= r->issued && p->passed <= p->sent &&
		    p->loss_ppm <= NETREC_PPM);
		break;
	case NETREC_VOUCH:
		fuzz_netrec_check(size == NETREC_VOUCH_LEN);
		fuzz_netrec_check(r->u.vouch.stake > 0 &&
		    memcmp(r->u.vouch.vouchee, r->signer, 32) != 0);
		break;
	case NETREC_ROOM: {
		static const uint8_t zero[sizeof(r->u.room.locator)];

		fuzz_netrec_check(size == NETREC_ROOM_LEN);
		fuzz_netrec_check(r->u.room.members > 0 &&
		    memcmp(r->u.room.locator, zero, sizeof(zero)) != 0 &&
		    netrec_subject(r) == r->u.room.locator);
		break;
	}
	default:
		abort();	/* accepted an unknown kind */
	}
}

/* The time and network checks refuse the same bytes when they should. */
static void
fuzz_netrec_refusals(const uint8_t *data, size_t size, const struct netrec *r)
{
	struct netrec tmp;
	uint8_t dht[NETREC_DHT_KEY_LEN];

	fuzz_netrec_check(netrec_parse(data, size, FZ_NOW, fz_other, &tmp) ==
	    NETREC_ERR_NETWORK);
	fuzz_netrec_check(netrec_parse(data, size, r->expires, fz_net,
	    &tmp) == NETREC_ERR_EXPIRED);
	if (r->issued > NETREC_MAX_SKEW)
		fuzz_netrec_check(netrec_parse(data, size,
		    r->issued - NETREC_MAX_SKEW - 1, fz_net, &tmp) ==
		    NETREC_ERR_FUTURE);
	fuzz_netrec_check(netrec_parse(data, size, r->expires - 1, fz_net,
	    &tmp) == NETREC_OK && memcmp(&tmp, r, sizeof(tmp)) == 0);
	fuzz_netrec_check(netrec_dht_key(r->network_id, r->kind,
	    netrec_subject(r), dht) == 0);
}

/* Written back (and, for a known signer, signed back) to the input. */
static void
fuzz_netrec_reencode(const uint8_t *data, size_t size, const struct netrec *r)
{
	uint8_t out[NETREC_MAX_LEN];
	struct netrec copy;
	size_t len, i;

	fuzz_netrec_check(netrec_write(r, out, &len) == 0 && len == size &&
	    memcmp(out, data, size) == 0);
	for (i = 0; i < FZ_NKEYS; i++) {
		if (memcmp(r->signer, fz_pubs[i], 32) != 0)
			continue;
		memcpy(&copy, r, sizeof(copy));
		fuzz_netrec_check(netrec_encode(&copy, fz_seeds[i], out,
		    &len) == 0 && len == size && memcmp(out, data, size) == 0 &&
		    memcmp(&copy, r, sizeof(copy)) == 0);
	}
}

/* A room ID's locator: deterministic, one per network. */
static void
fuzz_netrec_locator(const uint8_t room_id[32])
{
	uint8_t a[32], b[32], c[32];

	fuzz_netrec_check(netrec_room_locator(fz_net, room_id, a) == 0 &&
	    netrec_room_locator(fz_net, room_id, b) == 0 &&
	    netrec_room_locator(fz_other, room_id, c) == 0);
	fuzz_netrec_check(memcmp(a, b, 32) == 0 && memcmp(a, c, 32) != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netrec r;
	enum netrec_error e;

	if (!fz_ready)
		fuzz_netrec_setup();
	if (size >= 32)
		fuzz_netrec_locator(data);
	e = netrec_parse(data, size, FZ_NOW, fz_net, &r);
	fuzz_netrec_check(netrec_strerror(e) != NULL &&
	    strcmp(netrec_strerror(e), "unknown error") != 0);
	if (e != NETREC_OK) {
		static const struct netrec zero;

		fuzz_netrec_check(memcmp(&r, &zero, sizeof(r)) == 0);
		/* Only the length check can refuse what is out of bounds. */
		fuzz_netrec_check(e == NETREC_ERR_LENGTH ||
		    (size >= NETREC_MIN_LEN && size <= NETREC_MAX_LEN));
		return 0;
	}
	fuzz_netrec_check(size >= NETREC_MIN_LEN && size <= NETREC_MAX_LEN);
	fuzz_netrec_fields(&r, size);
	fuzz_netrec_refusals(data, size, &r);
	fuzz_netrec_reencode(data, size, &r);
	return 0;
}
