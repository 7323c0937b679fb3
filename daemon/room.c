/*
 * room.c - rooms on the node: creation by the owner, membership proofs,
 * rosters, moderation records, key blobs, and the forwarding of
 * end-to-end encrypted media frames (all of them in small rooms, the
 * selected speakers' in large ones).
 *
 * The node reads only the media header (sender, level, VAD); the payload
 * is sealed with a key it never has.  Member indexes grow and are never
 * reused in a room, because clients derive per-sender keys from them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus/buf.h"
#include "chorus/ctrl.h"
#include "chorus/encode.h"
#include "chorus/media.h"
#include "chorus/room.h"
#include "chorus_priv.h"
#include "conf.h"
#include "net.h"
#include "node.h"
#include "store.h"

/*
 * 1 if the room forwards (or mixes) only its selected speakers: a mixed
 * room always, others above full-forward-limit members.
 */
int
room_selects(const struct chorus *ch, const struct room *r)
{
	return r->mix != NULL ||
	    r->nmembers + r->nremote > ch->node->conf->full_forward_limit;
}

/* The mode JOINED and ROSTER carry. */
static uint8_t
room_mode(const struct room *r)
{
	return r->policy.mixed ? CTRL_MODE_MIXED : CTRL_MODE_E2E;
}

struct room *
room_find(struct chorus *ch, const uint8_t id[ROOM_ID_LEN])
{
	struct room *r;

	TAILQ_FOREACH(r, &ch->rooms, entry)
		if (memcmp(r->id, id, ROOM_ID_LEN) == 0)
			return r;
	return NULL;
}

/*
 * Forget a room.  No session refers to it any more: the tick frees only
 * a room without members or standbys, an hour after the last member
 * here or elsewhere in its cascade went, and room_free_all() runs after
 * every session ended.
 */
static void
room_free(struct chorus *ch, struct room *r)
{
	size_t i;

	TAILQ_REMOVE(&ch->rooms, r, entry);
	ch->nrooms--;
	room_mix_free(ch, r);
	cascade_room_free(ch, r);
	for (i = 0; i < r->cap; i++)
		if (r->members[i] != NULL && r->members[i]->cs == NULL) {
			crypto_wipe(r->members[i], sizeof(*r->members[i]));
			free(r->members[i]);
		}
	free(r->members);
	free(r->spk);
	crypto_wipe(r, sizeof(*r));
	free(r);
}

void
room_free_all(struct chorus *ch)
{
	struct room *r;

	while ((r = TAILQ_FIRST(&ch->rooms)) != NULL)
		room_free(ch, r);
}

/* Queue one built control message to every member but skip. */
static void
room_broadcast(struct room *r, const uint8_t *msg, size_t len,
    const struct member *skip)
{
	size_t i;

	for (i = 0; i < r->cap; i++)
		if (r->members[i] != NULL && r->members[i] != skip &&
		    r->members[i]->cs != NULL)
			(void)chorus_send_control(r->members[i]->cs, msg, len);
}

void
room_entry(const struct member *m, uint8_t event,
    struct ctrl_roster_entry *e)
{
	e->event = event;
	e->member = m->index;
	e->ed_pub = m->ed_pub;
	e->x_pub = m->x_pub;
	e->binding = m->binding;
}

/* Tell the others that m joined or left. */
static void
room_announce(struct room *r, const struct member *m, uint8_t event)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct ctrl_roster_entry e;
	struct buf_writer w;

	room_entry(m, event, &e);
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_roster(&w, room_mode(r), &e, 1) == 0)
		room_broadcast(r, msg, buf_wr_len(&w), m);
}

void
room_roster(struct room *r, const struct member *skip,
    void (*send)(void *, const uint8_t *, size_t), void *arg)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct ctrl_roster_entry e[CTRL_MAX_ROSTER];
	struct buf_writer w;
	size_t i, n = 0;

	for (i = 0; i <= r->cap; i++) {
		if (i < r->cap && r->members[i] != NULL &&
		    r->members[i] != skip)
			room_entry(r->members[i], CTRL_ROSTER_PRESENT, &e[n++]);
		if (n == CTRL_MAX_ROSTER || (i == r->cap && n > 0)) {
			buf_wr_init(&w, msg, sizeof(msg));
			if (ctrl_put_roster(&w, room_mode(r), e, n) == 0)
				send(arg, msg, buf_wr_len(&w));
			n = 0;
		}
	}
}

static void
room_send_to(void *cs, const uint8_t *msg, size_t len)
{
	(void)chorus_send_control(cs, msg, len);
}

/* Give a new member the room's records and who is there. */
static void
room_welcome(struct room *r, struct member *m)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;
	size_t i;

	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_joined(&w, m->index, r->epoch, (uint16_t)r->limit,
	    room_mode(r), r->policy.room_pub) == 0)
		(void)chorus_send_control(m->cs, msg, buf_wr_len(&w));
	for (i = 0; i < r->nrecords; i++) {
		buf_wr_init(&w, msg, sizeof(msg));
		if (ctrl_put_record(&w, CTRL_RECORDED, r->records[i]) == 0)
			(void)chorus_send_control(m->cs, msg, buf_wr_len(&w));
	}
	room_roster(r, m, room_send_to, m->cs);
}

/* Announce the selected speakers to everyone. */
void
room_speakers_changed(struct room *r)
{
	size_t slots[SPEAKER_MAX_FORWARD];
	uint32_t members[SPEAKER_MAX_FORWARD];
	uint8_t msg[64 + 4 * SPEAKER_MAX_FORWARD];
	struct buf_writer w;
	int i, n;

	if ((n = speaker_take_change(&r->sel, slots, SPEAKER_MAX_FORWARD)) <
	    0)
		return;
	for (i = 0; i < n; i++)
		members[i] = r->members[slots[i]] != NULL ?
		    r->members[slots[i]]->index : 0;
	if (r->mix != NULL)
		room_mix_speakers(r, members, (size_t)n);
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_speakers(&w, members, (size_t)n) == 0)
		room_broadcast(r, msg, buf_wr_len(&w), NULL);
}

void
room_leave(struct chorus *ch, struct csess *cs, const char *why)
{
	struct member *m = cs->member;
	struct room *r;

	(void)why;
	if (m == NULL)
		return;
	r = m->room;
	r->members[m->slot] = NULL;
	r->nmembers--;
	speaker_remove(&r->sel, m->slot);
	cs->member = NULL;
	room_announce(r, m, CTRL_ROSTER_LEFT);
	cascade_member(r, m, CTRL_ROSTER_LEFT);
	room_speakers_changed(r);
	crypto_wipe(m, sizeof(*m));
	free(m);
	if (r->nmembers == 0) {
		r->empty_since_usec = chorus_now(ch);
		chorus_tick_arm(ch);
	}
}

/* 1 if a CREATE carries a MIXED record (checked in full later). */
static int
room_create_mixed(const struct ctrl_msg *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->records[i * RECORD_LEN + 1] == RECORD_MIXED)
			return 1;
	return 0;
}

static void
room_create(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	const struct conf *conf = ch->node->conf;
	uint8_t id[ROOM_ID_LEN], msg[64];
	struct buf_writer w;
	struct record rec;
	enum record_error e;
	struct room *r;
	size_t i;

	if (node_session_may_open(ch->node) == -1) {
		chorus_send_error(cs, CTRL_E_DRAINING, CTRL_CREATE);
		return;
	}
	if (room_id_from_key(c->room_pub, id) == -1)
		return;
	if (record_create_verify(c->room_pub, ch->id->x_pub, c->join_key,
	    c->sig) == -1) {
		chorus_send_error(cs, CTRL_E_BAD_SIGNATURE, CTRL_CREATE);
		return;
	}
	if ((r = room_find(ch, id)) != NULL) {
		/* The owner again: the same join key, the same mode. */
		if (crypto_memeq(r->join_key, c->join_key, ROOM_KEY_LEN) != 0 ||
		    room_create_mixed(c) != (r->mix != NULL)) {
			chorus_send_error(cs, CTRL_E_ROOM_EXISTS, CTRL_CREATE);
			return;
		}
		goto created;	/* the owner again, with the same keys */
	}
	if (ch->nrooms >= conf->max_rooms) {
		chorus_send_error(cs, CTRL_E_NODE_FULL, CTRL_CREATE);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    policy_init(&r->policy, c->room_pub) == -1)
		goto fail;
	for (i = 0; i < c->n; i++) {
		if ((e = record_parse(c->records + i * RECORD_LEN, RECORD_LEN,
		    &rec)) != RECORD_OK ||
		    (e = policy_apply(&r->policy, &rec)) != RECORD_OK) {
			chorus_record_rejected(ch, e);
			chorus_send_error(cs, CTRL_E_BAD_RECORD, CTRL_CREATE);
			goto fail;
		}
		memcpy(r->records[r->nrecords++], c->records + i * RECORD_LEN,
		    RECORD_LEN);
	}
	/* A mixed room is one node's mix: it is never cascaded. */
	if (r->policy.mixed && r->policy.ncascade > 0) {
		chorus_send_error(cs, CTRL_E_BAD_RECORD, CTRL_CREATE);
		goto fail;
	}
	r->limit = conf->max_room_members;
	r->cap = r->limit;
	/* Room for the members of every other node of the cascade. */
	if (policy_cascade_place(&r->policy, ch->id->x_pub) != 0)
		r->cap = r->limit * r->policy.ncascade;
	if ((r->members = calloc(r->cap, sizeof(*r->members))) == NULL ||
	    (r->spk = calloc(r->cap, sizeof(*r->spk))) == NULL)
		goto fail;
	memcpy(r->id, id, ROOM_ID_LEN);
	memcpy(r->join_key, c->join_key, ROOM_KEY_LEN);
	encode_base32(id, 8, r->fpr, sizeof(r->fpr));
	r->next_index = 1;
	r->empty_since_usec = chorus_now(ch);
	speaker_init(&r->sel, r->spk, r->cap, r->policy.mixed ?
	    conf->mix_speakers : conf->forward_speakers);
	if (r->policy.mixed && room_mix_start(ch, r) == -1) {
		chorus_send_error(cs, CTRL_E_NO_MIXING, CTRL_CREATE);
		goto fail;
	}
	if (cascade_room_start(ch, r) == -1)
		goto fail;
	TAILQ_INSERT_TAIL(&ch->rooms, r, entry);
	ch->nrooms++;
	chorus_tick_arm(ch);
	log_info("chorus: room %s created%s", r->fpr, r->mix != NULL ?
	    " (mixed)" : r->cascade != NULL ? " (cascaded)" : "");
created:
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_created(&w, id) == 0)
		(void)chorus_send_control(cs, msg, buf_wr_len(&w));
	return;
fail:
	if (r != NULL) {
		room_mix_free(ch, r);
		free(r->members);
		free(r->spk);
		crypto_wipe(r, sizeof(*r));
		free(r);
	}
}

/* Send one session MOVE for a room. */
static void
room_send_move(struct csess *cs, const struct room *r, uint8_t reason)
{
	uint8_t msg[64];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_move(&w, reason, r->id) == 0)
		(void)chorus_send_control(cs, msg, buf_wr_len(&w));
}

/* The room has members here now: its standbys should come (ACTIVE). */
static void
room_move_active(struct chorus *ch, struct room *r)
{
	struct csess *cs;

	TAILQ_FOREACH(cs, &ch->sessions, entry)
		if (cs->standby == r)
			room_send_move(cs, r, CTRL_MOVE_ACTIVE);
}

/* The session stops keeping its room warm. */
void
room_unstandby(struct csess *cs)
{
	struct room *r = cs->standby;

	if (r == NULL)
		return;
	cs->standby = NULL;
	if (--r->nstandby == 0 && r->nmembers == 0) {
		/* Forgotten an hour after the last one went. */
		r->empty_since_usec = chorus_now(cs->ch);
		chorus_tick_arm(cs->ch);
	}
}

/* The node is leaving: every member and standby is told (DRAINING). */
void
room_drain(struct chorus *ch)
{
	struct csess *cs;

	TAILQ_FOREACH(cs, &ch->sessions, entry) {
		if (cs->member != NULL)
			room_send_move(cs, cs->member->room, CTRL_MOVE_DRAINING);
		else if (cs->standby != NULL)
			room_send_move(cs, cs->standby, CTRL_MOVE_DRAINING);
	}
}

/*
 * The checks JOIN makes before it admits a member, for JOIN and STANDBY
 * alike: the room, the proof, bans, drain, the room's admission rules
 * (room_admit.c).  The room, or NULL (refused).
 */
static struct room *
room_admit(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	struct room *r;
	unsigned code;

	if ((r = room_find(ch, c->room_id)) == NULL) {
		chorus_send_error(cs, CTRL_E_UNKNOWN_ROOM, c->type);
		return NULL;
	}
	/* The challenge is the start of this session's handshake hash. */
	if (room_join_verify(r->join_key, r->id, cs->ed_pub, ch->id->x_pub,
	    cs->cur.hash, c->proof) == -1) {
		chorus_send_error(cs, CTRL_E_BAD_PROOF, c->type);
		return NULL;
	}
	if (policy_is_banned(&r->policy, cs->ed_pub,
	    (uint64_t)time(NULL))) {
		chorus_send_error(cs, CTRL_E_BANNED, c->type);
		return NULL;
	}
	if (node_session_may_open(ch->node) == -1) {
		chorus_send_error(cs, CTRL_E_DRAINING, c->type);
		return NULL;
	}
	if ((code = room_admission(ch, r, cs, c)) != 0) {
		chorus_send_error(cs, code, c->type);
		return NULL;
	}
	return r;
}

/*
 * STANDBY: a member of the room on another node keeps it warm here, so
 * that it can move here at once; a room with standbys is not forgotten
 * when empty.  A standby is no member: it gets no roster and no media.
 */
static void
room_standby(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	uint8_t msg[64];
	struct buf_writer w;
	struct room *r;

	if (cs->member != NULL) {
		chorus_send_error(cs, CTRL_E_ALREADY_IN_ROOM, CTRL_STANDBY);
		return;
	}
	if ((r = room_admit(ch, cs, c)) == NULL)
		return;
	if (cs->standby != r) {
		if (r->nstandby >= r->limit) {
			chorus_send_error(cs, CTRL_E_ROOM_FULL, CTRL_STANDBY);
			return;
		}
		room_unstandby(cs);
		cs->standby = r;
		r->nstandby++;
		r->empty_since_usec = 0;
	}
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_standing(&w, r->id, (uint16_t)(r->nmembers > UINT16_MAX ?
	    UINT16_MAX : r->nmembers)) == 0)
		(void)chorus_send_control(cs, msg, buf_wr_len(&w));
}

/*
 * A free place in r->members for a member here or elsewhere in the
 * cascade: 0 with *slot, or -1 when all cap are taken (remote members
 * can fill the places the local limit leaves).
 */
static int
room_free_slot(const struct room *r, size_t *slot)
{
	size_t i;

	if (r->nmembers + r->nremote >= r->cap)
		return -1;
	for (i = 0; i < r->cap && r->members[i] != NULL; i++)
		;
	if (i == r->cap)
		return -1;
	*slot = i;
	return 0;
}

static void
room_join(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	struct member *m;
	struct room *r;
	size_t slot;

	if ((r = room_admit(ch, cs, c)) == NULL)
		return;
	/*
	 * A second JOIN (the same identity from a restarted client takes
	 * over the session) starts a new membership.
	 */
	room_leave(ch, cs, "joined again");
	room_unstandby(cs);
	/* A cascade's indexes carry the node's place in their top byte. */
	if (r->nmembers >= r->limit || r->next_index == (r->cascade != NULL ?
	    0x00ffffffu : UINT32_MAX) || room_free_slot(r, &slot) == -1) {
		chorus_send_error(cs, CTRL_E_ROOM_FULL, CTRL_JOIN);
		return;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->room = r;
	m->cs = cs;
	m->ed_pub = cs->ed_pub;
	m->x_pub = cs->x_pub;
	m->binding = cs->binding;
	m->slot = slot;
	m->index = (uint32_t)cascade_place(r) << 24 | r->next_index++;
	m->joined_unix = (uint64_t)time(NULL);
	if (r->mix != NULL && room_mix_member(r, m) == -1) {
		crypto_wipe(m, sizeof(*m));
		free(m);
		return;
	}
	r->members[slot] = m;
	r->nmembers++;
	r->empty_since_usec = 0;
	speaker_add(&r->sel, slot);
	cs->member = m;
	chorus_ident_seen(ch, cs->ed_pub);
	room_welcome(r, m);
	room_announce(r, m, CTRL_ROSTER_PRESENT);
	cascade_member(r, m, CTRL_ROSTER_PRESENT);
	/* The room comes alive here: its standbys follow, latecomers see. */
	if (r->nmembers == 1 && r->nstandby > 0)
		room_move_active(ch, r);
	if (r->nmembers == 1 && ch->node->net != NULL)
		net_room_alive(ch->node->net);
}

static struct member *
room_member_by_id(struct room *r, const uint8_t *ed_pub)
{
	size_t i;

	for (i = 0; i < r->cap; i++)
		if (r->members[i] != NULL && r->members[i]->cs != NULL &&
		    memcmp(r->members[i]->ed_pub, ed_pub,
		    CRYPTO_ED25519_PUB_LEN) == 0)
			return r->members[i];
	return NULL;
}

struct member *
room_member_by_index(struct room *r, uint32_t index)
{
	size_t i;

	for (i = 0; i < r->cap; i++)
		if (r->members[i] != NULL && r->members[i]->index == index)
			return r->members[i];
	return NULL;
}

/* The index of the oldest kept record of kind a or b, or r->nrecords. */
static size_t
room_oldest_record(const struct room *r, uint8_t a, uint8_t b)
{
	size_t i;

	for (i = 0; i < r->nrecords; i++)
		if (r->records[i][1] == a || r->records[i][1] == b)
			break;
	return i;
}

/*
 * Keep a record for later members.  When the list is full the oldest
 * kick goes first (it only explains a past removal), then the oldest
 * allow-list change (the node holds the list; members need not);
 * promotions and bans are what a newcomer's copy of the policy needs.
 */
static void
room_keep_record(struct room *r, const uint8_t rec[RECORD_LEN])
{
	size_t i, drop;

	if (r->nrecords == ROOM_MAX_RECORDS) {
		/* Else the oldest record but the MIXED one. */
		drop = room_oldest_record(r, RECORD_KICK, RECORD_KICK);
		if (drop == r->nrecords)
			drop = room_oldest_record(r, RECORD_ALLOW,
			    RECORD_DISALLOW);
		for (i = 0; drop == r->nrecords && i < r->nrecords; i++)
			if (r->records[i][1] != RECORD_MIXED)
				drop = i;
		memmove(r->records[drop], r->records[drop + 1],
		    (r->nrecords - drop - 1) * RECORD_LEN);
		r->nrecords--;
	}
	memcpy(r->records[r->nrecords++], rec, RECORD_LEN);
}

/* A banned identity keeping the room warm here is told, and dropped. */
static void
room_unstandby_banned(struct chorus *ch, struct room *r, const uint8_t *id)
{
	struct csess *cs;

	TAILQ_FOREACH(cs, &ch->sessions, entry)
		if (cs->standby == r && memcmp(cs->ed_pub, id,
		    CRYPTO_ED25519_PUB_LEN) == 0) {
			log_info("chorus: room %s: a standby banned", r->fpr);
			chorus_send_error(cs, CTRL_E_BANNED, CTRL_STANDBY);
			room_unstandby(cs);
		}
}

/*
 * Apply a record to the room: kept, sent to the members, and a kick or
 * ban carried out.  0, or the ERROR code to refuse it with.
 */
static unsigned
room_apply_record(struct chorus *ch, struct room *r,
    const uint8_t raw[RECORD_LEN])
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;
	struct member *target;
	struct record rec;
	enum record_error e;

	/* A room's mode and cascade are fixed when it is created. */
	if ((e = record_parse(raw, RECORD_LEN, &rec)) == RECORD_OK &&
	    (rec.kind == RECORD_MIXED || rec.kind == RECORD_CASCADE))
		e = RECORD_ERR_KIND;
	if (e == RECORD_OK)
		e = policy_apply(&r->policy, &rec);
	if (e != RECORD_OK) {
		chorus_record_rejected(ch, e);
		return e == RECORD_ERR_AUTHORITY ? CTRL_E_NOT_ALLOWED :
		    CTRL_E_BAD_RECORD;
	}
	room_keep_record(r, raw);
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_record(&w, CTRL_RECORDED, raw) == 0)
		room_broadcast(r, msg, buf_wr_len(&w), NULL);
	/*
	 * A kick leaves no state, so an old one could be replayed against a
	 * member who came back: it removes only a membership that began
	 * before it was issued (ROOM_KICK_SLACK_SEC allows for clock skew).
	 */
	if ((rec.kind == RECORD_KICK || rec.kind == RECORD_BAN) &&
	    (target = room_member_by_id(r, rec.target)) != NULL &&
	    (rec.kind == RECORD_BAN || rec.issued + ROOM_KICK_SLACK_SEC >=
	    target->joined_unix)) {
		log_info("chorus: room %s: member %u %s", r->fpr,
		    target->index, rec.kind == RECORD_KICK ? "kicked" :
		    "banned");
		chorus_send_error(target->cs, rec.kind == RECORD_KICK ?
		    CTRL_E_KICKED : CTRL_E_BANNED, 0);
		room_leave(ch, target->cs, "removed by a moderator");
	}
	if (rec.kind == RECORD_BAN)
		room_unstandby_banned(ch, r, rec.target);
	return 0;
}

static void
room_record(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	struct room *r = cs->member != NULL ? cs->member->room : NULL;
	unsigned code;

	if (r == NULL) {
		chorus_send_error(cs, CTRL_E_NOT_IN_ROOM, CTRL_RECORD);
		return;
	}
	if ((code = room_apply_record(ch, r, c->records)) != 0) {
		chorus_send_error(cs, code, CTRL_RECORD);
		return;
	}
	cascade_record(r, c->records, NULL);
}

/* 1 if the room keeps this very record already. */
static int
room_has_record(const struct room *r, const uint8_t rec[RECORD_LEN])
{
	size_t i;

	for (i = 0; i < r->nrecords; i++)
		if (memcmp(r->records[i], rec, RECORD_LEN) == 0)
			return 1;
	return 0;
}

int
room_peer_record(struct chorus *ch, struct room *r,
    const uint8_t rec[RECORD_LEN])
{
	/* Records travel every way round the cascade: once is enough. */
	if (room_has_record(r, rec))
		return 0;
	return room_apply_record(ch, r, rec) == 0;
}

/* The newest key epoch seen in KEYS is the room's. */
static void
room_epoch_seen(struct room *r, uint16_t epoch)
{
	if ((uint16_t)(epoch - r->epoch) < 0x8000)
		r->epoch = epoch;
}

/* One key blob, as KEY, to a member here. */
static void
room_send_key(struct member *to, uint32_t from, uint16_t epoch,
    const uint8_t *blob)
{
	uint8_t msg[64 + KEYBLOB_LEN];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_key(&w, from, epoch, blob) == 0)
		(void)chorus_send_control(to->cs, msg, buf_wr_len(&w));
}

static void
room_keys(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	struct room *r = cs->member != NULL ? cs->member->room : NULL;
	const uint8_t *blob;
	struct member *to;
	uint32_t index;
	size_t i;

	(void)ch;
	if (r == NULL) {
		chorus_send_error(cs, CTRL_E_NOT_IN_ROOM, CTRL_KEYS);
		return;
	}
	if (!policy_is_moderator(&r->policy, cs->ed_pub)) {
		chorus_send_error(cs, CTRL_E_NOT_ALLOWED, CTRL_KEYS);
		return;
	}
	/* A mixed room's keys come from the join key: none to rotate. */
	if (r->mix != NULL)
		return;
	for (i = 0; i < c->n; i++) {
		ctrl_keys_get(c, i, &index, &blob);
		if ((to = room_member_by_index(r, index)) == NULL ||
		    to == cs->member)
			continue;
		if (to->cs == NULL)	/* on another node of the cascade */
			cascade_key(r, index, cs->member->index, c->epoch,
			    blob);
		else
			room_send_key(to, cs->member->index, c->epoch, blob);
	}
	room_epoch_seen(r, c->epoch);
}

void
room_deliver_key(struct room *r, uint32_t to, uint32_t from,
    uint16_t epoch, const uint8_t *blob)
{
	struct member *m;

	room_epoch_seen(r, epoch);
	if ((m = room_member_by_index(r, to)) != NULL && m->cs != NULL)
		room_send_key(m, from, epoch, blob);
}

static void	room_block(struct chorus *, struct csess *,
		    const struct ctrl_msg *);

void
room_control(struct chorus *ch, struct csess *cs, const uint8_t *msg,
    size_t len)
{
	struct ctrl_msg c;

	if (cs->cpeer != NULL) {	/* another node of a cascade */
		cascade_session_control(cs, msg, len);
		return;
	}
	if (ctrl_parse(msg, len, &c) == -1) {
		chorus_drop(ch, CD_MALFORMED);
		chorus_send_error(cs, CTRL_E_MALFORMED, len > 0 ? msg[0] : 0);
		return;
	}
	if (guard_denied(&ch->deny, cs->ed_pub)) {
		chorus_deny(cs, c.type);
		return;
	}
	switch (c.type) {
	case CTRL_CREATE:
		room_create(ch, cs, &c);
		break;
	case CTRL_JOIN:
		room_join(ch, cs, &c);
		break;
	case CTRL_STANDBY:
		room_standby(ch, cs, &c);
		break;
	case CTRL_LEAVE:
		if (cs->member == NULL)
			chorus_send_error(cs, CTRL_E_NOT_IN_ROOM, CTRL_LEAVE);
		room_leave(ch, cs, "left");
		break;
	case CTRL_RECORD:
		room_record(ch, cs, &c);
		break;
	case CTRL_KEYS:
		room_keys(ch, cs, &c);
		break;
	case CTRL_LINK:
		cascade_link_in(ch, cs, &c);
		break;
	case CTRL_BLOCK:
		room_block(ch, cs, &c);
		break;
	default:	/* a node-to-client message sent to the node */
		chorus_send_error(cs, CTRL_E_MALFORMED, c.type);
		break;
	}
}

#ifdef CHORUS_TEST_HOOKS
/*
 * Tests only (tests/chorusd-tamper, never installed): play a dishonest
 * node that alters what it forwards, so a test can show that receivers
 * refuse it.  CHORUS_TAMPER=header flips a bit of the sequence number,
 * =level changes the audio level, =payload flips a bit of the ciphertext,
 * =fake sends made-up bytes of the right size in place of the
 * ciphertext (answering without forwarding), =drop forwards only four
 * frames in five.
 */
static void
room_test_fake(uint8_t *p, size_t len)
{
	static uint32_t x = 2463534242u;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static void
room_test_tamper(uint8_t *frame, size_t len)
{
	const char *how = getenv("CHORUS_TAMPER");

	if (how == NULL || len < MEDIA_MIN_FRAME)
		return;
	if (strcmp(how, "header") == 0)
		frame[8] ^= 0x01;
	else if (strcmp(how, "level") == 0)
		frame[15] = (uint8_t)(frame[15] == 0 ? 1 : frame[15] - 1);
	else if (strcmp(how, "payload") == 0)
		frame[MEDIA_HEADER_LEN] ^= 0x80;
	else if (strcmp(how, "fake") == 0)
		room_test_fake(frame + MEDIA_HEADER_LEN, len - MEDIA_HEADER_LEN);
}

/* CHORUS_TAMPER=drop: forward only four frames in five. */
static int
room_test_drop(void)
{
	static unsigned n;
	const char *how = getenv("CHORUS_TAMPER");

	return how != NULL && strcmp(how, "drop") == 0 && ++n % 5 == 0;
}
#endif

int
room_send_media(struct room *r, struct member *to, const uint8_t *pkt,
    size_t len, size_t flen)
{
	struct chorus *ch = to->cs->ch;

	if (chorus_send_packet(to->cs, pkt, len) == -1)
		return -1;
	to->tx_packets++;
	r->media_out++;
	ch->media_out++;
	ch->media_bytes_out += flen;
	return 0;
}

/* Seal the media frame to every other member. */
static void
room_forward(struct room *r, struct member *from,
    const uint8_t *frame, size_t len)
{
	uint8_t pkt[FRAME_HDR_LEN + MEDIA_MAX_FRAME];
	struct buf_writer w;
	struct member *to;
	size_t i;

	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_media(&w, frame, len) == -1)
		return;
#ifdef CHORUS_TEST_HOOKS
	room_test_tamper(pkt + FRAME_HDR_LEN, len);
	if (room_test_drop())
		return;
#endif
	for (i = 0; i < r->cap; i++) {
		if ((to = r->members[i]) == NULL || to == from ||
		    to->cs == NULL)
			continue;
		if (to->cs->blocks.n > 0 &&
		    guard_blocks_has(&to->cs->blocks, from->ed_pub)) {
			r->blocked++;
			to->cs->ch->blocked++;
			continue;
		}
		(void)room_send_media(r, to, pkt, buf_wr_len(&w), len);
	}
}

/*
 * BLOCK: the session's blocklist changes at once, so the next frame of
 * a blocked speaker is not sent to it.  Reported blocks (REPORT) are
 * kept for user standing; a REMOVE forgets the report too.  Mute-only
 * blocks are never stored.  A list full at GUARD_MAX_BLOCKS is an
 * error; what fitted stays.
 */
static void
room_block(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	struct store *st = ch->node->store;
	const uint8_t *id;
	uint8_t flags;
	size_t i;
	int full = 0;

	if (c->op == CTRL_BLOCK_CLEAR)
		cs->blocks.n = 0;
	for (i = 0; i < c->n; i++) {
		ctrl_block_get(c, i, &id, &flags);
		if (c->op == CTRL_BLOCK_REMOVE) {
			(void)guard_blocks_del(&cs->blocks, id);
			if (st != NULL &&
			    store_block_del(st, cs->ed_pub, id) == 0)
				chorus_standing_forget(ch, id);
			continue;
		}
		if (guard_blocks_add(&cs->blocks, id) == -1)
			full = 1;
		else if ((flags & CTRL_BLOCK_REPORT) && st != NULL &&
		    memcmp(id, cs->ed_pub, CRYPTO_ED25519_PUB_LEN) != 0 &&
		    store_block_add(st, cs->ed_pub, id, (int64_t)time(NULL),
		    GUARD_MAX_REPORTS) == 0)
			chorus_standing_forget(ch, id);
	}
	if (full)
		chorus_send_error(cs, CTRL_E_MALFORMED, CTRL_BLOCK);
}

/*
 * 1 if the frame goes on to the members: always in a small room, else
 * when the speaker selection has its sender (counted as suppressed if
 * not).
 */
static int
room_passes(struct chorus *ch, struct room *r, struct member *m,
    const struct media_header *h)
{
	int fwd;

	if (!room_selects(ch, r))
		return 1;
	fwd = speaker_frame(&r->sel, m->slot, h->level, h->vad,
	    chorus_now(ch));
	room_speakers_changed(r);
	if (!fwd) {
		r->suppressed++;
		ch->suppressed++;
	}
	return fwd;
}

void
room_media(struct chorus *ch, struct csess *cs, const uint8_t *frame,
    size_t len)
{
	struct member *m = cs->member;
	struct media_header h;
	struct room *r;

	if (cs->cpeer != NULL) {
		cascade_session_media(cs, frame, len);
		return;
	}
	if (m == NULL) {
		chorus_drop(ch, CD_NOT_IN_ROOM);
		return;
	}
	if (media_header_parse(&h, frame, len) != MEDIA_OK) {
		chorus_drop(ch, CD_MALFORMED);
		return;
	}
	if (h.sender != m->index) {
		chorus_drop(ch, CD_SPOOFED);
		return;
	}
	r = m->room;
	m->rx_packets++;
	r->media_in++;
	ch->media_in++;
	if (r->cascade != NULL)
		cascade_local_media(ch, r, m, &h, frame, len);
	if (!room_passes(ch, r, m, &h))
		return;
	if (r->mix != NULL)
		room_mix_media(ch, r, m, frame, len);
	else
		room_forward(r, m, frame, len);
}

/* Deliver a frame from a member on another node, as room_media does. */
void
room_remote_media(struct chorus *ch, struct room *r, struct member *m,
    const struct media_header *h, const uint8_t *frame, size_t len)
{
	m->rx_packets++;
	if (room_passes(ch, r, m, h))
		room_forward(r, m, frame, len);
}

struct member *
room_remote_add(struct room *r, const struct ctrl_roster_entry *e,
    uint8_t place)
{
	struct member *m;
	size_t slot;

	if (room_free_slot(r, &slot) == -1 ||
	    (m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->room = r;
	m->slot = slot;
	m->index = e->member;
	m->place = place;
	memcpy(m->rid, e->ed_pub, CRYPTO_ED25519_PUB_LEN);
	memcpy(m->rid + CRYPTO_ED25519_PUB_LEN, e->x_pub, CRYPTO_X25519_LEN);
	memcpy(m->rid + CRYPTO_ED25519_PUB_LEN + CRYPTO_X25519_LEN,
	    e->binding, CRYPTO_ED25519_SIG_LEN);
	m->ed_pub = m->rid;
	m->x_pub = m->rid + CRYPTO_ED25519_PUB_LEN;
	m->binding = m->rid + CRYPTO_ED25519_PUB_LEN + CRYPTO_X25519_LEN;
	m->joined_unix = (uint64_t)time(NULL);
	replay_init(&m->seen);
	r->members[slot] = m;
	r->nremote++;
	speaker_add(&r->sel, slot);
	room_announce(r, m, CTRL_ROSTER_PRESENT);
	return m;
}

void
room_remote_remove(struct room *r, struct member *m)
{
	r->members[m->slot] = NULL;
	r->nremote--;
	speaker_remove(&r->sel, m->slot);
	room_announce(r, m, CTRL_ROSTER_LEFT);
	room_speakers_changed(r);
	crypto_wipe(m, sizeof(*m));
	free(m);
}

void
room_tick(struct chorus *ch, uint64_t now)
{
	struct room *r, *next;

	for (r = TAILQ_FIRST(&ch->rooms); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		/* Members elsewhere in the cascade still count on it. */
		if (r->nmembers == 0 && r->nremote > 0)
			r->empty_since_usec = now;
		/*
		 * A session this very tick ended may have emptied the room
		 * after now was read: empty_since is then in the future.
		 */
		if (r->nmembers == 0 && r->nstandby == 0 &&
		    now >= r->empty_since_usec &&
		    now - r->empty_since_usec >=
		    ROOM_EMPTY_TTL_SEC * 1000000ULL) {
			log_info("chorus: room %s closed: empty", r->fpr);
			room_free(ch, r);
			continue;
		}
		if (room_selects(ch, r)) {
			speaker_tick(&r->sel, now);
			room_speakers_changed(r);
		}
	}
}

void
chorus_rooms_hosted(struct chorus *ch,
    void (*fn)(void *, const uint8_t *, size_t), void *arg)
{
	struct room *r;

	TAILQ_FOREACH(r, &ch->rooms, entry)
		if (r->nmembers > 0)
			fn(arg, r->id, r->nmembers);
}

json_t *
chorus_rooms_json(struct chorus *ch)
{
	json_t *o, *list;
	struct room *r;
	uint64_t members = 0;

	if ((list = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(r, &ch->rooms, entry) {
		json_t *e;

		members += r->nmembers;
		e = json_pack(
		    "{s:s, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I}",
		    "room", r->fpr,
		    "members", (json_int_t)r->nmembers,
		    "limit", (json_int_t)r->limit,
		    "speakers", (json_int_t)r->sel.nselected,
		    "forwarding", r->mix != NULL ? "mixed" :
		    room_selects(ch, r) ? "speakers" : "all",
		    "key_epoch", (json_int_t)r->epoch,
		    "media_in", (json_int_t)r->media_in,
		    "media_forwarded", (json_int_t)r->media_out,
		    "media_suppressed", (json_int_t)r->suppressed);
		if (e != NULL) {
			json_object_set_new(e, "standbys",
			    json_integer((json_int_t)r->nstandby));
			json_object_set_new(e, "media_blocked",
			    json_integer((json_int_t)r->blocked));
			if (r->policy.has_admit)
				json_object_set_new(e, "admission",
				    room_admission_json(r));
		}
		if (e != NULL && r->cascade != NULL)
			json_object_set_new(e, "cascade", cascade_json(r));
		if (e != NULL && r->mix != NULL)
			json_object_set_new(e, "mix", room_mix_json(r));
		json_array_append_new(list, e);
	}
	/* Counts only: never who is denied, who blocked whom. */
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:I, s:I, s:o}",
	    "sessions", (json_int_t)ch->nsessions,
	    "rooms", (json_int_t)ch->nrooms,
	    "mixed_rooms", (json_int_t)ch->nmixed,
	    "members", (json_int_t)members,
	    "max_rooms", (json_int_t)ch->node->conf->max_rooms,
	    "max_room_members", (json_int_t)ch->node->conf->max_room_members,
	    "media",
	    "packets_in", (json_int_t)ch->media_in,
	    "packets_forwarded", (json_int_t)ch->media_out,
	    "bytes_forwarded", (json_int_t)ch->media_bytes_out,
	    "suppressed", (json_int_t)ch->suppressed,
	    "blocked", (json_int_t)ch->blocked,
	    "dropped", chorus_drops_json(ch),
	    "denied_identities", (json_int_t)ch->deny.n,
	    "denied_requests", (json_int_t)ch->denied,
	    "list", list);
	if (o != NULL)
		json_object_set_new(o, "admission", chorus_admission_json(ch));
	return o;
}
