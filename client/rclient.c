/*
 * rclient.c - a room member's protocol state (see rclient.h).
 *
 * The client trusts the node with nothing it cannot check: the room's
 * public key must hash to the room ID of the link, records must verify
 * against it, key blobs must come from a moderator's static key, and
 * every media frame must authenticate under its sender's key.
 *
 * A mixed room is the exception the user asked for: only if the link
 * says mixed=1, the node says so in JOINED, and the owner's signed MIXED
 * record has been applied (the node sends it first, as RECORDED) does
 * the client seal its audio with keys the node can derive
 * (room_mixed_keys_derive) and take the node's mixes, which come as
 * sender 0 (the shared mix) and as its own member index (its
 * mix-minus).  Until then it is not joined; a disagreement between the
 * link and JOINED refuses the room.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/frame.h"
#include "rclient.h"

#define RCLIENT_PEERS_GROW	16

struct rclient {
	struct rclient_opts	 o;
	struct rclient_cb	 cb;
	void			*arg;
	struct conn		*conn;
	struct room_keys	 keys;		/* join key, epoch 0 media key */
	int			 have_keys;
	int			 mixed;		/* the node mixes this room */
	int			 mixed_claimed;	/* JOINED said so; record due */
	int			 want_join, want_standby;
	int			 joined;
	uint32_t		 member;
	uint8_t			 room_id[ROOM_ID_LEN];
	struct room_policy	 policy;
	int			 have_policy;
	struct {
		uint16_t	epoch;
		int		used;
		uint8_t		key[MEDIA_KEY_LEN];
	}			 epochs[RCLIENT_EPOCHS];
	uint16_t		 epoch;		/* we send with */
	uint8_t			 send_key[MEDIA_KEY_LEN];
	uint32_t		 seq, ts_base;
	struct rpeer		*peers;
	size_t			 npeers, cap;
	uint8_t			 kicked[RCLIENT_MAX_KICKED][CRYPTO_ED25519_PUB_LEN];
	size_t			 nkicked;
	uint64_t		 stream_sec;
	unsigned		 streams;
	struct rclient_stats	 st;
};


/* The slot of an epoch's media key, or -1. */
static int
rclient_epoch_slot(const struct rclient *rc, uint16_t epoch)
{
	int i;

	for (i = 0; i < RCLIENT_EPOCHS; i++)
		if (rc->epochs[i].used && rc->epochs[i].epoch == epoch)
			return i;
	return -1;
}

/* The media key of an epoch, or NULL. */
static const uint8_t *
rclient_epoch_key(const struct rclient *rc, uint16_t epoch)
{
	int i = rclient_epoch_slot(rc, epoch);

	return i < 0 ? NULL : rc->epochs[i].key;
}

/* Keep a media key; the oldest epoch goes.  Send with the newest. */
static void
rclient_epoch_add(struct rclient *rc, uint16_t epoch,
    const uint8_t key[MEDIA_KEY_LEN])
{
	size_t i, slot = 0;

	if (rclient_epoch_key(rc, epoch) != NULL)
		return;
	for (i = 0; i < RCLIENT_EPOCHS; i++) {
		if (!rc->epochs[i].used) {
			slot = i;
			break;
		}
		if ((int16_t)(rc->epochs[i].epoch - rc->epochs[slot].epoch) <
		    0)
			slot = i;
	}
	rc->epochs[slot].used = 1;
	rc->epochs[slot].epoch = epoch;
	memcpy(rc->epochs[slot].key, key, MEDIA_KEY_LEN);
	/*
	 * The sequence runs on across epochs: the sender key changes, so
	 * nonces stay unique, and receivers' jitter buffers see no jump.
	 */
	if (rc->joined && (int16_t)(epoch - rc->epoch) > 0) {
		rc->epoch = epoch;
		(void)media_sender_key(key, epoch, rc->member, rc->send_key);
	}
}

static struct rpeer *
rclient_peer(struct rclient *rc, uint32_t member, int create)
{
	struct rpeer *p;
	size_t i;

	for (i = 0; i < rc->npeers; i++)
		if (rc->peers[i].member == member)
			return &rc->peers[i];
	if (!create)
		return NULL;
	if (rc->npeers == rc->cap) {
		size_t cap = rc->cap + RCLIENT_PEERS_GROW;

		if ((p = reallocarray(rc->peers, cap, sizeof(*p))) == NULL)
			return NULL;
		rc->peers = p;
		rc->cap = cap;
	}
	p = &rc->peers[rc->npeers++];
	memset(p, 0, sizeof(*p));
	p->member = member;
	return p;
}

static int
rclient_is_kicked(const struct rclient *rc, const uint8_t *ed_pub)
{
	size_t i;

	for (i = 0; i < rc->nkicked; i++)
		if (memcmp(rc->kicked[i], ed_pub, CRYPTO_ED25519_PUB_LEN) == 0)
			return 1;
	return 0;
}

static int
rclient_send(struct rclient *rc, const struct buf_writer *w)
{
	if (buf_wr_error(w))
		return -1;
	return conn_send_control(rc->conn, w->data, buf_wr_len(w));
}

/* Seal the current key to the given peers (a moderator's duty). */
static int
rclient_send_keys(struct rclient *rc, struct rpeer **to, size_t n)
{
	uint8_t blobs[CTRL_MAX_KEYS * KEYBLOB_LEN], e[CRYPTO_X25519_LEN];
	uint8_t msg[FRAME_CONTROL_MAX];
	uint32_t members[CTRL_MAX_KEYS];
	const uint8_t *key = rclient_epoch_key(rc, rc->epoch);
	struct buf_writer w;
	size_t i, k = 0;
	int rc2 = 0;

	if (key == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (RAND_bytes(e, sizeof(e)) != 1 ||
		    keyblob_seal(rc->o.me->x_priv, to[i]->x_pub, e, rc->room_id,
		    rc->epoch, rc->member, to[i]->member, key,
		    blobs + k * KEYBLOB_LEN) == -1) {
			rc2 = -1;
			continue;
		}
		members[k++] = to[i]->member;
		if (k == CTRL_MAX_KEYS || i + 1 == n) {
			buf_wr_init(&w, msg, sizeof(msg));
			(void)ctrl_put_keys(&w, rc->epoch, members, blobs, k);
			if (rclient_send(rc, &w) == -1)
				rc2 = -1;
			rc->st.keys_sent += k;
			k = 0;
		}
	}
	crypto_wipe(e, sizeof(e));
	crypto_wipe(blobs, sizeof(blobs));
	return rc2;
}

int
rclient_rotate(struct rclient *rc, const uint8_t exclude[CRYPTO_ED25519_PUB_LEN])
{
	uint8_t key[MEDIA_KEY_LEN];
	struct rpeer **to;
	size_t i, n = 0;
	int r;

	if (rc->mixed)
		return 0;	/* the node holds a mixed room's keys anyway */
	if (!rc->joined || RAND_bytes(key, sizeof(key)) != 1)
		return -1;
	rclient_epoch_add(rc, (uint16_t)(rc->epoch + 1), key);
	crypto_wipe(key, sizeof(key));
	if ((to = calloc(rc->npeers + 1, sizeof(*to))) == NULL)
		return -1;
	for (i = 0; i < rc->npeers; i++)
		if (rc->peers[i].present && (exclude == NULL ||
		    memcmp(rc->peers[i].ed_pub, exclude,
		    CRYPTO_ED25519_PUB_LEN) != 0))
			to[n++] = &rc->peers[i];
	r = n > 0 ? rclient_send_keys(rc, to, n) : 0;
	free(to);
	return r;
}

static void
rclient_on_roster(struct rclient *rc, const struct ctrl_msg *m)
{
	struct ctrl_roster_entry e;
	struct rpeer *p;
	size_t i;

	for (i = 0; i < m->n; i++) {
		ctrl_roster_get(m, i, &e);
		if ((p = rclient_peer(rc, e.member, 1)) == NULL)
			continue;
		if (e.event == CTRL_ROSTER_LEFT) {
			p->present = 0;
			if (rc->cb.roster != NULL)
				rc->cb.roster(rc, p, 0, rc->arg);
			continue;
		}
		/* The binding proves the ID owns the static key. */
		if (identity_verify_binding(e.ed_pub, e.x_pub, e.binding) ==
		    -1)
			continue;
		p->present = 1;
		memcpy(p->ed_pub, e.ed_pub, sizeof(p->ed_pub));
		memcpy(p->x_pub, e.x_pub, sizeof(p->x_pub));
		if (rc->cb.roster != NULL)
			rc->cb.roster(rc, p, 1, rc->arg);
		/* A moderator hands a rotated key to newcomers not kicked. */
		if (rc->epoch != 0 && rc->have_policy &&
		    policy_is_moderator(&rc->policy, rc->o.me->ed_pub) &&
		    !rclient_is_kicked(rc, p->ed_pub))
			(void)rclient_send_keys(rc, &p, 1);
	}
}

/* Epoch 0's key becomes a mixed room's down key (it is not used else). */
static void
rclient_mixed_epoch(struct rclient *rc, const uint8_t down[MEDIA_KEY_LEN])
{
	int i;

	if ((i = rclient_epoch_slot(rc, 0)) >= 0)
		memcpy(rc->epochs[i].key, down, MEDIA_KEY_LEN);
	else
		rclient_epoch_add(rc, 0, down);
}

/*
 * A mixed room: seal with the key the node opens, and take its mixes
 * (sender 0, and our own index for our mix-minus) as two peers; a
 * member's own index is a peer from the roster already.
 */
static int
rclient_mixed_setup(struct rclient *rc)
{
	struct room_mixed_keys k;
	uint32_t from[2];
	struct rpeer *p;
	size_t i;
	int rv = -1;

	if (room_mixed_keys_derive(rc->keys.join_key, rc->room_id, &k) == -1 ||
	    media_sender_key(k.up, 0, rc->member, rc->send_key) == -1)
		goto done;
	/*
	 * Every stream the node sends opens under the down key, epoch 0:
	 * the shared mix, our mix-minus, and a speaker's mix-minus that it
	 * sends instead of the shared mix while we block that speaker.
	 */
	rclient_mixed_epoch(rc, k.down);
	from[0] = ROOM_MIXED_SHARED;
	from[1] = rc->member;
	for (i = 0; i < 2; i++) {
		if ((p = rclient_peer(rc, from[i], 1)) == NULL ||
		    media_sender_key(k.down, 0, from[i], p->sender_key) == -1)
			goto done;
		p->present = 1;
		p->have_key = 1;
		p->key_epoch = 0;
	}
	rc->mixed = 1;
	rv = 0;
done:
	room_mixed_keys_wipe(&k);
	return rv;
}

static void
rclient_on_joined(struct rclient *rc, const struct ctrl_msg *m)
{
	int want = rc->o.link != NULL && rc->o.link->mixed;
	int is = m->mode == CTRL_MODE_MIXED;

	if (policy_init(&rc->policy, m->room_pub) == -1 ||
	    memcmp(rc->policy.room_id, rc->room_id, ROOM_ID_LEN) != 0) {
		/* Not the room of our link: refuse to talk there. */
		if (rc->cb.error != NULL)
			rc->cb.error(rc, CTRL_E_UNKNOWN_ROOM, CTRL_JOIN, rc->arg);
		return;
	}
	/* Never send audio the node can hear unless the link said so. */
	if (want != is) {
		rclient_leave(rc);
		if (rc->cb.error != NULL)
			rc->cb.error(rc, is ? RCLIENT_E_MIXED :
			    RCLIENT_E_NOT_MIXED, CTRL_JOIN, rc->arg);
		return;
	}
	rc->have_policy = 1;
	rc->joined = 1;
	rc->member = m->member;
	rc->epoch = 0;
	(void)media_sender_key(rc->keys.media_key, 0, rc->member,
	    rc->send_key);
	/* A mixed room is joined once the owner's MIXED record is here. */
	rc->mixed_claimed = is;
	if (!is && rc->cb.joined != NULL)
		rc->cb.joined(rc, rc->arg);
}

static void
rclient_on_record(struct rclient *rc, const struct ctrl_msg *m)
{
	struct record r;

	if (!rc->have_policy || record_parse(m->records, RECORD_LEN, &r) !=
	    RECORD_OK || policy_apply(&rc->policy, &r) != RECORD_OK)
		return;		/* the node passed on something false */
	rc->st.records++;
	if (r.kind == RECORD_MIXED && rc->mixed_claimed && !rc->mixed) {
		if (rclient_mixed_setup(rc) == -1) {
			rclient_leave(rc);
			if (rc->cb.failed != NULL)
				rc->cb.failed(rc, rc->arg);
			return;
		}
		if (rc->cb.joined != NULL)
			rc->cb.joined(rc, rc->arg);
	}
	if ((r.kind == RECORD_KICK || r.kind == RECORD_BAN) &&
	    rc->nkicked < RCLIENT_MAX_KICKED && !rclient_is_kicked(rc,
	    r.target))
		memcpy(rc->kicked[rc->nkicked++], r.target,
		    CRYPTO_ED25519_PUB_LEN);
	if (rc->cb.recorded != NULL)
		rc->cb.recorded(rc, &r, rc->arg);
}

static void
rclient_on_key(struct rclient *rc, const struct ctrl_msg *m)
{
	uint8_t key[MEDIA_KEY_LEN];
	struct rpeer *from = rclient_peer(rc, m->member, 0);

	/* Only a moderator's rotation counts; a mixed room has none. */
	if (rc->mixed || from == NULL || !from->present || !rc->have_policy ||
	    !policy_is_moderator(&rc->policy, from->ed_pub))
		return;
	if (keyblob_open(rc->o.me->x_priv, from->x_pub, rc->room_id, m->epoch,
	    m->member, rc->member, m->blob, key) == -1)
		return;
	rc->st.keys_received++;
	rclient_epoch_add(rc, m->epoch, key);
	crypto_wipe(key, sizeof(key));
}

static void
rclient_control(struct conn *c, const uint8_t *msg, size_t len, void *arg)
{
	struct rclient *rc = arg;
	struct ctrl_msg m;

	(void)c;
	if (ctrl_parse(msg, len, &m) == -1)
		return;
	switch (m.type) {
	case CTRL_CREATED:
		if (rc->cb.created != NULL)
			rc->cb.created(rc, rc->arg);
		break;
	case CTRL_JOINED:
		rclient_on_joined(rc, &m);
		break;
	case CTRL_ROSTER:
		rclient_on_roster(rc, &m);
		break;
	case CTRL_SPEAKERS:
		rc->st.speaker_events++;
		break;
	case CTRL_KEY:
		rclient_on_key(rc, &m);
		break;
	case CTRL_RECORDED:
		rclient_on_record(rc, &m);
		break;
	case CTRL_STANDING:
		if (memcmp(m.room_id, rc->room_id, ROOM_ID_LEN) == 0 &&
		    rc->cb.standing != NULL)
			rc->cb.standing(rc, m.members, rc->arg);
		break;
	case CTRL_MOVE:
		if (memcmp(m.room_id, rc->room_id, ROOM_ID_LEN) == 0 &&
		    rc->cb.move != NULL)
			rc->cb.move(rc, m.reason, rc->arg);
		break;
	case CTRL_ERROR:
		if (m.code == CTRL_E_KICKED || m.code == CTRL_E_BANNED)
			rc->joined = 0;
		if (rc->cb.error != NULL)
			rc->cb.error(rc, m.code, m.about, rc->arg);
		break;
	default:
		break;
	}
}

/* Count the distinct senders heard in each second. */
static void
rclient_heard(struct rclient *rc, struct rpeer *p)
{
	uint64_t sec = conn_now_usec() / 1000000;

	if (sec != rc->stream_sec) {
		rc->stream_sec = sec;
		rc->streams = 0;
	}
	if (p->heard_sec != sec) {
		p->heard_sec = sec;
		if (++rc->streams > rc->st.max_streams)
			rc->st.max_streams = rc->streams;
	}
}

static void
rclient_media(struct conn *c, const uint8_t *frame, size_t len, void *arg)
{
	uint8_t opus[MEDIA_MAX_PAYLOAD];
	struct rclient *rc = arg;
	struct media_header h;
	const uint8_t *key;
	struct rpeer *p;
	size_t n;

	(void)c;
	if (media_header_parse(&h, frame, len) != MEDIA_OK) {
		rc->st.media_malformed++;
		return;
	}
	if ((p = rclient_peer(rc, h.sender, 0)) == NULL || !p->present) {
		rc->st.media_unknown_sender++;
		return;
	}
	rclient_heard(rc, p);
	if (!rc->o.decrypt) {
		rc->st.media_received++;
		return;
	}
	if ((key = rclient_epoch_key(rc, h.epoch)) == NULL) {
		rc->st.media_no_key++;
		return;
	}
	if (!p->have_key || p->key_epoch != h.epoch) {
		if (media_sender_key(key, h.epoch, h.sender,
		    p->sender_key) == -1)
			return;
		p->have_key = 1;
		p->key_epoch = h.epoch;
	}
	if (media_open(p->sender_key, frame, len, &h, opus, sizeof(opus),
	    &n) == -1) {
		rc->st.media_bad_auth++;
		return;
	}
	rc->st.media_received++;
	if (rc->cb.media != NULL)
		rc->cb.media(rc, p, &h, opus, n, rc->arg);
}

static void
rclient_up(struct conn *c, void *arg)
{
	struct rclient *rc = arg;

	(void)c;
	if (rc->want_join)
		(void)rclient_join(rc);
	else if (rc->want_standby)
		(void)rclient_standby(rc);
}

static void
rclient_failed(struct conn *c, enum conn_error e, void *arg)
{
	struct rclient *rc = arg;

	(void)c;
	(void)e;
	if (rc->cb.failed != NULL)
		rc->cb.failed(rc, rc->arg);
}

struct rclient *
rclient_new(struct event_base *base, const struct rclient_opts *o,
    const struct rclient_cb *cb, void *arg, char *err, size_t errlen)
{
	static const struct conn_cb ccb = {
		rclient_up, rclient_control, rclient_media, rclient_failed
	};
	struct rclient *rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rc->o = *o;
	rc->cb = *cb;
	rc->arg = arg;
	if (RAND_bytes((uint8_t *)&rc->seq, sizeof(rc->seq)) != 1 ||
	    RAND_bytes((uint8_t *)&rc->ts_base, sizeof(rc->ts_base)) != 1) {
		snprintf(err, errlen, "no random numbers");
		goto fail;
	}
	if (o->link != NULL) {
		memcpy(rc->room_id, o->link->room_id, ROOM_ID_LEN);
		if (room_keys_derive(o->link->secret, o->password,
		    o->link->room_id, &rc->keys) == -1) {
			snprintf(err, errlen, "cannot derive the room keys");
			goto fail;
		}
		rc->have_keys = 1;
		rclient_epoch_add(rc, 0, rc->keys.media_key);
	}
	if ((rc->conn = conn_new(base, o->me, &o->conn, &ccb, rc, err,
	    errlen)) == NULL)
		goto fail;
	return rc;
fail:
	rclient_free(rc);
	return NULL;
}

void
rclient_free(struct rclient *rc)
{
	if (rc == NULL)
		return;
	conn_free(rc->conn);
	room_keys_wipe(&rc->keys);
	free(rc->peers);
	crypto_wipe(rc, sizeof(*rc));
	free(rc);
}

struct conn *
rclient_conn(struct rclient *rc)
{
	return rc->conn;
}

/* JOIN or STANDBY, with the membership proof for this session. */
static int
rclient_send_join(struct rclient *rc, uint8_t type)
{
	uint8_t proof[ROOM_PROOF_LEN], msg[80 + RECORD_LEN];
	struct buf_writer w;
	int r;

	if (!rc->have_keys)
		return -1;
	if (conn_state(rc->conn) != CONN_UP) {
		rc->want_join = type == CTRL_JOIN;
		rc->want_standby = type == CTRL_STANDBY;
		return 0;
	}
	rc->want_join = rc->want_standby = 0;
	/* The blocklist first: no frame of a blocked ID gets through. */
	if (type == CTRL_JOIN && rc->o.blocks != NULL &&
	    (rclient_block(rc, CTRL_BLOCK_CLEAR, NULL, NULL, 0) == -1 ||
	    rclient_block(rc, CTRL_BLOCK_ADD,
	    (const uint8_t *)rc->o.blocks->ids,
	    rc->o.blocks->flags, rc->o.blocks->n) == -1))
		return -1;
	if (room_join_proof(rc->keys.join_key, rc->room_id, rc->o.me->ed_pub,
	    rc->o.conn.node_key, conn_hash(rc->conn), proof) == -1)
		return -1;
	buf_wr_init(&w, msg, sizeof(msg));
	(void)ctrl_put_join_invite(&w, type, rc->room_id, proof,
	    rc->o.invite);
	r = rclient_send(rc, &w);
	crypto_wipe(proof, sizeof(proof));
	return r;
}

int
rclient_block(struct rclient *rc, uint8_t op, const uint8_t *ids,
    const uint8_t *flags, size_t n)
{
	uint8_t msg[8 + CTRL_MAX_BLOCK * CTRL_BLOCK_ENTRY_LEN];
	struct buf_writer w;
	size_t i, k;

	if (op == CTRL_BLOCK_CLEAR) {
		buf_wr_init(&w, msg, sizeof(msg));
		(void)ctrl_put_block(&w, op, NULL, NULL, 0);
		return rclient_send(rc, &w);
	}
	/* ADD and REMOVE carry 1..CTRL_MAX_BLOCK IDs: none, no message. */
	for (i = 0; i < n; i += k) {
		k = n - i < CTRL_MAX_BLOCK ? n - i : CTRL_MAX_BLOCK;
		buf_wr_init(&w, msg, sizeof(msg));
		(void)ctrl_put_block(&w, op, ids + i * CRYPTO_ED25519_PUB_LEN,
		    flags != NULL ? flags + i : NULL, k);
		if (rclient_send(rc, &w) == -1)
			return -1;
	}
	return 0;
}

int
rclient_join(struct rclient *rc)
{
	return rclient_send_join(rc, CTRL_JOIN);
}

int
rclient_standby(struct rclient *rc)
{
	return rclient_send_join(rc, CTRL_STANDBY);
}

int
rclient_joined(const struct rclient *rc)
{
	return rc->joined && rc->mixed_claimed == rc->mixed;
}

void
rclient_stream(const struct rclient *rc, uint32_t *seq, uint32_t *ts_base)
{
	*seq = rc->seq;
	*ts_base = rc->ts_base;
}

void
rclient_set_stream(struct rclient *rc, uint32_t seq, uint32_t ts_base)
{
	rc->seq = seq;
	rc->ts_base = ts_base;
}

int
rclient_create(struct rclient *rc,
    const uint8_t room_seed[CRYPTO_ED25519_SEED_LEN],
    const uint8_t join_key[ROOM_KEY_LEN], const uint8_t *records,
    size_t nrecords)
{
	uint8_t pub[ROOM_PUB_LEN], sig[CRYPTO_ED25519_SIG_LEN];
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;

	if (crypto_ed25519_public(room_seed, pub) == -1 ||
	    record_create_sign(room_seed, rc->o.conn.node_key, join_key,
	    sig) == -1)
		return -1;
	buf_wr_init(&w, msg, sizeof(msg));
	(void)ctrl_put_create(&w, pub, join_key, sig, records, nrecords);
	return rclient_send(rc, &w);
}

int
rclient_record(struct rclient *rc, const uint8_t rec[RECORD_LEN])
{
	uint8_t msg[RECORD_LEN + 8];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	(void)ctrl_put_record(&w, CTRL_RECORD, rec);
	return rclient_send(rc, &w);
}

int
rclient_send_media(struct rclient *rc, const uint8_t *opus, size_t len,
    int vad, uint8_t level, uint32_t timestamp)
{
	uint8_t frame[MEDIA_MAX_FRAME];
	struct media_header h;
	size_t n;

	if (!rclient_joined(rc))
		return -1;
	memset(&h, 0, sizeof(h));
	h.version = MEDIA_VERSION;
	h.vad = vad ? 1 : 0;
	h.sender = rc->member;
	h.seq = rc->seq++;
	h.timestamp = timestamp + rc->ts_base;
	h.epoch = rc->epoch;
	h.level = level;
	if (media_seal(rc->send_key, &h, opus, len, frame, sizeof(frame),
	    &n) == -1)
		return -1;
	rc->st.media_sent++;
	return conn_send_media(rc->conn, frame, n);
}

uint32_t
rclient_member(const struct rclient *rc)
{
	return rc->member;
}

int
rclient_is_mixed(const struct rclient *rc)
{
	return rc->mixed;
}

int
rclient_is_cascaded(const struct rclient *rc)
{
	return rc->have_policy && rc->policy.ncascade > 0;
}

uint16_t
rclient_epoch(const struct rclient *rc)
{
	return rc->epoch;
}

const struct rclient_stats *
rclient_stats(const struct rclient *rc)
{
	return &rc->st;
}

void
rclient_reset_streams(struct rclient *rc)
{
	rc->st.max_streams = 0;
	rc->streams = 0;
	rc->stream_sec = 0;
}

void
rclient_leave(struct rclient *rc)
{
	uint8_t msg[8];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	(void)ctrl_put_leave(&w);
	(void)rclient_send(rc, &w);
	rc->joined = 0;
}
