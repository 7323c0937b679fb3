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
/* conn options for the first node of a link. */
void	cli_link_conn(const struct room_link *, struct conn_opts *);
/* Exit status for a node's refusal (enum ctrl_code) and a conn failure. */
int	cli_exit_code(unsigned code);
int	cli_exit_conn(enum conn_error);
/* Run the loop until *done or timeout_ms (0: no limit); 0 if done. */
int	cli_run(struct event_base *, const int *done, unsigned timeout_ms);
/* Parse a number of seconds ("2.5"); -1 on error. */
int	cli_seconds(const char *, double *);

#endif
