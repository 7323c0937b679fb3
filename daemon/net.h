/*
 * net.h - the node in the node network (DHT descriptors and records).
 */
#ifndef CHORUSD_NET_H
#define CHORUSD_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct node;
struct net;
struct netrec_descriptor;

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
/* GET /api/v1/network/nodes/ID: descriptor and score, NULL if unknown. */
json_t		*net_node_json(struct net *, const char *id);
/* GET /api/v1/reports/PAGE (from 1); NULL for page 0. */
json_t		*net_reports_json(struct net *, unsigned page);
/* GET /api/v1/topology */
json_t		*net_topology_json(struct net *);
/* Sessions a new node may take per hour (UINT32_MAX: no limit). */
uint32_t	 net_session_allowance(const struct net *);
/* 1 if the ID is a node of the network whose descriptor we hold. */
int		 net_is_node(const struct net *, const uint8_t *id);
/* Prometheus lines. */
void		 net_metrics(const struct net *, FILE *);
/* Keep and publish a record this node signed. */
void		 net_own_record(struct net *, const uint8_t *, size_t);
/* An RTT measured to the node that descriptor describes (Vivaldi). */
void		 net_rtt_sample(struct net *, const struct netrec_descriptor *,
		    double rtt_ms);
/*
 * Every stored descriptor that still verifies (stored records are parsed
 * again), to fn until it returns non-zero.
 */
struct netrec;
void		 net_each_desc(struct net *,
		    int (*fn)(const struct netrec *, void *), void *arg);
/* A descriptor's first address with a UDP port, as text; 0 or -1. */
int		 net_desc_udp(const struct netrec_descriptor *, char *host,
		    size_t hostlen, uint16_t *port);
/* The network's 32-byte ID (netrec_network_id of network-id). */
const uint8_t	*net_network_id(const struct net *);
/* Record and DHT counters. */
json_t		*net_stats_json(const struct net *);
/* Nodes whose descriptors this node follows, itself included. */
unsigned	 net_nodes_followed(const struct net *);
struct overlay	*net_overlay(struct net *);
/* A room got its first member: announce the hosted rooms soon. */
void		 net_room_alive(struct net *);
/* GET /api/v1/network/rooms/LOCATOR (NULL: not a locator). */
json_t		*net_room_hosts_json(struct net *, const char *locator);

/* net_rooms.c: room announcements (doc/PROTOCOL.md "Room (kind 4)"). */
struct net_rooms;
struct netrec;
struct net_rooms *net_rooms_new(struct net *, struct node *);
void		 net_rooms_free(struct net_rooms *);
void		 net_rooms_changed(struct net_rooms *);
void		 net_rooms_value(struct net_rooms *, const struct netrec *);
json_t		*net_rooms_json(struct net_rooms *, const char *locator);
json_t		*net_rooms_stats_json(const struct net_rooms *);

#endif
