/*
 * guard.h - what keeps an identity out or unheard, locally and never
 * globally (doc/REPUTATION.md "Nothing global"): the operator's deny list
 * (deny-identity lines and the admin API), each session's blocklist (the
 * node forwards a blocked identity's audio to nobody who blocked it), the
 * reports of blocks kept for user standing, and a room's admission rules.
 */
#ifndef CHORUSD_GUARD_H
#define CHORUSD_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define GUARD_ID_LEN		32
#define GUARD_MAX_DENY		65536	/* deny list, configuration and API */
#define GUARD_MAX_BLOCKS	1024	/* one session's blocklist */
#define GUARD_MAX_IDENTS	1000000	/* identities kept for standing */
#define GUARD_MAX_REPORTS	1000000	/* reported blocks kept */
#define GUARD_MAX_BLOCKERS	256	/* blocks weighed per identity */
#define GUARD_KEEP_DAYS		365	/* reports, and identities unseen */

struct node;
struct conf;

/* The operator's deny list. */
struct guard_deny {
	uint8_t		(*ids)[GUARD_ID_LEN];	/* sorted */
	uint8_t		 *from_conf;		/* 1: a deny-identity line */
	size_t		  n, cap;
};

/* A session's blocklist: sorted IDs. */
struct guard_blocks {
	uint8_t		(*ids)[GUARD_ID_LEN];
	size_t		  n, cap;
};

/*
 * Build the deny list from conf's deny-identity lines and the store's
 * rows; at start and on reload.  0, or -1 with err (a line that is not an
 * ID cannot get here: the configuration parser refuses it).
 */
int	guard_deny_load(struct node *, struct guard_deny *, char *err,
	    size_t errlen);
void	guard_deny_free(struct guard_deny *);
int	guard_denied(const struct guard_deny *, const uint8_t *id);
/*
 * The admin API: add (kept in the store; 1 if it was new, 0 if already
 * listed, -1 on failure) and delete (0; -1 not listed; -2 a
 * deny-identity line, which only the configuration can drop; -3 store).
 */
int	guard_deny_add(struct node *, struct guard_deny *, const uint8_t *id);
int	guard_deny_del(struct node *, struct guard_deny *, const uint8_t *id);
/* {"count": n, "denied": [{"id", "from"}]}: for the operator only. */
json_t	*guard_deny_json(const struct guard_deny *);

/* 1 if id is on the blocklist. */
int	guard_blocks_has(const struct guard_blocks *, const uint8_t *id);
/* Add or remove one ID: 1 changed, 0 no change, -1 full or no memory. */
int	guard_blocks_add(struct guard_blocks *, const uint8_t *id);
int	guard_blocks_del(struct guard_blocks *, const uint8_t *id);
void	guard_blocks_free(struct guard_blocks *);

#endif
