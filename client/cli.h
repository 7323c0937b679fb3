/*
 * cli.h - what the room subcommands share: identities and key files,
 * option parsing helpers, running the loop until done, and the mapping of
 * failures to exit statuses (chorus(1), EXIT STATUS).
 */
#ifndef CHORUS_CLI_H
#define CHORUS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/identity.h"
#include "chorus/room.h"
#include "conn.h"

struct event_base;

/* Read an identity file (chorus keygen); message names the file. */
int	cli_load_identity(const char *path, struct identity *,
	    char *err, size_t errlen);
/* A fresh identity that lives as long as the process. */
int	cli_ephemeral_identity(struct identity *);
/* Read a 32-byte key written as 64 hex digits (network key, room key). */
int	cli_read_key(const char *path, const char *what, uint8_t key[32],
	    char *err, size_t errlen);
/* Write a 32-byte key as hex to a new file, mode 0600. */
int	cli_write_key(const char *path, const uint8_t key[32], char *err,
	    size_t errlen);
/* "HOST:PORT" or "[V6]:PORT". */
int	cli_parse_hostport(const char *, char *host, size_t hostlen,
	    uint16_t *port);
/* How a link names a host: IPv4 or IPv6 literal, or a name. */
enum room_host_type cli_host_type(const char *);
/* conn options for node i of a link: its address and its key. */
void	cli_link_conn(const struct room_link *, size_t i, struct conn_opts *);
/* "HOST:PORT" of node i, with brackets for IPv6. */
void	cli_link_node_text(const struct room_link *, size_t i, char *out,
	    size_t outlen);
/* Exit status for a node's refusal (enum ctrl_code) and a conn failure. */
int	cli_exit_code(unsigned code);
/* What a refusal means: ctrl_code_text(), or the client's own. */
const char *cli_code_text(unsigned code);
int	cli_exit_conn(enum conn_error);
/* Run the loop until *done or timeout_ms (0: no limit); 0 if done. */
int	cli_run(struct event_base *, const int *done, unsigned timeout_ms);
/* Parse a number of seconds ("2.5"); -1 on error. */
int	cli_seconds(const char *, double *);

/* One HTTP GET's answer. */
struct cli_http {
	int	 code;		/* HTTP status; 0: no answer */
	char	*body;		/* NUL-terminated (free it), or NULL */
	size_t	 len;
	size_t	 max;		/* a longer body is dropped */
};
/*
 * GET url's path + path (libevent, a few seconds at most) into h.  -1
 * (message naming who on stderr) if url is not an http:// URL.
 */
int	cli_http_get(const char *url, const char *path, struct cli_http *h,
	    const char *who);

/*
 * Node choice (cmd_nodes.c): measure the nodes of a link (several timed
 * Noise handshakes to each, psk the network key), rank them with
 * nodesel_rank by reputation (from the API at api_url, or equal if it is
 * NULL) and predicted RTT, and write the ranking to order[l->nnodes],
 * best first, nodes that did not answer last.  0, or -1 on failure.
 */
/*
 * hosts.c: ask the API at url which of the link's nodes host the room
 * now (the node network's room announcements) and move them to the
 * front of order[n]; 0, or -1 if the node could not say.
 */
int	hosts_first(const struct room_link *, const char *url, size_t *order,
	    size_t n, const char *who);
/*
 * Rank a link's nodes (doc/REPUTATION.md "Choosing a node"); nearest:
 * by the client's predicted RTT alone, nearest first (joining a room
 * whose nodes the owner chose already).
 */
int	nodes_choose(const struct room_link *l, const char *api_url,
	    const uint8_t psk[32], unsigned timeout_ms, size_t *order,
	    const char *who, int nearest);

#endif
