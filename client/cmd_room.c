/*
 * cmd_room.c - chorus room create: make a room on a node and print its
 * invite link.
 *
 * The owner's room key (Ed25519) names the room and signs its records;
 * it is written to a file (0600) so the owner can promote moderators
 * later.  The creator's identity is promoted to moderator in the creation
 * itself, so it can kick and rotate keys from `chorus join`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "cli.h"
#include "client.h"
#include "rclient.h"

#define ROOM_USAGE	"usage: chorus room create --node HOST:PORT " \
			"--node-key KEY [--password P] [--identity FILE]\n" \
			"       [--room-key FILE] [--network-key FILE] [--tcp] " \
			"[--timeout S]\n"

struct room_create {
	const char	*node, *node_key, *password, *identity, *room_key;
	const char	*network_key;
	int		 tcp;
	double		 timeout;
	int		 done, exit;
	struct rclient	*rc;
};

static void
room_created_cb(struct rclient *rc, void *arg)
{
	struct room_create *a = arg;

	(void)rc;
	a->exit = CLIENT_EXIT_OK;
	a->done = 1;
}

static void
room_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	struct room_create *a = arg;

	(void)rc;
	(void)about;
	fprintf(stderr, "chorus room create: refused: %s\n",
	    ctrl_code_text(code));
	a->exit = cli_exit_code(code);
	a->done = 1;
}

static void
room_failed_cb(struct rclient *rc, void *arg)
{
	struct room_create *a = arg;
	struct conn *c = rclient_conn(rc);

	fprintf(stderr, "chorus room create: %s\n", conn_strerror(c));
	a->exit = cli_exit_conn(conn_failure(c));
	a->done = 1;
}

static int
room_args(int argc, char *argv[], struct room_create *a)
{
	int i;

	a->identity = "chorus.key";
	a->timeout = 5;
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--tcp") == 0) {
			a->tcp = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		if (strcmp(o, "--node") == 0)
			a->node = v;
		else if (strcmp(o, "--node-key") == 0)
			a->node_key = v;
		else if (strcmp(o, "--password") == 0)
			a->password = v;
		else if (strcmp(o, "--identity") == 0)
			a->identity = v;
		else if (strcmp(o, "--room-key") == 0)
			a->room_key = v;
		else if (strcmp(o, "--network-key") == 0)
			a->network_key = v;
		else if (strcmp(o, "--timeout") == 0) {
			if (cli_seconds(v, &a->timeout) == -1)
				return -1;
		} else
			return -1;
		i++;
	}
	return a->node == NULL || a->node_key == NULL ? -1 : 0;
}

/* The owner's PROMOTE record for the creator's identity. */
static int
room_promote_self(const uint8_t seed[32], const uint8_t room_id[ROOM_ID_LEN],
    const struct identity *me, uint8_t out[RECORD_LEN])
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.kind = RECORD_PROMOTE;
	memcpy(r.room_id, room_id, ROOM_ID_LEN);
	r.issued = (uint64_t)time(NULL);
	memcpy(r.target, me->ed_pub, sizeof(r.target));
	return record_sign(&r, seed, out);
}

/* Fill the link, derive the keys, write the room key file. */
static int
room_prepare(struct room_create *a, struct room_link *l, uint8_t seed[32],
    struct room_keys *k, const struct identity *me, uint8_t rec[RECORD_LEN])
{
	uint8_t pub[ROOM_PUB_LEN];
	char path[64], id[ROOM_ID_STRLEN], err[512];

	memset(l, 0, sizeof(*l));
	if (cli_parse_hostport(a->node, l->nodes[0].host,
	    sizeof(l->nodes[0].host), &l->nodes[0].port) == -1) {
		fprintf(stderr, "chorus room create: --node %s: expected "
		    "HOST:PORT\n", a->node);
		return CLIENT_EXIT_USAGE;
	}
	l->nodes[0].type = cli_host_type(l->nodes[0].host);
	l->nnodes = 1;
	if (strlen(a->node_key) != 52 || encode_unbase32(a->node_key, 52,
	    l->node_key, sizeof(l->node_key)) != 32) {
		fprintf(stderr, "chorus room create: --node-key: expected the "
		    "52-character node key (\"noise_key\" in the node's "
		    "/api/v1/status)\n");
		return CLIENT_EXIT_USAGE;
	}
	if (RAND_priv_bytes(seed, 32) != 1 ||
	    RAND_priv_bytes(l->secret, sizeof(l->secret)) != 1 ||
	    crypto_ed25519_public(seed, pub) == -1 ||
	    room_id_from_key(pub, l->room_id) == -1)
		return CLIENT_EXIT_FAILED;
	l->password = a->password != NULL;
	if (room_keys_derive(l->secret, a->password, l->room_id, k) == -1 ||
	    room_promote_self(seed, l->room_id, me, rec) == -1)
		return CLIENT_EXIT_FAILED;
	room_id_string(l->room_id, id);
	if (a->room_key == NULL) {
		snprintf(path, sizeof(path), "room-%.12s.key", id);
		a->room_key = strdup(path);
	}
	if (a->room_key == NULL ||
	    cli_write_key(a->room_key, seed, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus room create: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	return CLIENT_EXIT_OK;
}

static int
room_create(struct room_create *a)
{
	static const struct rclient_cb cb = {
		.created = room_created_cb, .error = room_error_cb,
		.failed = room_failed_cb,
	};
	uint8_t seed[32], rec[RECORD_LEN];
	char err[512], link[ROOM_LINK_MAX + 1];
	struct rclient_opts o;
	struct room_link l;
	struct room_keys k;
	struct identity me;
	struct event_base *base = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&k, 0, sizeof(k));
	memset(&l, 0, sizeof(l));
	if (cli_load_identity(a->identity, &me, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus room create: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	if (a->network_key != NULL && cli_read_key(a->network_key,
	    "network key", o.conn.psk, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus room create: %s\n", err);
		rc = CLIENT_EXIT_FAILED;
		goto done;
	}
	if ((rc = room_prepare(a, &l, seed, &k, &me, rec)) != CLIENT_EXIT_OK)
		goto done;
	cli_link_conn(&l, &o.conn);
	o.conn.tcp = a->tcp;
	o.conn.timeout_ms = (unsigned)(a->timeout * 1000);
	o.me = &me;
	rc = CLIENT_EXIT_FAILED;
	if ((base = event_base_new()) == NULL ||
	    (a->rc = rclient_new(base, &o, &cb, a, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "chorus room create: %s\n", err);
		goto done;
	}
	if (rclient_create(a->rc, seed, k.join_key, rec, 1) == -1)
		goto done;
	a->exit = CLIENT_EXIT_UNREACHABLE;
	(void)cli_run(base, &a->done, (unsigned)(a->timeout * 1000) + 2000);
	rc = a->exit;
	if (rc == CLIENT_EXIT_OK &&
	    room_link_format(&l, link, sizeof(link)) > 0) {
		printf("%s\n", link);
		fprintf(stderr, "room key written to %s (keep it: it signs "
		    "the room's records)\n", a->room_key);
	} else if (rc == CLIENT_EXIT_OK)
		rc = CLIENT_EXIT_FAILED;
	if (rc != CLIENT_EXIT_OK)
		unlink(a->room_key);
done:
	rclient_free(a->rc);
	if (base != NULL)
		event_base_free(base);
	crypto_wipe(seed, sizeof(seed));
	room_keys_wipe(&k);
	room_link_wipe(&l);
	identity_wipe(&me);
	return rc;
}

/* chorus room create ... */
int
cmd_room(int argc, char *argv[])
{
	struct room_create a;

	memset(&a, 0, sizeof(a));
	if (argc < 2 || strcmp(argv[1], "create") != 0 ||
	    room_args(argc, argv, &a) == -1) {
		fputs(ROOM_USAGE, stderr);
		return CLIENT_EXIT_USAGE;
	}
	return room_create(&a);
}
