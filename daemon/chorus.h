/*
 * chorus.h - the Chorus protocol on the node: Noise sessions on the
 * shared UDP port (first byte 4-15) and framed on TCP/TLS, rooms, and
 * the forwarding of end-to-end encrypted media (doc/PROTOCOL.md "Chorus
 * sessions", "Frames", "Control messages", "Rooms on a node").
 */
#ifndef CHORUSD_CHORUS_H
#define CHORUSD_CHORUS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "transport.h"

/* On TCP and TLS each Chorus datagram is framed: 15, 0, length (2). */
#define CHORUS_STREAM_MARK	15
#define CHORUS_STREAM_HDR	4

struct node;
struct conf;
struct tcp_conn;
struct chorus;

struct chorus	*chorus_new(struct node *, char *err, size_t errlen);
void		 chorus_free(struct chorus *);
/* Take a new configuration (limits; the member allow-list is re-read). */
int		 chorus_reload(struct chorus *, const struct conf *, char *err,
		    size_t errlen);
/* One Chorus datagram (UDP) or one unframed stream frame (TCP/TLS). */
void		 chorus_input(struct chorus *, const struct transport *,
		    const uint8_t *p, size_t len);
/* A TCP/TLS connection is going: end the sessions that used it. */
void		 chorus_conn_closed(struct chorus *, struct tcp_conn *);
unsigned	 chorus_sessions(const struct chorus *);
/* The node drains: tell rooms' members and standbys to move (MOVE). */
void		 chorus_drain(struct chorus *);
/* Each room with members: its ID and how many (net_rooms.c). */
void		 chorus_rooms_hosted(struct chorus *,
		    void (*)(void *, const uint8_t *room_id, size_t members),
		    void *);
/* The network PSK sessions use (all zeros on a public node). */
const uint8_t	*chorus_psk(const struct chorus *);
/*
 * The operator's deny list (deny-identity and the admin API; guard.h):
 * add ends the identity's sessions (1 added, 0 listed already, -1);
 * del as guard_deny_del; json for the admin API; count for the status.
 */
int		 chorus_deny_add(struct chorus *, const uint8_t *id);
int		 chorus_deny_del(struct chorus *, const uint8_t *id);
json_t		*chorus_deny_json(const struct chorus *);
size_t		 chorus_denied_count(const struct chorus *);
/*
 * An identity's standing on this node (doc/REPUTATION.md "User
 * standing"), from its active days and the blocks reported on it here:
 * 0, or -1 without a database.  For the admin API and admission.
 */
struct chorus_standing {
	double		standing;	/* 0..1 */
	double		penalty;	/* P */
	uint32_t	days;		/* active days here */
	size_t		blocks;		/* reported blocks weighed */
};
int		 chorus_standing(struct chorus *, const uint8_t *id,
		    struct chorus_standing *);
/* /api/v1/rooms: aggregates, room fingerprints, no identities. */
json_t		*chorus_rooms_json(struct chorus *);
/* Aggregates only: what the totals, the history and the status show. */
struct chorus_counts {
	uint64_t	sessions_made;		/* ever opened (not rekeys) */
	uint64_t	bytes_forwarded;	/* media, this run */
	unsigned	sessions;		/* open */
	unsigned	rooms;
	uint64_t	members;		/* over every room */
};
/* Fill c; all zero for a NULL chorus. */
void		 chorus_counts(const struct chorus *, struct chorus_counts *c);
/* Prometheus lines for the Chorus metrics. */
void		 chorus_metrics(struct chorus *, FILE *out);

#endif
