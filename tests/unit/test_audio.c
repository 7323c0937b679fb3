/*
 * test_audio.c - the client's audio pipeline: RFC 6464 levels of known
 * signals, the encoder's settings and limits, VAD and DTX, a synthetic
 * voice through encoder, jitter buffer and decoder (in order, silent, and
 * with 10 % of the packets lost), the choice between FEC and PLC against
 * a reference decoder, refused packets, and mixing.
 *
 * The clock is fake: one packet put and one frame taken every 20 ms.
 * Built from this file, client/audio.c and libchorus (jitter, media
 * levels), with OPUS_CFLAGS, OPUS_LIBS and -lm.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opus.h>

#include "../../client/audio.h"
#include "../tap.h"

#define VOICE_SECS	2
#define VOICE_FRAMES	(VOICE_SECS * AUDIO_RATE / AUDIO_FRAME)
#define VOICE_LEN	(VOICE_FRAMES * AUDIO_FRAME)
#define TICK_USEC	(20 * 1000)
/* Frames taken after the last packet before giving up on the stream. */
#define DRAIN_FRAMES	(JITTER_MAX_MS / JITTER_FRAME_MS + 10)
#define OUT_LEN		((VOICE_FRAMES + DRAIN_FRAMES) * AUDIO_FRAME)
#define MAX_LAG		(AUDIO_RATE / 5)	/* 200 ms */
#define SEARCH_START	(AUDIO_RATE / 2)	/* lag search window */
#define SEARCH_LEN	(AUDIO_RATE / 2)
#define SEQ_BASE	1000u

static int16_t	voice[VOICE_LEN];
static int16_t	got[OUT_LEN];

/*
 * Something like a voiced vowel: the harmonics of a pitch that glides
 * between 130 and 170 Hz, up to 3.4 kHz, falling 12 dB per octave as a
 * glottal source does, under a 3 Hz envelope that never reaches silence
 * (so DTX stays out of the way).
 */
static void
make_voice(int16_t *x, size_t n)
{
	double phase = 0, f0, env, s;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		double t = (double)i / AUDIO_RATE;

		f0 = 150 + 20 * sin(2 * M_PI * 0.7 * t);
		phase += 2 * M_PI * f0 / AUDIO_RATE;
		env = 0.55 + 0.45 * sin(2 * M_PI * 3 * t);
		s = 0;
		for (k = 1; k * f0 < 3400; k++)
			s += sin(k * phase) / (k * k);
		x[i] = (int16_t)lrint(5000 * env * s);
	}
}

/* A sine of amplitude amp and frequency hz, one frame. */
static void
make_sine(int16_t pcm[AUDIO_FRAME], double amp, double hz)
{
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++)
		pcm[i] = (int16_t)lrint(amp * sin(2 * M_PI * hz * i /
		    AUDIO_RATE));
}

/* Normalized cross-correlation of x[i] and y[i + lag] over n samples. */
static double
xcorr(const int16_t *x, const int16_t *y, size_t n)
{
	double xy = 0, xx = 0, yy = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		xy += (double)x[i] * y[i];
		xx += (double)x[i] * x[i];
		yy += (double)y[i] * y[i];
	}
	if (xx == 0 || yy == 0)
		return 0;
	return xy / sqrt(xx * yy);
}

/*
 * How well out (outlen samples) reproduces in (inlen), delayed by the
 * buffer and the codec: the lag (0..MAX_LAG) that best matches a window
 * of in, then the correlation over everything at that lag.
 */
static double
best_corr(const int16_t *in, size_t inlen, const int16_t *out,
    size_t outlen, size_t *lagp)
{
	double c, best = -2;
	size_t lag, bestlag = 0, n;

	for (lag = 0; lag <= MAX_LAG; lag++) {
		c = xcorr(in + SEARCH_START, out + SEARCH_START + lag,
		    SEARCH_LEN);
		if (c > best) {
			best = c;
			bestlag = lag;
		}
	}
	*lagp = bestlag;
	n = inlen;
	if (n + bestlag > outlen)
		n = outlen - bestlag;
	return xcorr(in, out + bestlag, n);
}

/* The correlation of x and y over the frames marked in drop. */
static double
lost_corr(const int16_t *x, const int16_t *y, const uint8_t *drop,
    size_t nframes)
{
	double xy = 0, xx = 0, yy = 0;
	size_t f, i;

	for (f = 0; f < nframes; f++) {
		if (!drop[f])
			continue;
		for (i = f * AUDIO_FRAME; i < (f + 1) * AUDIO_FRAME; i++) {
			xy += (double)x[i] * y[i];
			xx += (double)x[i] * x[i];
			yy += (double)y[i] * y[i];
		}
	}
	if (xx == 0 || yy == 0)
		return 0;
	return xy / sqrt(xx * yy);
}

/* One trip through encoder and receiver. */
struct trip {
	const int16_t		*in;		/* nframes frames */
	size_t			 nframes;
	const uint8_t		*drop;		/* frames not delivered */
	int			 wideband;	/* keep Opus in SILK mode */
	int16_t			*out;		/* OUT_LEN samples */
	size_t			 dtx;		/* DTX packets (not sent) */
	int			 errs;		/* encoder or put failures */
	uint8_t			 fec[VOICE_FRAMES]; /* packet has FEC */
	struct audio_rx_stats	 st;
};

/*
 * Whether a SILK-mode packet carries FEC, found without looking at its
 * bits: a fresh decoder asked for the FEC of a packet without any
 * conceals from no history, which is silence.  (Not so for hybrid
 * packets, whose CELT part is concealed from nothing into noise.)
 */
static int
fec_oracle(const uint8_t *pkt, size_t len)
{
	OpusDecoder *dec;
	int16_t pcm[AUDIO_FRAME];
	int err, n, i, nonzero = 0;

	if ((dec = opus_decoder_create(AUDIO_RATE, 1, &err)) == NULL)
		abort();
	n = opus_decode(dec, pkt, (opus_int32)len, pcm, AUDIO_FRAME, 1);
	for (i = 0; i < n; i++)
		nonzero |= pcm[i] != 0;
	opus_decoder_destroy(dec);
	return nonzero;
}

/*
 * Send t->in through a fresh encoder and receiver, one frame per 20 ms,
 * dropping frame i if t->drop[i], and skipping DTX packets (whose
 * sequence numbers are used all the same) as the client does.  The
 * output is taken until the receiver has played or concealed every
 * frame (or gives up); the rest of t->out is zeroed.
 */
static void
run(struct trip *t)
{
	struct audio_enc *enc = audio_enc_new(0, 0);
	struct audio_rx *rx = audio_rx_new();
	uint8_t pkt[AUDIO_MAX_PACKET], level;
	uint64_t now = 5000000;
	size_t i, len;
	int rc, vad;

	memset(&t->st, 0, sizeof(t->st));
	memset(t->fec, 0, sizeof(t->fec));
	t->dtx = 0;
	t->errs = 0;
	if (enc == NULL || rx == NULL || t->nframes > VOICE_FRAMES)
		abort();
	if (t->wideband && opus_encoder_ctl(enc->opus,
	    OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND)) != OPUS_OK)
		abort();
	for (i = 0; i < t->nframes + DRAIN_FRAMES; i++, now += TICK_USEC) {
		if (i < t->nframes) {
			rc = audio_enc_frame(enc, t->in + i * AUDIO_FRAME,
			    pkt, sizeof(pkt), &len, &vad, &level);
			if (rc == -1)
				t->errs++;
			if (rc == 1)
				t->dtx++;
			if (rc == 0)
				t->fec[i] = fec_oracle(pkt, len);
			if (rc == 0 && !t->drop[i] && audio_rx_put(rx,
			    SEQ_BASE + (uint32_t)i, pkt, len, now) == -1)
				t->errs++;
		}
		audio_rx_tick(rx, now, t->out + i * AUDIO_FRAME);
		t->st = *audio_rx_stats(rx);
		/* Every frame played or concealed: the stream is over. */
		if (t->st.decoded + t->st.concealed >= t->nframes)
			break;
	}
	if (i < t->nframes + DRAIN_FRAMES)
		i++;
	memset(t->out + i * AUDIO_FRAME, 0, (OUT_LEN - i * AUDIO_FRAME) *
	    sizeof(t->out[0]));
	audio_enc_free(enc);
	audio_rx_free(rx);
}

/* RFC 6464 levels of signals whose RMS is known. */
static void
test_level(void)
{
	static const int dbov[] = { -4, -6, -20, -35, -50, -60 };
	int16_t pcm[AUDIO_FRAME];
	size_t i;
	double amp;

	for (i = 0; i < AUDIO_FRAME; i++)
		pcm[i] = (i / 48) % 2 ? -32767 : 32767;
	tap_is_int(audio_level(pcm), 0, "full-scale square wave is 0 dBov");
	for (i = 0; i < AUDIO_FRAME; i++)
		pcm[i] = (i / 48) % 2 ? INT16_MIN : INT16_MAX;
	tap_is_int(audio_level(pcm), 0, "-32768 clamps to 0 dBov");
	make_sine(pcm, 32767, 1000);
	tap_is_int(audio_level(pcm), 3, "full-scale sine is -3 dBov");
	/* RMS at -20 dBov: the amplitude is sqrt(2) times the RMS. */
	make_sine(pcm, 32767 * 0.1 * M_SQRT2, 1000);
	tap_is_int(audio_level(pcm), 20, "-20 dBov RMS sine is level 20");
	for (i = 0; i < sizeof(dbov) / sizeof(dbov[0]); i++) {
		amp = 32767 * pow(10, dbov[i] / 20.0) * M_SQRT2;
		make_sine(pcm, amp, 440);
		tap_ok(abs(audio_level(pcm) + dbov[i]) <= 1,
		    "%d dBov sine within 1 dB (got %d)", dbov[i],
		    audio_level(pcm));
	}
	memset(pcm, 0, sizeof(pcm));
	tap_is_int(audio_level(pcm), AUDIO_LEVEL_SILENCE, "silence is 127");
	/* sqrt(1/960)/32767: -120.1 dBov, the quietest non-zero frame. */
	pcm[17] = -1;
	tap_is_int(audio_level(pcm), 120, "one LSB is level 120");
}

/* Settings libopus reports back, and the limits of audio_enc_new(). */
static void
test_enc_settings(void)
{
	struct audio_enc *enc;
	opus_int32 v;

	tap_ok(audio_enc_new(AUDIO_MIN_BITRATE - 1, 0) == NULL,
	    "bitrate below minimum refused");
	tap_ok(audio_enc_new(AUDIO_MAX_BITRATE + 1, AUDIO_MUSIC) == NULL,
	    "bitrate above maximum refused");
	tap_ok(audio_enc_new(-1, 0) == NULL, "negative bitrate refused");
	tap_ok(audio_enc_new(0, 0x2) == NULL, "unknown flag refused");

	if ((enc = audio_enc_new(0, 0)) == NULL)
		abort();
	tap_is_int(enc->bitrate, AUDIO_VOICE_BITRATE, "voice default bitrate");
	opus_encoder_ctl(enc->opus, OPUS_GET_BITRATE(&v));
	tap_is_int(v, AUDIO_VOICE_BITRATE, "opus bitrate set");
	opus_encoder_ctl(enc->opus, OPUS_GET_APPLICATION(&v));
	tap_is_int(v, OPUS_APPLICATION_VOIP, "voice is OPUS_APPLICATION_VOIP");
	opus_encoder_ctl(enc->opus, OPUS_GET_INBAND_FEC(&v));
	tap_is_int(v, 1, "in-band FEC on");
	opus_encoder_ctl(enc->opus, OPUS_GET_PACKET_LOSS_PERC(&v));
	tap_is_int(v, AUDIO_LOSS_PERC, "expected loss 10 %");
	opus_encoder_ctl(enc->opus, OPUS_GET_DTX(&v));
	tap_is_int(v, 1, "DTX on");
	opus_encoder_ctl(enc->opus, OPUS_GET_SAMPLE_RATE(&v));
	tap_is_int(v, AUDIO_RATE, "48 kHz");
	audio_enc_free(enc);

	if ((enc = audio_enc_new(0, AUDIO_MUSIC)) == NULL)
		abort();
	tap_is_int(enc->bitrate, AUDIO_MUSIC_BITRATE, "music default bitrate");
	opus_encoder_ctl(enc->opus, OPUS_GET_APPLICATION(&v));
	tap_is_int(v, OPUS_APPLICATION_AUDIO, "music is OPUS_APPLICATION_AUDIO");
	audio_enc_free(enc);

	if ((enc = audio_enc_new(AUDIO_MAX_BITRATE, AUDIO_MUSIC)) == NULL)
		abort();
	opus_encoder_ctl(enc->opus, OPUS_GET_BITRATE(&v));
	tap_is_int(v, AUDIO_MAX_BITRATE, "128 kbit/s music");
	audio_enc_free(enc);
	audio_enc_free(NULL);
	audio_rx_free(NULL);
}

/* Levels and VAD of encoded frames; DTX on silence; a full buffer. */
static void
test_enc_frames(void)
{
	struct audio_enc *enc;
	int16_t pcm[AUDIO_FRAME];
	uint8_t pkt[AUDIO_MAX_PACKET], level;
	size_t len, i, ndtx = 0, maxdtx = 0;
	int vad, rc;

	if ((enc = audio_enc_new(0, 0)) == NULL)
		abort();
	make_sine(pcm, 32767 * 0.1 * M_SQRT2, 300);
	rc = audio_enc_frame(enc, pcm, pkt, sizeof(pkt), &len, &vad, &level);
	tap_is_int(rc, 0, "a tone is a packet to send");
	tap_ok(len > AUDIO_DTX_MAX_LEN && len <= sizeof(pkt),
	    "packet length %zu", len);
	tap_is_int(level, 20, "its level is 20");
	tap_is_int(vad, 1, "-20 dBov is voice");

	make_sine(pcm, 32767 * pow(10, -60 / 20.0) * M_SQRT2, 300);
	rc = audio_enc_frame(enc, pcm, pkt, sizeof(pkt), &len, &vad, &level);
	tap_ok(rc != -1, "a quiet tone encodes");
	tap_is_int(level, 60, "its level is 60");
	tap_is_int(vad, 0, "-60 dBov is not voice");

	rc = audio_enc_frame(enc, pcm, pkt, 0, &len, &vad, &level);
	tap_is_int(rc, -1, "no room for the packet");
	tap_is_int(len, 0, "... and no length");

	/* Two seconds of digital silence: DTX after a few frames. */
	memset(pcm, 0, sizeof(pcm));
	for (i = 0; i < 100; i++) {
		rc = audio_enc_frame(enc, pcm, pkt, sizeof(pkt), &len, &vad,
		    &level);
		if (rc == 1) {
			ndtx++;
			if (len > maxdtx)
				maxdtx = len;
		}
		if (rc == 1 && vad != 0)
			break;
	}
	tap_ok(ndtx >= 80, "silence is mostly DTX (%zu of 100)", ndtx);
	tap_ok(maxdtx >= 1 && maxdtx <= AUDIO_DTX_MAX_LEN,
	    "DTX packets are short (%zu)", maxdtx);
	tap_is_int(level, AUDIO_LEVEL_SILENCE, "silence has level 127");
	tap_is_int(vad, 0, "silence is not voice");
	audio_enc_free(enc);
}

/* Two seconds of voice, in order, nothing lost. */
static void
test_round_trip(void)
{
	static uint8_t nodrop[VOICE_FRAMES];
	static struct trip t;
	size_t lag;
	double c;

	t.in = voice;
	t.nframes = VOICE_FRAMES;
	t.drop = nodrop;
	t.out = got;
	run(&t);
	tap_is_int(t.errs, 0, "round trip: no encode or put errors");
	tap_is_int(t.dtx, 0, "round trip: voice is never DTX");
	tap_is_int(t.st.decoded, VOICE_FRAMES,
	    "round trip: every frame decoded");
	tap_is_int(t.st.concealed, 0, "round trip: nothing concealed");
	tap_is_int(t.st.errors, 0, "round trip: no decoder errors");
	c = best_corr(voice, VOICE_LEN, got, OUT_LEN, &lag);
	tap_ok(c > 0.9, "round trip: correlation %.3f at %.2f ms", c,
	    lag * 1000.0 / AUDIO_RATE);
	tap_ok(lag > 0, "round trip: output comes later than input");
}

/* Silence in, silence out (DTX packets skipped as the client does). */
static void
test_silence(void)
{
	static int16_t zero[VOICE_LEN];
	static uint8_t nodrop[VOICE_FRAMES];
	static struct trip t;
	size_t i;
	int peak = 0, quietest = AUDIO_LEVEL_SILENCE;

	t.in = zero;
	t.nframes = VOICE_FRAMES;
	t.drop = nodrop;
	t.out = got;
	run(&t);
	tap_is_int(t.errs, 0, "silence: no errors");
	tap_ok(t.dtx >= VOICE_FRAMES * 3 / 4, "silence: %zu DTX frames",
	    t.dtx);
	for (i = 0; i < OUT_LEN; i++)
		if (abs(got[i]) > peak)
			peak = abs(got[i]);
	for (i = 0; i < OUT_LEN; i += AUDIO_FRAME)
		if (audio_level(got + i) < quietest)
			quietest = audio_level(got + i);
	/* Comfort noise (PLC around DTX updates) is an LSB or two. */
	tap_ok(quietest >= 90, "silence: below -90 dBov (-%d)", quietest);
	tap_ok(peak <= 16, "silence: peak %d", peak);
	tap_ok(t.st.silent > 0, "silence: receiver reports silence (%llu)",
	    (unsigned long long)t.st.silent);
}

/*
 * One packet in ten lost, at a pseudo-random place inside each run of
 * ten but never a stream's first or last frame (which a jitter buffer
 * cannot know were sent), and once two in a row: the first of those
 * has no next packet to take FEC from, so it gets PLC.  Opus is kept in
 * SILK mode so that fec_oracle() can say which losses FEC can recover.
 */
static void
test_loss(void)
{
	static uint8_t drop[VOICE_FRAMES], byfec[VOICE_FRAMES];
	static uint8_t byplc[VOICE_FRAMES];
	static struct trip t;
	uint32_t r = 12345;
	size_t i, lag, ndrop = 0, nfec = 0;
	double c;

	for (i = 0; i < VOICE_FRAMES; i += 10) {
		r = r * 1103515245 + 12345;
		if (i == 50)
			drop[i + 4] = drop[i + 5] = 1;
		else if (i != 60)
			drop[i + 1 + (r >> 16) % 8] = 1;
	}
	for (i = 0; i < VOICE_FRAMES; i++)
		ndrop += drop[i];
	tap_is_int(ndrop, VOICE_FRAMES / 10, "loss: 10 % dropped");

	t.in = voice;
	t.nframes = VOICE_FRAMES;
	t.drop = drop;
	t.wideband = 1;
	t.out = got;
	run(&t);
	for (i = 0; i < VOICE_FRAMES; i++) {
		byfec[i] = drop[i] && i + 1 < VOICE_FRAMES &&
		    !drop[i + 1] && t.fec[i + 1];
		byplc[i] = drop[i] && !byfec[i];
		nfec += byfec[i];
	}
	tap_is_int(t.errs, 0, "loss: no errors");
	tap_is_int(t.st.concealed, ndrop, "loss: every lost frame concealed");
	tap_is_int(t.st.decoded, VOICE_FRAMES - ndrop,
	    "loss: every other frame decoded");
	tap_is_int(t.st.fec, nfec, "loss: FEC where the next packet has it");
	tap_ok(nfec > 0 && nfec < ndrop, "loss: %zu by FEC, %zu by PLC", nfec,
	    ndrop - nfec);
	c = best_corr(voice, VOICE_LEN, got, OUT_LEN, &lag);
	tap_ok(c > 0.7, "loss: correlation %.3f at %.2f ms", c,
	    lag * 1000.0 / AUDIO_RATE);
	/* Silence in their place would correlate 0, not just less. */
	c = lost_corr(voice, got + lag, byfec, VOICE_FRAMES);
	tap_ok(c > 0.5, "loss: frames rebuilt by FEC correlate %.3f", c);
	c = lost_corr(voice, got + lag, byplc, VOICE_FRAMES);
	tap_ok(c > 0.3, "loss: frames concealed by PLC correlate %.3f", c);
}

/*
 * Each frame of a SILK-mode stream lost alone, between two delivered
 * on either side: the receiver's output for it must be exactly what a
 * decoder given the same history makes from the next packet's FEC when
 * fec_oracle() finds FEC there, else from its PLC.
 */
static void
test_fec_choice(void)
{
	static uint8_t pkts[VOICE_FRAMES][AUDIO_MAX_PACKET];
	static size_t lens[VOICE_FRAMES];
	static uint8_t hasfec[VOICE_FRAMES];
	struct audio_enc *enc = audio_enc_new(0, 0);
	struct audio_rx *rx = audio_rx_new();
	OpusDecoder *ref;
	int16_t out[AUDIO_FRAME], want[AUDIO_FRAME], lost[AUDIO_FRAME];
	uint8_t level;
	uint64_t now = 1000000;
	size_t i, j, nyes = 0, nno = 0, badpcm = 0, badcount = 0;
	int vad, err, n;

	if (enc == NULL || rx == NULL || (ref = opus_decoder_create(
	    AUDIO_RATE, 1, &err)) == NULL || opus_encoder_ctl(enc->opus,
	    OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND)) != OPUS_OK)
		abort();
	for (i = 0; i < VOICE_FRAMES; i++) {
		if (audio_enc_frame(enc, voice + i * AUDIO_FRAME, pkts[i],
		    sizeof(pkts[i]), &lens[i], &vad, &level) != 0)
			abort();
		hasfec[i] = fec_oracle(pkts[i], lens[i]);
	}
	for (i = 2; i + 2 < VOICE_FRAMES; i++) {
		audio_rx_reset(rx);
		memset(&rx->st, 0, sizeof(rx->st));
		for (j = i - 2; j <= i + 2; j++)
			if (j != i && audio_rx_put(rx, (uint32_t)j, pkts[j],
			    lens[j], now) == -1)
				abort();
		memset(lost, 0, sizeof(lost));
		for (n = 0; n < 20 && rx->st.decoded + rx->st.concealed < 3;
		    n++, now += TICK_USEC) {
			audio_rx_tick(rx, now, out);
			if (rx->st.concealed == 1 && rx->st.decoded == 2)
				memcpy(lost, out, sizeof(lost));
		}
		opus_decoder_ctl(ref, OPUS_RESET_STATE);
		if (opus_decode(ref, pkts[i - 2], (opus_int32)lens[i - 2],
		    want, AUDIO_FRAME, 0) != AUDIO_FRAME ||
		    opus_decode(ref, pkts[i - 1], (opus_int32)lens[i - 1],
		    want, AUDIO_FRAME, 0) != AUDIO_FRAME)
			abort();
		if (hasfec[i + 1])
			n = opus_decode(ref, pkts[i + 1],
			    (opus_int32)lens[i + 1], want, AUDIO_FRAME, 1);
		else
			n = opus_decode(ref, NULL, 0, want, AUDIO_FRAME, 0);
		if (n != AUDIO_FRAME)
			abort();
		if (memcmp(lost, want, sizeof(want)) != 0)
			badpcm++;
		if (rx->st.fec != hasfec[i + 1] || rx->st.concealed != 1)
			badcount++;
		if (hasfec[i + 1])
			nyes++;
		else
			nno++;
	}
	tap_is_int(badpcm, 0, "FEC choice: concealment as a decoder's");
	tap_is_int(badcount, 0, "FEC choice: counted as FEC when FEC");
	tap_ok(nyes > 10 && nno > 10, "FEC choice: %zu with FEC, %zu without",
	    nyes, nno);
	opus_decoder_destroy(ref);
	audio_enc_free(enc);
	audio_rx_free(rx);
}

/* Packets the receiver refuses, or the decoder does. */
static void
test_rx_errors(void)
{
	static uint8_t big[AUDIO_MAX_PACKET + 1];
	/* RFC 6716 §3.2.5: code 3 with a frame count of 0 is invalid. */
	static const uint8_t bad[] = { 0x03, 0x00 };
	struct audio_enc *enc;
	struct audio_rx *rx;
	int16_t out[AUDIO_FRAME];
	uint8_t pkt[AUDIO_MAX_PACKET], level;
	uint64_t now = 1000000;
	size_t len;
	int rc, vad, playing;

	if ((enc = audio_enc_new(0, 0)) == NULL || (rx = audio_rx_new()) ==
	    NULL)
		abort();
	tap_is_int(audio_rx_put(rx, 1, pkt, 0, now), -1, "empty packet");
	tap_is_int(audio_rx_put(rx, 1, big, sizeof(big), now), -1,
	    "packet over 1275 bytes");
	rc = audio_enc_frame(enc, voice + 10 * AUDIO_FRAME, pkt, sizeof(pkt),
	    &len, &vad, &level);
	tap_is_int(rc, 0, "a packet to put");
	tap_is_int(audio_rx_put(rx, 1, pkt, len, now), 0, "first packet");
	tap_is_int(audio_rx_put(rx, 1, pkt, len, now), -1, "duplicate");
	tap_is_int(audio_rx_put(rx, 2, bad, sizeof(bad), now), 0,
	    "invalid Opus is buffered");
	for (playing = 0; audio_rx_stats(rx)->decoded +
	    audio_rx_stats(rx)->concealed < 2 && now < 2000000;
	    now += TICK_USEC)
		playing += audio_rx_tick(rx, now, out);
	tap_is_int(audio_rx_stats(rx)->decoded, 1, "good packet decoded");
	tap_is_int(audio_rx_stats(rx)->errors, 1, "bad packet refused");
	tap_is_int(audio_rx_stats(rx)->concealed, 1, "... and concealed");
	tap_is_int(audio_rx_stats(rx)->fec, 0, "... not from FEC");
	tap_is_int(playing, 2, "both ticks played");

	/* A restarted stream starts from its own first sequence number. */
	audio_rx_reset(rx);
	tap_is_int(audio_rx_put(rx, 1, pkt, len, now), 0,
	    "after reset, an old sequence number is new");
	audio_enc_free(enc);
	audio_rx_free(rx);
}

/* Mixing adds exactly and clips only the output. */
static void
test_mix(void)
{
	int32_t acc[AUDIO_FRAME];
	int16_t a[AUDIO_FRAME], b[AUDIO_FRAME], c[AUDIO_FRAME];
	int16_t out[AUDIO_FRAME];
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++) {
		a[i] = (int16_t)(i % 2 ? INT16_MAX : INT16_MIN);
		b[i] = (int16_t)(i % 2 ? 30000 : -30000);
		c[i] = 0;
	}
	a[2] = 1000;
	b[2] = -300;
	a[4] = 20000;
	b[4] = -20000;
	a[6] = 20000;
	b[6] = 12767;
	a[8] = 20000;
	b[8] = 12768;
	a[10] = -20000;
	b[10] = -12768;
	a[12] = -20000;
	b[12] = -12769;
	memset(acc, 0, sizeof(acc));
	audio_mix_add(acc, a);
	audio_mix_add(acc, b);
	tap_is_int(acc[1], INT16_MAX + 30000, "sum kept past 16 bits");
	tap_is_int(acc[0], INT16_MIN - 30000, "negative sum kept too");
	audio_mix_out(acc, out);
	tap_is_int(out[1], INT16_MAX, "positive sum clips at 32767");
	tap_is_int(out[0], INT16_MIN, "negative sum clips at -32768");
	tap_is_int(out[2], 700, "1000 - 300");
	tap_is_int(out[3], INT16_MAX, "clipped again");
	tap_is_int(out[4], 0, "cancelling");
	tap_is_int(out[6], INT16_MAX, "exactly 32767");
	tap_is_int(out[8], INT16_MAX, "32768 clips");
	tap_is_int(out[10], INT16_MIN, "exactly -32768");
	tap_is_int(out[12], INT16_MIN, "-32769 clips");

	/* 32767 + 30000 - 32767: nothing lost on the way. */
	c[1] = -INT16_MAX;
	audio_mix_add(acc, c);
	audio_mix_out(acc, out);
	tap_is_int(out[1], 30000, "an overflowing sum comes back exactly");
	memset(acc, 0, sizeof(acc));
	memset(c, 0, sizeof(c));
	audio_mix_out(acc, out);
	tap_is_mem(out, c, sizeof(out), "nothing mixed is silence");
}

int
main(void)
{
	make_voice(voice, VOICE_LEN);
	test_level();
	test_enc_settings();
	test_enc_frames();
	test_round_trip();
	test_silence();
	test_loss();
	test_fec_choice();
	test_rx_errors();
	test_mix();
	return tap_done();
}
