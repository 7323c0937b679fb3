/*
 * fuzz_blocklist.c - fuzz target for shared blocklist records.
 *
 * The input is verified, then opened with a fixed identity (Ed25519 seed
 * and X25519 seed "byte i is t + 3i" for t = 0x21 and 0x51: recipient B
 * of test_blocklist.c's known answer, so the corpus holds records it can
 * open).  Neither may crash.  An accepted record's info must say what its
 * bytes say; open must refuse whatever verify refuses, with the same
 * error, and may add only NOT_FOR_ME or CONTENT; what it accepts must hold
 * as many sorted IDs as the length implies, the rest of ids zero; what it
 * refuses must leave ids and info zero.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/blocklist.h"
#include "chorus/identity.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_IDS_LEN	(BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN)

static struct identity fz_me;
static uint8_t fz_ids[FZ_IDS_LEN];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_blocklist_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if all n bytes at p are zero. */
static int
fuzz_blocklist_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* 1 if the n elements of size bytes at p are strictly increasing. */
static int
fuzz_blocklist_increasing(const uint8_t *p, size_t n, size_t size)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (memcmp(p + (i - 1) * size, p + i * size, size) >= 0)
			return 0;
	return 1;
}

/* The fixed identity: recipient B of the unit test's known answer. */
static void
fuzz_blocklist_setup(void)
{
	uint8_t ed[32], x[32];
	size_t i;

	for (i = 0; i < 32; i++) {
		ed[i] = (uint8_t)(0x21 + 3 * i);
		x[i] = (uint8_t)(0x51 + 3 * i);
	}
	fuzz_blocklist_check(identity_from_secrets(&fz_me, ed, x) == 0);
	fz_ready = 1;
}

/* An accepted record: info and the bytes agree, the checks held. */
static void
fuzz_blocklist_accepted(const uint8_t *p, size_t n,
    const struct blocklist_info *info)
{
	uint64_t issued = 0;
	size_t r, i;

	fuzz_blocklist_check(n >= BLOCKLIST_MIN_LEN &&
	    n <= BLOCKLIST_MAX_LEN && p[0] == BLOCKLIST_VERSION);
	r = p[BLOCKLIST_WRAP_AD_LEN];
	fuzz_blocklist_check(r >= 1 && r <= BLOCKLIST_MAX_RECIPIENTS &&
	    info->nrecipients == r && info->n == 0);
	fuzz_blocklist_check(n >= BLOCKLIST_LEN(r, 0) &&
	    (n - BLOCKLIST_LEN(r, 0)) % BLOCKLIST_ID_LEN == 0 &&
	    (n - BLOCKLIST_LEN(r, 0)) / BLOCKLIST_ID_LEN <= BLOCKLIST_MAX_IDS);
	for (i = 0; i < 8; i++)
		issued = issued << 8 | p[1 + i];
	fuzz_blocklist_check(info->issued == issued &&
	    memcmp(info->issuer, p + 9, 32) == 0 &&
	    memcmp(info->issuer_x, p + 41, 32) == 0);
	fuzz_blocklist_check(identity_verify_binding(p + 9, p + 41,
	    p + 73) == 0);
	fuzz_blocklist_check(fuzz_blocklist_increasing(
	    p + BLOCKLIST_HEADER_LEN, r, BLOCKLIST_WRAP_LEN));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blocklist_info vi, oi;
	enum blocklist_error ve, oe;
	size_t nids;

	if (!fz_ready)
		fuzz_blocklist_setup();
	memset(&vi, 0x55, sizeof(vi));
	ve = blocklist_verify(data, size, &vi);
	fuzz_blocklist_check(strcmp(blocklist_strerror(ve),
	    "unknown error") != 0);
	if (ve == BLOCKLIST_OK)
		fuzz_blocklist_accepted(data, size, &vi);
	else
		fuzz_blocklist_check(fuzz_blocklist_zero(&vi, sizeof(vi)));

	memset(fz_ids, 0xaa, sizeof(fz_ids));
	memset(&oi, 0x55, sizeof(oi));
	oe = blocklist_open(data, size, &fz_me, fz_ids, &oi);
	if (ve != BLOCKLIST_OK)
		fuzz_blocklist_check(oe == ve);
	else
		fuzz_blocklist_check(oe == BLOCKLIST_OK ||
		    oe == BLOCKLIST_ERR_NOT_FOR_ME ||
		    oe == BLOCKLIST_ERR_CONTENT);
	if (oe != BLOCKLIST_OK) {
		fuzz_blocklist_check(fuzz_blocklist_zero(fz_ids,
		    sizeof(fz_ids)) && fuzz_blocklist_zero(&oi, sizeof(oi)));
		return 0;
	}
	nids = (size - BLOCKLIST_LEN(vi.nrecipients, 0)) / BLOCKLIST_ID_LEN;
	fuzz_blocklist_check(oi.n == nids && oi.issued == vi.issued &&
	    oi.nrecipients == vi.nrecipients &&
	    memcmp(oi.issuer, vi.issuer, sizeof(oi.issuer)) == 0 &&
	    memcmp(oi.issuer_x, vi.issuer_x, sizeof(oi.issuer_x)) == 0);
	fuzz_blocklist_check(fuzz_blocklist_increasing(fz_ids, nids,
	    BLOCKLIST_ID_LEN) && fuzz_blocklist_zero(fz_ids +
	    nids * BLOCKLIST_ID_LEN, sizeof(fz_ids) - nids * BLOCKLIST_ID_LEN));
	return 0;
}
