/*
 * mixer.h - the audio engine of one mixed room: a jitter buffer and an
 * Opus decoder for each active speaker only, one shared mix for every
 * listener, one mix-minus for each active speaker, all re-encoded with
 * libopus once per 20 ms tick.
 *
 * Its cost follows the number of active speakers (at most `speakers`),
 * never the number of listeners: the shared mix is encoded once and the
 * caller sends the same packet to every listener.  No I/O and no clock:
 * the caller (daemon/room_mix.c) decides who speaks (lib/speaker.c),
 * opens the frames, passes the time in, and seals and sends what a tick
 * produces.  tests/bench/mix links it as it is.
 */
#ifndef CHORUSD_MIXER_H
#define CHORUSD_MIXER_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/room.h"

#define MIXER_MAX_SPEAKERS	8	/* most mix-speakers */
/* A tick's outputs: the shared mix, then a mix-minus per place (a
   speaker fading out keeps its place while another comes in). */
#define MIXER_MAX_OUTS		(1 + 2 * MIXER_MAX_SPEAKERS)
/* Ticks with no sound and nothing to fade out before mixer_idle(). */
#define MIXER_IDLE_TICKS	50

struct mixer;

struct mixer_opts {
	unsigned	speakers;	/* 1..MIXER_MAX_SPEAKERS */
	int		bitrate;	/* bit/s of each output */
	int		complexity;	/* Opus encoder complexity, 0..10 */
};

/*
 * One encoded output of a tick.  member is ROOM_MIXED_SHARED for the mix
 * every listener gets, or the member index of an active speaker for its
 * mix-minus (the others without itself).  timestamp is in 48 kHz units.
 * The caller numbers the outputs (one number a tick, DTX included).
 */
struct mixer_out {
	uint32_t	 member;
	uint32_t	 timestamp;
	int		 vad;
	uint8_t		 level;		/* RFC 6464 -dBov */
	const uint8_t	*pkt;		/* valid until the next tick */
	size_t		 len;		/* 0: DTX, nothing to send */
};

struct mixer_stats {
	uint64_t	ticks;
	uint64_t	decoded, concealed, fec;	/* speakers' frames */
	uint64_t	encoded;			/* outputs */
	uint64_t	limited;	/* output frames the limiter turned down */
	uint64_t	switches;	/* speakers that came into the mix */
};

struct media_header;
/* The media header an output is sealed under, as number seq. */
void		 mixer_out_header(const struct mixer_out *, uint32_t seq,
		    struct media_header *);

/* NULL if an option is out of range or libopus fails. */
struct mixer	*mixer_new(const struct mixer_opts *);
void		 mixer_free(struct mixer *);
/*
 * Make the n members the active speakers: the others fade out over the
 * next tick, the new ones are decoded from now on and fade in (at most
 * `speakers` of them; the rest are left out).
 */
void		 mixer_set_speakers(struct mixer *, const uint32_t *members,
		    size_t n);
/*
 * An Opus packet (opened) from member, sequence number seq, arrived at
 * now_usec.  0, or -1 if member is not an active speaker or the jitter
 * buffer refuses it (late, duplicate, too long).
 */
int		 mixer_put(struct mixer *, uint32_t member, uint32_t seq,
		    const uint8_t *opus, size_t len, uint64_t now_usec);
/*
 * Run one tick at now_usec: take a frame from each speaker's jitter
 * buffer (decoded, rebuilt from FEC or concealed), mix, limit, encode.
 * *outs is set to the outputs (the shared mix first, then one per
 * speaker, including one fading out); returns how many.
 */
size_t		 mixer_tick(struct mixer *, uint64_t now_usec,
		    const struct mixer_out **outs);
/*
 * 1 after MIXER_IDLE_TICKS ticks in which no speaker sounded and none
 * faded out: the caller may stop ticking until the next mixer_put().
 */
int		 mixer_idle(const struct mixer *);
void		 mixer_stats(const struct mixer *, struct mixer_stats *);

#endif
