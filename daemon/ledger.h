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

#endif
