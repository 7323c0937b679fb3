/*
 * mix.c - what a mixed room costs per 20 ms tick, against a naive
 * design, in one process.
 *
 *   tests/bench/mix [--complexity N] [--ticks N] [--listeners A,B,...]
 *
 * Chorus's design (daemon/mixer.c, run here exactly as the node runs
 * it): 3 speakers; per tick their 3 frames are opened (media_open),
 * decoded, mixed, and encoded as one shared mix and 3 mix-minus
 * streams; each output is sealed once (media_seal); then each listener
 * costs one transport seal of the shared frame (ChaCha20-Poly1305, as
 * session_seal does) and nothing else.
 *
 * The baseline is the design of a conference bridge that treats every
 * participant alike (Janus's AudioBridge): every participant's frame is
 * decoded (listeners send silence), everything is summed, and one mix
 * without the participant's own voice is encoded for each participant,
 * then sealed for it.
 *
 * Both run on the same pre-encoded speech-like signals (three voices:
 * harmonic tones with a syllable-rate envelope) at the same complexity.
 * For each listener count: CPU per tick (thread CPU time, median and
 * p99), CPU per listener, the share of one core at 50 ticks a second,
 * and the baseline/Chorus ratio.  The baseline runs only while its
 * ticks stay affordable (fewer ticks as it grows, none past 1000
 * participants).  Not a pass/fail test: a shared machine is noisy.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opus.h>

#include "chorus/crypto.h"
#include "chorus/media.h"
#include "chorus/mix.h"
#include "../../client/audio.h"
#include "../../daemon/mixer.h"

#define SPEAKERS	3
#define CLIP_TICKS	250		/* 5 s of each voice, looped */
#define PKT_MAX		(MEDIA_MAX_FRAME + 64)

struct clip {
	uint8_t		pkt[CLIP_TICKS][AUDIO_MAX_PACKET];
	size_t		len[CLIP_TICKS];
	uint8_t		frame[CLIP_TICKS][MEDIA_MAX_FRAME];	/* sealed */
	size_t		flen[CLIP_TICKS];
};

static struct clip	clips[SPEAKERS];
static uint8_t		silence[AUDIO_MAX_PACKET];
static size_t		silence_len;
static uint8_t		key[MEDIA_KEY_LEN];	/* sender and transport */

static double
cpu_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double q)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

/* A voice: harmonics of f0 under a 4 Hz syllable envelope. */
static void
voice(int16_t *pcm, size_t tick, double f0, double phase)
{
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++) {
		double t = (double)(tick * AUDIO_FRAME + i) / AUDIO_RATE;
		double env = 0.5 + 0.5 * sin(2 * M_PI * 4 * t + phase);
		double s = 0;
		int h;

		for (h = 1; h <= 8; h++)
			s += sin(2 * M_PI * f0 * h * t) / h;
		pcm[i] = (int16_t)(6000 * env * env * s);
	}
}

static int
make_clips(int complexity)
{
	static const double f0[SPEAKERS] = { 110, 175, 240 };
	int16_t pcm[AUDIO_FRAME];
	struct audio_enc *enc;
	struct media_header h;
	uint8_t lvl, sk[MEDIA_KEY_LEN];
	size_t s, t;
	int vad;

	for (s = 0; s < SPEAKERS; s++) {
		if ((enc = audio_enc_new(0, 0)) == NULL ||
		    audio_enc_complexity(enc, complexity) == -1)
			return -1;
		opus_encoder_ctl(enc->opus, OPUS_SET_DTX(0));
		media_sender_key(key, 0, (uint32_t)s + 1, sk);
		for (t = 0; t < CLIP_TICKS; t++) {
			voice(pcm, t, f0[s], (double)s);
			audio_enc_frame(enc, pcm, clips[s].pkt[t],
			    AUDIO_MAX_PACKET, &clips[s].len[t], &vad, &lvl);
			memset(&h, 0, sizeof(h));
			h.version = MEDIA_VERSION;
			h.vad = 1;
			h.sender = (uint32_t)s + 1;
			h.seq = (uint32_t)t;
			h.level = lvl;
			media_seal(sk, &h, clips[s].pkt[t], clips[s].len[t],
			    clips[s].frame[t], MEDIA_MAX_FRAME,
			    &clips[s].flen[t]);
		}
		audio_enc_free(enc);
	}
	if ((enc = audio_enc_new(0, 0)) == NULL)
		return -1;
	opus_encoder_ctl(enc->opus, OPUS_SET_DTX(0));
	memset(pcm, 0, sizeof(pcm));
	audio_enc_frame(enc, pcm, silence, sizeof(silence), &silence_len,
	    &vad, &lvl);
	audio_enc_free(enc);
	return 0;
}

/* One listener's share of a tick: the transport seal of its packet. */
static void
seal_for(uint64_t nonce, const uint8_t *frame, size_t len)
{
	static uint8_t out[PKT_MAX + CRYPTO_AEAD_TAG_LEN];

	crypto_aead_seal(key, nonce, NULL, 0, frame, len, out);
}

/* Chorus: per tick, the speakers' frames opened, one mixer tick. */
static void
run_chorus(struct mixer *mx, size_t listeners, size_t ticks, double *cpu)
{
	uint8_t opus[MEDIA_MAX_PAYLOAD], frame[MEDIA_MAX_FRAME];
	uint8_t sk[SPEAKERS][MEDIA_KEY_LEN], down[MEDIA_KEY_LEN];
	const struct mixer_out *outs;
	struct media_header h;
	size_t t, s, i, n, len, fl;
	uint64_t now = 1000000, nonce = 0;

	for (s = 0; s < SPEAKERS; s++)
		media_sender_key(key, 0, (uint32_t)s + 1, sk[s]);
	media_sender_key(key, 0, 0, down);
	for (t = 0; t < ticks; t++) {
		double c0 = cpu_usec();

		for (s = 0; s < SPEAKERS; s++) {
			struct clip *c = &clips[s];
			size_t k = t % CLIP_TICKS;

			if (media_open(sk[s], c->frame[k], c->flen[k], &h, opus,
			    sizeof(opus), &len) == 0)
				mixer_put(mx, (uint32_t)s + 1, (uint32_t)t,
				    opus, len, now);
		}
		n = mixer_tick(mx, now, &outs);
		for (i = 0; i < n; i++) {
			if (outs[i].len == 0)
				continue;
			mixer_out_header(&outs[i], (uint32_t)t, &h);
			media_seal(down, &h, outs[i].pkt, outs[i].len, frame,
			    sizeof(frame), &fl);
			if (i == 0)
				for (s = 0; s < listeners; s++)
					seal_for(nonce++, frame, fl);
			else
				seal_for(nonce++, frame, fl);
		}
		cpu[t] = cpu_usec() - c0;
		now += MIX_PERIOD_USEC;
	}
}

/* The baseline: decode everyone, encode and seal a mix for each. */
static void
run_naive(size_t listeners, size_t ticks, int complexity, double *cpu)
{
	size_t n = listeners + SPEAKERS, t, p, i, len;
	OpusDecoder **dec = calloc(n, sizeof(*dec));
	struct audio_enc **enc = calloc(n, sizeof(*enc));
	int16_t (*pcm)[AUDIO_FRAME] = calloc(n, sizeof(*pcm));
	int32_t acc[AUDIO_FRAME];
	int16_t out[AUDIO_FRAME];
	uint8_t pkt[MEDIA_HEADER_LEN + AUDIO_MAX_PACKET];
	uint64_t nonce = 0;
	int err, vad;
	uint8_t lvl;

	for (p = 0; p < n; p++) {
		dec[p] = opus_decoder_create(AUDIO_RATE, 1, &err);
		enc[p] = audio_enc_new(0, 0);
		(void)audio_enc_complexity(enc[p], complexity);
	}
	for (t = 0; t < ticks; t++) {
		double c0 = cpu_usec();

		memset(acc, 0, sizeof(acc));
		for (p = 0; p < n; p++) {
			const uint8_t *in = silence;
			size_t inlen = silence_len;

			if (p < SPEAKERS) {
				in = clips[p].pkt[t % CLIP_TICKS];
				inlen = clips[p].len[t % CLIP_TICKS];
			}
			if (opus_decode(dec[p], in, (opus_int32)inlen, pcm[p],
			    AUDIO_FRAME, 0) != AUDIO_FRAME)
				memset(pcm[p], 0, sizeof(pcm[p]));
			audio_mix_add(acc, pcm[p]);
		}
		for (p = 0; p < n; p++) {
			int32_t m[AUDIO_FRAME];

			for (i = 0; i < AUDIO_FRAME; i++)
				m[i] = acc[i] - pcm[p][i];
			audio_mix_out(m, out);
			if (audio_enc_frame(enc[p], out, pkt, sizeof(pkt), &len,
			    &vad, &lvl) == 0)
				seal_for(nonce++, pkt, len + MEDIA_HEADER_LEN);
		}
		cpu[t] = cpu_usec() - c0;
	}
	for (p = 0; p < n; p++) {
		opus_decoder_destroy(dec[p]);
		audio_enc_free(enc[p]);
	}
	free(dec);
	free(enc);
	free(pcm);
}

static void
usage(void)
{
	fprintf(stderr, "usage: mix [--complexity N] [--ticks N] "
	    "[--listeners N,N,...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t lst[16] = { 10, 100, 1000, 5000 }, nl = 4, i, ticks = 500;
	int complexity = 5;
	struct mixer_opts o;
	double *cpu;

	for (i = 1; i < (size_t)argc; i++) {
		if (i + 1 == (size_t)argc)
			usage();
		if (strcmp(argv[i], "--complexity") == 0)
			complexity = atoi(argv[++i]);
		else if (strcmp(argv[i], "--ticks") == 0)
			ticks = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--listeners") == 0) {
			char *p = argv[++i], *end;

			for (nl = 0; nl < 16 && *p != '\0'; p = end) {
				lst[nl++] = strtoul(p, &end, 10);
				if (*end == ',')
					end++;
				else if (*end != '\0')
					usage();
			}
		} else
			usage();
	}
	if (complexity < 0 || complexity > 10 || ticks < 10 || nl == 0)
		usage();
	if (make_clips(complexity) == -1 ||
	    (cpu = calloc(ticks, sizeof(*cpu))) == NULL)
		return 1;
	printf("# mixed room, %d speakers, complexity %d, %zu ticks of 20 ms\n",
	    SPEAKERS, complexity, ticks);
	printf("%-9s %-7s %10s %10s %12s %8s %8s\n", "listeners", "design",
	    "median_us", "p99_us", "us/listener", "core_%", "ratio");
	for (i = 0; i < nl; i++) {
		double med, p99, nmed;
		size_t nt;

		o.speakers = SPEAKERS;
		o.bitrate = 32000;
		o.complexity = complexity;
		struct mixer *mx = mixer_new(&o);
		uint32_t sp[SPEAKERS] = { 1, 2, 3 };

		if (mx == NULL)
			return 1;
		mixer_set_speakers(mx, sp, SPEAKERS);
		run_chorus(mx, lst[i], ticks, cpu);
		mixer_free(mx);
		/* The first ticks fill the jitter buffers: leave them out. */
		med = pct(cpu + 10, ticks - 10, 0.5);
		p99 = pct(cpu + 10, ticks - 10, 0.99);
		printf("%-9zu %-7s %10.0f %10.0f %12.3f %8.2f %8s\n", lst[i],
		    "chorus", med, p99, med / (double)lst[i], med / 200.0,
		    "1.00");
		if (lst[i] > 1000)
			continue;
		/* The baseline at most ~20 s a row. */
		nt = lst[i] <= 100 ? ticks : lst[i] <= 300 ? 100 : 20;
		if (nt > ticks)
			nt = ticks;
		run_naive(lst[i], nt, complexity, cpu);
		nmed = pct(cpu + 2, nt - 2, 0.5);
		printf("%-9zu %-7s %10.0f %10.0f %12.3f %8.2f %8.1f\n", lst[i],
		    "naive", nmed, pct(cpu + 2, nt - 2, 0.99),
		    nmed / (double)lst[i], nmed / 200.0, nmed / med);
		fflush(stdout);
	}
	free(cpu);
	return 0;
}
