/*
 * audio.c - samples <-> Opus packets for the chorus client: the encoder
 * with its level and VAD, the per-sender receiver (jitter buffer, decoder,
 * FEC and PLC), and the mixer.
 *
 * Every frame is 20 ms of 48 kHz mono.  The receiver takes one frame from
 * its jitter buffer per tick and never returns less than a whole frame:
 * whatever the network lost is filled in by libopus, from the next
 * packet's in-band FEC (LBRR) when it is already here, else by its
 * packet loss concealment.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <opus.h>

#include "chorus/media.h"
#include "audio.h"

/* RFC 6716 §3.1: TOC configurations 0..15 are SILK-only or hybrid. */
#define AUDIO_TOC_CELT_CONFIG	16
#define AUDIO_SILK_FRAME	960	/* 20 ms: longest SILK frame */

/* Set up a fresh encoder's options; 0 or -1. */
static int
audio_enc_setup(struct audio_enc *enc)
{
	OpusEncoder *oe = enc->opus;

	if (opus_encoder_ctl(oe, OPUS_SET_BITRATE(enc->bitrate)) != OPUS_OK ||
	    opus_encoder_ctl(oe, OPUS_SET_VBR(1)) != OPUS_OK ||
	    opus_encoder_ctl(oe, OPUS_SET_INBAND_FEC(1)) != OPUS_OK ||
	    opus_encoder_ctl(oe,
	    OPUS_SET_PACKET_LOSS_PERC(AUDIO_LOSS_PERC)) != OPUS_OK ||
	    opus_encoder_ctl(oe, OPUS_SET_DTX(1)) != OPUS_OK)
		return -1;
	/* A hint only: the encoder still picks its mode per frame. */
	if (opus_encoder_ctl(oe, OPUS_SET_SIGNAL((enc->flags & AUDIO_MUSIC) ?
	    OPUS_SIGNAL_MUSIC : OPUS_SIGNAL_VOICE)) != OPUS_OK)
		return -1;
	return 0;
}

/* A 48 kHz mono encoder for voice or music. */
struct audio_enc *
audio_enc_new(int bitrate, int flags)
{
	struct audio_enc *enc;
	int app, err;

	if ((flags & ~AUDIO_MUSIC) != 0)
		return NULL;
	if (bitrate == 0)
		bitrate = (flags & AUDIO_MUSIC) ? AUDIO_MUSIC_BITRATE :
		    AUDIO_VOICE_BITRATE;
	if (bitrate < AUDIO_MIN_BITRATE || bitrate > AUDIO_MAX_BITRATE)
		return NULL;
	if ((enc = calloc(1, sizeof(*enc))) == NULL)
		return NULL;
	enc->flags = flags;
	enc->bitrate = bitrate;
	app = (flags & AUDIO_MUSIC) ? OPUS_APPLICATION_AUDIO :
	    OPUS_APPLICATION_VOIP;
	enc->opus = opus_encoder_create(AUDIO_RATE, 1, app, &err);
	if (enc->opus == NULL || err != OPUS_OK || audio_enc_setup(enc) == -1) {
		audio_enc_free(enc);
		return NULL;
	}
	return enc;
}

int
audio_enc_complexity(struct audio_enc *enc, int complexity)
{
	return opus_encoder_ctl(enc->opus, OPUS_SET_COMPLEXITY(complexity)) ==
	    OPUS_OK ? 0 : -1;
}

void
audio_enc_reset(struct audio_enc *enc)
{
	opus_encoder_ctl(enc->opus, OPUS_RESET_STATE);
}

void
audio_enc_free(struct audio_enc *enc)
{
	if (enc == NULL)
		return;
	if (enc->opus != NULL)
		opus_encoder_destroy(enc->opus);
	free(enc);
}

/*
 * RFC 6464 §3 and its Appendix A: the level is the frame's RMS in dB
 * relative to the overload point, i.e. to a full-scale square wave.
 */
uint8_t
audio_level(const int16_t pcm[AUDIO_FRAME])
{
	uint64_t sum = 0;
	double rms, dbov;
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++)
		sum += (uint64_t)((int64_t)pcm[i] * pcm[i]);
	if (sum == 0)
		return AUDIO_LEVEL_SILENCE;
	rms = sqrt((double)sum / AUDIO_FRAME) / 32767.0;
	dbov = 20.0 * log10(rms);
	/* The quietest non-zero frame is about -120 dBov: no -inf here. */
	return media_level_from_dbov((int)lround(dbov));
}

/* Encode one frame; 0 (send it), 1 (DTX, need not be sent) or -1. */
int
audio_enc_frame(struct audio_enc *enc, const int16_t pcm[AUDIO_FRAME],
    uint8_t *out, size_t cap, size_t *len, int *vad, uint8_t *level)
{
	opus_int32 n;

	*len = 0;
	*vad = 0;
	*level = audio_level(pcm);
	if (cap > AUDIO_MAX_PACKET)
		cap = AUDIO_MAX_PACKET;
	n = opus_encode(enc->opus, pcm, AUDIO_FRAME, out, (opus_int32)cap);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	/* opus_encode(3): a packet of 1 (or 2) bytes need not be sent. */
	if (n <= AUDIO_DTX_MAX_LEN)
		return 1;
	*vad = *level < AUDIO_VAD_LEVEL;
	return 0;
}

/*
 * Whether an Opus packet carries in-band FEC (LBRR) data for the frame
 * before it.  Only SILK and hybrid packets can (RFC 6716 §3.1).  The
 * SILK layer starts with one VAD flag per SILK frame and then the LBRR
 * flag, each a single bit of probability 1/2 (RFC 6716 §4.2.3); the
 * range coder makes its first such bits the top bits of the first byte
 * of the frame.  Mono only: the mid channel's flag is the one read.
 */
static int
audio_has_fec(const uint8_t *pkt, size_t len)
{
	const unsigned char *frames[48];
	opus_int16 sizes[48];
	unsigned char toc;
	int nsilk, spf;

	if (len < 2 || (pkt[0] >> 3) >= AUDIO_TOC_CELT_CONFIG)
		return 0;
	if (opus_packet_parse(pkt, (opus_int32)len, &toc, frames, sizes,
	    NULL) <= 0 || sizes[0] == 0)
		return 0;
	spf = opus_packet_get_samples_per_frame(pkt, AUDIO_RATE);
	nsilk = spf > AUDIO_SILK_FRAME ? spf / AUDIO_SILK_FRAME : 1;
	return (frames[0][0] >> (7 - nsilk)) & 1;
}

struct audio_rx *
audio_rx_new(void)
{
	struct audio_rx *rx;
	int err;

	if ((rx = calloc(1, sizeof(*rx))) == NULL)
		return NULL;
	jitter_init(&rx->jb);
	rx->opus = opus_decoder_create(AUDIO_RATE, 1, &err);
	if (rx->opus == NULL || err != OPUS_OK) {
		audio_rx_free(rx);
		return NULL;
	}
	return rx;
}

void
audio_rx_free(struct audio_rx *rx)
{
	if (rx == NULL)
		return;
	if (rx->opus != NULL)
		opus_decoder_destroy(rx->opus);
	free(rx);
}

/* A new stream: empty buffer, decoder as new; the counters stay. */
void
audio_rx_reset(struct audio_rx *rx)
{
	jitter_init(&rx->jb);
	opus_decoder_ctl(rx->opus, OPUS_RESET_STATE);
}

int
audio_rx_put(struct audio_rx *rx, uint32_t seq, const uint8_t *pkt,
    size_t len, uint64_t now_usec)
{
	if (len == 0 || len > AUDIO_MAX_PACKET)
		return -1;
	return jitter_put(&rx->jb, seq, pkt, len, now_usec);
}

/*
 * Fill in a frame: from the next packet's FEC if the frame was lost and
 * the next one is here with FEC, else by PLC.
 */
static void
audio_rx_conceal(struct audio_rx *rx, int lost, int16_t out[AUDIO_FRAME])
{
	const uint8_t *next = NULL;
	size_t nlen = 0;

	rx->st.concealed++;
	if (lost)
		next = jitter_peek_next(&rx->jb, &nlen);
	if (next != NULL && audio_has_fec(next, nlen) &&
	    opus_decode(rx->opus, next, (opus_int32)nlen, out, AUDIO_FRAME,
	    1) == AUDIO_FRAME) {
		rx->st.fec++;
		return;
	}
	/* A NULL packet asks libopus for its concealment (opus_decode(3)). */
	if (opus_decode(rx->opus, NULL, 0, out, AUDIO_FRAME, 0) != AUDIO_FRAME)
		memset(out, 0, AUDIO_FRAME * sizeof(out[0]));
}

int
audio_rx_tick(struct audio_rx *rx, uint64_t now_usec,
    int16_t out[AUDIO_FRAME])
{
	size_t len;

	switch (jitter_get(&rx->jb, now_usec, rx->pkt, sizeof(rx->pkt),
	    &len)) {
	case JITTER_FRAME:
		/*
		 * Exactly one 20 ms frame: anything else (longer packets,
		 * garbage from a member's broken encoder) is concealed.
		 */
		if (opus_decode(rx->opus, rx->pkt, (opus_int32)len, out,
		    AUDIO_FRAME, 0) == AUDIO_FRAME) {
			rx->st.decoded++;
			return 1;
		}
		rx->st.errors++;
		audio_rx_conceal(rx, 0, out);
		return 1;
	case JITTER_LOST:
		audio_rx_conceal(rx, 1, out);
		return 1;
	case JITTER_EMPTY:
	default:
		break;
	}
	rx->st.silent++;
	memset(out, 0, AUDIO_FRAME * sizeof(out[0]));
	return 0;
}

const struct audio_rx_stats *
audio_rx_stats(const struct audio_rx *rx)
{
	return &rx->st;
}

void
audio_mix_add(int32_t acc[AUDIO_FRAME], const int16_t in[AUDIO_FRAME])
{
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++)
		acc[i] += in[i];
}

/* Clip rather than wrap: a wrapped sum is a loud click. */
void
audio_mix_out(const int32_t acc[AUDIO_FRAME], int16_t out[AUDIO_FRAME])
{
	size_t i;

	for (i = 0; i < AUDIO_FRAME; i++) {
		if (acc[i] > INT16_MAX)
			out[i] = INT16_MAX;
		else if (acc[i] < INT16_MIN)
			out[i] = INT16_MIN;
		else
			out[i] = (int16_t)acc[i];
	}
}
