/*
 * fuzz_media.c - fuzz target for the media frame parser and opener.
 *
 * The input is parsed as a frame header and opened with a fixed sender
 * key.  Neither may crash.  The parser and the opener must agree on the
 * header; a refused open must leave the header and output wiped; an
 * accepted one must have the length the header and tag leave, and
 * sealing its header and payload again must give back the input exactly.
 * Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/media.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t fz_key[MEDIA_KEY_LEN];
static uint8_t fz_out[MEDIA_MAX_PAYLOAD];
static uint8_t fz_frame[MEDIA_MAX_FRAME];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_media_check(int cond)
{
	if (!cond)
		abort();
}

/* The fixed key: media key 00..1f, epoch 7, sender 3. */
static void
fuzz_media_setup(void)
{
	uint8_t mk[MEDIA_KEY_LEN];
	size_t i;

	for (i = 0; i < sizeof(mk); i++)
		mk[i] = (uint8_t)i;
	fuzz_media_check(media_sender_key(mk, 7, 3, fz_key) == 0);
	fz_ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_header ph, oh;
	enum media_error e;
	size_t olen, flen;
	int rc;

	if (!fz_ready)
		fuzz_media_setup();
	e = media_header_parse(&ph, data, size);
	fuzz_media_check(e != MEDIA_OK || (size >= MEDIA_MIN_FRAME &&
	    size <= MEDIA_MAX_FRAME && ph.version == MEDIA_VERSION &&
	    ph.level <= MEDIA_LEVEL_SILENCE));
	fuzz_media_check(strcmp(media_strerror(e), "") != 0);

	rc = media_open(fz_key, data, size, &oh, fz_out, sizeof(fz_out),
	    &olen);
	if (rc == -1) {
		fuzz_media_check(olen == 0 && oh.version == 0 &&
		    oh.sender == 0 && oh.seq == 0);
		return 0;
	}
	fuzz_media_check(e == MEDIA_OK && memcmp(&ph, &oh, sizeof(ph)) == 0);
	fuzz_media_check(olen == size - MEDIA_HEADER_LEN - MEDIA_TAG_LEN);
	fuzz_media_check(media_seal(fz_key, &oh, fz_out, olen, fz_frame,
	    sizeof(fz_frame), &flen) == 0 && flen == size &&
	    memcmp(fz_frame, data, size) == 0);
	return 0;
}
