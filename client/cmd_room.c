/*
 * cmd_room.c - chorus room create: make a room on a node and print its
 * invite link.
 *
 * With several nodes it ranks them (nodes_choose) and makes the room on
 * every one that takes it: the best is its home, the others standbys
 * that members keep warm (roam.h).  The owner's room key (Ed25519) names the
 * room and signs its records; it is written to a file (0600) so the
 * owner can promote moderators later.  The creator's identity is
 * promoted to moderator in the creation itself, so it can kick and
 * rotate keys from `chorus join`.
 *
 * --mixed asks the node to mix the room (decode, mix and re-encode its
 * audio): the owner signs a MIXED record into the creation and the link
 * says mixed=1, because such a room is not end-to-end encrypted.
 *
 * --cascade (several nodes) makes one room of them all: the owner signs
 * a CASCADE record per node, its place its rank, and the nodes link to
 * each other and carry the room together; members stay on the node
 * nearest to them (chorus(1) "CASCADE").
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
#include "chorus/identity.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "cli.h"
#include "client.h"
#include "rclient.h"

#define ROOM_USAGE	"usage: chorus room create --node HOST:PORT " \
			"--node-key KEY [--node HOST:PORT [--node-key KEY]]...\n" \
			"       [--api URL] [--password P] [--identity FILE] " \
			"[--room-key FILE]\n" \
			"       [--network-key FILE] [--tcp] [--timeout S] " \
			"[--mixed | --cascade]\n"

struct room_create {
	const char	*node[ROOM_MAX_NODES], *node_key[ROOM_MAX_NODES];
	size_t		 nnodes, nkeys;
	const char	*password, *identity, *room_key, *network_key, *api;
	int		 tcp, mixed, cascade;
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
		if (strcmp(o, "--mixed") == 0) {
			a->mixed = 1;
			continue;
		}
		if (strcmp(o, "--cascade") == 0) {
			a->cascade = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		if (strcmp(o, "--node") == 0) {
			if (a->nnodes == ROOM_MAX_NODES)
				return -1;
			a->node[a->nnodes++] = v;
		} else if (strcmp(o, "--node-key") == 0) {
			if (a->nkeys == ROOM_MAX_NODES)
				return -1;
			a->node_key[a->nkeys++] = v;
		} else if (strcmp(o, "--password") == 0)
			a->password = v;
		else if (strcmp(o, "--identity") == 0)
			a->identity = v;
		else if (strcmp(o, "--room-key") == 0)
			a->room_key = v;
		else if (strcmp(o, "--network-key") == 0)
			a->network_key = v;
		else if (strcmp(o, "--api") == 0)
			a->api = v;
		else if (strcmp(o, "--timeout") == 0) {
			if (cli_seconds(v, &a->timeout) == -1)
				return -1;
		} else
			return -1;
		i++;
	}
	/* One key for every node, or one per node in the same order. */
	return a->nnodes == 0 || (a->nkeys != 1 && a->nkeys != a->nnodes) ?
	    -1 : 0;
}

/* The nodes and their keys into the link; a CLIENT_EXIT_* status. */
static int
room_nodes(struct room_create *a, struct room_link *l)
{
	struct room_link_node *nd;
	uint8_t *key;
	size_t i;

	for (i = 0; i < a->nnodes; i++) {
		nd = &l->nodes[i];
		if (cli_parse_hostport(a->node[i], nd->host, sizeof(nd->host),
		    &nd->port) == -1) {
			fprintf(stderr, "chorus room create: --node %s: "
			    "expected HOST:PORT\n", a->node[i]);
			return CLIENT_EXIT_USAGE;
		}
		nd->type = cli_host_type(nd->host);
		l->nnodes++;
	}
	for (i = 0; i < a->nkeys; i++) {
		key = a->nkeys == 1 ? l->node_key : l->nodes[i].key;
		l->nodes[i].has_key = a->nkeys > 1;
		if (identity_key_parse(a->node_key[i], key) == -1) {
			fprintf(stderr, "chorus room create: --node-key: "
			    "expected the 52-character node key (\"noise_key\" "
			    "in the node's /api/v1/status)\n");
			return CLIENT_EXIT_USAGE;
		}
	}
	return CLIENT_EXIT_OK;
}

/*
 * A record of the owner's: kind about target (NULL: none, as MIXED
 * has), e.g. the PROMOTE of the creator's identity.
 */
static int
room_owner_record(const uint8_t seed[32], const uint8_t room_id[ROOM_ID_LEN],
    uint8_t kind, const uint8_t *target, uint64_t until,
    uint8_t out[RECORD_LEN])
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	memcpy(r.room_id, room_id, ROOM_ID_LEN);
	r.issued = (uint64_t)time(NULL);
	r.until = until;
	if (target != NULL)
		memcpy(r.target, target, sizeof(r.target));
	return record_sign(&r, seed, out);
}

/* Fill the link, derive the keys, write the room key file. */
static int
room_prepare(struct room_create *a, struct room_link *l, uint8_t seed[32],
    struct room_keys *k, const struct identity *me,
    uint8_t rec[][RECORD_LEN])
{
	uint8_t pub[ROOM_PUB_LEN];
	char path[64], id[ROOM_ID_STRLEN], err[512];
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = room_nodes(a, l)) != CLIENT_EXIT_OK)
		return rc;
	if (RAND_priv_bytes(seed, 32) != 1 ||
	    RAND_priv_bytes(l->secret, sizeof(l->secret)) != 1 ||
	    crypto_ed25519_public(seed, pub) == -1 ||
	    room_id_from_key(pub, l->room_id) == -1)
		return CLIENT_EXIT_FAILED;
	l->password = a->password != NULL;
	l->mixed = a->mixed;
	if (room_keys_derive(l->secret, a->password, l->room_id, k) == -1 ||
	    room_owner_record(seed, l->room_id, RECORD_PROMOTE, me->ed_pub,
	    0, rec[0]) == -1 || (a->mixed && room_owner_record(seed,
	    l->room_id, RECORD_MIXED, NULL, 0, rec[1]) == -1))
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

/* The secrets one creation attempt needs. */
struct room_secrets {
	uint8_t			 seed[32];
	/* promote, then mixed or a cascade record per node */
	uint8_t			 rec[1 + ROOM_MAX_NODES][RECORD_LEN];
	size_t			 nrec;
	struct room_keys	 k;
	struct identity		 me;
	uint8_t			 psk[32];
};

/* Create the room on node i of the link; a CLIENT_EXIT_* status. */
static int
room_try(struct room_create *a, const struct room_link *l, size_t i,
    const struct room_secrets *sec)
{
	static const struct rclient_cb cb = {
		.created = room_created_cb, .error = room_error_cb,
		.failed = room_failed_cb,
	};
	struct rclient_opts o;
	struct event_base *base;
	char err[512] = "out of memory";
	int rc = CLIENT_EXIT_FAILED;

	memset(&o, 0, sizeof(o));
	cli_link_conn(l, i, &o.conn);
	memcpy(o.conn.psk, sec->psk, sizeof(o.conn.psk));
	o.conn.tcp = a->tcp;
	o.conn.timeout_ms = (unsigned)(a->timeout * 1000);
	o.me = &sec->me;
	a->done = 0;
	a->rc = NULL;
	if ((base = event_base_new()) == NULL ||
	    (a->rc = rclient_new(base, &o, &cb, a, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "chorus room create: %s\n", err);
		goto done;
	}
	if (rclient_create(a->rc, sec->seed, sec->k.join_key, sec->rec[0],
	    sec->nrec) == -1)
		goto done;
	a->exit = CLIENT_EXIT_UNREACHABLE;
	(void)cli_run(base, &a->done, (unsigned)(a->timeout * 1000) + 2000);
	rc = a->exit;
done:
	rclient_free(a->rc);
	a->rc = NULL;
	if (base != NULL)
		event_base_free(base);
	crypto_wipe(o.conn.psk, sizeof(o.conn.psk));
	return rc;
}

/* 1 if another node may take the room when this one did not. */
static int
room_next_node(int rc)
{
	return rc == CLIENT_EXIT_UNREACHABLE || rc == CLIENT_EXIT_HANDSHAKE ||
	    rc == CLIENT_EXIT_FULL;
}

/*
 * Several nodes: rank them and create the room on every one that takes
 * it, so that each can take over the room when another fails (members
 * keep it warm there, chorus(1) "FAILOVER").  The link lists the nodes
 * that took it first, in ranked order (the best is the room's home),
 * then those that did not.  The status is the best-ranked answering
 * node's when none took it.
 */
static int
room_try_ranked(struct room_create *a, struct room_link *l,
    struct room_secrets *sec)
{
	struct room_link_node nodes[ROOM_MAX_NODES];
	size_t order[ROOM_MAX_NODES], i, n = 0;
	char text[ROOM_HOST_MAX + 16];
	int rc, took[ROOM_MAX_NODES], first = CLIENT_EXIT_UNREACHABLE;

	if (nodes_choose(l, a->api, sec->psk, (unsigned)(a->timeout * 1000),
	    order, "chorus room create", 0) == -1)
		return CLIENT_EXIT_FAILED;
	/* A cascade: every node, its place its rank. */
	for (i = 0; a->cascade && i < l->nnodes; i++)
		if (room_owner_record(sec->seed, l->room_id, RECORD_CASCADE,
		    room_link_key(l, order[i]), i + 1,
		    sec->rec[sec->nrec++]) == -1)
			return CLIENT_EXIT_FAILED;
	for (i = 0; i < l->nnodes; i++) {
		rc = room_try(a, l, order[i], sec);
		took[i] = rc == CLIENT_EXIT_OK;
		cli_link_node_text(l, order[i], text, sizeof(text));
		if (took[i])
			fprintf(stderr, "chorus room create: room %s on node "
			    "%s\n", n == 0 ? "created" : "kept warm", text);
		else
			fprintf(stderr, "chorus room create: node %s did not "
			    "take the room\n", text);
		if (took[i])
			n++;
		else if (first == CLIENT_EXIT_UNREACHABLE && n == 0)
			first = rc;
		if (!took[i] && !room_next_node(rc) && n == 0)
			return rc;
	}
	if (n == 0)
		return first;
	n = 0;
	for (i = 0; i < l->nnodes; i++)
		if (took[i])
			nodes[n++] = l->nodes[order[i]];
	for (i = 0; i < l->nnodes; i++)
		if (!took[i])
			nodes[n++] = l->nodes[order[i]];
	memcpy(l->nodes, nodes, l->nnodes * sizeof(nodes[0]));
	crypto_wipe(nodes, sizeof(nodes));
	return CLIENT_EXIT_OK;
}

static int
room_create(struct room_create *a)
{
	struct room_secrets sec;
	char err[512], link[ROOM_LINK_MAX + 1];
	struct room_link l;
	int rc;

	memset(&sec, 0, sizeof(sec));
	memset(&l, 0, sizeof(l));
	if (cli_load_identity(a->identity, &sec.me, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus room create: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	if (a->network_key != NULL && cli_read_key(a->network_key,
	    "network key", sec.psk, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus room create: %s\n", err);
		rc = CLIENT_EXIT_FAILED;
		goto done;
	}
	if ((rc = room_prepare(a, &l, sec.seed, &sec.k, &sec.me, sec.rec)) !=
	    CLIENT_EXIT_OK)
		goto done;
	sec.nrec = a->mixed ? 2 : 1;
	rc = l.nnodes == 1 ? room_try(a, &l, 0, &sec) :
	    room_try_ranked(a, &l, &sec);
	if (rc == CLIENT_EXIT_OK &&
	    room_link_format(&l, link, sizeof(link)) > 0) {
		printf("%s\n", link);
		fprintf(stderr, "room key written to %s (keep it: it signs "
		    "the room's records)\n", a->room_key);
		if (a->cascade)
			fprintf(stderr, "this room is CASCADED over its %zu "
			    "nodes: members stay on the nearest one\n",
			    l.nnodes);
		if (a->mixed)
			fprintf(stderr, "this room is MIXED: the node decodes "
			    "and mixes its audio, so it is not end-to-end "
			    "encrypted; the link says so (mixed=1)\n");
	} else if (rc == CLIENT_EXIT_OK)
		rc = CLIENT_EXIT_FAILED;
	if (rc != CLIENT_EXIT_OK && a->room_key != NULL)
		unlink(a->room_key);
done:
	crypto_wipe(&sec, sizeof(sec));
	room_link_wipe(&l);
	crypto_wipe(link, sizeof(link));
	return rc;
}

/* chorus room create ... */
int
cmd_room(int argc, char *argv[])
{
	struct room_create a;

	memset(&a, 0, sizeof(a));
	if (argc < 2 || strcmp(argv[1], "create") != 0 ||
	    room_args(argc, argv, &a) == -1 || (a.cascade && (a.mixed ||
	    a.nnodes < 2))) {
		fputs(ROOM_USAGE, stderr);
		return CLIENT_EXIT_USAGE;
	}
	return room_create(&a);
}
