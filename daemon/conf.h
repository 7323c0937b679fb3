/*
 * conf.h - chorusd's configuration: the key table, the file parser and
 * the effective configuration.
 *
 * The parser is a streaming context (conf_read_init / _line / _finish) so
 * a fuzzer can drive it line by line.  Every key in the table can be given
 * in the file as "key = value" or on the command line as --key=value (the
 * command line wins).  Errors name the file and line: "FILE:LINE: reason".
 */
#ifndef CHORUSD_CONF_H
#define CHORUSD_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "chorus/addr.h"

#define CONF_MAX_LINE		4096	/* longest accepted line */
#define CONF_MAX_LISTEN		8	/* listen-address entries */
#define CONF_ERRLEN		512
#define CONF_MAX_KEYS		128	/* size of the per-source bitmaps */
#define CONF_MAX_VALUE		1024	/* longest string or path value */
#define CONF_MAX_USERS		64	/* user = NAME:PASSWORD lines */
#define CONF_MAX_SECRETS	8	/* auth-secret lines (rotation) */
#define CONF_MAX_BOOTSTRAP	8	/* bootstrap lines */
#define CONF_MAX_VOUCH		16	/* vouch lines */
#define CONF_MAX_DENY		256	/* deny-identity lines */
#define CONF_MAX_FAMILIES	2	/* external-ip / relay-ip: one per family */
#define CONF_MAX_USER_NAME	128	/* user = NAME:..., characters */
#define CONF_MAX_PASSWORD	256	/* user = ...:PASSWORD, characters */
#define CONF_MAX_SECRET		256	/* auth-secret, characters */

/* An address to bind, parsed from "HOST" or "HOST:PORT" / "[V6]:PORT". */
struct conf_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
	char			text[80];	/* numeric form, for printing */
};

/* The effective configuration.  Values are always set (defaults first). */
struct conf {
	char		*state_dir;
	struct conf_addr listen[CONF_MAX_LISTEN];	/* port not yet applied */
	size_t		 nlisten;
	uint16_t	 port;				/* UDP and TCP; 0: any */
	struct conf_addr http;				/* with its port (0: any) */
	int		 log_level;			/* enum log_level */
	int		 log_addresses;			/* enum log_addresses */
	unsigned	 drain_timeout;			/* seconds */
	char		*dashboard_dir;
	unsigned	 max_tcp_connections;
	unsigned	 tcp_idle_timeout;		/* seconds */
	unsigned	 http_max_connections;
	unsigned	 http_timeout;			/* seconds */

	/* TURN (RFC 8656) */
	char		*realm;
	struct conf_user {
		char	*name;
		char	*password;			/* secret: wiped on free */
	}		 users[CONF_MAX_USERS];
	size_t		 nusers;
	char		*auth_secrets[CONF_MAX_SECRETS];	/* secret */
	size_t		 nauth_secrets;
	int		 allow_anonymous;
	struct addr_prefix allowed_peers[ADDR_MAX_RULES];
	size_t		 nallowed_peers;
	struct addr_prefix denied_peers[ADDR_MAX_RULES];
	size_t		 ndenied_peers;
	uint16_t	 min_port;			/* relay range */
	uint16_t	 max_port;
	/* external-ip = PUBLIC or PUBLIC/PRIVATE: 1:1 NAT mapping */
	struct conf_external {
		struct sockaddr_storage	public_ip;	/* port 0 */
		struct sockaddr_storage	private_ip;	/* AF_UNSPEC if none */
	}		 external[CONF_MAX_FAMILIES];
	size_t		 nexternal;
	struct conf_addr relay_ip[CONF_MAX_FAMILIES];	/* relay socket bind */
	size_t		 nrelay_ip;
	uint16_t	 tls_port;			/* 0: no TLS */
	char		*tls_cert;			/* NULL: no TLS */
	char		*tls_key;
	uint64_t	 max_bps;			/* per allocation, 0: none */
	unsigned	 user_quota;			/* allocations per user */
	unsigned	 total_quota;			/* allocations in all */
	unsigned	 stun_rate_limit;		/* replies/s/source, 0: off */

	/* Chorus sessions and rooms */
	unsigned	 max_sessions;
	unsigned	 session_timeout;		/* seconds */
	unsigned	 handshake_rate;		/* per second, then cookies */
	char		*network_psk_file;		/* NULL: public node */
	char		*member_keys_file;		/* NULL: anyone */
	unsigned	 max_rooms;
	unsigned	 max_room_members;
	unsigned	 full_forward_limit;
	unsigned	 forward_speakers;
	unsigned	 max_mixed_rooms;
	unsigned	 mix_speakers;
	unsigned	 mix_bitrate;
	unsigned	 mix_complexity;

	/* Node network */
	int		 dht;				/* join the DHT */
	uint16_t	 dht_port;
	char		*bootstrap[CONF_MAX_BOOTSTRAP];	/* HOST:PORT */
	size_t		 nbootstrap;
	char		*network_id;
	char		*region;			/* NULL: none */
	unsigned	 new_node_sessions;		/* per hour, 0: no limit */
	unsigned	 probe_budget;			/* MB a day, 0: none */
	unsigned	 probe_interval;		/* s, mean between probes */
	char		*vouch[CONF_MAX_VOUCH];		/* node IDs, base32 */
	size_t		 nvouch;
	char		*deny[CONF_MAX_DENY];		/* client IDs, base32 */
	size_t		 ndeny;
	unsigned	 ledger_retention;		/* days of history kept */
};

/* Parser state: one file (or the command line) at a time. */
struct conf_reader {
	struct conf	*conf;
	const char	*file;			/* for messages */
	unsigned	 line;
	uint64_t	 seen[CONF_MAX_KEYS / 64];	/* keys set by this source */
	char		 err[CONF_ERRLEN];	/* "FILE:LINE: reason" */
	unsigned	 set_line[CONF_MAX_KEYS];	/* where each was set */
	const char	*opt_key;		/* conf_set: the option being set */
	const char	*opt_value;
	int		 opts;			/* 1 once conf_set was used */
};

/* A fresh configuration holding every default; NULL on ENOMEM. */
struct conf	*conf_new(void);
void		 conf_free(struct conf *);

/* Parse one source into conf (which holds defaults or earlier values). */
int	conf_read_init(struct conf_reader *, struct conf *, const char *file);
/* One line, without its newline (a final CR is dropped); -1 on error. */
int	conf_read_line(struct conf_reader *, const char *line, size_t len);
/* Checks that need the whole source; -1 with r->err set. */
int	conf_read_finish(struct conf_reader *);

/*
 * Set key to value from an option --key=value; errors read
 * "FILE: --key=value: reason" (FILE is "command line" in conf_load).
 */
int	conf_set(struct conf_reader *, const char *key, const char *value);
/* 1 if key is in the table. */
int	conf_is_key(const char *key);
/* The name of the i-th key of the table; NULL past the end. */
const char *conf_key_name(size_t i);

/*
 * Build the effective configuration: defaults, then the file (if path is
 * not NULL), then the --key=value options in opts[0..nopts).  Returns
 * NULL and fills err with "FILE:LINE: reason" on any error.
 */
struct conf *conf_load(const char *path, char *const *opts, size_t nopts,
	    char *err, size_t errlen);

/*
 * Print the configuration as a file: every key that has a value.  With
 * show_secrets, conf_load reads it back to an equal configuration;
 * without, passwords and auth-secret values are printed as "<redacted>"
 * (which the parser refuses).  conf_print is conf_print_full(..., 0), for
 * chorusd -t.
 */
void	conf_print_full(const struct conf *, FILE *, int show_secrets);
void	conf_print(const struct conf *, FILE *);
/* Print the key table (--help). */
void	conf_usage(FILE *);
/* 1 if both hold the same value for every key. */
int	conf_equal(const struct conf *, const struct conf *);

#endif
