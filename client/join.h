/*
 * join.h - chorus join's options, shared by the single participant
 * (cmd_join.c) and the simulated crowd (join_sim.c).
 */
#ifndef CHORUS_JOIN_H
#define CHORUS_JOIN_H

#include "chorus/room.h"
#include "rclient.h"

struct join_args {
	const char	*link_text;
	struct room_link link;
	size_t		 node;		/* the link's node to use (--simulate) */
	const char	*send, *record, *identity, *password, *network_key;
	const char	*api;		/* --api: reputations for ranking */
	const char	*blocklist;	/* --blocklist FILE, followed live */
	const char	*invite;	/* --invite FILE (chorus invite) */
	double		 duration;	/* 0: until the input ends (+ 1 s) */
	double		 timeout;	/* handshake */
	double		 rekey;		/* --rekey-after, 0: the default */
	int		 stats_json;
	int		 tcp;
	unsigned	 tls_port;	/* --tls PORT, 0: not TLS */
	int		 music;
	int		 bitrate;
	unsigned	 simulate;	/* participants, 0: one real one */
	unsigned	 speakers;	/* of them, speaking */
	uint8_t		 psk[32];
};

/* Run N simulated participants (join_sim.c). */
int	join_simulate(struct join_args *);

#endif
