/*
 * room_mix.c - mixed rooms on the node: what the owner asked for with
 * a MIXED record at creation, and what a 20 ms tick sends.
 *
 * In a mixed room members seal their frames with keys derived from the
 * join key (lib/room.c, room_mixed_keys_derive), which the node holds,
 * so it can open them: it opens only the frames of the speakers the
 * selection (lib/speaker.c, mix-speakers places) makes active, mixes
 * them (daemon/mixer.c), and seals each tick's shared mix once, under
 * sender 0, to send to every listener, and each speaker's mix-minus,
 * under the speaker's own index, to that speaker alone.  The tick runs
 * from a timer set to absolute deadlines (lib/mix.c, mix_clock), and
 * stops when the room has been silent for a second.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/frame.h"
#include "chorus/media.h"
#include "chorus/mix.h"
#include "chorus/room.h"
#include "chorus_priv.h"
#include "conf.h"
#include "mixer.h"
#include "node.h"

#define ROOM_MIX_CATCH_UP	3	/* ticks run at once after a stall */

struct room_mix {
	struct chorus		*ch;
	struct room		*room;
	struct mixer		*mx;
	struct event		*ev;
	struct mix_clock	 clock;
	int			 running;
	struct room_mixed_keys	 keys;			/* secret */
	uint8_t			 shared_key[MEDIA_KEY_LEN];	/* secret */
	uint32_t		 shared_seq;	/* the shared mix's numbers */
	uint32_t		 ts_base;	/* timestamp offset, random */
	uint64_t		 opened, bad_auth;
	/* One tick's outputs outs[k], k >= 1: the speaker, its sealed mix-minus. */
	struct member		*minus_of[MIXER_MAX_OUTS];
	uint8_t			 minus[MIXER_MAX_OUTS][FRAME_HDR_LEN +
				    MEDIA_MAX_FRAME];
	size_t			 minus_len[MIXER_MAX_OUTS];
	size_t			 minus_flen[MIXER_MAX_OUTS];
};

static void room_mix_tick_cb(evutil_socket_t, short, void *);

int
room_mix_start(struct chorus *ch, struct room *r)
{
	const struct conf *conf = ch->node->conf;
	struct mixer_opts o;
	struct room_mix *rm;

	if (ch->nmixed >= conf->max_mixed_rooms)
		return -1;
	if ((rm = calloc(1, sizeof(*rm))) == NULL)
		return -1;
	r->mix = rm;
	ch->nmixed++;		/* room_mix_free() counts it out */
	rm->ch = ch;
	rm->room = r;
	/*
	 * Every node of the room seals its mixes under the same keys: random
	 * starts keep their nonces apart (doc/PROTOCOL.md "Keys and nonce").
	 */
	chorus_random(&rm->shared_seq, sizeof(rm->shared_seq));
	chorus_random(&rm->ts_base, sizeof(rm->ts_base));
	o.speakers = conf->mix_speakers;
	o.bitrate = (int)conf->mix_bitrate;
	o.complexity = (int)conf->mix_complexity;
	if ((rm->mx = mixer_new(&o)) == NULL ||
	    (rm->ev = evtimer_new(ch->node->base, room_mix_tick_cb, rm)) ==
	    NULL || room_mixed_keys_derive(r->join_key, r->id, &rm->keys) ==
	    -1 || media_sender_key(rm->keys.down, 0, ROOM_MIXED_SHARED,
	    rm->shared_key) == -1) {
		room_mix_free(ch, r);
		return -1;
	}
	return 0;
}

void
room_mix_free(struct chorus *ch, struct room *r)
{
	struct room_mix *rm = r->mix;

	if (rm == NULL)
		return;
	ch->nmixed--;
	if (rm->ev != NULL)
		event_free(rm->ev);
	mixer_free(rm->mx);
	crypto_wipe(rm, sizeof(*rm));
	free(rm);
	r->mix = NULL;
}

/* A member's keys: the one it seals with, the one of its mix-minus. */
int
room_mix_member(struct room *r, struct member *m)
{
	struct room_mix *rm = r->mix;

	chorus_random(&m->mix_seq, sizeof(m->mix_seq));
	if (media_sender_key(rm->keys.up, 0, m->index, m->mix_up) == -1 ||
	    media_sender_key(rm->keys.down, 0, m->index, m->mix_down) == -1)
		return -1;
	return 0;
}

/* The selection changed: the mixer decodes the selected members. */
void
room_mix_speakers(struct room *r, const uint32_t *members, size_t n)
{
	mixer_set_speakers(r->mix->mx, members, n);
}

static void
room_mix_arm(struct room_mix *rm, uint64_t now)
{
	uint64_t next = mix_clock_next(&rm->clock);
	struct timeval tv;

	next = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(next / 1000000);
	tv.tv_usec = (suseconds_t)(next % 1000000);
	evtimer_add(rm->ev, &tv);
}

/*
 * A frame of a selected speaker (room_media has done the selection,
 * which the mixer follows): only those are opened, so a listener costs
 * nothing here.
 */
void
room_mix_media(struct chorus *ch, struct room *r, struct member *m,
    const uint8_t *frame, size_t len)
{
	uint8_t opus[MEDIA_MAX_PAYLOAD];
	struct room_mix *rm = r->mix;
	struct media_header oh;
	uint64_t now = chorus_now(ch);
	size_t n;

	if (media_open(m->mix_up, frame, len, &oh, opus, sizeof(opus), &n) ==
	    -1 || oh.epoch != 0) {
		rm->bad_auth++;
		chorus_drop(ch, CD_MIX_AUTH);
		return;
	}
	rm->opened++;
	(void)mixer_put(rm->mx, m->index, oh.seq, opus, n, now);
	crypto_wipe(opus, n);
	if (!rm->running) {
		rm->running = 1;
		mix_clock_init(&rm->clock, now);
		room_mix_arm(rm, now);
	}
}

/*
 * Seal output o under key with number seq into pkt (a packet of one
 * MEDIA frame): its length, the frame's in *flen; 0 if it cannot.
 */
static size_t
room_mix_seal(const struct room_mix *rm, const struct mixer_out *o,
    const uint8_t key[MEDIA_KEY_LEN], uint32_t seq,
    uint8_t pkt[FRAME_HDR_LEN + MEDIA_MAX_FRAME], size_t *flen)
{
	uint8_t frame[MEDIA_MAX_FRAME];
	struct media_header h;
	struct buf_writer w;

	mixer_out_header(o, seq, &h);
	h.timestamp += rm->ts_base;
	buf_wr_init(&w, pkt, FRAME_HDR_LEN + MEDIA_MAX_FRAME);
	if (media_seal(key, &h, o->pkt, o->len, frame, sizeof(frame), flen) ==
	    -1 || frame_put_media(&w, frame, *flen) == -1)
		return 0;
	return buf_wr_len(&w);
}

/*
 * Which output member m gets: its own mix-minus if it is a speaker (k of
 * outs[1..n-1]); else, if it blocked a speaker, that speaker's mix-minus,
 * the mix without the blocked voice (the first such speaker: with two
 * blocked at once the second stays in); else 0, the shared mix.
 */
static size_t
room_mix_output(const struct room_mix *rm, const struct member *m, size_t n,
    int *blocked)
{
	size_t k;

	*blocked = 0;
	for (k = 1; k < n; k++)
		if (rm->minus_of[k] == m)
			return k;
	if (m->cs->blocks.n == 0)
		return 0;
	for (k = 1; k < n; k++)
		if (rm->minus_of[k] != NULL &&
		    guard_blocks_has(&m->cs->blocks, rm->minus_of[k]->ed_pub)) {
			*blocked = 1;
			return k;
		}
	return 0;
}

/*
 * One tick: each speaker's mix-minus to that speaker (and to whoever
 * blocked that speaker), the shared mix to every other member.  Every
 * output uses a number each tick, DTX or not; a mix-minus's numbers are
 * the member's for the room's life, so a speaker coming back into the
 * mix never reuses one (each seals a frame under the same key) and its
 * jitter buffer sees no jump back.
 */
static void
room_mix_run(struct room_mix *rm, uint64_t now)
{
	uint8_t shared[FRAME_HDR_LEN + MEDIA_MAX_FRAME];
	const struct mixer_out *outs;
	struct room *r = rm->room;
	struct member *m;
	size_t n, i, k, slen = 0, sflen = 0;
	uint32_t seq;
	int blocked;

	n = mixer_tick(rm->mx, now, &outs);
	seq = rm->shared_seq++;
	if (outs[0].len > 0)
		slen = room_mix_seal(rm, &outs[0], rm->shared_key, seq, shared,
		    &sflen);
	for (k = 1; k < n; k++) {
		rm->minus_len[k] = 0;
		rm->minus_of[k] = m = room_member_by_index(r, outs[k].member);
		if (m == NULL)
			continue;
		seq = m->mix_seq++;
		if (outs[k].len > 0)
			rm->minus_len[k] = room_mix_seal(rm, &outs[k],
			    m->mix_down, seq, rm->minus[k], &rm->minus_flen[k]);
	}
	for (i = 0; i < r->cap; i++) {
		if ((m = r->members[i]) == NULL || m->cs == NULL)
			continue;
		k = room_mix_output(rm, m, n, &blocked);
		if (k == 0 && slen > 0)
			(void)room_send_media(r, m, shared, slen, sflen);
		else if (k > 0 && rm->minus_len[k] > 0)
			(void)room_send_media(r, m, rm->minus[k],
			    rm->minus_len[k], rm->minus_flen[k]);
		if (blocked) {
			r->blocked++;
			rm->ch->blocked++;
		}
	}
}

static void
room_mix_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct room_mix *rm = arg;
	uint64_t now = chorus_now(rm->ch);
	unsigned n;

	(void)fd;
	(void)what;
	n = mix_clock_due(&rm->clock, now, ROOM_MIX_CATCH_UP);
	while (n-- > 0)
		room_mix_run(rm, now);
	if (mixer_idle(rm->mx)) {
		rm->running = 0;	/* the next speaker's frame restarts it */
		return;
	}
	room_mix_arm(rm, now);
}

json_t *
room_mix_json(const struct room *r)
{
	const struct room_mix *rm = r->mix;
	struct mixer_stats st;

	mixer_stats(rm->mx, &st);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I}",
	    "ticks", (json_int_t)st.ticks,
	    "skipped_ticks", (json_int_t)rm->clock.skipped,
	    "decoded", (json_int_t)st.decoded,
	    "concealed", (json_int_t)st.concealed,
	    "fec", (json_int_t)st.fec,
	    "encoded", (json_int_t)st.encoded,
	    "limited", (json_int_t)st.limited,
	    "speaker_switches", (json_int_t)st.switches,
	    "opened", (json_int_t)rm->opened,
	    "bad_auth", (json_int_t)rm->bad_auth,
	    "packets_sent", (json_int_t)r->media_out);
}
