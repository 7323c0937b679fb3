/*
 * roam.h - a room member that survives its node: it keeps the room warm
 * on a second node of the invite link (STANDBY) and moves there when
 * the node goes silent, drains (MOVE draining) or when the room comes
 * alive on the standby (MOVE active).  A move that the old node lives
 * through is make-before-break: the member joins the new node, sends
 * its audio through both for ROAM_OVERLAP_MS, then leaves the old one.
 *
 * The member's media stream (sequence numbers, timestamps) is the
 * roam's, not a node's, so receivers see one stream across a move and
 * drop the copies that come through both nodes.  doc/ARCHITECTURE.md,
 * "Failover".
 */
#ifndef CHORUS_ROAM_H
#define CHORUS_ROAM_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/room.h"
#include "rclient.h"

#define ROAM_PING_MS		200	/* heartbeat while a standby is warm */
#define ROAM_SILENT_MS		600	/* a node this quiet is gone */
#define ROAM_OVERLAP_MS		1000	/* both nodes carry our audio */
#define ROAM_RETRY_MS		2000	/* before another standby try */

struct roam;

/*
 * The caller's callbacks: those of rclient_cb, called for whichever
 * node's rclient the event came from, but joined once (the first
 * join), error and failed only when the roam gives up; and moved after
 * each move, with the new node's index in the link.
 */
struct roam_cb {
	struct rclient_cb	 rc;
	void			(*moved)(struct roam *, size_t node,
				    const char *why, void *);
	/* A node passed over on the way in (refused, or no answer). */
	void			(*passed)(struct roam *, size_t node,
				    const char *why, void *);
};

struct roam_opts {
	struct rclient_opts	 rc;	/* conn: all but host, port, key */
	size_t			 order[ROOM_MAX_NODES];	/* link nodes, best first */
	size_t			 norder;
};

struct roam	*roam_new(struct event_base *, const struct roam_opts *,
		    const struct roam_cb *, void *arg, char *err, size_t errlen);
void		 roam_free(struct roam *);
/* Join the first node of the order that takes us. */
int		 roam_start(struct roam *);
/* The rclient now in the room (or being joined). */
struct rclient	*roam_active(struct roam *);
/* Its node: an index into the link's nodes. */
size_t		 roam_node(const struct roam *);
/* Moves made; of them, those it made because its node was silent,
 * failed or drained (not those that followed a standby's word). */
unsigned	 roam_moves(const struct roam *);
unsigned	 roam_failovers(const struct roam *);
/* 1 while a standby holds the room warm. */
int		 roam_standby_ready(const struct roam *);
/* Send one Opus packet through every node we are in; -1 if none. */
int		 roam_send_media(struct roam *, const uint8_t *opus, size_t len,
		    int vad, uint8_t level, uint32_t timestamp);
/* A frame not sent (DTX, or no node to send it through). */
void		 roam_skip(struct roam *);
void		 roam_leave(struct roam *);

#endif
