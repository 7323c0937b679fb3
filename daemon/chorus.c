/*
 * chorus.c - Chorus sessions on the node: handshakes (with cookie replies
 * under load), the session table, transport packets and their frames,
 * reliable control, timers.  Rooms and forwarding are room.c's.
 *
 * A session is found by the receiver index of a transport datagram: its
 * low CHORUS_SLOT_BITS bits are a slot in ch->slots, the rest random, so
 * lookup is one array read and a compare.  One struct csess serves an
 * identity across rekeys: the new keys become cur, the old ones stay as
 * prev for CHORUS_PREV_GRACE_SEC so packets in flight still open.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/ctrl.h"
#include "chorus/encode.h"
#include "chorus/hash.h"
#include "chorus_priv.h"
#include "conf.h"
#include "net.h"
#include "node.h"
#include "store.h"
#include "tcp.h"

static const char *const chorus_drop_names[CD_NDROPS] = {
	[CD_MALFORMED] = "malformed",
	[CD_MAC] = "mac",
	[CD_HANDSHAKE] = "handshake",
	[CD_REPLAY_INIT] = "replayed_initiation",
	[CD_NOT_MEMBER] = "not_member",
	[CD_NO_SESSION] = "no_session",
	[CD_DECRYPT] = "decrypt",
	[CD_REPLAY] = "replay",
	[CD_UNEXPECTED] = "unexpected",
	[CD_FULL] = "full",
	[CD_SPOOFED] = "spoofed_sender",
	[CD_NOT_IN_ROOM] = "not_in_room",
	[CD_MIX_AUTH] = "mix_auth",
	[CD_SEND] = "send",
	[CD_NEW_NODE] = "new_node_limit",
};

static void	chorus_tick_cb(evutil_socket_t, short, void *);
static void	chorus_end(struct chorus *, struct csess *, const char *);

void
chorus_drop(struct chorus *ch, enum chorus_drop why)
{
	ch->drops[why]++;
}

uint64_t
chorus_now(const struct chorus *ch)
{
	(void)ch;
	return node_now_usec();
}

int
chorus_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

/*
 * Read a secret file: exactly 32 bytes as 64 hex digits (surrounding
 * white space allowed), mode 0600 or stricter.  Messages name the file
 * and say what to do.
 */
static int
chorus_read_psk(const char *path, uint8_t psk[SESSION_PSK_LEN], char *err,
    size_t errlen)
{
	char buf[160], *s, *e;
	struct stat sb;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable by group or others; the "
		    "network key must be mode 0600 (chmod 600 %s)", path,
		    path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	for (s = buf; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';)
		s++;
	for (e = s; *e != '\0' && *e != ' ' && *e != '\t' && *e != '\n' &&
	    *e != '\r';)
		e++;
	*e = '\0';
	if (strlen(s) != 2 * SESSION_PSK_LEN ||
	    encode_unhex(s, strlen(s), psk, SESSION_PSK_LEN) !=
	    SESSION_PSK_LEN) {
		snprintf(err, errlen, "%s: not a network key: expected 64 "
		    "hexadecimal digits (make one with: chorus keygen --psk "
		    "--out %s)", path, path);
		goto out;
	}
	rc = 0;
out:
	crypto_wipe(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* Load member-keys-file: one client ID (base32) per line, # comments. */
static int
chorus_read_members(struct chorus *ch, const char *path, char *err,
    size_t errlen)
{
	uint8_t (*ids)[CRYPTO_ED25519_PUB_LEN] = NULL, (*tmp)[32];
	size_t n = 0, cap = 0, len;
	char line[256], *s;
	unsigned lineno = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		len = strcspn(s, " \t");
		if (len == 0)
			continue;
		if (s[len] != '\0' && s[len + strspn(s + len, " \t")] != '\0')
			goto bad;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((tmp = reallocarray(ids, cap, sizeof(*ids))) ==
			    NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			ids = tmp;
		}
		if (encode_unbase32(s, len, ids[n],
		    CRYPTO_ED25519_PUB_LEN) != CRYPTO_ED25519_PUB_LEN)
			goto bad;
		n++;
	}
	fclose(f);
	free(ch->members_allowed);
	ch->members_allowed = ids;
	ch->nmembers_allowed = n;
	return 0;
bad:
	snprintf(err, errlen, "%s:%u: not a client ID (52 base32 characters, "
	    "as `chorus keygen` prints it)", path, lineno);
fail:
	free(ids);
	fclose(f);
	return -1;
}

static int
chorus_member_allowed(const struct chorus *ch, const uint8_t *ed_pub)
{
	size_t i;

	if (ch->node->conf->member_keys_file == NULL)
		return 1;
	for (i = 0; i < ch->nmembers_allowed; i++)
		if (memcmp(ch->members_allowed[i], ed_pub,
		    CRYPTO_ED25519_PUB_LEN) == 0)
			return 1;
	return 0;
}

struct chorus *
chorus_new(struct node *node, char *err, size_t errlen)
{
	const struct conf *conf = node->conf;
	struct chorus *ch;
	size_t i;

	if ((ch = calloc(1, sizeof(*ch))) == NULL) {
		snprintf(err, errlen, "chorus: out of memory");
		return NULL;
	}
	ch->node = node;
	ch->id = &node->id;
	TAILQ_INIT(&ch->sessions);
	TAILQ_INIT(&ch->rooms);
	if (conf->network_psk_file != NULL) {
		if (chorus_read_psk(conf->network_psk_file, ch->psk, err,
		    errlen) == -1)
			goto fail;
		ch->private_node = 1;
	}
	if (conf->member_keys_file != NULL &&
	    chorus_read_members(ch, conf->member_keys_file, err, errlen) == -1)
		goto fail;
	if (guard_deny_load(node, &ch->deny, err, errlen) == -1)
		goto fail;
	for (i = 4096; i < 2 * (size_t)conf->max_sessions && i <
	    CHORUS_MAX_SLOTS; i *= 2)
		;
	ch->nslots = i;
	if ((ch->slots = calloc(ch->nslots, sizeof(*ch->slots))) == NULL ||
	    (ch->ids = calloc(CHORUS_ID_BUCKETS, sizeof(*ch->ids))) == NULL) {
		snprintf(err, errlen, "chorus: out of memory");
		goto fail;
	}
	if (session_mac1_key(ch->id->x_pub, ch->private_node ? ch->psk : NULL,
	    ch->mac1key) == -1 ||
	    wire_cookie_key(ch->id->x_pub, ch->cookiekey) == -1 ||
	    chorus_random(ch->cookie_secret, sizeof(ch->cookie_secret)) ==
	    -1 || chorus_random(ch->idkey, sizeof(ch->idkey)) == -1) {
		snprintf(err, errlen, "chorus: key set-up failed");
		goto fail;
	}
	ch->cookie_secret_usec = node_now_usec();
	if ((ch->ev_tick = event_new(node->base, -1, EV_PERSIST,
	    chorus_tick_cb, ch)) == NULL) {
		snprintf(err, errlen, "chorus: event_new failed");
		goto fail;
	}
	return ch;
fail:
	chorus_free(ch);
	return NULL;
}

void
chorus_free(struct chorus *ch)
{
	struct csess *cs;

	if (ch == NULL)
		return;
	while ((cs = TAILQ_FIRST(&ch->sessions)) != NULL)
		chorus_end(ch, cs, "node stopping");
	room_free_all(ch);
	if (ch->ev_tick != NULL)
		event_free(ch->ev_tick);
	free(ch->slots);
	free(ch->ids);
	free(ch->members_allowed);
	guard_deny_free(&ch->deny);
	crypto_wipe(ch, sizeof(*ch));
	free(ch);
}

int
chorus_reload(struct chorus *ch, const struct conf *conf, char *err,
    size_t errlen)
{
	if (guard_deny_load(ch->node, &ch->deny, err, errlen) == -1)
		return -1;
	chorus_deny_sweep(ch);
	if (conf->member_keys_file != NULL)
		return chorus_read_members(ch, conf->member_keys_file, err,
		    errlen);
	return 0;
}

/*
 * The identity's sessions end: ERROR DENIED (about, the type of the
 * request refused, or 0 for a notice), then the tick ends the session
 * once the error is acknowledged, or after a second.
 */
void
chorus_deny(struct csess *cs, uint8_t about)
{
	cs->ch->denied++;
	chorus_send_error(cs, CTRL_E_DENIED, about);
	if (cs->doomed_usec == 0)
		cs->doomed_usec = chorus_now(cs->ch);
	chorus_tick_arm(cs->ch);
}

/* Every session of a denied identity is told and ended. */
void
chorus_deny_sweep(struct chorus *ch)
{
	struct csess *cs;

	TAILQ_FOREACH(cs, &ch->sessions, entry)
		if (cs->doomed_usec == 0 && guard_denied(&ch->deny, cs->ed_pub))
			chorus_deny(cs, 0);
}

static void	chorus_guard_metrics(const struct chorus *, FILE *);

/*
 * Active days for user standing (doc/REPUTATION.md "User standing"):
 * counted at a JOIN, once a UTC day per identity (the handshake table
 * remembers the day, so most JOINs write nothing); once a day, reports
 * and identities older than GUARD_KEEP_DAYS are deleted.
 */
void
chorus_ident_seen(struct chorus *ch, const uint8_t *ed_pub)
{
	struct store *st = ch->node->store;
	int64_t now = (int64_t)time(NULL), day = now / 86400;
	size_t b = chorus_id_bucket(ch, ed_pub);

	if (st == NULL)
		return;
	if (ch->pruned_day != day) {
		ch->pruned_day = day;
		(void)store_block_prune(st, now - GUARD_KEEP_DAYS * 86400, NULL);
		(void)store_ident_prune(st, day - GUARD_KEEP_DAYS, NULL);
	}
	if (memcmp(ch->ids[b].ed_pub, ed_pub, CRYPTO_ED25519_PUB_LEN) == 0 &&
	    ch->ids[b].day == day)
		return;
	if (store_ident_touch(st, ed_pub, day, GUARD_MAX_IDENTS) == 0 &&
	    memcmp(ch->ids[b].ed_pub, ed_pub, CRYPTO_ED25519_PUB_LEN) == 0)
		ch->ids[b].day = day;
}

int
chorus_deny_add(struct chorus *ch, const uint8_t *id)
{
	int rc;

	if ((rc = guard_deny_add(ch->node, &ch->deny, id)) == 1)
		chorus_deny_sweep(ch);
	return rc;
}

int
chorus_deny_del(struct chorus *ch, const uint8_t *id)
{
	return guard_deny_del(ch->node, &ch->deny, id);
}

json_t *
chorus_deny_json(const struct chorus *ch)
{
	return guard_deny_json(&ch->deny);
}

size_t
chorus_denied_count(const struct chorus *ch)
{
	return ch != NULL ? ch->deny.n : 0;
}

const uint8_t *
chorus_psk(const struct chorus *ch)
{
	return ch->psk;
}

unsigned
chorus_sessions(const struct chorus *ch)
{
	return ch->nsessions;
}

/* Write a datagram to the client: as it is on UDP, framed on streams. */
static int
chorus_transmit(struct chorus *ch, const struct transport *t, uint8_t *buf,
    size_t len)
{
	/* buf has CHORUS_STREAM_HDR bytes free before it. */
	if (t->kind != TRANSPORT_UDP) {
		buf -= CHORUS_STREAM_HDR;
		buf[0] = CHORUS_STREAM_MARK;
		buf[1] = 0;
		buf[2] = (uint8_t)(len >> 8);
		buf[3] = (uint8_t)len;
		len += CHORUS_STREAM_HDR;
	}
	if (transport_send(t, buf, len) == -1) {
		chorus_drop(ch, CD_SEND);
		return -1;
	}
	return 0;
}

int
chorus_send_packet(struct csess *cs, const uint8_t *pkt, size_t len)
{
	uint8_t out[CHORUS_STREAM_HDR + CHORUS_PACKET_MAX];
	size_t outlen;

	if (session_seal(&cs->cur, chorus_now(cs->ch), pkt, len,
	    out + CHORUS_STREAM_HDR, sizeof(out) - CHORUS_STREAM_HDR,
	    &outlen) == -1)
		return -1;
	return chorus_transmit(cs->ch, &cs->t, out + CHORUS_STREAM_HDR,
	    outlen);
}

/* Send the control messages and ACK that are due. */
static void
chorus_flush(struct csess *cs)
{
	uint8_t pkt[SESSION_MAX_PACKET];
	struct buf_writer w;
	int i, n;

	for (i = 0; i < 8; i++) {
		buf_wr_init(&w, pkt, sizeof(pkt));
		n = reliable_emit(&cs->rel, chorus_now(cs->ch), &w);
		if (n <= 0 || buf_wr_len(&w) == 0)
			break;
		cs->ch->control_out += (uint64_t)n;
		(void)chorus_send_packet(cs, pkt, buf_wr_len(&w));
	}
}

int
chorus_send_control(struct csess *cs, const void *msg, size_t len)
{
	if (reliable_queue(&cs->rel, msg, len) == -1)
		return -1;
	chorus_flush(cs);
	return 0;
}

void
chorus_send_error(struct csess *cs, unsigned code, uint8_t about)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_error(&w, (uint16_t)code, about,
	    ctrl_code_text(code)) == 0)
		(void)chorus_send_control(cs, msg, buf_wr_len(&w));
}

/* The identity-table bucket of an Ed25519 ID. */
size_t
chorus_id_bucket(const struct chorus *ch, const uint8_t *ed_pub)
{
	return hash_siphash(ch->idkey, ed_pub, CRYPTO_ED25519_PUB_LEN) %
	    CHORUS_ID_BUCKETS;
}

/* A fresh local index whose slot is free; 0 if the table is full. */
static uint32_t
chorus_new_index(struct chorus *ch)
{
	uint32_t r, slot;
	int tries;

	for (tries = 0; tries < 32; tries++) {
		if (chorus_random(&r, sizeof(r)) == -1)
			return 0;
		slot = r & (uint32_t)(ch->nslots - 1);
		if (ch->slots[slot] == NULL && r != 0)
			return r;
	}
	return 0;
}

static struct csess *
chorus_lookup(const struct chorus *ch, uint32_t index, struct session **s)
{
	struct csess *cs = ch->slots[index & (uint32_t)(ch->nslots - 1)];

	if (cs == NULL)
		return NULL;
	if (cs->cur.live && cs->cur.local_index == index)
		*s = &cs->cur;
	else if (cs->prev.live && cs->prev.local_index == index)
		*s = &cs->prev;
	else
		return NULL;
	return cs;
}

static void
chorus_unslot(struct chorus *ch, struct session *s)
{
	if (s->live)
		ch->slots[s->local_index & (uint32_t)(ch->nslots - 1)] = NULL;
	session_wipe(s);
}

static void
chorus_end(struct chorus *ch, struct csess *cs, const char *why)
{
	char fpr[IDENTITY_FPR_STRLEN];

	identity_fingerprint(cs->ed_pub, fpr);
	log_debug("chorus: session %s ended: %s", fpr, why);
	cascade_session_end(cs);
	room_leave(ch, cs, why);
	room_unstandby(cs);
	chorus_unslot(ch, &cs->cur);
	chorus_unslot(ch, &cs->prev);
	reliable_wipe(&cs->rel);
	guard_blocks_free(&cs->blocks);
	TAILQ_REMOVE(&ch->sessions, cs, entry);
	ch->nsessions--;
	if (TAILQ_EMPTY(&ch->sessions) && TAILQ_EMPTY(&ch->rooms))
		event_del(ch->ev_tick);
	crypto_wipe(cs, sizeof(*cs));
	free(cs);
	node_session_closed(ch->node);
}

void
chorus_end_session(struct csess *cs, const char *why)
{
	chorus_end(cs->ch, cs, why);
}

void
chorus_drain(struct chorus *ch)
{
	room_drain(ch);
}

void
chorus_conn_closed(struct chorus *ch, struct tcp_conn *conn)
{
	struct csess *cs, *next;

	for (cs = TAILQ_FIRST(&ch->sessions); cs != NULL; cs = next) {
		next = TAILQ_NEXT(cs, entry);
		if (cs->t.conn == conn && cs->t.kind != TRANSPORT_UDP)
			chorus_end(ch, cs, "connection closed");
	}
}

/* 1 if the node counts as under load: more initiations than allowed. */
static int
chorus_under_load(struct chorus *ch, uint64_t now)
{
	uint64_t sec = now / 1000000;

	if (sec != ch->hs_second) {
		ch->hs_second = sec;
		ch->hs_count = 0;
	}
	ch->hs_count++;
	return ch->node->conf->handshake_rate != 0 &&
	    ch->hs_count > ch->node->conf->handshake_rate;
}

/* Answer an initiation with a cookie reply instead of doing DH. */
static void
chorus_cookie_reply(struct chorus *ch, const struct transport *t,
    const struct wire_msg *m, uint64_t now)
{
	uint8_t buf[CHORUS_STREAM_HDR + WIRE_COOKIE_LEN];
	uint8_t nonce[WIRE_NONCE_LEN], cookie[WIRE_MAC_LEN];

	if (now - ch->cookie_secret_usec >= WIRE_COOKIE_LIFETIME * 1000000ULL) {
		if (chorus_random(ch->cookie_secret,
		    sizeof(ch->cookie_secret)) == -1)
			return;
		ch->cookie_secret_usec = now;
	}
	if (chorus_random(nonce, sizeof(nonce)) == -1 ||
	    wire_cookie_make(ch->cookie_secret,
	    (const struct sockaddr *)&t->client, cookie) == -1 ||
	    wire_cookie_reply(buf + CHORUS_STREAM_HDR, m->sender, nonce,
	    cookie, ch->cookiekey, m->mac1) == -1)
		return;
	ch->cookies_sent++;
	(void)chorus_transmit(ch, t, buf + CHORUS_STREAM_HDR,
	    WIRE_COOKIE_LEN);
}

/* mac2 of an initiation is right for its source address. */
static int
chorus_mac2_ok(struct chorus *ch, const struct transport *t,
    const uint8_t *p, size_t len)
{
	uint8_t cookie[WIRE_MAC_LEN];
	int ok;

	if (wire_cookie_make(ch->cookie_secret,
	    (const struct sockaddr *)&t->client, cookie) == -1)
		return 0;
	ok = wire_check_mac2(p, len, cookie) == 0;
	crypto_wipe(cookie, sizeof(cookie));
	return ok;
}

/*
 * 1 if a node the network has not yet measured to standing has used up
 * this hour's sessions (net_session_allowance, doc/REPUTATION.md).
 * Sessions of other nodes of the network (measuring this one) do not
 * count: they are how a new node earns standing.
 */
static int
chorus_new_node_full(struct chorus *ch, const uint8_t *ed_pub)
{
	uint64_t hour = (uint64_t)time(NULL) / 3600;
	uint32_t allow;

	if (ch->node->net == NULL || (allow = net_session_allowance(
	    ch->node->net)) == UINT32_MAX || net_is_node(ch->node->net, ed_pub))
		return 0;
	if (hour != ch->new_hour) {
		ch->new_hour = hour;
		ch->new_count = 0;
	}
	if (ch->new_count >= allow) {
		chorus_drop(ch, CD_NEW_NODE);
		return 1;
	}
	ch->new_count++;
	return 0;
}

/* A new session, or NULL (counted) when the node may not take one. */
static struct csess *
chorus_csess_new(struct chorus *ch, const uint8_t *ed_pub)
{
	struct csess *cs;

	if (chorus_new_node_full(ch, ed_pub))
		return NULL;
	if (ch->nsessions >= ch->node->conf->max_sessions ||
	    node_session_may_open(ch->node) == -1 ||
	    (cs = calloc(1, sizeof(*cs))) == NULL) {
		chorus_drop(ch, CD_FULL);
		return NULL;
	}
	cs->ch = ch;
	reliable_init(&cs->rel);
	TAILQ_INSERT_TAIL(&ch->sessions, cs, entry);
	ch->nsessions++;
	ch->sessions_made++;
	chorus_tick_arm(ch);
	node_session_opened(ch->node);
	return cs;
}

/*
 * Check an initiation and answer it: mac1 (and, under load, mac2 or a
 * cookie reply), Noise, the identity binding, the per-identity timestamp
 * and the member list.  0 with *s live and the response in out, else -1
 * (counted; nothing is sent except a cookie reply).
 */
static int
chorus_handshake(struct chorus *ch, const struct transport *t,
    const uint8_t *p, size_t len, const struct wire_msg *m,
    struct session *s, uint8_t out[WIRE_RESPONSE_LEN])
{
	uint8_t e_priv[CRYPTO_X25519_LEN], tai64n[WIRE_TAI64N_LEN];
	uint64_t now = chorus_now(ch);
	uint32_t index;
	size_t b;
	int rc;

	if (wire_check_mac1(p, len, ch->mac1key) == -1) {
		chorus_drop(ch, CD_MAC);
		return -1;
	}
	if (t != NULL && chorus_under_load(ch, now) &&
	    !chorus_mac2_ok(ch, t, p, len)) {
		chorus_cookie_reply(ch, t, m, now);
		return -1;
	}
	if ((index = chorus_new_index(ch)) == 0 ||
	    chorus_random(e_priv, sizeof(e_priv)) == -1) {
		chorus_drop(ch, CD_FULL);
		return -1;
	}
	rc = session_respond(ch->id, ch->psk, m, index, e_priv, now, s,
	    tai64n, out);
	crypto_wipe(e_priv, sizeof(e_priv));
	if (rc == -1) {
		chorus_drop(ch, CD_HANDSHAKE);
		return -1;
	}
	/* Each identity's timestamps must grow: a replay is refused. */
	b = chorus_id_bucket(ch, s->peer_ed_pub);
	if (memcmp(ch->ids[b].ed_pub, s->peer_ed_pub,
	    CRYPTO_ED25519_PUB_LEN) == 0 &&
	    wire_tai64n_cmp(tai64n, ch->ids[b].tai64n) <= 0) {
		chorus_drop(ch, CD_REPLAY_INIT);
		session_wipe(s);
		return -1;
	}
	if (!chorus_member_allowed(ch, s->peer_ed_pub)) {
		chorus_drop(ch, CD_NOT_MEMBER);
		session_wipe(s);
		return -1;
	}
	/* A bucket that changes hands forgets what it knew of the last. */
	if (memcmp(ch->ids[b].ed_pub, s->peer_ed_pub,
	    CRYPTO_ED25519_PUB_LEN) != 0) {
		memcpy(ch->ids[b].ed_pub, s->peer_ed_pub,
		    CRYPTO_ED25519_PUB_LEN);
		ch->ids[b].day = 0;
		ch->ids[b].standing_usec = 0;
	}
	memcpy(ch->ids[b].tai64n, tai64n, WIRE_TAI64N_LEN);
	ch->handshakes++;
	return 0;
}

/* Put live keys in as cs's current ones. */
static void
chorus_install(struct chorus *ch, struct csess *cs, struct session *s)
{
	cs->cur = *s;
	crypto_wipe(s, sizeof(*s));
	ch->slots[cs->cur.local_index & (uint32_t)(ch->nslots - 1)] = cs;
}

/* An initiation outside any session: a new session. */
static void
chorus_initiation(struct chorus *ch, const struct transport *t,
    const uint8_t *p, size_t len, const struct wire_msg *m)
{
	uint8_t buf[CHORUS_STREAM_HDR + WIRE_RESPONSE_LEN];
	struct session s;
	struct csess *cs;

	if (chorus_handshake(ch, t, p, len, m, &s,
	    buf + CHORUS_STREAM_HDR) == -1)
		return;
	if ((cs = chorus_csess_new(ch, s.peer_ed_pub)) == NULL) {
		/* counted there */
		session_wipe(&s);
		return;
	}
	memcpy(cs->ed_pub, s.peer_ed_pub, sizeof(cs->ed_pub));
	memcpy(cs->x_pub, s.peer_x_pub, sizeof(cs->x_pub));
	memcpy(cs->binding, s.peer_binding, sizeof(cs->binding));
	cs->t = *t;
	cs->last_rx_usec = chorus_now(ch);
	chorus_install(ch, cs, &s);
	(void)chorus_transmit(ch, t, buf + CHORUS_STREAM_HDR,
	    WIRE_RESPONSE_LEN);
}

/*
 * A rekey: an initiation carried in a HANDSHAKE frame of the session it
 * renews, from the same identity.  The response goes back under the old
 * keys, which stay usable for CHORUS_PREV_GRACE_SEC; the session keeps
 * its room, its control stream and everything else.
 */
static void
chorus_rekey(struct chorus *ch, struct csess *cs, const uint8_t *p,
    size_t len)
{
	uint8_t pkt[FRAME_HDR_LEN + WIRE_RESPONSE_LEN];
	uint8_t resp[WIRE_RESPONSE_LEN];
	struct buf_writer w;
	struct wire_msg m;
	struct session s;

	if (wire_parse(p, len, &m) != WIRE_OK ||
	    m.type != WIRE_INITIATION) {
		chorus_drop(ch, CD_MALFORMED);
		return;
	}
	if (chorus_handshake(ch, NULL, p, len, &m, &s, resp) == -1)
		return;
	if (memcmp(s.peer_ed_pub, cs->ed_pub, CRYPTO_ED25519_PUB_LEN) != 0) {
		chorus_drop(ch, CD_HANDSHAKE);	/* not the session's owner */
		session_wipe(&s);
		return;
	}
	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_handshake(&w, resp, sizeof(resp)) == 0)
		(void)chorus_send_packet(cs, pkt, buf_wr_len(&w));
	chorus_unslot(ch, &cs->prev);
	cs->prev = cs->cur;
	cs->prev_until_usec = chorus_now(ch) +
	    CHORUS_PREV_GRACE_SEC * 1000000ULL;
	chorus_install(ch, cs, &s);
	ch->rekeys++;
}

/* reliable_on_control's delivery: one control message in order. */
static void
chorus_deliver(void *arg, const uint8_t *msg, size_t len)
{
	struct csess *cs = arg;

	cs->ch->control_in++;
	room_control(cs->ch, cs, msg, len);
}

/* Answer a PING at once with its 12 bytes. */
static void
chorus_pong(struct csess *cs, const struct frame *f)
{
	uint8_t pkt[FRAME_HDR_LEN + FRAME_PING_LEN];
	struct buf_writer w;

	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_ping(&w, FRAME_PONG, f->ping_id, f->ping_usec) == 0)
		(void)chorus_send_packet(cs, pkt, buf_wr_len(&w));
}

/* The frames of one authenticated packet. */
static void
chorus_frames(struct chorus *ch, struct csess *cs, const uint8_t *pkt,
    size_t len)
{
	struct buf_reader r;
	struct frame f;
	enum frame_error fe;
	int rc;

	buf_rd_init(&r, pkt, len);
	while ((rc = frame_next(&r, &f, &fe)) == 1) {
		switch (f.type) {
		case FRAME_MEDIA:
			room_media(ch, cs, f.value, f.len);
			break;
		case FRAME_CONTROL:
			reliable_on_control(&cs->rel, &f, chorus_deliver, cs);
			break;
		case FRAME_ACK:
			reliable_on_ack(&cs->rel, &f, chorus_now(ch));
			break;
		case FRAME_PING:
			chorus_pong(cs, &f);
			break;
		case FRAME_HANDSHAKE:
			chorus_rekey(ch, cs, f.value, f.len);
			break;
		default:
			break;
		}
		/* A control message may have ended the session. */
		if (cs->cur.live == 0)
			return;
	}
	if (rc == -1)
		chorus_drop(ch, CD_MALFORMED);
}

static void
chorus_transport_in(struct chorus *ch, const struct transport *t,
    const struct wire_msg *m)
{
	uint8_t pkt[NOISE_MAX_MSG];
	struct session *s = NULL;
	struct csess *cs;
	size_t len;
	uint64_t now = chorus_now(ch);

	if ((cs = chorus_lookup(ch, m->receiver, &s)) == NULL) {
		chorus_drop(ch, CD_NO_SESSION);
		return;
	}
	/* session_open checks the window; a refusal is told apart after. */
	if (session_open(s, now, m, pkt, sizeof(pkt), &len) == -1) {
		chorus_drop(ch, s->live && replay_check(&s->replay,
		    m->counter) == -1 ? CD_REPLAY : CD_DECRYPT);
		return;
	}
	cs->last_rx_usec = now;
	if (s == &cs->cur) {
		cs->confirmed = 1;
		/* Roaming: answer where authenticated packets come from. */
		if (t->kind == cs->t.kind)
			cs->t = *t;
	}
	chorus_frames(ch, cs, pkt, len);
	if (cs->cur.live && cs->rel.ack_due)
		chorus_flush(cs);
	crypto_wipe(pkt, len);
}

void
chorus_input(struct chorus *ch, const struct transport *t, const uint8_t *p,
    size_t len)
{
	struct wire_msg m;

	if (wire_parse(p, len, &m) != WIRE_OK) {
		chorus_drop(ch, CD_MALFORMED);
		return;
	}
	switch (m.type) {
	case WIRE_INITIATION:
		chorus_initiation(ch, t, p, len, &m);
		break;
	case WIRE_TRANSPORT:
		chorus_transport_in(ch, t, &m);
		break;
	default:
		chorus_drop(ch, CD_UNEXPECTED);
		break;
	}
}

/* Timeouts, retransmissions and old keys, every CHORUS_TICK_MS. */
static void
chorus_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct chorus *ch = arg;
	struct csess *cs, *next;
	uint64_t now = chorus_now(ch);
	uint64_t idle = (uint64_t)ch->node->conf->session_timeout * 1000000;

	(void)fd;
	(void)what;
	for (cs = TAILQ_FIRST(&ch->sessions); cs != NULL; cs = next) {
		next = TAILQ_NEXT(cs, entry);
		if (now - cs->last_rx_usec >= idle) {
			chorus_end(ch, cs, "timed out");
			continue;
		}
		if (cs->doomed_usec != 0 && (reliable_pending(&cs->rel) == 0 ||
		    now - cs->doomed_usec >= 1000000)) {
			chorus_end(ch, cs, "identity denied");
			continue;
		}
		if (!cs->confirmed && now - cs->cur.created_usec >=
		    CHORUS_UNCONFIRMED_SEC * 1000000ULL) {
			chorus_end(ch, cs, "handshake not confirmed");
			continue;
		}
		if (session_expired(&cs->cur, now)) {
			chorus_end(ch, cs, "keys expired");
			continue;
		}
		if (cs->prev.live && now >= cs->prev_until_usec)
			chorus_unslot(ch, &cs->prev);
		if (reliable_pending(&cs->rel) > 0 || cs->rel.ack_due)
			chorus_flush(cs);
		if (cs->rel.failed)
			chorus_end(ch, cs, "control messages unacknowledged");
	}
	room_tick(ch, now);
	if (TAILQ_EMPTY(&ch->sessions) && TAILQ_EMPTY(&ch->rooms))
		event_del(ch->ev_tick);
}

/* Make sure the tick runs (rooms outlive their sessions for a while). */
void
chorus_tick_arm(struct chorus *ch)
{
	struct timeval tv = { 0, CHORUS_TICK_MS * 1000 };

	if (!event_pending(ch->ev_tick, EV_TIMEOUT, NULL))
		event_add(ch->ev_tick, &tv);
}

/* Aggregate figures for the lifetime totals, history and status. */
void
chorus_counts(const struct chorus *ch, struct chorus_counts *c)
{
	const struct room *r;

	memset(c, 0, sizeof(*c));
	if (ch == NULL)
		return;
	c->sessions_made = ch->sessions_made;
	c->bytes_forwarded = ch->media_bytes_out;
	c->sessions = ch->nsessions;
	c->rooms = ch->nrooms;
	TAILQ_FOREACH(r, &ch->rooms, entry)
		c->members += r->nmembers;
}

/* Prometheus lines for the Chorus metrics. */
void
chorus_metrics(struct chorus *ch, FILE *out)
{
	size_t i;

	metrics_render_gauge(out, "chorus_sessions_open",
	    "Chorus client sessions open.", (double)ch->nsessions);
	metrics_render_gauge(out, "chorus_rooms_open", "Rooms on the node.",
	    (double)ch->nrooms);
	metrics_render_gauge(out, "chorus_rooms_mixed",
	    "Rooms the node decodes and mixes.", (double)ch->nmixed);
	metrics_render_one(out, "chorus_handshakes_total", METRIC_COUNTER,
	    "Handshakes completed (new sessions and rekeys).", NULL, NULL,
	    (double)ch->handshakes);
	metrics_render_one(out, "chorus_rekeys_total", METRIC_COUNTER,
	    "Handshakes that renewed the keys of a session.", NULL, NULL,
	    (double)ch->rekeys);
	metrics_render_one(out, "chorus_cookie_replies_total", METRIC_COUNTER,
	    "Cookie replies sent to shed handshake load.", NULL, NULL,
	    (double)ch->cookies_sent);
	metrics_render_one(out, "chorus_media_packets_in_total",
	    METRIC_COUNTER, "Media frames received from members.", NULL, NULL,
	    (double)ch->media_in);
	metrics_render_one(out, "chorus_media_packets_forwarded_total",
	    METRIC_COUNTER, "Media frames forwarded (one per recipient).",
	    NULL, NULL, (double)ch->media_out);
	metrics_render_one(out, "chorus_media_bytes_forwarded_total",
	    METRIC_COUNTER, "Bytes of media frames forwarded.", NULL, NULL,
	    (double)ch->media_bytes_out);
	metrics_render_one(out, "chorus_media_suppressed_total",
	    METRIC_COUNTER, "Media frames not forwarded: sender not among "
	    "the selected speakers.", NULL, NULL, (double)ch->suppressed);
	metrics_render_one(out, "chorus_control_messages_total",
	    METRIC_COUNTER, "Control messages received.", "direction", "in",
	    (double)ch->control_in);
	metrics_render_one(out, "chorus_control_messages_total",
	    METRIC_COUNTER, NULL, "direction", "out",
	    (double)ch->control_out);
	for (i = 0; i < CD_NDROPS; i++)
		metrics_render_one(out, "chorus_dropped_total", METRIC_COUNTER,
		    i == 0 ? "Chorus datagrams or frames dropped, by reason." :
		    NULL, "reason", chorus_drop_names[i],
		    (double)ch->drops[i]);
	chorus_guard_metrics(ch, out);
}

/* Blocks, the deny list, admission rules, signed records. */
static void
chorus_guard_metrics(const struct chorus *ch, FILE *out)
{
	size_t i;

	metrics_render_one(out, "chorus_media_blocked_total", METRIC_COUNTER,
	    "Media frames held back from members who blocked the sender.",
	    NULL, NULL, (double)ch->blocked);
	metrics_render_one(out, "chorus_denied_requests_total",
	    METRIC_COUNTER, "Requests refused by the operator's deny list.",
	    NULL, NULL, (double)ch->denied);
	metrics_render_gauge(out, "chorus_denied_identities",
	    "Identities on the operator's deny list.", (double)ch->deny.n);
	for (i = 0; i < ADMIT_NREFUSALS; i++)
		metrics_render_one(out, "chorus_joins_refused_total",
		    METRIC_COUNTER, i == 0 ? "Joins refused by a room's "
		    "admission rules, by reason." : NULL, "reason",
		    admit_refusal_names[i], (double)ch->refused[i]);
	for (i = 1; i < ADMIT_NRECORD_ERRORS; i++)
		metrics_render_one(out, "chorus_records_rejected_total",
		    METRIC_COUNTER, i == 1 ? "Signed room records (and "
		    "invitations) rejected, by reason." : NULL, "reason",
		    admit_record_names[i], (double)ch->records_rejected[i]);
}

/* The drop counters as {"reason": n}. */
json_t *
chorus_drops_json(const struct chorus *ch)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < CD_NDROPS; i++)
		json_object_set_new(o, chorus_drop_names[i],
		    json_integer((json_int_t)ch->drops[i]));
	return o;
}
