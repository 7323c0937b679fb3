/*
 * hosts.c - where does a room live now?  Asked of a node's API (--api),
 * which answers from the node network: nodes announce the rooms they
 * host under a locator, a hash of the network and the room ID (netrec
 * kind 4, doc/PROTOCOL.md "Room (kind 4)").  The client computes the
 * locator itself, so the API's node learns no more than it would from
 * the lookup in the DHT, and puts the link's nodes that host the room
 * first in its order of tries: a member who comes after a failover goes
 * straight to the room's new home.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "chorus/room.h"
#include "cli.h"
#include "client.h"

#define HOSTS_MAX_BODY	(1u << 20)
#define HOSTS_TRIES	6	/* while the node is still asking the DHT */
#define HOSTS_WAIT_MS	500

/* GET url path as JSON; NULL on any failure. */
static json_t *
hosts_get(const char *url, const char *path, const char *who)
{
	struct cli_http h = { 0, NULL, 0, HOSTS_MAX_BODY };
	json_error_t jerr;
	json_t *doc = NULL;

	if (cli_http_get(url, path, &h, who) == 0 && h.code == 200 &&
	    h.body != NULL)
		doc = json_loadb(h.body, h.len, 0, &jerr);
	free(h.body);
	return doc;
}

/* The network's ID, from the node's status; 0 or -1. */
static int
hosts_network(const char *url, const char *who, uint8_t nid[8])
{
	json_t *doc = hosts_get(url, "/api/v1/status", who);
	const char *hex;
	int rc = -1;

	hex = json_string_value(json_object_get(json_object_get(doc,
	    "network"), "network_id"));
	if (hex != NULL && strlen(hex) == 2 * NETREC_NETWORK_ID_LEN &&
	    encode_unhex(hex, strlen(hex), nid, NETREC_NETWORK_ID_LEN) ==
	    NETREC_NETWORK_ID_LEN)
		rc = 0;
	json_decref(doc);
	return rc;
}

/* The hosts list for the room, once the node is done asking. */
static json_t *
hosts_lookup(const char *url, const char *who, const uint8_t *locator)
{
	char path[128], b32[IDENTITY_ID_STRLEN];
	struct timespec ts = { 0, HOSTS_WAIT_MS * 1000000L };
	json_t *doc = NULL;
	int i;

	encode_base32(locator, CRYPTO_ED25519_PUB_LEN, b32, sizeof(b32));
	snprintf(path, sizeof(path), "/api/v1/network/rooms/%s", b32);
	for (i = 0; i < HOSTS_TRIES; i++) {
		json_decref(doc);
		if ((doc = hosts_get(url, path, who)) == NULL)
			return NULL;
		if (json_array_size(json_object_get(doc, "hosts")) > 0 ||
		    !json_is_true(json_object_get(doc, "looking")))
			break;
		nanosleep(&ts, NULL);
	}
	return doc;
}

int
hosts_first(const struct room_link *l, const char *url, size_t *order,
    size_t n, const char *who)
{
	uint8_t nid[NETREC_NETWORK_ID_LEN], loc[CRYPTO_ED25519_PUB_LEN];
	uint8_t key[CRYPTO_X25519_LEN];
	size_t out[ROOM_MAX_NODES], k = 0, i, j;
	char text[ROOM_HOST_MAX + 16];
	const json_t *e;
	json_t *doc;
	int used[ROOM_MAX_NODES] = { 0 };

	if (url == NULL || hosts_network(url, who, nid) == -1 ||
	    netrec_room_locator(nid, l->room_id, loc) == -1 ||
	    (doc = hosts_lookup(url, who, loc)) == NULL)
		return -1;
	/* Hosts as the node lists them, newest first; each link node once. */
	json_array_foreach(json_object_get(doc, "hosts"), i, e) {
		const char *t = json_string_value(json_object_get(e,
		    "noise_key"));

		if (t == NULL || identity_key_parse(t, key) == -1)
			continue;
		for (j = 0; j < n; j++)
			if (!used[j] && memcmp(room_link_key(l, order[j]), key,
			    sizeof(key)) == 0) {
				used[j] = 1;
				out[k++] = order[j];
				cli_link_node_text(l, order[j], text,
				    sizeof(text));
				fprintf(stderr, "%s: the room lives on node %s "
				    "(%lld members, node network)\n", who, text,
				    (long long)json_integer_value(
				    json_object_get(e, "members")));
			}
	}
	json_decref(doc);
	for (j = 0; j < n; j++)
		if (!used[j])
			out[k++] = order[j];
	memcpy(order, out, n * sizeof(order[0]));
	return 0;
}
