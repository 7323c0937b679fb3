/*
 * cmd_mod.c - chorus kick | ban | promote | allow | disallow | admit: a
 * moderator's signed record, sent to the room through the node, and after
 * a kick or ban a new media key sealed to every remaining member; and
 * chorus invite, which signs an invitation and only writes it out.
 *
 * The record is signed with the room key (--room-key, the owner) or the
 * moderator's identity.  The command joins the room to deliver it, waits
 * for the node to apply it (the record comes back to every member), then
 * rotates the key and waits until the node has acknowledged everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/record.h"
#include "cli.h"
#include "client.h"
#include "invitefile.h"
#include "rclient.h"

struct mod {
	const char	*cmd, *link, *target, *identity, *room_key;
	const char	*password, *network_key, *out;
	uint8_t		 kind;
	double		 ban_for, timeout;	/* ban_for: a ban's, an invite's */
	struct record_admit admit;		/* ADMIT's rules */
	int		 tcp;
	struct record	 rec;
	uint8_t		 raw[RECORD_LEN];
	int		 state;		/* 0 joining, 1 sent, 2 rotated */
	int		 done, exit;
	struct rclient	*rc;
};

static void
mod_joined_cb(struct rclient *rc, void *arg)
{
	struct mod *m = arg;

	if (rclient_record(rc, m->raw) == -1) {
		m->exit = CLIENT_EXIT_FAILED;
		m->done = 1;
		return;
	}
	m->state = 1;
}

static void
mod_recorded_cb(struct rclient *rc, const struct record *r, void *arg)
{
	struct mod *m = arg;

	if (m->state != 1 || memcmp(r->sig, m->rec.sig, sizeof(r->sig)) != 0)
		return;
	m->state = 2;
	m->exit = CLIENT_EXIT_OK;
	if (r->kind == RECORD_KICK || r->kind == RECORD_BAN) {
		if (rclient_rotate(rc, r->target) == -1) {
			fprintf(stderr, "chorus %s: the record is applied, but "
			    "the media key could not be rotated\n", m->cmd);
			m->exit = CLIENT_EXIT_FAILED;
		} else
			fprintf(stderr, "media key rotated to epoch %u\n",
			    rclient_epoch(rc));
	}
}

static void
mod_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	struct mod *m = arg;

	(void)rc;
	(void)about;
	fprintf(stderr, "chorus %s: refused: %s\n", m->cmd,
	    ctrl_code_text(code));
	m->exit = cli_exit_code(code);
	m->done = 1;
}

static void
mod_failed_cb(struct rclient *rc, void *arg)
{
	struct mod *m = arg;

	fprintf(stderr, "chorus %s: %s\n", m->cmd,
	    conn_strerror(rclient_conn(rc)));
	m->exit = cli_exit_conn(conn_failure(rclient_conn(rc)));
	m->done = 1;
}

/* ADMIT's switches: 1 if o was one (and is set), else 0. */
static int
mod_admit_flag(const char *o, struct record_admit *a)
{
	if (strcmp(o, "--members-only") == 0)
		a->flags |= RECORD_ADMIT_MEMBERS_ONLY;
	else if (strcmp(o, "--invite-only") == 0)
		a->flags |= RECORD_ADMIT_INVITE_ONLY;
	else
		return 0;
	return 1;
}

/* ADMIT's options with a value: 1 set, 0 not one of them, -1 bad value. */
static int
mod_admit_value(const char *o, const char *v, struct record_admit *a)
{
	unsigned long n;
	double d;
	char *end;

	if (strcmp(o, "--min-standing") == 0) {
		d = strtod(v, &end);
		if (end == v || *end != '\0' || !(d >= 0 && d <= 1))
			return -1;
		a->min_standing = (uint16_t)(d * RECORD_STANDING_ONE + 0.5);
		return 1;
	}
	if (strcmp(o, "--joins-per-min") != 0 && strcmp(o, "--burst") != 0)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0 || n > UINT16_MAX ||
	    (strcmp(o, "--burst") == 0 && (n < 1 ||
	    n > RECORD_ADMIT_MAX_BURST)))
		return -1;
	if (strcmp(o, "--burst") == 0)
		a->burst = (uint16_t)n;
	else
		a->joins_per_min = (uint16_t)n;
	return 1;
}

static int
mod_args(int argc, char *argv[], struct mod *m)
{
	int i, r;

	m->identity = "chorus.key";
	m->timeout = 5;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (o[0] != '-') {
			if (m->link == NULL)
				m->link = o;
			else if (m->target == NULL && m->kind != RECORD_ADMIT)
				m->target = o;
			else
				return -1;
			continue;
		}
		if (strcmp(o, "--tcp") == 0) {
			m->tcp = 1;
			continue;
		}
		if (m->kind == RECORD_ADMIT && mod_admit_flag(o, &m->admit))
			continue;
		if (v == NULL)
			return -1;
		if (m->kind == RECORD_ADMIT &&
		    (r = mod_admit_value(o, v, &m->admit)) != 0) {
			if (r == -1)
				return -1;
			i++;
			continue;
		}
		if (strcmp(o, "--identity") == 0)
			m->identity = v;
		else if (strcmp(o, "--room-key") == 0)
			m->room_key = v;
		else if (strcmp(o, "--password") == 0)
			m->password = v;
		else if (strcmp(o, "--network-key") == 0)
			m->network_key = v;
		else if (strcmp(o, "--for") == 0 && (m->kind == RECORD_BAN ||
		    m->kind == RECORD_INVITE)) {
			if (cli_seconds(v, &m->ban_for) == -1)
				return -1;
		} else if (strcmp(o, "--out") == 0 &&
		    m->kind == RECORD_INVITE)
			m->out = v;
		else if (strcmp(o, "--timeout") == 0) {
			if (cli_seconds(v, &m->timeout) == -1)
				return -1;
		} else
			return -1;
		i++;
	}
	return m->link == NULL || (m->target == NULL &&
	    m->kind != RECORD_ADMIT) ? -1 : 0;
}

/* Build and sign the record. */
static int
mod_sign(struct mod *m, const struct room_link *l, const struct identity *me)
{
	uint8_t seed[32];
	char err[512];
	int rc;

	memset(&m->rec, 0, sizeof(m->rec));
	m->rec.kind = m->kind;
	memcpy(m->rec.room_id, l->room_id, ROOM_ID_LEN);
	m->rec.issued = (uint64_t)time(NULL);
	if (m->kind == RECORD_ADMIT) {
		/* By default a minute's joins may come at once. */
		if (m->admit.joins_per_min > 0 && m->admit.burst == 0)
			m->admit.burst = m->admit.joins_per_min >
			    RECORD_ADMIT_MAX_BURST ? RECORD_ADMIT_MAX_BURST :
			    m->admit.joins_per_min;
		if (record_admit_encode(&m->admit, m->rec.target) == -1) {
			fprintf(stderr, "chorus admit: --burst needs "
			    "--joins-per-min\n");
			return CLIENT_EXIT_USAGE;
		}
	} else if (identity_key_parse(m->target, m->rec.target) == -1) {
		fprintf(stderr, "chorus %s: %s: not a client ID (52 base32 "
		    "characters)\n", m->cmd, m->target);
		return CLIENT_EXIT_USAGE;
	}
	if ((m->kind == RECORD_BAN || m->kind == RECORD_INVITE) &&
	    m->ban_for > 0)
		m->rec.until = m->rec.issued + (uint64_t)m->ban_for;
	if (m->room_key == NULL)
		return record_sign(&m->rec, me->ed_seed, m->raw) == -1 ?
		    CLIENT_EXIT_FAILED : CLIENT_EXIT_OK;
	if (cli_read_key(m->room_key, "room key", seed, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "chorus %s: %s\n", m->cmd, err);
		return CLIENT_EXIT_FAILED;
	}
	rc = record_sign(&m->rec, seed, m->raw) == -1 ? CLIENT_EXIT_FAILED :
	    CLIENT_EXIT_OK;
	crypto_wipe(seed, sizeof(seed));
	return rc;
}

/* Apply the signed record on node i of the link; a CLIENT_EXIT_* status. */
static int
mod_node(struct mod *m, const struct room_link *l, size_t i,
    const struct identity *me, const uint8_t psk[32])
{
	static const struct rclient_cb cb = {
		.joined = mod_joined_cb, .recorded = mod_recorded_cb,
		.error = mod_error_cb, .failed = mod_failed_cb,
	};
	struct event_base *base = NULL;
	struct rclient_opts o;
	char err[512];
	int rc = CLIENT_EXIT_FAILED;

	memset(&o, 0, sizeof(o));
	memcpy(o.conn.psk, psk, sizeof(o.conn.psk));
	cli_link_conn(l, i, &o.conn);
	o.conn.tcp = m->tcp;
	o.conn.timeout_ms = (unsigned)(m->timeout * 1000);
	o.me = me;
	o.link = l;
	o.password = m->password;
	o.decrypt = 1;
	m->done = 0;
	m->state = 0;
	if ((base = event_base_new()) == NULL ||
	    (m->rc = rclient_new(base, &o, &cb, m, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "chorus %s: %s\n", m->cmd, err);
		goto done;
	}
	(void)rclient_join(m->rc);
	m->exit = CLIENT_EXIT_UNREACHABLE;
	while (!m->done && cli_run(base, &m->done, 200) == -1) {
		/* Applied (and rotated): done once the node acked it all. */
		if (m->state == 2 && conn_idle(rclient_conn(m->rc)))
			m->done = 1;
	}
	/* The conn gives up by itself if the node stops answering. */
	rc = m->exit;
done:
	rclient_free(m->rc);
	m->rc = NULL;
	if (base != NULL)
		event_base_free(base);
	crypto_wipe(o.conn.psk, sizeof(o.conn.psk));
	return rc;
}

/* chorus invite: the signed invitation, to --out or stdout. */
static int
mod_invite_out(struct mod *m)
{
	char err[512];

	if (invitefile_write(m->out, m->raw, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus invite: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	if (m->out != NULL)
		fprintf(stderr, "invitation for %s written to %s%s\n",
		    m->target, m->out, m->rec.until != 0 ? "" :
		    " (valid until the signer stops being a moderator)");
	return CLIENT_EXIT_OK;
}

/*
 * The room lives on every node of its link (failover), so the record
 * goes to each: a ban must hold on the node the room moves to.  The
 * status is the first node's; the others' failures are reported.
 */
static int
mod_run(struct mod *m)
{
	uint8_t psk[32];
	struct room_link l;
	struct identity me;
	enum room_link_error le;
	char err[512], text[ROOM_HOST_MAX + 16];
	size_t i;
	int rc = CLIENT_EXIT_FAILED, r;

	memset(psk, 0, sizeof(psk));
	memset(&me, 0, sizeof(me));
	if ((le = room_link_parse(m->link, &l)) != ROOM_LINK_OK) {
		fprintf(stderr, "chorus %s: not an invite link: %s\n", m->cmd,
		    room_link_error_name(le));
		return CLIENT_EXIT_USAGE;
	}
	if (cli_load_identity(m->identity, &me, err, sizeof(err)) == -1 ||
	    (m->network_key != NULL && cli_read_key(m->network_key,
	    "network key", psk, err, sizeof(err)) == -1)) {
		fprintf(stderr, "chorus %s: %s\n", m->cmd, err);
		goto done;
	}
	if ((rc = mod_sign(m, &l, &me)) != CLIENT_EXIT_OK)
		goto done;
	if (m->kind == RECORD_INVITE) {
		rc = mod_invite_out(m);
		goto done;
	}
	for (i = 0; i < l.nnodes; i++) {
		r = mod_node(m, &l, i, &me, psk);
		if (i == 0)
			rc = r;
		else if (r != CLIENT_EXIT_OK) {
			cli_link_node_text(&l, i, text, sizeof(text));
			fprintf(stderr, "chorus %s: not applied on node %s\n",
			    m->cmd, text);
		}
	}
	if (rc == CLIENT_EXIT_OK)
		printf("%s applied\n", m->cmd);
done:
	room_link_wipe(&l);
	identity_wipe(&me);
	crypto_wipe(psk, sizeof(psk));
	return rc;
}

static int
mod_main(int argc, char *argv[], const char *cmd, uint8_t kind)
{
	struct mod m;

	memset(&m, 0, sizeof(m));
	m.cmd = cmd;
	m.kind = kind;
	if (mod_args(argc, argv, &m) == -1) {
		if (kind == RECORD_ADMIT)
			fprintf(stderr, "usage: chorus admit LINK --room-key "
			    "FILE [--members-only] [--invite-only]\n"
			    "       [--min-standing 0..1] [--joins-per-min N "
			    "[--burst N]] [--identity FILE]\n");
		else if (kind == RECORD_INVITE)
			fprintf(stderr, "usage: chorus invite LINK CLIENT-ID "
			    "[--for SECONDS] [--out FILE] [--identity FILE] "
			    "[--room-key FILE]\n");
		else
			fprintf(stderr, "usage: chorus %s LINK CLIENT-ID "
			    "[--identity FILE] [--room-key FILE]%s\n",
			    cmd, kind == RECORD_BAN ? " [--for SECONDS]" : "");
		if (kind != RECORD_INVITE)
			fprintf(stderr, "       [--password P] "
			    "[--network-key FILE] [--tcp] [--timeout S]\n");
		return CLIENT_EXIT_USAGE;
	}
	return mod_run(&m);
}

int
cmd_kick(int argc, char *argv[])
{
	return mod_main(argc, argv, "kick", RECORD_KICK);
}

int
cmd_ban(int argc, char *argv[])
{
	return mod_main(argc, argv, "ban", RECORD_BAN);
}

int
cmd_promote(int argc, char *argv[])
{
	return mod_main(argc, argv, "promote", RECORD_PROMOTE);
}

int
cmd_allow(int argc, char *argv[])
{
	return mod_main(argc, argv, "allow", RECORD_ALLOW);
}

int
cmd_disallow(int argc, char *argv[])
{
	return mod_main(argc, argv, "disallow", RECORD_DISALLOW);
}

int
cmd_admit(int argc, char *argv[])
{
	return mod_main(argc, argv, "admit", RECORD_ADMIT);
}

int
cmd_invite(int argc, char *argv[])
{
	return mod_main(argc, argv, "invite", RECORD_INVITE);
}
