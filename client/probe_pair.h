/*
 * probe_pair.h - one proof-of-bandwidth measurement of a node, as both
 * `chorus probe` and the node's own prober (daemon/prober.c) make it:
 * a room with a fresh key on the subject, joined twice (A sends, B
 * receives), challenge packets (lib/probe.c) sent from A to B as the
 * end-to-end encrypted payload of ordinary media frames, checked by B.
 * Event driven on the caller's event_base; done() is called once, from
 * the loop, when the last challenge's deadline has passed, the subject
 * failed or refused, or max_ms ran out.
 */
#ifndef CHORUS_PROBE_PAIR_H
#define CHORUS_PROBE_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/netrec.h"
#include "chorus/probe.h"
#include "conn.h"

struct event_base;
struct identity;
struct probe_pair;

enum probe_pair_end {
	PROBE_PAIR_MEASURED = 0,	/* both joined; the figures say the rest */
	PROBE_PAIR_UNREACHABLE,		/* a session failed (conn_error) */
	PROBE_PAIR_REFUSED		/* the node answered CTRL_ERROR */
};

struct probe_pair_opts {
	struct conn_opts	 conn;		/* host, port, key, PSK, TCP */
	const struct identity	*me;
	struct probe_params	 params;
	unsigned		 max_ms;	/* the whole measurement */
};

/* The outcome, for done() and after it. */
struct probe_pair_status {
	enum probe_pair_end	 end;
	int			 reached;	/* a session came up */
	unsigned		 ctrl_code;	/* REFUSED: enum ctrl_code */
	enum conn_error		 conn_error;	/* UNREACHABLE: or NONE */
	char			 why[256];	/* a sentence, or "" */
	uint64_t		 wall_start;	/* Unix s, first challenge */
	uint64_t		 bytes;		/* both sessions, both ways */
};

typedef void	(*probe_pair_done_fn)(struct probe_pair *, void *arg);

/*
 * Start: fresh room key, link secret and probe secret; A connects and
 * creates the room.  NULL with err (bad parameters: PROBE_E* text).
 */
struct probe_pair	*probe_pair_new(struct event_base *,
			    const struct probe_pair_opts *, probe_pair_done_fn,
			    void *arg, char *err, size_t errlen);
/* Close both sessions and wipe every key; NULL is fine. */
void			 probe_pair_free(struct probe_pair *);
const struct probe_pair_status *probe_pair_status(struct probe_pair *);
/* The measurement's figures (lib/probe.c probe_result); 0 or -1. */
int			 probe_pair_result(struct probe_pair *,
			    struct probe_result *);
/*
 * The measurement report (lib/netrec.c) on subject, signed with seed,
 * valid lifetime seconds from now (Unix s); 0 or -1.
 */
int			 probe_pair_report(const struct probe_pair_status *,
			    const struct probe_result *,
			    const uint8_t network_id[NETREC_NETWORK_ID_LEN],
			    const uint8_t subject[CRYPTO_ED25519_PUB_LEN],
			    const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
			    uint64_t now, uint64_t lifetime,
			    uint8_t out[NETREC_MAX_LEN], size_t *len);
#endif
