/*
 * ledger.h - reputation scores from the reports the node holds.
 */
#ifndef CHORUSD_LEDGER_H
#define CHORUSD_LEDGER_H

#include <stdint.h>

#include <jansson.h>

struct node;

/* GET /api/v1/leaderboard: every known node scored and explained. */
json_t	*ledger_leaderboard(struct node *, const uint8_t *network_id);
/* The node's own score and measured age in days; 0 or -1. */
int	ledger_self(struct node *, const uint8_t *network_id, double *score,
	    double *age);

/* One challenge session this node ran as a verifier: its own record. */
enum ledger_outcome {
	LEDGER_MEASURED = 0,	/* the path opened; the figures say the rest */
	LEDGER_UNREACHABLE,	/* no session with the node */
	LEDGER_REFUSED		/* the node refused the room or the join */
};

/* Each outcome's name, for the API and the metrics. */
extern const char *const ledger_outcome_names[];

struct ledger_challenge {
	uint8_t			subject[32];
	uint64_t		started, ended;		/* Unix seconds */
	enum ledger_outcome	outcome;
	uint32_t		sent, passed, late, forged;
	uint64_t		bytes;			/* both ways, all overhead */
	uint32_t		throughput_kbps;
	uint32_t		rtt_median_us, rtt_spread_us, loss_ppm;
};

/* Keep a challenge record (pruned after ledger-retention days); 0 or -1. */
int	ledger_challenge_add(struct node *, const struct ledger_challenge *);
/*
 * Called every minute by net.c: settle the held vouches
 * (rep_vouch_settle; forfeits are kept), take up new vouch records,
 * append the scores that moved to the history, and delete history and
 * challenge records older than ledger-retention days.  0 or -1.
 */
int	ledger_tick(struct node *, const uint8_t *network_id);
/*
 * GET /api/v1/network/nodes/ID "reputation": the node's score explained
 * (components, the reports counted and their weights, vouches, score
 * history, this node's challenge records about it); NULL if unknown.
 */
json_t	*ledger_explain(struct node *, const uint8_t *network_id,
	    const uint8_t id[32]);

#endif
