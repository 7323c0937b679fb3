/*
 * cmd_join.c - chorus join: one participant in a room.  Sends a WAV file
 * as 20 ms Opus frames in real time, receives the others through a
 * jitter buffer per sender, mixes and records what it hears, and prints
 * its statistics (RTT, loss, jitter, latency) as JSON at the end.  A link
 * that names several nodes is ranked first (nodes_choose), and the nodes
 * are tried in turn; once in, the member keeps the room warm on the next
 * node and moves there if its node fails or drains (roam.h).
 *
 * What it hears is kept per sender identity, not per node session, so a
 * sender's stream goes on across a move and the copies that come through
 * both nodes while it moves are dropped as duplicates.
 *
 * Frames are clocked from CLOCK_MONOTONIC, not counted timer firings, so
 * a late wake-up sends the frames that are due rather than drifting.
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "audio.h"
#include "blockfile.h"
#include "invitefile.h"
#include "chorus/crypto.h"
#include "cli.h"
#include "client.h"
#include "join.h"
#include "rclient.h"
#include "roam.h"
#include "wav.h"

#define JOIN_TICK_MS	5	/* how often due frames are looked for */
#define JOIN_BLOCKLIST_MS 100	/* how often --blocklist is looked at */
#define JOIN_TAIL_SEC	1.0	/* listen on after the input ends */

/* One sender, as heard: by identity, or (a mix) by session and index. */
struct jpeer {
	uint8_t		 key[CRYPTO_ED25519_PUB_LEN];
	const void	*from;		/* the rclient of a mix; else NULL */
	struct audio_rx	*rx;
	uint32_t	 last_seq;
	int		 have_seq;
	uint64_t	 last_usec;	/* its last new frame came */
};

struct join {
	struct join_args	*a;
	struct event_base	*base;
	struct roam		*ro;
	struct jpeer		*peers;
	size_t			 npeers;
	uint64_t		 received;	/* frames, on any node */
	uint64_t		 last_new_usec, max_gap_usec;
	uint64_t		 max_sender_gap_usec;	/* one sender's */
	struct identity		 me;
	struct audio_enc	*enc;
	int16_t			*in;		/* --send samples */
	size_t			 nin;
	struct wav_writer	*out;		/* --record */
	uint64_t		 t0;		/* joined at (usec) */
	uint64_t		 sent_frames, played_frames, dtx_frames;
	uint64_t		 unsent_frames;	/* no node to send through */
	uint64_t		 sent_bytes;
	int			 joined, done, exit;
	struct event		*ev_tick;
	struct rclient_blocks	 blocks;	/* --blocklist, as sent */
	uint8_t			 invite[RECORD_LEN];	/* --invite */
	struct stat		 bl_st;		/* the file when last read */
	uint64_t		 bl_checked_usec;
	struct join_totals {
		uint64_t	decoded, concealed, fec, late, lost, got;
		uint64_t	duplicates;
		double		jitter, target;
		size_t		senders;
	}			 tot;		/* of senders, gone or not */
};

static volatile sig_atomic_t join_stop;

static void
join_sig(int sig)
{
	(void)sig;
	join_stop = 1;
}


/* Encode and send input frame i (silence past the end is not sent). */
static void
join_send_frame(struct join *j, uint64_t i)
{
	int16_t pcm[AUDIO_FRAME];
	uint8_t pkt[AUDIO_MAX_PACKET], level;
	size_t len, off = (size_t)i * AUDIO_FRAME, n;
	int vad, r;

	if (j->enc == NULL || off >= j->nin)
		return;
	n = j->nin - off < AUDIO_FRAME ? j->nin - off : AUDIO_FRAME;
	memset(pcm, 0, sizeof(pcm));
	memcpy(pcm, j->in + off, n * sizeof(int16_t));
	r = audio_enc_frame(j->enc, pcm, pkt, sizeof(pkt), &len, &vad,
	    &level);
	if (r == 1) {
		/* Not sent, but counted: receivers time playout by seq. */
		roam_skip(j->ro);
		j->dtx_frames++;
		return;
	}
	if (r == 0 && roam_send_media(j->ro, pkt, len, vad, level,
	    (uint32_t)(i * AUDIO_FRAME)) == 0) {
		j->sent_frames++;
		j->sent_bytes += len;
	} else
		j->unsent_frames++;	/* between nodes: gone */
}

/* Input frames handled so far: sent, DTX or lost in a move. */
static uint64_t
join_frames_done(const struct join *j)
{
	return j->sent_frames + j->dtx_frames + j->unsent_frames;
}

/* Mix one 20 ms frame from every sender and record it. */
static void
join_play_frame(struct join *j, uint64_t now)
{
	int32_t acc[AUDIO_FRAME];
	int16_t pcm[AUDIO_FRAME];
	size_t i;

	memset(acc, 0, sizeof(acc));
	for (i = 0; i < j->npeers; i++)
		if (audio_rx_tick(j->peers[i].rx, now, pcm) == 1)
			audio_mix_add(acc, pcm);
	audio_mix_out(acc, pcm);
	if (j->out != NULL)
		(void)wav_write(j->out, pcm, AUDIO_FRAME);
	j->played_frames++;
}

static void	join_blocks_check(struct join *, uint64_t);

static void
join_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct join *j = arg;
	uint64_t now = conn_now_usec(), due;
	double end = j->a->duration;

	(void)fd;
	(void)what;
	/* Interrupted in the room: leave it as at the end of --duration. */
	if (join_stop && !j->done) {
		if (j->joined)
			j->exit = CLIENT_EXIT_OK;
		j->done = 1;
	}
	join_blocks_check(j, now);
	if (!j->joined || j->done)
		return;
	due = (now - j->t0) / 20000 + 1;
	while (join_frames_done(j) < due &&
	    join_frames_done(j) * AUDIO_FRAME < j->nin)
		join_send_frame(j, join_frames_done(j));
	while (j->played_frames < due)
		join_play_frame(j, now);
	/* No --duration: the input and a tail, or (nothing to send) ever. */
	if (end == 0)
		end = j->nin > 0 ? (double)j->nin / AUDIO_RATE + JOIN_TAIL_SEC :
		    -1;
	if (end > 0 && (double)(now - j->t0) / 1e6 >= end) {
		j->exit = CLIENT_EXIT_OK;
		j->done = 1;
	}
}

static void
join_joined_cb(struct rclient *rc, void *arg)
{
	struct join *j = arg;
	char node[ROOM_HOST_MAX + 16];

	j->joined = 1;
	j->t0 = conn_now_usec();
	if (rclient_is_mixed(rc))
		fprintf(stderr, "chorus join: this room is MIXED: the node "
		    "decodes and mixes its audio, so it is not end-to-end "
		    "encrypted\n");
	if (j->a->link.nnodes > 1) {
		cli_link_node_text(&j->a->link, roam_node(j->ro), node,
		    sizeof(node));
		fprintf(stderr, "chorus join: joined node %s\n", node);
	}
}

static void
join_moved_cb(struct roam *ro, size_t idx, const char *why, void *arg)
{
	struct join *j = arg;
	char node[ROOM_HOST_MAX + 16];

	(void)ro;
	cli_link_node_text(&j->a->link, idx, node, sizeof(node));
	fprintf(stderr, "chorus join: moved to node %s (%s)\n", node, why);
}

static void
join_passed_cb(struct roam *ro, size_t idx, const char *why, void *arg)
{
	struct join *j = arg;
	char node[ROOM_HOST_MAX + 16];

	(void)ro;
	cli_link_node_text(&j->a->link, idx, node, sizeof(node));
	fprintf(stderr, "chorus join: node %s: %s; trying the next node\n",
	    node, why);
}

/* The sender of a frame: its identity, or for a mix its session. */
static struct jpeer *
join_peer(struct join *j, struct rclient *rc, const struct rpeer *p)
{
	static const uint8_t zero[CRYPTO_ED25519_PUB_LEN];
	const void *from = memcmp(p->ed_pub, zero, sizeof(zero)) == 0 ?
	    (const void *)rc : NULL;
	uint8_t key[CRYPTO_ED25519_PUB_LEN];
	struct jpeer *jp;
	size_t i;

	memcpy(key, p->ed_pub, sizeof(key));
	if (from != NULL)
		memcpy(key, &p->member, sizeof(p->member));
	for (i = 0; i < j->npeers; i++)
		if (j->peers[i].from == from &&
		    memcmp(j->peers[i].key, key, sizeof(key)) == 0)
			return &j->peers[i];
	if ((jp = reallocarray(j->peers, j->npeers + 1, sizeof(*jp))) ==
	    NULL)
		return NULL;
	j->peers = jp;
	jp = &j->peers[j->npeers];
	memset(jp, 0, sizeof(*jp));
	if ((jp->rx = audio_rx_new()) == NULL)
		return NULL;
	memcpy(jp->key, key, sizeof(key));
	jp->from = from;
	j->npeers++;
	return jp;
}

static void
join_media_cb(struct rclient *rc, struct rpeer *p,
    const struct media_header *h, const uint8_t *opus, size_t len,
    void *arg)
{
	struct join *j = arg;
	uint64_t now = conn_now_usec();
	struct jpeer *jp;
	int fresh;

	if ((jp = join_peer(j, rc, p)) == NULL)
		return;
	j->received++;
	/* A frame not heard before (through either node): time the gap. */
	fresh = !jp->have_seq || (int32_t)(h->seq - jp->last_seq) > 0;
	if (fresh) {
		jp->have_seq = 1;
		jp->last_seq = h->seq;
		if (j->last_new_usec != 0 &&
		    now - j->last_new_usec > j->max_gap_usec)
			j->max_gap_usec = now - j->last_new_usec;
		j->last_new_usec = now;
		if (jp->last_usec != 0 &&
		    now - jp->last_usec > j->max_sender_gap_usec)
			j->max_sender_gap_usec = now - jp->last_usec;
		jp->last_usec = now;
	}
	(void)audio_rx_put(jp->rx, h->seq, opus, len, now);
}

/* Add one sender's receive figures to the totals. */
static void
join_account(struct join *j, struct audio_rx *rx)
{
	const struct audio_rx_stats *as = audio_rx_stats(rx);
	const struct jitter_stats *js = jitter_stats(&rx->jb);

	j->tot.senders++;
	j->tot.decoded += as->decoded;
	j->tot.concealed += as->concealed;
	j->tot.fec += as->fec;
	j->tot.late += js->late;
	j->tot.duplicates += js->duplicate;
	j->tot.lost += js->lost;
	j->tot.got += js->received;
	j->tot.jitter += js->jitter_ms;
	j->tot.target += js->target_ms;
}

static void
join_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	struct join *j = arg;

	(void)rc;
	(void)about;
	fprintf(stderr, "chorus join: %s\n", cli_code_text(code));
	j->exit = cli_exit_code(code);
	j->done = 1;
}

static void
join_failed_cb(struct rclient *rc, void *arg)
{
	struct join *j = arg;

	fprintf(stderr, "chorus join: %s\n", conn_strerror(rclient_conn(rc)));
	j->exit = cli_exit_conn(conn_failure(rclient_conn(rc)));
	j->done = 1;
}

/* The statistics JSON: what a user or a test wants to know. */
static void
join_stats(struct join *j)
{
	struct rclient *rc = roam_active(j->ro);
	const struct conn_stats *cs = conn_stats(rclient_conn(rc));
	const struct rclient_stats *rs = rclient_stats(rc);
	struct join_totals *t = &j->tot;
	double jit = 0, target = 0;
	char node[ROOM_HOST_MAX + 16];
	size_t i;
	json_t *o;

	for (i = 0; i < j->npeers; i++)
		join_account(j, j->peers[i].rx);
	if (t->senders > 0) {
		jit = t->jitter / (double)t->senders;
		target = t->target / (double)t->senders;
	}
	o = json_pack("{s:I, s:I, s:f, s:{s:I, s:I, s:I}, "
	    "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, "
	    "s:{s:I, s:I, s:I, s:I}, s:{s:f, s:f, s:f, s:f}, "
	    "s:f, s:f, s:f, s:I, s:I, s:I}",
	    "member", (json_int_t)rclient_member(rc),
	    "key_epoch", (json_int_t)rclient_epoch(rc),
	    "duration_s", j->joined ? (double)(conn_now_usec() - j->t0) / 1e6 : 0.0,
	    "sent", "frames", (json_int_t)j->sent_frames,
	    "bytes", (json_int_t)j->sent_bytes,
	    "dtx_frames", (json_int_t)j->dtx_frames,
	    "received", "frames", (json_int_t)j->received,
	    "bad_auth", (json_int_t)rs->media_bad_auth,
	    "no_key", (json_int_t)rs->media_no_key,
	    "unknown_sender", (json_int_t)rs->media_unknown_sender,
	    "senders", (json_int_t)t->senders,
	    "max_streams", (json_int_t)rs->max_streams,
	    "late", (json_int_t)t->late,
	    "decoded", "frames", (json_int_t)t->decoded,
	    "concealed", (json_int_t)t->concealed,
	    "fec", (json_int_t)t->fec,
	    "played", (json_int_t)j->played_frames,
	    "rtt_ms", "last", cs->rtt_ms, "min", cs->rtt_min_ms,
	    "avg", cs->rtt_avg_ms, "max", cs->rtt_max_ms,
	    "loss", t->got + t->lost > 0 ? (double)t->lost /
	    (double)(t->got + t->lost) : 0.0,
	    "jitter_ms", jit,
	    /* One RTT (the sender's half and ours), a frame, the buffer. */
	    "latency_ms", cs->rtt_avg_ms + 20.0 + target,
	    "speaker_events", (json_int_t)rs->speaker_events,
	    "keys_received", (json_int_t)rs->keys_received,
	    "rekeys", (json_int_t)cs->rekeys);
	cli_link_node_text(&j->a->link, roam_node(j->ro), node, sizeof(node));
	if (o != NULL) {
		json_object_set_new(o, "node", json_string(node));
		json_object_set_new(o, "mixed",
		    json_boolean(rclient_is_mixed(rc)));
		json_object_set_new(o, "moves",
		    json_integer(roam_moves(j->ro)));
		json_object_set_new(o, "failovers",
		    json_integer(roam_failovers(j->ro)));
		json_object_set_new(o, "standby",
		    json_boolean(roam_standby_ready(j->ro)));
		json_object_set_new(o, "max_gap_ms",
		    json_real((double)j->max_gap_usec / 1000.0));
		json_object_set_new(o, "max_sender_gap_ms",
		    json_real((double)j->max_sender_gap_usec / 1000.0));
		json_object_set_new(json_object_get(o, "received"),
		    "duplicates", json_integer((json_int_t)t->duplicates));
		json_object_set_new(o, "unsent_frames",
		    json_integer((json_int_t)j->unsent_frames));
		json_dumpf(o, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(o);
	}
}

static int
join_setup(struct join *j, char *err, size_t errlen)
{
	struct join_args *a = j->a;

	if (a->identity != NULL) {
		if (cli_load_identity(a->identity, &j->me, err, errlen) == -1)
			return -1;
	} else if (cli_ephemeral_identity(&j->me) == -1) {
		snprintf(err, errlen, "cannot make an identity");
		return -1;
	}
	if (a->send != NULL) {
		if (wav_read(a->send, &j->in, &j->nin, err, errlen) == -1)
			return -1;
		if ((j->enc = audio_enc_new(a->bitrate, a->music ?
		    AUDIO_MUSIC : 0)) == NULL) {
			snprintf(err, errlen, "cannot make the Opus encoder "
			    "(bitrate %d)", a->bitrate);
			return -1;
		}
	}
	if (a->record != NULL &&
	    (j->out = wav_create(a->record, err, errlen)) == NULL)
		return -1;
	if (a->invite != NULL && invitefile_read(a->invite, j->me.ed_pub,
	    j->invite, err, errlen) == -1)
		return -1;
	if (a->blocklist != NULL) {
		/* stat first: a change made while it is read is seen later. */
		if (stat(a->blocklist, &j->bl_st) == -1)
			memset(&j->bl_st, 0, sizeof(j->bl_st));
		if (blockfile_read(a->blocklist, &j->blocks, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Tell the node what changed between the list it has and b: one REMOVE
 * of the IDs gone, one ADD of the new ones and of those whose flag
 * changed (rclient_block splits them into messages).
 */
static void
join_blocks_diff(struct join *j, struct rclient *rc,
    const struct rclient_blocks *b)
{
	const struct rclient_blocks *old = &j->blocks;
	uint8_t (*ids)[CRYPTO_ED25519_PUB_LEN], *flags;
	size_t i, n;
	long k;

	if ((ids = calloc(old->n + b->n + 1, sizeof(*ids))) == NULL ||
	    (flags = calloc(old->n + b->n + 1, 1)) == NULL) {
		free(ids);
		return;
	}
	for (i = n = 0; i < old->n; i++)
		if (blockfile_find(b, old->ids[i]) < 0)
			memcpy(ids[n++], old->ids[i], sizeof(ids[0]));
	(void)rclient_block(rc, CTRL_BLOCK_REMOVE, ids[0], NULL, n);
	for (i = n = 0; i < b->n; i++)
		if ((k = blockfile_find(old, b->ids[i])) < 0 ||
		    old->flags[k] != b->flags[i]) {
			memcpy(ids[n], b->ids[i], sizeof(ids[0]));
			flags[n++] = b->flags[i];
		}
	(void)rclient_block(rc, CTRL_BLOCK_ADD, ids[0], flags, n);
	free(ids);
	free(flags);
}

/*
 * Follow --blocklist: every JOIN_BLOCKLIST_MS, if the file changed
 * (chorus block add/remove), read it and send the node the difference,
 * so a block takes effect within a fraction of a second.  A file that
 * does not read keeps the list as it was.
 */
static void
join_blocks_check(struct join *j, uint64_t now)
{
	struct rclient_blocks b = { NULL, NULL, 0 };
	struct rclient *rc;
	struct stat st;
	char err[512];

	if (j->a->blocklist == NULL ||
	    now - j->bl_checked_usec < JOIN_BLOCKLIST_MS * 1000)
		return;
	j->bl_checked_usec = now;
	if (stat(j->a->blocklist, &st) == -1)
		memset(&st, 0, sizeof(st));
	if (st.st_ino == j->bl_st.st_ino && st.st_size == j->bl_st.st_size &&
	    st.st_mtim.tv_sec == j->bl_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == j->bl_st.st_mtim.tv_nsec)
		return;
	j->bl_st = st;
	if (blockfile_read(j->a->blocklist, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus join: %s (blocklist unchanged)\n",
		    err);
		return;
	}
	if ((rc = roam_active(j->ro)) != NULL && j->joined)
		join_blocks_diff(j, rc, &b);
	blockfile_free(&j->blocks);
	j->blocks = b;
	fprintf(stderr, "chorus join: blocklist: %zu identities\n",
	    j->blocks.n);
}

static void
join_cleanup(struct join *j)
{
	size_t i;
	char err[256];

	for (i = 0; i < j->npeers; i++)
		audio_rx_free(j->peers[i].rx);
	free(j->peers);
	if (j->out != NULL && wav_close(j->out, err, sizeof(err)) == -1)
		fprintf(stderr, "chorus join: %s\n", err);
	if (j->ev_tick != NULL)
		event_free(j->ev_tick);
	roam_free(j->ro);
	blockfile_free(&j->blocks);
	audio_enc_free(j->enc);
	free(j->in);
	if (j->base != NULL)
		event_base_free(j->base);
	identity_wipe(&j->me);
}

static int
join_one(struct join_args *a, const size_t *order, size_t norder)
{
	static const struct roam_cb cb = {
		.rc = {
			.joined = join_joined_cb, .media = join_media_cb,
			.error = join_error_cb, .failed = join_failed_cb,
		},
		.moved = join_moved_cb, .passed = join_passed_cb,
	};
	struct timeval tv = { 0, JOIN_TICK_MS * 1000 };
	struct roam_opts ro;
	struct rclient_opts o;
	struct join j;
	char err[512];

	memset(&j, 0, sizeof(j));
	memset(&ro, 0, sizeof(ro));
	memset(&o, 0, sizeof(o));
	j.a = a;
	j.exit = CLIENT_EXIT_FAILED;
	if (join_setup(&j, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus join: %s\n", err);
		goto done;
	}
	memcpy(o.conn.psk, a->psk, sizeof(o.conn.psk));
	o.conn.tcp = a->tcp;
	o.conn.timeout_ms = (unsigned)(a->timeout * 1000);
	o.conn.rekey_ms = (unsigned)(a->rekey * 1000);
	if (a->tls_port != 0) {
		o.conn.tls = 1;
		o.conn.port = (uint16_t)a->tls_port;
	}
	o.me = &j.me;
	o.link = &a->link;
	o.password = a->password;
	o.decrypt = 1;
	if (a->blocklist != NULL)
		o.blocks = &j.blocks;
	if (a->invite != NULL)
		o.invite = j.invite;
	ro.rc = o;
	memcpy(ro.order, order, norder * sizeof(order[0]));
	ro.norder = norder;
	if ((j.base = event_base_new()) == NULL ||
	    (j.ro = roam_new(j.base, &ro, &cb, &j, err, sizeof(err))) ==
	    NULL || (j.ev_tick = event_new(j.base, -1, EV_PERSIST,
	    join_tick_cb, &j)) == NULL || event_add(j.ev_tick, &tv) == -1) {
		fprintf(stderr, "chorus join: %s\n", err);
		goto done;
	}
	signal(SIGINT, join_sig);
	signal(SIGTERM, join_sig);
	if (roam_start(j.ro) == -1) {
		fprintf(stderr, "chorus join: cannot start\n");
		goto done;
	}
	(void)cli_run(j.base, &j.done, 0);
	if (j.joined && j.exit == CLIENT_EXIT_OK)
		roam_leave(j.ro);
	if (a->stats_json && roam_active(j.ro) != NULL)
		join_stats(&j);
done:
	join_cleanup(&j);
	return j.exit;
}

/*
 * One node: as it was always done.  Several: rank them (nodes_choose,
 * nearest first: the owner chose the nodes, so the member takes the one
 * closest to it, which in a cascaded room is where it stays), then join
 * the best, moving on to the next one while a node is
 * unreachable, refuses the handshake or does not know the room; the
 * others are the room's standbys once in (roam.h).
 */
static int
join_nodes(struct join_args *a)
{
	size_t order[ROOM_MAX_NODES];

	if (a->link.nnodes == 1) {
		order[0] = 0;
		return a->simulate > 0 ? join_simulate(a) :
		    join_one(a, order, 1);
	}
	if (nodes_choose(&a->link, a->api, a->psk,
	    (unsigned)(a->timeout * 1000), order, "chorus join", 1) == -1) {
		fprintf(stderr, "chorus join: cannot rank the nodes\n");
		return CLIENT_EXIT_FAILED;
	}
	/* Where the room lives now, if the node network knows. */
	if (a->api != NULL)
		(void)hosts_first(&a->link, a->api, order, a->link.nnodes,
		    "chorus join");
	if (a->simulate > 0) {
		a->node = order[0];
		return join_simulate(a);
	}
	return join_one(a, order, a->link.nnodes);
}

static int
join_args_parse(int argc, char *argv[], struct join_args *a)
{
	int i;

	a->timeout = 5;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (o[0] != '-') {
			if (a->link_text != NULL)
				return -1;
			a->link_text = o;
			continue;
		}
		if (strcmp(o, "--tcp") == 0) {
			a->tcp = 1;
			continue;
		}
		if (strcmp(o, "--music") == 0) {
			a->music = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(o, "--send") == 0)
			a->send = v;
		else if (strcmp(o, "--record") == 0)
			a->record = v;
		else if (strcmp(o, "--identity") == 0)
			a->identity = v;
		else if (strcmp(o, "--blocklist") == 0)
			a->blocklist = v;
		else if (strcmp(o, "--invite") == 0)
			a->invite = v;
		else if (strcmp(o, "--password") == 0)
			a->password = v;
		else if (strcmp(o, "--network-key") == 0)
			a->network_key = v;
		else if (strcmp(o, "--api") == 0)
			a->api = v;
		else if (strcmp(o, "--stats") == 0 && strcmp(v, "json") == 0)
			a->stats_json = 1;
		else if (strcmp(o, "--duration") == 0) {
			if (cli_seconds(v, &a->duration) == -1)
				return -1;
		} else if (strcmp(o, "--timeout") == 0) {
			if (cli_seconds(v, &a->timeout) == -1)
				return -1;
		} else if (strcmp(o, "--tls") == 0) {
			a->tls_port = (unsigned)strtoul(v, NULL, 10);
			if (a->tls_port == 0 || a->tls_port > 65535)
				return -1;
		} else if (strcmp(o, "--rekey-after") == 0) {
			if (cli_seconds(v, &a->rekey) == -1)
				return -1;
		} else if (strcmp(o, "--bitrate") == 0)
			a->bitrate = atoi(v);
		else if (strcmp(o, "--simulate") == 0)
			a->simulate = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(o, "--speakers") == 0)
			a->speakers = (unsigned)strtoul(v, NULL, 10);
		else
			return -1;
	}
	return a->link_text == NULL ? -1 : 0;
}

/* chorus join LINK [options] */
int
cmd_join(int argc, char *argv[])
{
	struct join_args a;
	enum room_link_error le;
	char err[512];
	int rc;

	memset(&a, 0, sizeof(a));
	if (join_args_parse(argc, argv, &a) == -1) {
		fprintf(stderr, "usage: chorus join LINK [--send FILE.wav] "
		    "[--record FILE.wav] [--duration S]\n"
		    "       [--stats json] [--identity FILE] [--blocklist FILE] "
		    "[--invite FILE] [--password P] "
		    "[--network-key FILE]\n"
		    "       [--bitrate BPS] [--music] [--tcp | --tls PORT] "
		    "[--timeout S] [--api URL]\n"
		    "       chorus join LINK --simulate N [--speakers K] "
		    "[--duration S] [--stats json]\n");
		return CLIENT_EXIT_USAGE;
	}
	if ((le = room_link_parse(a.link_text, &a.link)) != ROOM_LINK_OK) {
		fprintf(stderr, "chorus join: not an invite link: %s\n",
		    room_link_error_name(le));
		return CLIENT_EXIT_USAGE;
	}
	if (a.link.password && a.password == NULL) {
		fprintf(stderr, "chorus join: this room needs a password "
		    "(--password)\n");
		room_link_wipe(&a.link);
		return CLIENT_EXIT_USAGE;
	}
	if (a.network_key != NULL && cli_read_key(a.network_key,
	    "network key", a.psk, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus join: %s\n", err);
		room_link_wipe(&a.link);
		return CLIENT_EXIT_FAILED;
	}
	rc = join_nodes(&a);
	room_link_wipe(&a.link);
	crypto_wipe(a.psk, sizeof(a.psk));
	return rc;
}
