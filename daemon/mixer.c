/*
 * mixer.c - a mixed room's audio engine (see mixer.h).
 *
 * Each of the `speakers` places has its receiver (jitter buffer and
 * decoder, client/audio.c) and the encoder of its mix-minus, made once
 * with the mixer and reset when the place changes hands, so a speaker
 * switch allocates nothing.  A tick adds every place's frame into one
 * accumulator with a gain ramp (lib/mix.c: up from zero for a speaker's
 * first sound, down to zero for one leaving), keeps each contribution,
 * and encodes the sum for the listeners and the sum less each
 * contribution for its speaker, each through its own limiter.
 */
#include <stdlib.h>
#include <string.h>

#include "chorus/media.h"
#include "chorus/mix.h"
#include "../client/audio.h"
#include "mixer.h"

_Static_assert(MIX_FRAME == AUDIO_FRAME && MIX_RATE == AUDIO_RATE,
    "lib/mix.c and client/audio.c must agree on the frame");

enum mixer_state {
	PLACE_FREE = 0,
	PLACE_ACTIVE,		/* decoded and mixed */
	PLACE_LEAVING,		/* one more tick, fading out */
};

struct mixer_place {
	int			 state;
	int			 sounding;	/* has been heard since added */
	uint32_t		 member;
	struct audio_rx		*rx;
	struct audio_enc	*enc;		/* its mix-minus */
	struct mix_limiter	 lim;
	int32_t			 contrib[MIX_FRAME];
	uint8_t			 pkt[AUDIO_MAX_PACKET];
};

struct mixer {
	struct mixer_opts	 o;
	/* Twice `speakers`: the places of those fading out are busy. */
	struct mixer_place	 places[2 * MIXER_MAX_SPEAKERS];
	unsigned		 nplaces;
	struct audio_enc	*enc;		/* the shared mix */
	struct mix_limiter	 lim;
	unsigned		 quiet_ticks;
	int32_t			 acc[MIX_FRAME];
	int32_t			 minus[MIX_FRAME];
	int16_t			 pcm[MIX_FRAME];
	uint8_t			 pkt[AUDIO_MAX_PACKET];
	struct mixer_out	 outs[MIXER_MAX_OUTS];
	struct mixer_stats	 st;
};

static struct audio_enc *
mixer_enc_new(const struct mixer_opts *o)
{
	struct audio_enc *enc;

	if ((enc = audio_enc_new(o->bitrate, 0)) != NULL &&
	    audio_enc_complexity(enc, o->complexity) == -1) {
		audio_enc_free(enc);
		enc = NULL;
	}
	return enc;
}

struct mixer *
mixer_new(const struct mixer_opts *o)
{
	struct mixer *mx;
	unsigned i;

	if (o->speakers < 1 || o->speakers > MIXER_MAX_SPEAKERS ||
	    o->bitrate < AUDIO_MIN_BITRATE || o->bitrate > AUDIO_MAX_BITRATE ||
	    o->complexity < 0 || o->complexity > AUDIO_MAX_COMPLEXITY)
		return NULL;
	if ((mx = calloc(1, sizeof(*mx))) == NULL)
		return NULL;
	mx->o = *o;
	mix_limiter_init(&mx->lim);
	if ((mx->enc = mixer_enc_new(o)) == NULL)
		goto fail;
	mx->nplaces = 2 * o->speakers;
	for (i = 0; i < mx->nplaces; i++) {
		struct mixer_place *p = &mx->places[i];

		mix_limiter_init(&p->lim);
		if ((p->rx = audio_rx_new()) == NULL ||
		    (p->enc = mixer_enc_new(o)) == NULL)
			goto fail;
	}
	return mx;
fail:
	mixer_free(mx);
	return NULL;
}

void
mixer_free(struct mixer *mx)
{
	unsigned i;

	if (mx == NULL)
		return;
	for (i = 0; i < mx->nplaces; i++) {
		audio_rx_free(mx->places[i].rx);
		audio_enc_free(mx->places[i].enc);
	}
	audio_enc_free(mx->enc);
	free(mx);
}

static struct mixer_place *
mixer_place(struct mixer *mx, uint32_t member)
{
	unsigned i;

	for (i = 0; i < mx->nplaces; i++)
		if (mx->places[i].state != PLACE_FREE &&
		    mx->places[i].member == member)
			return &mx->places[i];
	return NULL;
}

static unsigned
mixer_active(const struct mixer *mx)
{
	unsigned i, n = 0;

	for (i = 0; i < mx->nplaces; i++)
		n += mx->places[i].state == PLACE_ACTIVE;
	return n;
}

/* member becomes an active speaker; -1 if `speakers` are active. */
static int
mixer_speaker_add(struct mixer *mx, uint32_t member)
{
	struct mixer_place *p;
	unsigned i;

	if ((p = mixer_place(mx, member)) != NULL) {
		/* Back before its fade-out ran: it carries on. */
		p->state = PLACE_ACTIVE;
		return 0;
	}
	if (mixer_active(mx) >= mx->o.speakers)
		return -1;
	for (i = 0; i < mx->nplaces; i++)
		if (mx->places[i].state == PLACE_FREE)
			break;
	if (i == mx->nplaces)
		return -1;
	p = &mx->places[i];
	p->state = PLACE_ACTIVE;
	p->sounding = 0;
	p->member = member;
	audio_rx_reset(p->rx);
	audio_enc_reset(p->enc);
	mix_limiter_init(&p->lim);
	mx->st.switches++;
	return 0;
}

/* An active place's speaker stops being one: faded out, then dropped. */
static void
mixer_speaker_remove(struct mixer_place *p)
{
	p->state = p->sounding ? PLACE_LEAVING : PLACE_FREE;
}

void
mixer_set_speakers(struct mixer *mx, const uint32_t *members, size_t n)
{
	struct mixer_place *p;
	unsigned i;
	size_t j;

	for (i = 0; i < mx->nplaces; i++) {
		p = &mx->places[i];
		if (p->state != PLACE_ACTIVE)
			continue;
		for (j = 0; j < n && members[j] != p->member; j++)
			;
		if (j == n)
			mixer_speaker_remove(p);
	}
	for (j = 0; j < n; j++)
		(void)mixer_speaker_add(mx, members[j]);
}

int
mixer_put(struct mixer *mx, uint32_t member, uint32_t seq,
    const uint8_t *opus, size_t len, uint64_t now_usec)
{
	struct mixer_place *p = mixer_place(mx, member);

	if (p == NULL || p->state != PLACE_ACTIVE)
		return -1;
	return audio_rx_put(p->rx, seq, opus, len, now_usec);
}

/*
 * Take place p's next frame into the accumulator: faded in on its first
 * sound, faded out when leaving, its contribution kept for its
 * mix-minus.  Returns 1 if it added sound.
 */
static int
mixer_take(struct mixer *mx, struct mixer_place *p, uint64_t now_usec)
{
	uint32_t g0 = MIX_GAIN_ONE, g1 = MIX_GAIN_ONE;

	if (!audio_rx_tick(p->rx, now_usec, mx->pcm)) {
		memset(p->contrib, 0, sizeof(p->contrib));
		return 0;
	}
	if (!p->sounding) {
		g0 = 0;
		p->sounding = 1;
	}
	if (p->state == PLACE_LEAVING)
		g1 = 0;
	mix_add(mx->acc, mx->pcm, g0, g1, p->contrib);
	return 1;
}

/* Limit and encode acc into one output. */
static void
mixer_encode(struct mixer *mx, struct audio_enc *enc,
    struct mix_limiter *lim, const int32_t *acc, uint8_t *pkt,
    uint32_t member, struct mixer_out *out)
{
	uint64_t limited = lim->limited;
	size_t len = 0;
	int vad = 0, r;
	uint8_t level = AUDIO_LEVEL_SILENCE;

	mix_limit(lim, acc, mx->pcm);
	mx->st.limited += lim->limited - limited;
	r = audio_enc_frame(enc, mx->pcm, pkt, AUDIO_MAX_PACKET, &len, &vad,
	    &level);
	memset(out, 0, sizeof(*out));
	out->member = member;
	out->timestamp = (uint32_t)(mx->st.ticks * MIX_FRAME);
	out->vad = vad;
	out->level = level;
	out->pkt = pkt;
	if (r == 0) {
		out->len = len;
		mx->st.encoded++;
	}
}

size_t
mixer_tick(struct mixer *mx, uint64_t now_usec,
    const struct mixer_out **outs)
{
	struct mixer_place *p;
	size_t n = 1;
	unsigned i;
	int busy = 0;

	memset(mx->acc, 0, sizeof(mx->acc));
	for (i = 0; i < mx->nplaces; i++) {
		p = &mx->places[i];
		/* Busy: sounding, or fading out; silent speakers are not. */
		if (p->state != PLACE_FREE && (mixer_take(mx, p, now_usec) ||
		    p->state == PLACE_LEAVING))
			busy = 1;
	}
	mixer_encode(mx, mx->enc, &mx->lim, mx->acc, mx->pkt,
	    ROOM_MIXED_SHARED, &mx->outs[0]);
	for (i = 0; i < mx->nplaces; i++) {
		p = &mx->places[i];
		if (p->state == PLACE_FREE)
			continue;
		mix_minus(mx->minus, mx->acc, p->contrib);
		mixer_encode(mx, p->enc, &p->lim, mx->minus, p->pkt,
		    p->member, &mx->outs[n++]);
		if (p->state == PLACE_LEAVING)
			p->state = PLACE_FREE;
	}
	mx->st.ticks++;
	mx->quiet_ticks = busy ? 0 : mx->quiet_ticks + 1;
	*outs = mx->outs;
	return n;
}

int
mixer_idle(const struct mixer *mx)
{
	return mx->quiet_ticks >= MIXER_IDLE_TICKS;
}

void
mixer_out_header(const struct mixer_out *o, uint32_t seq,
    struct media_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = MEDIA_VERSION;
	h->vad = o->vad ? 1 : 0;
	h->sender = o->member;
	h->seq = seq;
	h->timestamp = o->timestamp;
	h->level = o->level;
}

/* The receivers' figures run on across speakers: add them up. */
void
mixer_stats(const struct mixer *mx, struct mixer_stats *st)
{
	const struct audio_rx_stats *rs;
	unsigned i;

	*st = mx->st;
	for (i = 0; i < mx->nplaces; i++) {
		rs = audio_rx_stats(mx->places[i].rx);
		st->decoded += rs->decoded;
		st->concealed += rs->concealed;
		st->fec += rs->fec;
	}
}
