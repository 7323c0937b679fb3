/*
 * room_admit.c - a room's admission rules as the node enforces them at
 * JOIN and STANDBY (doc/PROTOCOL.md "Admission rules"), user standing
 * from what this node stores (doc/REPUTATION.md "User standing"), and
 * the counts of refused joins and rejected records.
 *
 * In order: moderators pass every rule; an allow-listed identity or a
 * valid invitation is "chosen" and passes the membership rules and the
 * minimum standing; everyone else must meet the minimum standing; last,
 * a JOIN takes a token from the room's join-rate bucket, unless the
 * session keeps the room warm already (a member moving here in a
 * failover is no new arrival).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus/ctrl.h"
#include "chorus/standing.h"
#include "chorus_priv.h"
#include "guard.h"
#include "log.h"
#include "node.h"
#include "store.h"

#define ADMIT_UNIT	60000000ull	/* one join, in joins_per_min·µs */
#define ADMIT_MAX_IDLE	3600000000ull	/* refill no longer than this */

const char *const admit_refusal_names[ADMIT_NREFUSALS] = {
	[ADMIT_INVITE_ONLY] = "invite_only",
	[ADMIT_MEMBERS_ONLY] = "members_only",
	[ADMIT_BAD_INVITE] = "bad_invite",
	[ADMIT_LOW_STANDING] = "low_standing",
	[ADMIT_JOIN_RATE] = "join_rate",
};

static const unsigned admit_refusal_codes[ADMIT_NREFUSALS] = {
	[ADMIT_INVITE_ONLY] = CTRL_E_INVITE_ONLY,
	[ADMIT_MEMBERS_ONLY] = CTRL_E_MEMBERS_ONLY,
	[ADMIT_BAD_INVITE] = CTRL_E_BAD_INVITE,
	[ADMIT_LOW_STANDING] = CTRL_E_LOW_STANDING,
	[ADMIT_JOIN_RATE] = CTRL_E_JOIN_RATE,
};

/* Metric labels of enum record_error (RECORD_OK unused). */
const char *const admit_record_names[ADMIT_NRECORD_ERRORS] = {
	[RECORD_ERR_LENGTH] = "length",
	[RECORD_ERR_VERSION] = "version",
	[RECORD_ERR_KIND] = "kind",
	[RECORD_ERR_SIGNATURE] = "signature",
	[RECORD_ERR_ROOM] = "room",
	[RECORD_ERR_AUTHORITY] = "authority",
	[RECORD_ERR_STALE] = "stale",
	[RECORD_ERR_FULL] = "full",
	[RECORD_ERR_RESERVED] = "reserved",
	[RECORD_ERR_TARGET] = "target",
	[RECORD_ERR_EXPIRED] = "expired",
};

void
chorus_record_rejected(struct chorus *ch, enum record_error e)
{
	if ((unsigned)e > 0 && (unsigned)e < ADMIT_NRECORD_ERRORS)
		ch->records_rejected[e]++;
}

/*
 * The blocks reported on id, as lib/standing.c weighs them, into out
 * (max entries); the count.  With deep, an established blocker's trust
 * is its own standing computed one level down (its blockers trusted by
 * their active days alone); a newcomer's is its own() alone, which is
 * an upper bound, and the newcomer pool is capped anyway, so no one
 * can make the node look further by blocking from fresh identities.
 */
static size_t
admit_blocks(struct store *st, const uint8_t *id, int64_t now, int deep,
    struct standing_block *out, struct store_block *sb, size_t max)
{
	size_t i, n = 0;
	int got;

	if ((got = store_block_on(st, id, sb, max)) <= 0)
		return 0;
	for (i = 0; i < (size_t)got; i++) {
		struct standing_block *b = &out[n];
		int64_t days = sb[i].blocker_days, nb = sb[i].blocker_nblocks;

		if (memcmp(sb[i].blocker, id, STORE_ID_LEN) == 0)
			continue;	/* a self-block says nothing */
		sb[n] = sb[i];		/* sb[k] stays out[k]'s blocker */
		b->blocker_days = days < 0 ? 0 : days > UINT32_MAX ?
		    UINT32_MAX : (uint32_t)days;
		b->blocker_nblocks = nb < 1 ? 1 : nb > UINT32_MAX ?
		    UINT32_MAX : (uint32_t)nb;
		b->age_days = (double)(now - sb[i].since) / 86400.0;
		b->blocker_trust = standing_own(b->blocker_days);
		n++;
	}
	for (i = 0; deep && i < n; i++) {
		struct standing_block inner[GUARD_MAX_BLOCKERS];
		struct store_block isb[GUARD_MAX_BLOCKERS];
		size_t k;

		if (out[i].blocker_days < STANDING_NEWCOMER_DAYS)
			continue;
		k = admit_blocks(st, sb[i].blocker, now, 0, inner, isb,
		    GUARD_MAX_BLOCKERS);
		out[i].blocker_trust = standing_of(out[i].blocker_days,
		    inner, k);
	}
	return n;
}

int
chorus_standing(struct chorus *ch, const uint8_t *id,
    struct chorus_standing *out)
{
	struct standing_block b[GUARD_MAX_BLOCKERS];
	struct store_block sb[GUARD_MAX_BLOCKERS];
	struct store *st = ch->node->store;
	int64_t days;

	memset(out, 0, sizeof(*out));
	if (st == NULL || (days = store_ident_days(st, id)) < 0)
		return -1;
	out->days = days > UINT32_MAX ? UINT32_MAX : (uint32_t)days;
	out->blocks = admit_blocks(st, id, (int64_t)time(NULL), 1, b, sb,
	    GUARD_MAX_BLOCKERS);
	out->penalty = standing_penalty(b, out->blocks);
	out->standing = standing_of(out->days, b, out->blocks);
	return 0;
}

/*
 * The membership rules: -1 (passed) with *chosen set if id is
 * allow-listed or brings a valid invitation (any room may be given one:
 * it vouches for a newcomer against the minimum standing); -1 too if the
 * room has no membership rule; else the refusal (enum admit_refusal).
 * *bad: an invitation was brought and failed (counted).
 */
static int
admit_listed(struct chorus *ch, const struct room *r, const struct csess *cs,
    const struct ctrl_msg *c, int *chosen, int *bad)
{
	uint8_t flags = r->policy.admit.flags;
	struct record inv;
	enum record_error e;

	if ((flags & RECORD_ADMIT_MEMBERS_ONLY) &&
	    policy_is_allowed(&r->policy, cs->ed_pub)) {
		*chosen = 1;
		return -1;
	}
	if (c->n == 1) {
		if ((e = record_parse(c->records, RECORD_LEN, &inv)) ==
		    RECORD_OK)
			e = policy_check_invite(&r->policy, &inv, cs->ed_pub,
			    (uint64_t)time(NULL));
		if (e == RECORD_OK) {
			*chosen = 1;
			return -1;
		}
		chorus_record_rejected(ch, e);
		*bad = 1;
	}
	if (flags & RECORD_ADMIT_INVITE_ONLY)
		return ADMIT_INVITE_ONLY;
	if (flags & RECORD_ADMIT_MEMBERS_ONLY)
		return ADMIT_MEMBERS_ONLY;
	return -1;
}

void
chorus_standing_forget(struct chorus *ch, const uint8_t *id)
{
	size_t b = chorus_id_bucket(ch, id);

	if (memcmp(ch->ids[b].ed_pub, id, STORE_ID_LEN) == 0)
		ch->ids[b].standing_usec = 0;
}

/*
 * 1 if id's standing here is at least the room's minimum.  A standing
 * computed here is kept in the identity's handshake-table entry and
 * reused for ADMIT_CACHE_USEC, so that joining again and again costs the
 * database nothing (the computation reads up to 257 queries' worth of
 * rows: doc/REPUTATION.md 10.4); a block reported or withdrawn on id
 * forgets it at once.
 */
static int
admit_standing_ok(struct chorus *ch, const struct room *r,
    const uint8_t *id)
{
	struct chorus_standing s;
	uint64_t now = chorus_now(ch);
	size_t b = chorus_id_bucket(ch, id);
	int mine = memcmp(ch->ids[b].ed_pub, id, STORE_ID_LEN) == 0;

	if (mine && ch->ids[b].standing_usec != 0 &&
	    now - ch->ids[b].standing_usec < ADMIT_CACHE_USEC)
		return ch->ids[b].standing_milli >=
		    r->policy.admit.min_standing;
	/* No database, no standing: a minimum keeps everyone out. */
	if (chorus_standing(ch, id, &s) == -1)
		return 0;
	if (mine) {
		ch->ids[b].standing_usec = now == 0 ? 1 : now;
		ch->ids[b].standing_milli = standing_milli(s.standing);
	}
	return standing_milli(s.standing) >= r->policy.admit.min_standing;
}

/*
 * Take one join from the room's bucket: burst joins at once, refilled at
 * joins_per_min.  New rules start with a full bucket.  1, or 0 (none).
 */
static int
admit_rate_take(struct chorus *ch, struct room *r)
{
	const struct record_admit *a = &r->policy.admit;
	uint64_t now = chorus_now(ch), idle, full;

	full = (uint64_t)a->burst * ADMIT_UNIT;
	if (r->admit_issued != r->policy.admit_issued) {
		r->admit_issued = r->policy.admit_issued;
		r->join_tokens = full;
		r->join_refill_usec = now;
	}
	idle = now - r->join_refill_usec;
	if (idle > ADMIT_MAX_IDLE)
		idle = ADMIT_MAX_IDLE;
	r->join_refill_usec = now;
	r->join_tokens += idle * a->joins_per_min;
	if (r->join_tokens > full)
		r->join_tokens = full;
	if (r->join_tokens < ADMIT_UNIT)
		return 0;
	r->join_tokens -= ADMIT_UNIT;
	return 1;
}

static unsigned
admit_refuse(struct chorus *ch, struct room *r, enum admit_refusal why)
{
	ch->refused[why]++;
	r->refused++;
	return admit_refusal_codes[why];
}

unsigned
room_admission(struct chorus *ch, struct room *r, struct csess *cs,
    const struct ctrl_msg *c)
{
	const struct record_admit *a = &r->policy.admit;
	int chosen = 0, bad = 0, why;

	if (!r->policy.has_admit || policy_is_moderator(&r->policy,
	    cs->ed_pub))
		return 0;
	why = admit_listed(ch, r, cs, c, &chosen, &bad);
	if (why >= 0)
		return admit_refuse(ch, r, bad ? ADMIT_BAD_INVITE : why);
	if (!chosen && a->min_standing > 0 &&
	    !admit_standing_ok(ch, r, cs->ed_pub))
		return admit_refuse(ch, r, bad ? ADMIT_BAD_INVITE :
		    ADMIT_LOW_STANDING);
	if (c->type == CTRL_JOIN && a->joins_per_min > 0 &&
	    cs->standby != r && !admit_rate_take(ch, r))
		return admit_refuse(ch, r, ADMIT_JOIN_RATE);
	return 0;
}

static size_t
room_allowed_count(const struct room *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->policy.nallows; i++)
		n += r->policy.allows[i].active != 0;
	return n;
}

/* The room's rules for the API: what they are, never whom they list. */
json_t *
room_admission_json(const struct room *r)
{
	const struct record_admit *a = &r->policy.admit;

	return json_pack("{s:b, s:b, s:f, s:I, s:I, s:I, s:I}",
	    "members_only", (a->flags & RECORD_ADMIT_MEMBERS_ONLY) != 0,
	    "invite_only", (a->flags & RECORD_ADMIT_INVITE_ONLY) != 0,
	    "min_standing", a->min_standing / (double)STANDING_MILLI_ONE,
	    "joins_per_min", (json_int_t)a->joins_per_min,
	    "burst", (json_int_t)a->burst,
	    "allowed", (json_int_t)room_allowed_count(r),
	    "refused", (json_int_t)r->refused);
}

/* Counters by reason: {"reason": n}. */
json_t *
chorus_admission_json(const struct chorus *ch)
{
	json_t *o = json_object(), *refused = json_object(),
	    *rejected = json_object();
	size_t i;

	for (i = 0; refused != NULL && i < ADMIT_NREFUSALS; i++)
		json_object_set_new(refused, admit_refusal_names[i],
		    json_integer((json_int_t)ch->refused[i]));
	for (i = 1; rejected != NULL && i < ADMIT_NRECORD_ERRORS; i++)
		json_object_set_new(rejected, admit_record_names[i],
		    json_integer((json_int_t)ch->records_rejected[i]));
	if (o != NULL) {
		json_object_set_new(o, "joins_refused", refused);
		json_object_set_new(o, "records_rejected", rejected);
	}
	return o;
}
