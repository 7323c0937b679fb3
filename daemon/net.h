/*
 * net.h - the node in the node network (DHT descriptors and records).
 */
#ifndef CHORUSD_NET_H
#define CHORUSD_NET_H

#include <stddef.h>

#include <jansson.h>

struct node;
struct net;

/* Join the DHT and start publishing; NULL with err. */
struct net	*net_new(struct node *, char *err, size_t errlen);
void		 net_free(struct net *);
/* GET /api/v1/network/nodes */
json_t		*net_nodes_json(struct net *);
/* POST /api/v1/reports: a signed report; 0, or -1 with *why. */
int		 net_submit(struct net *, const uint8_t *, size_t,
		    const char **why);
/* GET /api/v1/leaderboard */
json_t		*net_leaderboard_json(struct net *);
/* Record and DHT counters. */
json_t		*net_stats_json(const struct net *);

#endif
