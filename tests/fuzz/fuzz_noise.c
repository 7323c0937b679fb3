/*
 * fuzz_noise.c - fuzz target for the Noise_IKpsk2 handshake reader.
 *
 * Every key is fixed (simple byte patterns), and a full handshake with
 * them is run once at start-up.  The input is then used three ways:
 *  - as the first handshake message, read by a fresh responder;
 *  - as the second, read by an initiator that sent the fixed first one;
 *  - as a transport message, read by the responder of the fixed
 *    handshake.
 * None may crash.  A refused handshake message must leave its state all
 * zero; an accepted one must have exactly the length its tokens and
 * payload add up to, and the handshake must then finish and split.  The
 * fixed initiator sends one transport message under n 0, so that is the
 * only input the transport reader may accept.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/noise.h"

#define FUZZ_NOISE_BUF		(NOISE_MAX_MSG + 1)
#define FUZZ_NOISE_PROLOGUE	"chorus fuzz"
#define FUZZ_NOISE_PROLOGUE_LEN	(sizeof(FUZZ_NOISE_PROLOGUE) - 1)
#define FUZZ_NOISE_TRANSPORT	"fuzz transport payload"
/* -> e, es, s, ss: e, s and its tag, the payload's tag. */
#define FUZZ_NOISE_FIRST_LEN	(32 + 32 + NOISE_TAG_LEN + NOISE_TAG_LEN)
/* <- e, ee, se, psk: e, the payload's tag. */
#define FUZZ_NOISE_SECOND_LEN	(32 + NOISE_TAG_LEN)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Initiator static and ephemeral, responder static and ephemeral, psk. */
static uint8_t fz_is[32], fz_ie[32], fz_rs[32], fz_re[32], fz_psk[32];
static uint8_t fz_rs_pub[32];
static struct noise_hs fz_resp;		/* fresh responder */
static struct noise_hs fz_init;		/* initiator, first message sent */
static struct noise_cs fz_recv;		/* responder after the handshake */
static uint8_t fz_first[FUZZ_NOISE_FIRST_LEN];
static uint8_t fz_second[FUZZ_NOISE_SECOND_LEN];
static uint8_t fz_transport[sizeof(FUZZ_NOISE_TRANSPORT) - 1 +
    NOISE_TAG_LEN];
static uint8_t fz_buf[FUZZ_NOISE_BUF];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_noise_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if every byte of [p, p + n) is zero. */
static int
fuzz_noise_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* A fixed key from a byte pattern. */
static void
fuzz_noise_key(uint8_t k[32], unsigned mul, unsigned add)
{
	size_t i;

	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)(i * mul + add);
}

/* The fixed handshake, once: both messages and one transport message. */
static void
fuzz_noise_setup(void)
{
	struct noise_hs resp, init;
	struct noise_cs send, recv, unused;
	size_t len, plen;

	fuzz_noise_key(fz_is, 1, 1);
	fuzz_noise_key(fz_ie, 3, 0x20);
	fuzz_noise_key(fz_rs, 5, 0x40);
	fuzz_noise_key(fz_re, 7, 0x60);
	fuzz_noise_key(fz_psk, 11, 0x80);
	fuzz_noise_check(crypto_x25519_public(fz_rs, fz_rs_pub) == 0);
	fuzz_noise_check(noise_hs_init(&fz_resp, NOISE_IKPSK2, 0,
	    FUZZ_NOISE_PROLOGUE, FUZZ_NOISE_PROLOGUE_LEN, fz_rs, NULL,
	    fz_psk) == 0);
	fuzz_noise_check(noise_hs_init(&fz_init, NOISE_IKPSK2, 1,
	    FUZZ_NOISE_PROLOGUE, FUZZ_NOISE_PROLOGUE_LEN, fz_is, fz_rs_pub,
	    fz_psk) == 0);
	fuzz_noise_check(noise_hs_write(&fz_init, fz_ie, NULL, 0, fz_first,
	    sizeof(fz_first), &len) == 0 && len == sizeof(fz_first));

	resp = fz_resp;
	fuzz_noise_check(noise_hs_read(&resp, fz_first, sizeof(fz_first),
	    NULL, 0, &plen) == 0 && plen == 0);
	fuzz_noise_check(noise_hs_write(&resp, fz_re, NULL, 0, fz_second,
	    sizeof(fz_second), &len) == 0 && len == sizeof(fz_second));
	fuzz_noise_check(noise_hs_split(&resp, &unused, &fz_recv) == 0);

	init = fz_init;
	fuzz_noise_check(noise_hs_read(&init, fz_second, sizeof(fz_second),
	    NULL, 0, &plen) == 0 && plen == 0);
	fuzz_noise_check(noise_hs_split(&init, &send, &recv) == 0);
	fuzz_noise_check(noise_cs_encrypt(&send, NULL, 0,
	    FUZZ_NOISE_TRANSPORT, sizeof(FUZZ_NOISE_TRANSPORT) - 1,
	    fz_transport) == 0);
	noise_hs_wipe(&resp);
	noise_hs_wipe(&init);
	noise_cs_wipe(&send);
	noise_cs_wipe(&recv);
	noise_cs_wipe(&unused);
	fz_ready = 1;
}

/* The input as the first message, read by a fresh responder. */
static void
fuzz_noise_first(const uint8_t *data, size_t size)
{
	struct noise_hs hs = fz_resp;
	struct noise_cs send, recv;
	size_t len, plen;

	if (noise_hs_read(&hs, data, size, fz_buf, sizeof(fz_buf),
	    &plen) == -1) {
		fuzz_noise_check(fuzz_noise_zero(&hs, sizeof(hs)));
		return;
	}
	fuzz_noise_check(size >= FUZZ_NOISE_FIRST_LEN &&
	    plen == size - FUZZ_NOISE_FIRST_LEN);
	fuzz_noise_check(noise_hs_remote_static(&hs) != NULL);
	fuzz_noise_check(noise_hs_write(&hs, fz_re, NULL, 0, fz_buf,
	    sizeof(fz_buf), &len) == 0 && len == FUZZ_NOISE_SECOND_LEN);
	fuzz_noise_check(noise_hs_split(&hs, &send, &recv) == 0);
	noise_hs_wipe(&hs);
	noise_cs_wipe(&send);
	noise_cs_wipe(&recv);
}

/* The input as the second message, read by the fixed initiator. */
static void
fuzz_noise_second(const uint8_t *data, size_t size)
{
	struct noise_hs hs = fz_init;
	struct noise_cs send, recv;
	size_t plen;

	if (noise_hs_read(&hs, data, size, fz_buf, sizeof(fz_buf),
	    &plen) == -1) {
		fuzz_noise_check(fuzz_noise_zero(&hs, sizeof(hs)));
		return;
	}
	fuzz_noise_check(size >= FUZZ_NOISE_SECOND_LEN &&
	    plen == size - FUZZ_NOISE_SECOND_LEN && noise_hs_done(&hs));
	fuzz_noise_check(noise_hs_split(&hs, &send, &recv) == 0);
	noise_hs_wipe(&hs);
	noise_cs_wipe(&send);
	noise_cs_wipe(&recv);
}

/* The input as a transport message to the fixed handshake's responder. */
static void
fuzz_noise_transport(const uint8_t *data, size_t size)
{
	struct noise_cs cs = fz_recv;

	if (noise_cs_decrypt(&cs, NULL, 0, data, size, fz_buf) == -1) {
		fuzz_noise_check(cs.n == fz_recv.n);
		return;
	}
	fuzz_noise_check(size == sizeof(fz_transport) &&
	    memcmp(data, fz_transport, size) == 0 && cs.n == fz_recv.n + 1);
	fuzz_noise_check(memcmp(fz_buf, FUZZ_NOISE_TRANSPORT,
	    size - NOISE_TAG_LEN) == 0);
	noise_cs_wipe(&cs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fz_ready)
		fuzz_noise_setup();
	fuzz_noise_first(data, size);
	fuzz_noise_second(data, size);
	fuzz_noise_transport(data, size);
	return 0;
}
