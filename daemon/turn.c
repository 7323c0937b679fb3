/*
 * turn.c - the TURN server (RFC 8656) and STUN Binding (RFC 8489): turns
 * each message a listener hands in into a reply, an allocation change or
 * relayed data.
 *
 * Owns struct turn (server-wide state) and the per-method handlers, one
 * each for Binding, Allocate, Refresh, CreatePermission and ChannelBind,
 * the Send indication and ChannelData.  Parsing is lib/stun.c, peer policy
 * lib/addr.c, credentials turn_cred.c, allocation state turn_alloc.c.
 * Unauthenticated replies are rate limited per source and never larger
 * than the request plus TURN_UNAUTH_ALLOWANCE, so the port is no
 * reflection amplifier.
 */
#include "config.h"

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "chorus/crypto.h"
#include "node.h"
#include "tcp.h"
#include "turn_priv.h"

/* Seconds of monotonic time: what every TURN timer counts in. */
uint64_t
turn_now(const struct turn *turn)
{
	return node_uptime(turn->node);
}

/*
 * The peer policy from the configuration: operator rules, and the node's
 * own addresses (listeners, relay addresses, external addresses).
 */
static void
turn_policy_load(struct turn *turn, const struct conf *conf)
{
	struct addr_policy *p = &turn->policy;
	size_t i;

	memset(p, 0, sizeof(*p));
	memcpy(p->allowed, conf->allowed_peers,
	    conf->nallowed_peers * sizeof(p->allowed[0]));
	p->nallowed = conf->nallowed_peers;
	memcpy(p->denied, conf->denied_peers,
	    conf->ndenied_peers * sizeof(p->denied[0]));
	p->ndenied = conf->ndenied_peers;
	for (i = 0; i < conf->nlisten && p->nown < ADDR_MAX_OWN; i++)
		p->own[p->nown++] = conf->listen[i].ss;
	for (i = 0; i < conf->nrelay_ip && p->nown < ADDR_MAX_OWN; i++)
		p->own[p->nown++] = conf->relay_ip[i].ss;
	for (i = 0; i < conf->nexternal && p->nown < ADDR_MAX_OWN; i++)
		p->own[p->nown++] = conf->external[i].public_ip;
}

/* Set up the TURN server. */
struct turn *
turn_new(struct node *node, char *err, size_t errlen)
{
	struct turn *turn;

	if ((turn = calloc(1, sizeof(*turn))) == NULL) {
		snprintf(err, errlen, "turn: out of memory");
		return NULL;
	}
	turn->node = node;
	turn_policy_load(turn, node->conf);
	if (turn_table_init(turn) == -1) {
		snprintf(err, errlen, "turn: cannot set up the allocation table");
		turn_free(turn);
		return NULL;
	}
	return turn;
}

/* Free every allocation and the server. */
void
turn_free(struct turn *turn)
{
	if (turn == NULL)
		return;
	if (turn->buckets != NULL)
		turn_table_free(turn);
	crypto_wipe(turn->nonce_key, sizeof(turn->nonce_key));
	crypto_wipe(turn->nonce_prev, sizeof(turn->nonce_prev));
	free(turn);
}

/* New configuration: the policy follows; credentials are read live. */
int
turn_reload(struct turn *turn, const struct conf *conf, char *err,
    size_t errlen)
{
	turn_policy_load(turn, conf);
	return 0;
}

/* Allocations now. */
unsigned
turn_allocations(const struct turn *turn)
{
	return turn == NULL ? 0 : (unsigned)turn->nallocs;
}

/* Start a reply of class cls to msg. */
static void
turn_reply_init(struct turn *turn, struct stun_builder *b,
    const struct stun_msg *msg, uint8_t cls)
{
	stun_build_init(b, turn->buf, sizeof(turn->buf),
	    stun_type(msg->method, cls), msg->tid);
}

/*
 * Finish and send a reply: integrity with the request's key when it was
 * authenticated, FINGERPRINT always.  Unauthenticated replies must stay
 * within the request's size plus the allowance, else they are dropped.
 */
static void
turn_reply_send(struct turn *turn, const struct transport *t,
    struct stun_builder *b, const struct stun_msg *req,
    const struct turn_authctx *ctx)
{
	int authed = ctx != NULL && !ctx->anonymous && ctx->keylen > 0;
	ssize_t n;

	if (authed && ctx->sha256)
		stun_add_integrity_sha256(b, ctx->key, ctx->keylen);
	else if (authed)
		stun_add_integrity(b, ctx->key, ctx->keylen);
	stun_add_fingerprint(b);
	if ((n = stun_build_finish(b)) == -1)
		return;
	if (!authed && (size_t)n > req->len + TURN_UNAUTH_ALLOWANCE) {
		metrics_add(&turn->node->metrics, M_TURN_AMPLIFICATION_DROPS,
		    1);
		return;
	}
	if (transport_send(t, turn->buf, n) == -1)
		metrics_add(&turn->node->metrics, M_TURN_DROPPED_SEND, 1);
}

/*
 * An error reply.  401 and 438 carry REALM, a fresh NONCE and our
 * PASSWORD-ALGORITHMS (RFC 8489 §9.2.4); 420 lists the unknown attributes.
 */
static void
turn_error(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, unsigned code, const struct turn_authctx *ctx)
{
	char nonce[TURN_AUTH_NONCE_LEN + 1];
	const char *realm = turn->node->conf->realm;
	const uint8_t *algs;
	struct stun_builder b;
	size_t n;

	if ((ctx == NULL || ctx->keylen == 0) &&
	    turn_cred_ratelimit(turn, (const struct sockaddr *)&t->client) == -1)
		return;
	turn_reply_init(turn, &b, msg, STUN_ERROR);
	stun_add_error(&b, code, stun_reason(code));
	if (code == 401 || code == 438) {
		turn_cred_nonce(turn, t, nonce);
		stun_add_bytes(&b, STUN_A_REALM, realm, strlen(realm));
		stun_add_bytes(&b, STUN_A_NONCE, nonce, strlen(nonce));
		algs = turn_cred_algorithms(&n);
		stun_add_bytes(&b, STUN_A_PASSWORD_ALGORITHMS, algs, n);
		ctx = NULL;
	}
	if (code == 420)
		stun_add_unknown(&b, msg->unknown, msg->nunknown);
	turn_reply_send(turn, t, &b, msg, ctx);
}

/* Binding request (RFC 8489 §7.3.1): the client's reflexive address. */
static void
turn_binding(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg)
{
	struct stun_builder b;

	metrics_add(&turn->node->metrics, M_STUN_BINDING_REQUESTS, 1);
	if (turn_cred_ratelimit(turn, (const struct sockaddr *)&t->client) == -1)
		return;
	if (msg->nunknown > 0) {
		turn_error(turn, t, msg, 420, NULL);
		return;
	}
	turn_reply_init(turn, &b, msg, STUN_SUCCESS);
	stun_add_xor_addr(&b, STUN_A_XOR_MAPPED_ADDRESS,
	    (const struct sockaddr *)&t->client);
	turn_reply_send(turn, t, &b, msg, NULL);
}

/* Add the relayed addresses and the rest of a successful Allocate. */
static void
turn_allocate_success(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, const struct turn_authctx *ctx,
    struct turn_alloc *a, const uint8_t *token, unsigned addr_error)
{
	uint64_t left = a->expires > turn_now(turn) ?
	    a->expires - turn_now(turn) : 0;
	struct stun_builder b;
	uint8_t ae[4];
	size_t i;

	turn_reply_init(turn, &b, msg, STUN_SUCCESS);
	for (i = 0; i < a->nrelay; i++)
		stun_add_xor_addr(&b, STUN_A_XOR_RELAYED_ADDRESS,
		    (const struct sockaddr *)&a->relay[i].advertised);
	stun_add_u32(&b, STUN_A_LIFETIME, (uint32_t)left);
	if (token != NULL)
		stun_add_bytes(&b, STUN_A_RESERVATION_TOKEN, token, 8);
	stun_add_xor_addr(&b, STUN_A_XOR_MAPPED_ADDRESS,
	    (const struct sockaddr *)&t->client);
	if (addr_error != 0) {
		/* RFC 8656 §18.11: family, reserved, class, number. */
		ae[0] = 0x02;
		ae[1] = 0;
		ae[2] = (uint8_t)(addr_error / 100);
		ae[3] = (uint8_t)(addr_error % 100);
		stun_add_bytes(&b, STUN_A_ADDRESS_ERROR_CODE, ae, sizeof(ae));
	}
	stun_add_bytes(&b, STUN_A_SOFTWARE, TURN_SOFTWARE,
	    strlen(TURN_SOFTWARE));
	turn_reply_send(turn, t, &b, msg, ctx);
}

/* The relay families an Allocate asks for; 0, or an error code. */
static unsigned
turn_allocate_families(const struct stun_msg *msg, int *family, int *extra)
{
	const struct stun_attr *raf, *aaf, *tok, *even;

	raf = stun_find(msg, STUN_A_REQUESTED_ADDRESS_FAMILY);
	aaf = stun_find(msg, STUN_A_ADDITIONAL_ADDRESS_FAMILY);
	tok = stun_find(msg, STUN_A_RESERVATION_TOKEN);
	even = stun_find(msg, STUN_A_EVEN_PORT);
	*family = AF_INET;
	*extra = 0;
	/* RFC 8656 §7.2: these combinations are refused with 400. */
	if ((tok != NULL && (even != NULL || raf != NULL || aaf != NULL)) ||
	    (raf != NULL && aaf != NULL))
		return 400;
	if (raf != NULL && stun_get_family(msg, raf, family) == -1)
		return 440;
	if (aaf != NULL) {
		if (stun_get_family(msg, aaf, extra) == -1 ||
		    *extra != AF_INET6)
			return 400;
	}
	return 0;
}

/* The lifetime a request asks for, clamped (RFC 8656 §7.2, §7.3). */
static unsigned
turn_lifetime(const struct stun_msg *msg, int allocate)
{
	const struct stun_attr *lt = stun_find(msg, STUN_A_LIFETIME);
	uint32_t v;

	if (lt == NULL || stun_get_u32(msg, lt, &v) == -1)
		return TURN_DEFAULT_LIFETIME;
	if (allocate && v < TURN_DEFAULT_LIFETIME)
		v = TURN_DEFAULT_LIFETIME;
	return v > TURN_MAX_LIFETIME ? TURN_MAX_LIFETIME : v;
}

/* Checks before an Allocate takes resources; 0 or an error code. */
static unsigned
turn_allocate_check(struct turn *turn, const struct stun_msg *msg,
    const struct turn_authctx *ctx)
{
	const struct conf *conf = turn->node->conf;
	const struct stun_attr *rt = stun_find(msg, STUN_A_REQUESTED_TRANSPORT);
	const uint8_t *p;
	size_t n;

	if (rt == NULL || stun_get_bytes(msg, rt, &p, &n) == -1 || n != 4)
		return 400;
	if (p[0] != IPPROTO_UDP)
		return 442;	/* RFC 6062 TCP relaying is not offered */
	if (!ctx->anonymous &&
	    turn_alloc_user_count(turn, ctx->username) >= conf->user_quota) {
		metrics_add(&turn->node->metrics, M_TURN_QUOTA_USER, 1);
		return 486;
	}
	if (turn->nallocs >= conf->total_quota ||
	    node_session_may_open(turn->node) == -1) {
		metrics_add(&turn->node->metrics, M_TURN_QUOTA_TOTAL, 1);
		return 508;
	}
	return 0;
}

/* Allocate request (RFC 8656 §7.2). */
static void
turn_allocate(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, const struct turn_authctx *ctx)
{
	const struct stun_attr *even, *tok;
	const uint8_t *tp = NULL, *ep;
	uint8_t token[8];
	struct turn_alloc *a;
	unsigned code, addr_error = 0;
	int family, extra, rbit = 0;
	size_t n;

	if ((a = turn_alloc_find(turn, t)) != NULL) {
		/* A retransmission gets the same answer; else mismatch. */
		if (memcmp(a->tid, msg->tid, STUN_TID_LEN) == 0)
			turn_allocate_success(turn, t, msg, ctx, a, NULL, 0);
		else
			turn_error(turn, t, msg, 437, ctx);
		return;
	}
	if ((code = turn_allocate_check(turn, msg, ctx)) != 0 ||
	    (code = turn_allocate_families(msg, &family, &extra)) != 0)
		goto fail;
	even = stun_find(msg, STUN_A_EVEN_PORT);
	if (even != NULL) {
		if (stun_get_bytes(msg, even, &ep, &n) == -1 || n != 1) {
			code = 400;
			goto fail;
		}
		rbit = (ep[0] & 0x80) != 0;
	}
	if ((tok = stun_find(msg, STUN_A_RESERVATION_TOKEN)) != NULL &&
	    (stun_get_bytes(msg, tok, &tp, &n) == -1 || n != 8)) {
		code = 400;
		goto fail;
	}
	a = turn_alloc_new(turn, t, ctx->anonymous ? NULL : ctx->username,
	    msg->tid);
	if (a == NULL) {
		code = 508;
		goto fail;
	}
	a->dont_fragment = stun_find(msg, STUN_A_DONT_FRAGMENT) != NULL;
	code = turn_alloc_relay(a, family, even != NULL, rbit, tp, token);
	if (code != 0) {
		turn_alloc_free(a, "no relay");
		goto fail;
	}
	if (extra != 0)
		addr_error = turn_alloc_relay(a, extra, 0, 0, NULL, NULL);
	turn_alloc_set_lifetime(a, turn_lifetime(msg, 1));
	log_debug("%s: %s allocation for %s", __func__,
	    transport_name(t->kind), ctx->anonymous ? "(anonymous)" :
	    ctx->username);
	turn_allocate_success(turn, t, msg, ctx, a, rbit ? token : NULL,
	    addr_error);
	return;
fail:
	turn_error(turn, t, msg, code, ctx);
}

/* The allocation of this 5-tuple for this user, or an error code. */
static unsigned
turn_owned(struct turn *turn, const struct transport *t,
    const struct turn_authctx *ctx, struct turn_alloc **ap)
{
	struct turn_alloc *a = turn_alloc_find(turn, t);
	const char *user = ctx->anonymous ? NULL : ctx->username;

	if (a == NULL)
		return 437;
	/* RFC 8656 §4: the same credentials as the allocation's. */
	if ((a->username == NULL) != (user == NULL) ||
	    (user != NULL && strcmp(a->username, user) != 0))
		return 441;
	*ap = a;
	return 0;
}

/* Refresh request (RFC 8656 §7.3). */
static void
turn_refresh(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, const struct turn_authctx *ctx)
{
	const struct stun_attr *raf;
	struct stun_builder b;
	struct turn_alloc *a = NULL;
	unsigned code, lifetime;
	int family;

	if ((code = turn_owned(turn, t, ctx, &a)) != 0) {
		turn_error(turn, t, msg, code, ctx);
		return;
	}
	raf = stun_find(msg, STUN_A_REQUESTED_ADDRESS_FAMILY);
	if (raf != NULL && (stun_get_family(msg, raf, &family) == -1 ||
	    !turn_alloc_has_family(a, family))) {
		turn_error(turn, t, msg, 443, ctx);
		return;
	}
	lifetime = turn_lifetime(msg, 0);
	if (stun_find(msg, STUN_A_LIFETIME) != NULL && lifetime == 0)
		turn_alloc_free(a, "refreshed to 0");
	else
		turn_alloc_set_lifetime(a, lifetime);
	turn_reply_init(turn, &b, msg, STUN_SUCCESS);
	stun_add_u32(&b, STUN_A_LIFETIME, lifetime);
	turn_reply_send(turn, t, &b, msg, ctx);
}

/* May the allocation relay to peer?  0, 443 (family) or 403 (policy). */
static unsigned
turn_peer_check(struct turn *turn, struct turn_alloc *a,
    const struct sockaddr *peer)
{
	struct metrics *m = &turn->node->metrics;
	enum addr_verdict v;

	if (!turn_alloc_has_family(a, peer->sa_family))
		return 443;
	v = addr_policy_check(&turn->policy, peer);
	switch (v) {
	case ADDR_ALLOWED:
		return 0;
	case ADDR_DENIED_OPERATOR:
		metrics_add(m, M_TURN_PEER_DENIED_OPERATOR, 1);
		break;
	case ADDR_DENIED_OWN:
		metrics_add(m, M_TURN_PEER_DENIED_OWN, 1);
		break;
	case ADDR_DENIED_BUILTIN:
		metrics_add(m, M_TURN_PEER_DENIED_BUILTIN, 1);
		break;
	default:
		metrics_add(m, M_TURN_PEER_DENIED_UNSPECIFIED, 1);
		break;
	}
	return 403;
}

/* CreatePermission request (RFC 8656 §9.2): all peers or none. */
static void
turn_create_permission(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, const struct turn_authctx *ctx)
{
	struct sockaddr_storage peers[STUN_MAX_ATTRS];
	struct stun_builder b;
	struct turn_alloc *a = NULL;
	size_t i, npeers = 0;
	unsigned code;

	if ((code = turn_owned(turn, t, ctx, &a)) != 0)
		goto fail;
	for (i = 0; i < msg->nattrs; i++) {
		if (msg->attrs[i].type != STUN_A_XOR_PEER_ADDRESS)
			continue;
		if (stun_get_xor_addr(msg, &msg->attrs[i],
		    &peers[npeers]) == -1) {
			code = 400;
			goto fail;
		}
		if ((code = turn_peer_check(turn, a,
		    (struct sockaddr *)&peers[npeers])) != 0)
			goto fail;
		npeers++;
	}
	if (npeers == 0) {
		code = 400;
		goto fail;
	}
	for (i = 0; i < npeers; i++) {
		if (turn_alloc_permit(a, (struct sockaddr *)&peers[i]) == -1) {
			metrics_add(&turn->node->metrics, M_TURN_QUOTA_PERMISSIONS,
			    1);
			code = 508;
			goto fail;
		}
	}
	turn_reply_init(turn, &b, msg, STUN_SUCCESS);
	turn_reply_send(turn, t, &b, msg, ctx);
	return;
fail:
	turn_error(turn, t, msg, code, ctx);
}

/* ChannelBind request (RFC 8656 §11.2). */
static void
turn_channel_bind(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg, const struct turn_authctx *ctx)
{
	const struct stun_attr *cn, *pa;
	struct sockaddr_storage peer;
	struct stun_builder b;
	struct turn_alloc *a = NULL;
	uint16_t number;
	unsigned code;

	if ((code = turn_owned(turn, t, ctx, &a)) != 0)
		goto fail;
	cn = stun_find(msg, STUN_A_CHANNEL_NUMBER);
	pa = stun_find(msg, STUN_A_XOR_PEER_ADDRESS);
	code = 400;
	if (cn == NULL || pa == NULL ||
	    stun_get_channel(msg, cn, &number) == -1 ||
	    number < STUN_CHANNEL_MIN || number > STUN_CHANNEL_MAX ||
	    stun_get_xor_addr(msg, pa, &peer) == -1)
		goto fail;
	if ((code = turn_peer_check(turn, a, (struct sockaddr *)&peer)) != 0 ||
	    (code = turn_alloc_bind(a, number, (struct sockaddr *)&peer)) != 0)
		goto fail;
	/* §11.2: a binding installs or refreshes the peer's permission. */
	if (turn_alloc_permit(a, (struct sockaddr *)&peer) == -1) {
		code = 508;
		goto fail;
	}
	turn_reply_init(turn, &b, msg, STUN_SUCCESS);
	turn_reply_send(turn, t, &b, msg, ctx);
	return;
fail:
	if (code == 508)
		metrics_add(&turn->node->metrics, M_TURN_QUOTA_CHANNELS, 1);
	turn_error(turn, t, msg, code, ctx);
}

/* Send indication (RFC 8656 §10.2): relay DATA to a permitted peer. */
static void
turn_send_indication(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg)
{
	struct metrics *m = &turn->node->metrics;
	const struct stun_attr *pa, *da;
	struct sockaddr_storage peer;
	struct turn_alloc *a;
	const uint8_t *data;
	size_t len;

	if ((a = turn_alloc_find(turn, t)) == NULL) {
		metrics_add(m, M_TURN_DROPPED_NO_ALLOCATION, 1);
		return;
	}
	pa = stun_find(msg, STUN_A_XOR_PEER_ADDRESS);
	da = stun_find(msg, STUN_A_DATA);
	if (pa == NULL || da == NULL ||
	    stun_get_xor_addr(msg, pa, &peer) == -1 ||
	    stun_get_bytes(msg, da, &data, &len) == -1) {
		metrics_add(m, M_TURN_DROPPED_MALFORMED, 1);
		return;
	}
	if (!turn_alloc_permitted(a, (struct sockaddr *)&peer)) {
		metrics_add(m, M_TURN_DROPPED_NO_PERMISSION, 1);
		return;
	}
	turn_alloc_send(a, (struct sockaddr *)&peer, data, len,
	    stun_find(msg, STUN_A_DONT_FRAGMENT) != NULL);
}

/* ChannelData from a client (RFC 8656 §12.5). */
static void
turn_channeldata(struct turn *turn, const struct transport *t,
    const uint8_t *p, size_t len)
{
	struct metrics *m = &turn->node->metrics;
	struct turn_alloc *a;
	struct turn_chan *c;
	const uint8_t *data;
	size_t dlen;
	uint16_t number;

	if (stun_channeldata_parse(p, len, &number, &data, &dlen) == -1) {
		metrics_add(m, M_TURN_DROPPED_MALFORMED, 1);
		return;
	}
	if ((a = turn_alloc_find(turn, t)) == NULL) {
		metrics_add(m, M_TURN_DROPPED_NO_ALLOCATION, 1);
		return;
	}
	if ((c = turn_alloc_chan(a, number)) == NULL ||
	    !turn_alloc_permitted(a, (struct sockaddr *)&c->peer)) {
		metrics_add(m, M_TURN_DROPPED_NO_PERMISSION, 1);
		return;
	}
	turn_alloc_send(a, (struct sockaddr *)&c->peer, data, dlen, 0);
}

/* A request needing credentials: authenticate, then its handler. */
static void
turn_request_auth(struct turn *turn, const struct transport *t,
    const struct stun_msg *msg)
{
	struct turn_authctx ctx;
	unsigned code;

	if ((code = turn_cred_check(turn, msg, t, &ctx)) != 0) {
		turn_error(turn, t, msg, code, NULL);
		goto done;
	}
	/* RFC 8489 §6.3.1: unknown attributes after authentication. */
	if (msg->nunknown > 0) {
		turn_error(turn, t, msg, 420, &ctx);
		goto done;
	}
	switch (msg->method) {
	case STUN_ALLOCATE:
		turn_allocate(turn, t, msg, &ctx);
		break;
	case STUN_REFRESH:
		turn_refresh(turn, t, msg, &ctx);
		break;
	case STUN_CREATE_PERMISSION:
		turn_create_permission(turn, t, msg, &ctx);
		break;
	case STUN_CHANNEL_BIND:
		turn_channel_bind(turn, t, msg, &ctx);
		break;
	}
done:
	crypto_wipe(&ctx, sizeof(ctx));
}

/* One STUN message or ChannelData from a listener. */
void
turn_input(struct turn *turn, const struct transport *t, const uint8_t *p,
    size_t len)
{
	struct metrics *m = &turn->node->metrics;
	struct stun_msg msg;

	if (len > 0 && p[0] >= 0x40 && p[0] <= 0x7f) {
		turn_channeldata(turn, t, p, len);
		return;
	}
	if (stun_parse(&msg, p, len) != STUN_OK) {
		metrics_add(m, M_STUN_MALFORMED, 1);
		return;
	}
	if (msg.cls == STUN_INDICATION) {
		if (msg.method == STUN_SEND)
			turn_send_indication(turn, t, &msg);
		return;		/* Binding indications are keepalives */
	}
	if (msg.cls != STUN_REQUEST)
		return;		/* we send no requests: ignore responses */
	switch (msg.method) {
	case STUN_BINDING:
		turn_binding(turn, t, &msg);
		break;
	case STUN_ALLOCATE:
	case STUN_REFRESH:
	case STUN_CREATE_PERMISSION:
	case STUN_CHANNEL_BIND:
		turn_request_auth(turn, t, &msg);
		break;
	default:
		turn_error(turn, t, &msg, 400, NULL);
		break;
	}
}

/* A stream connection closed: its allocation ends with it. */
void
turn_conn_closed(struct turn *turn, struct tcp_conn *conn)
{
	struct turn_alloc *a = turn_alloc_find(turn, tcp_conn_transport(conn));

	if (a != NULL && a->t.conn == conn)
		turn_alloc_free(a, "connection closed");
}
