/*
 * prober.h - the node as a verifier: it measures other nodes of its
 * network with proof-of-bandwidth challenges, on a randomised schedule
 * within probe-budget.
 */
#ifndef CHORUSD_PROBER_H
#define CHORUSD_PROBER_H

#include <stdio.h>

#include <jansson.h>

struct net;
struct node;
struct prober;

struct prober	*prober_new(struct node *, struct net *, char *err,
		    size_t errlen);
void		 prober_free(struct prober *);
void		 prober_metrics(const struct prober *, FILE *);
/* Sessions, challenges and budget, for /api/v1/network/nodes. */
json_t		*prober_json(const struct prober *);
#endif
