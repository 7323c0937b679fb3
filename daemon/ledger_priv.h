/*
 * ledger_priv.h - the ledger's computation, shared by ledger.c (scoring,
 * vouches, history) and ledger_explain.c (the explanation of one node).
 */
#ifndef CHORUSD_LEDGER_PRIV_H
#define CHORUSD_LEDGER_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "chorus/netrec.h"
#include "chorus/reputation.h"
#include "store.h"

struct node;

#define LEDGER_ROUNDS		3
#define LEDGER_MAX_NODES	1024
#define LEDGER_MAX_REPORTS	4096
#define LEDGER_MAX_VRECS	4096	/* vouch records looked at */
#define LEDGER_MAX_VOUCHES	4096	/* vouch rows kept (store cap) */
#define LEDGER_HELD_MAX		16	/* stakes one voucher holds at once */
#define LEDGER_HISTORY_SEC	600	/* a history point at least this often */
#define LEDGER_HISTORY_DELTA	0.001	/* ... or when the score moved this */
#define LEDGER_HISTORY_MAX	200000	/* rows: some 37 MB */
#define LEDGER_CHALLENGE_MAX	100000	/* rows: some 15 MB */
#define LEDGER_FORFEIT_DAYS	365	/* a forfeit is kept at least this */
#define LEDGER_EXPLAIN_REPORTS	256
#define LEDGER_EXPLAIN_HISTORY	60
#define LEDGER_EXPLAIN_CHALLENGES 20
#define LEDGER_DAY		86400.0
#define LEDGER_MAX_SEEN		4096	/* nodes_seen rows */

struct ledger_node {
	struct netrec	 desc;
	uint64_t	 key;		/* first 8 bytes of the ID */
	uint64_t	 prefix;
	uint64_t	 first;		/* earliest window start, Unix s,
					   not before seen */
	uint64_t	 seen;		/* this node first saw it; 0: not yet */
	size_t		 rfirst, nrep;	/* its reports in ledger.reports */
	double		 vouch_in;	/* stakes held on it */
	double		 vouch_out;	/* its stakes held on others */
	size_t		 nheld;		/* how many of those */
	size_t		 forfeit, nforfeit;	/* in ledger.forfeits */
	double		 score;
	struct rep_explain ex;
};

/* A vouch record, as much of it as the ledger uses. */
struct ledger_vrec {
	uint8_t		 voucher[CRYPTO_ED25519_PUB_LEN];
	uint8_t		 vouchee[CRYPTO_ED25519_PUB_LEN];
	uint32_t	 points;
};

struct ledger {
	const uint8_t		*network_id;
	uint64_t		 now;
	struct rep_params	 par;
	struct ledger_node	*nodes;		/* by ID */
	size_t			 nnodes;
	struct netrec		*reports;	/* by subject */
	size_t			 nreports;
	struct ledger_vrec	*vrecs;
	size_t			 nvrecs;
	struct store_vouch	*vouches;	/* by voucher, vouchee */
	size_t			 nvouches;
	struct rep_forfeit	*forfeits;
	size_t			 nforfeits;
	struct rep_report	*rr;		/* one subject's reports */
	struct rep_scratch	*sc;
	double			*vscore;	/* the last round's verifiers */
	double			 test_score, test_days;	/* ledger_test_env() */
	double			 day;		/* seconds; tests may shorten */
};

extern const char *const ledger_state_names[];

/* Load the records and score every node; 0, or -1 (l freed). */
int	ledger_run(struct node *, const uint8_t *network_id, struct ledger *);
void	ledger_free(struct ledger *);
/* Days from then to the ledger's now; 0 if then is later. */
double	ledger_days(const struct ledger *, int64_t then);
/* The node with this ID, or NULL. */
struct ledger_node *ledger_find(const struct ledger *, const uint8_t *id);
/* The ledger's row for a voucher and vouchee, or NULL. */
struct store_vouch *ledger_find_vouch(const struct ledger *,
	    const uint8_t *voucher, const uint8_t *vouchee);
/* What rep_score() needs about s: its reports into l->rr, its vouches. */
void	ledger_input(struct ledger *, struct ledger_node *s,
	    const double *prev, struct rep_input *);
/* The leaderboard's entry for n. */
json_t	*ledger_entry(const struct ledger *, const struct ledger_node *);
/* A voucher's own score: what it earned, less its forfeits. */
double	ledger_own(const struct ledger_node *);
/* What v may stake now on one more vouchee that claims points. */
double	ledger_stake(const struct ledger *, const struct ledger_node *v,
	    uint32_t points);

#endif
