/*
 * audio.h - the client's audio pipeline around libopus: 48 kHz mono
 * samples to 20 ms Opus packets with their RFC 6464 level and VAD flag,
 * one jitter buffer and decoder per remote sender (with in-band FEC and
 * packet loss concealment), and saturating mixing.
 *
 * No I/O and no clock: the caller passes the time in, sends the packets
 * (sealed by media.h) and plays the samples.  Including this header does
 * not need libopus's headers; audio.c does.
 */
#ifndef CHORUS_AUDIO_H
#define CHORUS_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/jitter.h"

#define AUDIO_RATE		48000	/* samples per second, mono */
#define AUDIO_FRAME		960	/* samples in one 20 ms frame */
#define AUDIO_MAX_PACKET	1275	/* largest Opus packet, RFC 6716 */

#define AUDIO_VOICE_BITRATE	28000	/* bit/s: the default for voice */
#define AUDIO_MUSIC_BITRATE	96000	/* bit/s: the default for music */
#define AUDIO_MIN_BITRATE	6000
#define AUDIO_MAX_BITRATE	128000
#define AUDIO_MAX_COMPLEXITY	10	/* Opus's encoder complexity: 0..10 */
#define AUDIO_LOSS_PERC		10	/* loss the encoder's FEC plans for */
#define AUDIO_DTX_MAX_LEN	2	/* a packet this short is DTX */
/* VAD: a frame louder than -AUDIO_VAD_LEVEL dBov is voice. */
#define AUDIO_VAD_LEVEL		50
#define AUDIO_LEVEL_SILENCE	127	/* -127 dBov, RFC 6464 */

/* audio_enc_new() flags. */
#define AUDIO_MUSIC		0x1	/* OPUS_APPLICATION_AUDIO, not VOIP */

struct OpusEncoder;
struct OpusDecoder;

struct audio_enc {
	struct OpusEncoder	*opus;
	int			 flags;
	int			 bitrate;	/* bit/s */
};

/*
 * What audio_rx has done, one count per audio_rx_tick().  concealed
 * counts network losses and also the ticks that end a talk spurt before
 * the jitter buffer calls the stream idle (DTX): jitter_stats(&rx->jb)
 * tells them apart (lost against underrun).
 */
struct audio_rx_stats {
	uint64_t	decoded;	/* frames decoded from their packet */
	uint64_t	concealed;	/* lost or refused, filled in */
	uint64_t	fec;		/* ... of which from the next's FEC */
	uint64_t	errors;		/* packets the decoder refused */
	uint64_t	silent;		/* ticks with nothing to play */
};

/* One remote sender: its jitter buffer and decoder. */
struct audio_rx {
	struct jitter		 jb;
	struct OpusDecoder	*opus;
	uint8_t			 pkt[JITTER_MAX_PAYLOAD];
	struct audio_rx_stats	 st;
};

/*
 * An encoder at bitrate bit/s (0: AUDIO_VOICE_BITRATE, or
 * AUDIO_MUSIC_BITRATE with AUDIO_MUSIC), with in-band FEC for
 * AUDIO_LOSS_PERC % loss and DTX on.  FEC only exists in Opus's SILK
 * and hybrid modes, so music at high bitrates (CELT) goes without.
 * NULL if bitrate is not 0 or AUDIO_MIN_BITRATE..AUDIO_MAX_BITRATE,
 * flags are unknown, or libopus fails.
 */
struct audio_enc *audio_enc_new(int bitrate, int flags);
void	audio_enc_free(struct audio_enc *);
/* Opus's complexity, 0..AUDIO_MAX_COMPLEXITY; 0, or -1 if out of range. */
int	audio_enc_complexity(struct audio_enc *, int complexity);
/* A new stream: the encoder as new, its options kept. */
void	audio_enc_reset(struct audio_enc *);
/*
 * Encode one 20 ms frame into out (cap bytes; AUDIO_MAX_PACKET always
 * suffices), its length to *len, its RFC 6464 level to *level and the
 * VAD flag to *vad (level above -AUDIO_VAD_LEVEL dBov, and not DTX).
 * Returns 0 for a packet to send, 1 for a DTX packet (at most
 * AUDIO_DTX_MAX_LEN bytes, the input is silence) that need not be sent,
 * -1 if libopus fails (cap too small).
 */
int	audio_enc_frame(struct audio_enc *, const int16_t pcm[AUDIO_FRAME],
	    uint8_t *out, size_t cap, size_t *len, int *vad, uint8_t *level);

/*
 * The RFC 6464 audio level of a frame: -dBov of its RMS, where 0 dBov is
 * the RMS of a full-scale square wave (+-32767), rounded to the nearest
 * dB and clamped to 0..127; an all-zero frame is 127.
 */
uint8_t	audio_level(const int16_t pcm[AUDIO_FRAME]);

/* A receiver for one sender; NULL if libopus fails or out of memory. */
struct audio_rx *audio_rx_new(void);
void	audio_rx_free(struct audio_rx *);
/* Forget the stream (the sender restarted its sequence numbers). */
void	audio_rx_reset(struct audio_rx *);
/*
 * A packet with sequence number seq arrived at now_usec: 0, or -1 if it
 * is empty, too long, late or a duplicate (jitter_put()).
 */
int	audio_rx_put(struct audio_rx *, uint32_t seq, const uint8_t *pkt,
	    size_t len, uint64_t now_usec);
/*
 * The next 20 ms of this sender, called every 20 ms: the frame due,
 * decoded; a lost frame rebuilt from the next packet's in-band FEC if
 * the jitter buffer holds it and it carries FEC, else concealed (PLC);
 * a packet the decoder refuses is concealed too.  Returns 1 if out holds
 * sound to play, 0 if the sender is silent (out is zeros: not started,
 * or DTX).
 */
int	audio_rx_tick(struct audio_rx *, uint64_t now_usec,
	    int16_t out[AUDIO_FRAME]);
const struct audio_rx_stats *audio_rx_stats(const struct audio_rx *);

/*
 * Mixing: acc starts zeroed, each sender's frame is added to it, and
 * audio_mix_out() clips the sum to 16 bits.  Exact for up to 65536
 * inputs.
 */
void	audio_mix_add(int32_t acc[AUDIO_FRAME], const int16_t in[AUDIO_FRAME]);
void	audio_mix_out(const int32_t acc[AUDIO_FRAME], int16_t out[AUDIO_FRAME]);

#endif
