/*
 * net_rooms.c - the node tells the network which rooms it hosts, so that
 * a member who comes late finds where a room lives now (after a
 * failover, say), and answers who hosts a room from what the DHT says.
 *
 * A room with members is announced as a signed ROOM record (netrec kind
 * 4) under its locator, a hash of the network and the room ID: the DHT
 * and anyone without the link learn no room ID.  Announcements are put
 * when a room gets its first member (within NET_ROOMS_SOON_MS) and every
 * NET_ROOMS_SEC while it has members, valid NET_ROOMS_LIFETIME_SEC.
 * What other nodes announce is kept in memory only (never in SQLite:
 * which rooms are busy is nobody's business after the fact), at most
 * NET_ROOMS_SEEN records, and only for locators someone asked about.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "chorus.h"
#include "log.h"
#include "net.h"
#include "node.h"
#include "overlay.h"
#include "store.h"

#define NET_ROOMS_SEC		60	/* hosted rooms put again */
#define NET_ROOMS_LIFETIME_SEC	180	/* ... valid this long */
#define NET_ROOMS_SOON_MS	200	/* a room just came alive */
#define NET_ROOMS_SEEN		256	/* announcements kept */
#define NET_ROOMS_ASKED		64	/* locators followed at once */
#define NET_ROOMS_ASK_SEC	30	/* look again after */
#define NET_ROOMS_LOOKING_SEC	2	/* answers still coming in */

struct net_room_seen {
	uint8_t		locator[CRYPTO_ED25519_PUB_LEN];
	uint8_t		signer[CRYPTO_ED25519_PUB_LEN];
	uint32_t	members;
	uint64_t	issued, expires;
};

struct net_rooms {
	struct net		*net;
	struct node		*node;
	struct event		*ev;
	struct net_room_seen	 seen[NET_ROOMS_SEEN];
	struct {
		uint8_t		locator[CRYPTO_ED25519_PUB_LEN];
		uint64_t	at;
	}			 asked[NET_ROOMS_ASKED];
	uint64_t		 announced, heard;
};

/* Put one hosted room's announcement. */
static void
net_rooms_put(void *arg, const uint8_t *room_id, size_t members)
{
	struct net_rooms *nr = arg;
	const uint8_t *nid = net_network_id(nr->net);
	uint8_t out[NETREC_MAX_LEN], key[NETREC_DHT_KEY_LEN];
	uint64_t now = (uint64_t)time(NULL);
	struct netrec r;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.kind = NETREC_ROOM;
	memcpy(r.network_id, nid, NETREC_NETWORK_ID_LEN);
	r.issued = now;
	r.expires = now + NET_ROOMS_LIFETIME_SEC;
	r.u.room.members = members > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)members;
	if (netrec_room_locator(nid, room_id, r.u.room.locator) == -1 ||
	    netrec_encode(&r, nr->node->id.ed_seed, out, &len) == -1 ||
	    netrec_dht_key(nid, NETREC_ROOM, r.u.room.locator, key) == -1)
		return;
	(void)overlay_put(net_overlay(nr->net), key, out, len);
	net_rooms_value(nr, &r);	/* we know our own without the DHT */
	nr->announced++;
}

static void
net_rooms_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net_rooms *nr = arg;
	struct timeval tv = { NET_ROOMS_SEC, 0 };

	(void)fd;
	(void)what;
	if (nr->node->chorus != NULL)
		chorus_rooms_hosted(nr->node->chorus, net_rooms_put, nr);
	evtimer_add(nr->ev, &tv);
}

/* A room got its first member: announce soon (one put for a burst). */
void
net_rooms_changed(struct net_rooms *nr)
{
	struct timeval tv = { 0, NET_ROOMS_SOON_MS * 1000 };

	struct timeval due, now, left;

	if (nr == NULL)
		return;
	/* Already due soon: a burst of joins does not push it back. */
	if (evtimer_pending(nr->ev, &due) &&
	    evutil_gettimeofday(&now, NULL) == 0) {
		evutil_timersub(&due, &now, &left);
		if (left.tv_sec < 0 || (left.tv_sec == 0 &&
		    left.tv_usec <= NET_ROOMS_SOON_MS * 1000))
			return;
	}
	evtimer_del(nr->ev);
	evtimer_add(nr->ev, &tv);
}

/* A verified ROOM record: keep the newest per (locator, node). */
void
net_rooms_value(struct net_rooms *nr, const struct netrec *r)
{
	uint64_t now = (uint64_t)time(NULL);
	struct net_room_seen *s, *slot = NULL;
	size_t i;

	nr->heard++;
	for (i = 0; i < NET_ROOMS_SEEN; i++) {
		s = &nr->seen[i];
		if (memcmp(s->locator, r->u.room.locator,
		    sizeof(s->locator)) == 0 &&
		    memcmp(s->signer, r->signer, sizeof(s->signer)) == 0) {
			if (s->issued > r->issued)
				return;
			slot = s;
			break;
		}
		if (slot == NULL || s->expires <= now ||
		    (slot->expires > now && s->expires < slot->expires))
			slot = s;	/* free, expired, or the soonest to go */
	}
	memcpy(slot->locator, r->u.room.locator, sizeof(slot->locator));
	memcpy(slot->signer, r->signer, sizeof(slot->signer));
	slot->members = r->u.room.members;
	slot->issued = r->issued;
	slot->expires = r->expires;
}

/*
 * Look a locator up in the DHT, again after NET_ROOMS_ASK_SEC, or after
 * NET_ROOMS_LOOKING_SEC while nothing was found (the host may be about
 * to announce it).  When it was last looked up (now, if just now).
 */
static uint64_t
net_rooms_ask(struct net_rooms *nr, const uint8_t *locator, uint64_t now,
    int found)
{
	uint64_t again = found ? NET_ROOMS_ASK_SEC : NET_ROOMS_LOOKING_SEC;
	uint8_t key[NETREC_DHT_KEY_LEN];
	size_t i, slot = 0;

	for (i = 0; i < NET_ROOMS_ASKED; i++) {
		if (memcmp(nr->asked[i].locator, locator,
		    CRYPTO_ED25519_PUB_LEN) == 0) {
			if (now - nr->asked[i].at < again)
				return nr->asked[i].at;
			slot = i;
			break;
		}
		if (nr->asked[i].at < nr->asked[slot].at)
			slot = i;
	}
	if (netrec_dht_key(net_network_id(nr->net), NETREC_ROOM, locator,
	    key) == -1)
		return now;
	memcpy(nr->asked[slot].locator, locator, CRYPTO_ED25519_PUB_LEN);
	nr->asked[slot].at = now;
	/* A get, not a listen: a listen holds a DHT operation for good. */
	(void)overlay_get(net_overlay(nr->net), key);
	return now;
}

struct net_rooms_find {
	const struct net_room_seen *hosts[NET_ROOMS_SEEN];
	size_t			 n;
	json_t			*list;	/* entry i is hosts[i]'s */
};

/* A stored descriptor: the Noise key of each host it is the node of. */
static int
net_rooms_desc(const struct netrec *r, void *arg)
{
	struct net_rooms_find *f = arg;
	char key[IDENTITY_ID_STRLEN];
	size_t i;

	for (i = 0; i < f->n; i++)
		if (memcmp(r->signer, f->hosts[i]->signer,
		    CRYPTO_ED25519_PUB_LEN) == 0) {
			encode_base32(r->u.desc.noise_key, CRYPTO_X25519_LEN,
			    key, sizeof(key));
			json_object_set_new(json_array_get(f->list, i),
			    "noise_key", json_string(key));
		}
	return 0;
}

/*
 * GET /api/v1/network/rooms/LOCATOR: the nodes that announce the room,
 * newest announcement first; "looking": true while the DHT is being asked.  The hosts' Noise keys
 * come from their stored descriptors, in one pass.
 */
json_t *
net_rooms_json(struct net_rooms *nr, const char *text)
{
	uint8_t loc[CRYPTO_ED25519_PUB_LEN];
	char id[IDENTITY_ID_STRLEN];
	uint64_t now = (uint64_t)time(NULL), at;
	struct net_rooms_find f;
	size_t i;

	if (nr == NULL || identity_key_parse(text, loc) == -1)
		return NULL;
	memset(&f, 0, sizeof(f));
	if ((f.list = json_array()) == NULL)
		return NULL;
	for (i = 0; i < NET_ROOMS_SEEN; i++) {
		const struct net_room_seen *s = &nr->seen[i];
		size_t j;

		if (s->expires <= now || memcmp(s->locator, loc,
		    sizeof(loc)) != 0)
			continue;
		/* Newest first: a host that died stops announcing. */
		for (j = f.n++; j > 0 && f.hosts[j - 1]->issued < s->issued;
		    j--)
			f.hosts[j] = f.hosts[j - 1];
		f.hosts[j] = s;
	}
	for (i = 0; i < f.n; i++) {
		const struct net_room_seen *s = f.hosts[i];

		encode_base32(s->signer, sizeof(s->signer), id, sizeof(id));
		json_array_append_new(f.list, json_pack("{s:s, s:n, s:I, s:I}",
		    "node", id, "noise_key", "members", (json_int_t)s->members,
		    "issued", (json_int_t)s->issued));
	}
	/* Asked again sooner while nothing is known (an async DHT get). */
	at = net_rooms_ask(nr, loc, now, f.n > 0);
	if (f.n > 0)
		net_each_desc(nr->net, net_rooms_desc, &f);
	return json_pack("{s:o, s:b}", "hosts", f.list, "looking",
	    now - at < NET_ROOMS_LOOKING_SEC);
}

json_t *
net_rooms_stats_json(const struct net_rooms *nr)
{
	return json_pack("{s:I, s:I}", "rooms_announced",
	    (json_int_t)nr->announced, "room_records_heard",
	    (json_int_t)nr->heard);
}

struct net_rooms *
net_rooms_new(struct net *n, struct node *node)
{
	struct timeval tv = { NET_ROOMS_SEC, 0 };
	struct net_rooms *nr;

	if ((nr = calloc(1, sizeof(*nr))) == NULL)
		return NULL;
	nr->net = n;
	nr->node = node;
	if ((nr->ev = evtimer_new(node->base, net_rooms_cb, nr)) == NULL ||
	    evtimer_add(nr->ev, &tv) == -1) {
		net_rooms_free(nr);
		return NULL;
	}
	return nr;
}

void
net_rooms_free(struct net_rooms *nr)
{
	if (nr == NULL)
		return;
	if (nr->ev != NULL)
		event_free(nr->ev);
	free(nr);
}
