/*
 * join_sim.c - chorus join --simulate N: N participants of one room in
 * one process, for load tests and the SFU benchmark.
 *
 * Each has its own identity, UDP socket and session.  The first K speak:
 * every 20 ms each sends a real Opus packet of a tone of its own (300 +
 * 150 i Hz, a whole number of cycles a second, encoded once as a 1 s
 * loop so that sending costs no encoding; a mixing node decodes it)
 * with the VAD flag and a steady
 * level, speaker i at -(10 + 3 i) dBov so the loudest are known.  The
 * rest listen, open every frame (so tampering would show) and count the
 * distinct senders they hear each second.  Because senders and receivers
 * share one clock, the delay of every frame through the node is measured
 * exactly (send time kept per sender and sequence number).
 */
#include <sys/resource.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "audio.h"
#include "chorus/crypto.h"
#include "cli.h"
#include "client.h"
#include "join.h"
#include "rclient.h"

#define SIM_RING		256	/* send times kept per speaker */
#define SIM_MAX_SAMPLES		2000000	/* delay samples kept */
#define SIM_JOIN_GRACE_SEC	20	/* most time to get everyone in */
#define SIM_WARMUP_SEC		2	/* streams counted after this */
#define SIM_CLIP		50	/* frames of a speaker's tone loop */

struct sim;

struct sim_part {
	struct sim		*sim;
	struct rclient		*rc;
	struct identity		 me;
	int			 joined;
	int			 speaker;	/* index, or -1 */
	int			 failed;
	uint32_t		 seq;
	struct sim_clip {
		uint16_t	len;
		uint8_t		pkt[AUDIO_MAX_PACKET];
	}			*clip;		/* [SIM_CLIP], speakers */
};

struct sim {
	struct join_args	*a;
	struct event_base	*base;
	struct sim_part		*p;
	unsigned		 n, joined, failed;
	uint64_t		 t0, start_usec;	/* measuring from */
	uint64_t		 frames_sent;
	uint64_t		 (*sent_at)[SIM_RING];	/* [speaker][seq % ring] */
	uint32_t		*speaker_member;	/* [speaker] */
	float			*delays;		/* ms */
	size_t			 ndelays;
	uint64_t		 received, refused_codes;
	int			 done, warm;
	struct event		*ev_tick;
};

static volatile sig_atomic_t sim_stop;

static void
sim_sig(int sig)
{
	(void)sig;
	sim_stop = 1;
}


static void
sim_joined_cb(struct rclient *rc, void *arg)
{
	struct sim_part *p = arg;
	struct sim *s = p->sim;

	p->joined = 1;
	if (p->speaker >= 0)
		s->speaker_member[p->speaker] = rclient_member(rc);
	if (++s->joined == s->n)
		s->start_usec = conn_now_usec() + 1000000;	/* settle 1 s */
}

static void
sim_media_cb(struct rclient *rc, struct rpeer *peer,
    const struct media_header *h, const uint8_t *opus, size_t len,
    void *arg)
{
	struct sim_part *p = arg;
	struct sim *s = p->sim;
	uint64_t now = conn_now_usec(), t;
	unsigned i;

	(void)rc;
	(void)peer;
	(void)opus;
	(void)len;
	s->received++;
	if (s->start_usec == 0 || now < s->start_usec)
		return;
	for (i = 0; i < s->a->speakers; i++) {
		if (s->speaker_member[i] != h->sender)
			continue;
		t = s->sent_at[i][h->seq % SIM_RING];
		if (t != 0 && t <= now && s->ndelays < SIM_MAX_SAMPLES)
			s->delays[s->ndelays++] = (float)(now - t) / 1000.0f;
		break;
	}
}

static void
sim_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	struct sim_part *p = arg;

	(void)rc;
	(void)about;
	if (!p->failed) {
		p->failed = 1;
		p->sim->failed++;
		p->sim->refused_codes++;
		fprintf(stderr, "chorus join --simulate: a participant was "
		    "refused: %s\n", ctrl_code_text(code));
	}
}

static void
sim_failed_cb(struct rclient *rc, void *arg)
{
	struct sim_part *p = arg;

	if (!p->failed) {
		p->failed = 1;
		p->sim->failed++;
		fprintf(stderr, "chorus join --simulate: %s\n",
		    conn_strerror(rclient_conn(rc)));
	}
}

/* Speaker p's tone, one second of it encoded; 0 or -1. */
static int
sim_clip(struct sim_part *p)
{
	int16_t pcm[AUDIO_FRAME];
	double f = 300.0 + 150.0 * p->speaker, t;
	struct audio_enc *enc;
	size_t i, k, len;
	uint8_t level;
	int vad, r = 0;

	if ((p->clip = calloc(SIM_CLIP, sizeof(*p->clip))) == NULL ||
	    (enc = audio_enc_new(0, 0)) == NULL)
		return -1;
	for (k = 0; k < SIM_CLIP && r == 0; k++) {
		for (i = 0; i < AUDIO_FRAME; i++) {
			t = (double)(k * AUDIO_FRAME + i) / AUDIO_RATE;
			pcm[i] = (int16_t)(8000.0 * sin(2.0 * M_PI * f * t));
		}
		r = audio_enc_frame(enc, pcm, p->clip[k].pkt, AUDIO_MAX_PACKET,
		    &len, &vad, &level) == 0 ? 0 : -1;
		p->clip[k].len = (uint16_t)len;
	}
	audio_enc_free(enc);
	return r;
}

/* Speakers send the frames due since the last tick. */
static void
sim_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	const struct sim_clip *c;
	struct sim *s = arg;
	uint64_t now = conn_now_usec(), due;
	struct sim_part *p;
	unsigned i;

	(void)fd;
	(void)what;
	if (sim_stop)
		s->done = 1;
	if (s->start_usec == 0) {
		if (now - s->t0 >= SIM_JOIN_GRACE_SEC * 1000000ULL) {
			fprintf(stderr, "chorus join --simulate: %u of %u "
			    "joined; measuring with them\n", s->joined, s->n);
			s->start_usec = now;
		}
		return;
	}
	if (now < s->start_usec)
		return;
	/* Count streams only once the speaker selection has settled. */
	if (!s->warm && now >= s->start_usec + SIM_WARMUP_SEC * 1000000ULL) {
		s->warm = 1;
		for (i = 0; i < s->n; i++)
			if (s->p[i].rc != NULL)
				rclient_reset_streams(s->p[i].rc);
	}
	if (s->a->duration > 0 &&
	    (double)(now - s->start_usec) / 1e6 >= s->a->duration) {
		s->done = 1;
		return;
	}
	for (i = 0; i < s->n; i++) {
		p = &s->p[i];
		if (p->speaker < 0 || !p->joined || p->failed)
			continue;
		/*
		 * Speakers' clocks are independent: speaker k's frames are
		 * offset by k/K of a frame, not sent in one burst.
		 */
		due = (now - s->start_usec + 20000 - 20000 * (uint64_t)p->speaker /
		    s->a->speakers) / 20000;
		while (p->seq < due) {
			s->sent_at[p->speaker][p->seq % SIM_RING] = conn_now_usec();
			c = &p->clip[p->seq % SIM_CLIP];
			if (rclient_send_media(p->rc, c->pkt, c->len, 1,
			    (uint8_t)(10 + 3 * p->speaker), p->seq * 960) == 0)
				s->frames_sent++;
			p->seq++;
		}
	}
}

static int
sim_cmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

static double
sim_pct(const float *v, size_t n, double q)
{
	return n == 0 ? 0.0 : (double)v[(size_t)floor(q * (double)(n - 1))];
}

static void
sim_report(struct sim *s)
{
	unsigned i, max = 0, listeners = 0, min = UINT32_MAX;
	uint64_t bad = 0;
	json_t *o;

	for (i = 0; i < s->n; i++) {
		const struct rclient_stats *st;

		if (s->p[i].rc == NULL)
			continue;
		st = rclient_stats(s->p[i].rc);
		bad += st->media_bad_auth;
		if (s->p[i].speaker >= 0 || !s->p[i].joined)
			continue;
		listeners++;
		if (st->max_streams > max)
			max = st->max_streams;
		if (st->max_streams < min)
			min = st->max_streams;
	}
	qsort(s->delays, s->ndelays, sizeof(*s->delays), sim_cmp);
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:{s:f, s:f, s:f, s:I}}",
	    "participants", (json_int_t)s->n,
	    "joined", (json_int_t)s->joined,
	    "failed", (json_int_t)s->failed,
	    "speakers", (json_int_t)s->a->speakers,
	    "frames_sent", (json_int_t)s->frames_sent,
	    "frames_received", (json_int_t)s->received,
	    "bad_auth", (json_int_t)bad,
	    "max_streams_per_listener", (json_int_t)max,
	    "min_streams_per_listener",
	    (json_int_t)(listeners > 0 ? min : 0),
	    "delay_ms", "p50", sim_pct(s->delays, s->ndelays, 0.50),
	    "p99", sim_pct(s->delays, s->ndelays, 0.99),
	    "max", sim_pct(s->delays, s->ndelays, 1.0),
	    "samples", (json_int_t)s->ndelays);
	if (o != NULL) {
		json_dumpf(o, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(o);
	}
}

/* Room for N sockets: raise the descriptor limit to its hard maximum. */
static void
sim_rlimit(unsigned n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
sim_start(struct sim *s)
{
	static const struct rclient_cb cb = {
		.joined = sim_joined_cb, .media = sim_media_cb,
		.error = sim_error_cb, .failed = sim_failed_cb,
	};
	struct rclient_opts o;
	char err[512];
	unsigned i;

	memset(&o, 0, sizeof(o));
	cli_link_conn(&s->a->link, s->a->node, &o.conn);
	memcpy(o.conn.psk, s->a->psk, sizeof(o.conn.psk));
	o.conn.tcp = s->a->tcp;
	o.conn.timeout_ms = (unsigned)(s->a->timeout * 1000);
	o.link = &s->a->link;
	o.password = s->a->password;
	o.decrypt = 1;
	for (i = 0; i < s->n; i++) {
		struct sim_part *p = &s->p[i];

		p->sim = s;
		p->speaker = i < s->a->speakers ? (int)i : -1;
		if (p->speaker >= 0 && sim_clip(p) == -1)
			return -1;
		o.me = &p->me;
		if (cli_ephemeral_identity(&p->me) == -1 ||
		    (p->rc = rclient_new(s->base, &o, &cb, p, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "chorus join --simulate: participant "
			    "%u: %s\n", i, err);
			return -1;
		}
		(void)rclient_join(p->rc);
	}
	return 0;
}

int
join_simulate(struct join_args *a)
{
	struct timeval tv = { 0, 5000 };
	struct sim s;
	unsigned i;
	int rc = CLIENT_EXIT_FAILED;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.n = a->simulate;
	if (a->speakers > s.n || a->duration <= 0) {
		fprintf(stderr, "chorus join --simulate: needs --duration and "
		    "at most N --speakers\n");
		return CLIENT_EXIT_USAGE;
	}
	sim_rlimit(s.n);
	if ((s.p = calloc(s.n, sizeof(*s.p))) == NULL ||
	    (s.sent_at = calloc(a->speakers + 1, sizeof(*s.sent_at))) ==
	    NULL || (s.speaker_member = calloc(a->speakers + 1,
	    sizeof(*s.speaker_member))) == NULL ||
	    (s.delays = calloc(SIM_MAX_SAMPLES, sizeof(*s.delays))) == NULL ||
	    (s.base = event_base_new()) == NULL ||
	    (s.ev_tick = event_new(s.base, -1, EV_PERSIST, sim_tick_cb,
	    &s)) == NULL || event_add(s.ev_tick, &tv) == -1)
		goto done;
	signal(SIGINT, sim_sig);
	signal(SIGTERM, sim_sig);
	s.t0 = conn_now_usec();
	if (sim_start(&s) == -1)
		goto done;
	(void)cli_run(s.base, &s.done, 0);
	if (a->stats_json)
		sim_report(&s);
	rc = s.joined == s.n && s.failed == 0 ? CLIENT_EXIT_OK :
	    CLIENT_EXIT_FAILED;
done:
	for (i = 0; s.p != NULL && i < s.n; i++) {
		if (s.p[i].joined)
			rclient_leave(s.p[i].rc);
		rclient_free(s.p[i].rc);
		free(s.p[i].clip);
		identity_wipe(&s.p[i].me);
	}
	if (s.ev_tick != NULL)
		event_free(s.ev_tick);
	if (s.base != NULL)
		event_base_free(s.base);
	free(s.p);
	free(s.sent_at);
	free(s.speaker_member);
	free(s.delays);
	return rc;
}
