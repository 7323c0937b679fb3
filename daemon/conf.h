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

#define CONF_MAX_LINE		4096	/* longest accepted line */
#define CONF_MAX_LISTEN		8	/* listen-address entries */
#define CONF_ERRLEN		512

/* An address to bind, parsed from "HOST" or "HOST:PORT" / "[V6]:PORT". */
struct conf_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
	char			text[80];	/* as written, for printing */
};

/* The effective configuration.  Values are always set (defaults first). */
struct conf {
	char		*state_dir;
	struct conf_addr listen[CONF_MAX_LISTEN];	/* port not yet applied */
	size_t		 nlisten;
	uint16_t	 port;				/* UDP and TCP */
	struct conf_addr http;				/* with its port */
	int		 log_level;			/* enum log_level */
	int		 log_addresses;			/* enum log_addresses */
	unsigned	 drain_timeout;			/* seconds */
	char		*dashboard_dir;
	unsigned	 max_tcp_connections;
	unsigned	 tcp_idle_timeout;		/* seconds */
	unsigned	 http_max_connections;
	unsigned	 http_timeout;			/* seconds */
};

/* Parser state: one file (or the command line) at a time. */
struct conf_reader {
	struct conf	*conf;
	const char	*file;			/* for messages */
	unsigned	 line;
	uint64_t	 seen[2];		/* bitmap of keys set by this source */
	char		 err[CONF_ERRLEN];	/* "FILE:LINE: reason" */
};

/* A fresh configuration holding every default; NULL on ENOMEM. */
struct conf	*conf_new(void);
void		 conf_free(struct conf *);

/* Parse one source into conf (which holds defaults or earlier values). */
int	conf_read_init(struct conf_reader *, struct conf *, const char *file);
/* One line, without its newline; -1 with r->err set on error. */
int	conf_read_line(struct conf_reader *, const char *line, size_t len);
/* Checks that need the whole source; -1 with r->err set. */
int	conf_read_finish(struct conf_reader *);

/* Set key to value as if read from file:line (used for --key=value). */
int	conf_set(struct conf_reader *, const char *key, const char *value);
/* 1 if key is in the table. */
int	conf_is_key(const char *key);

/*
 * Build the effective configuration: defaults, then the file (if path is
 * not NULL), then the --key=value options in opts[0..nopts).  Returns
 * NULL and fills err with "FILE:LINE: reason" on any error.
 */
struct conf *conf_load(const char *path, char *const *opts, size_t nopts,
	    char *err, size_t errlen);

/* Print the configuration as a file conf_load would read back. */
void	conf_print(const struct conf *, FILE *);
/* Print the key table (--help). */
void	conf_usage(FILE *);

#endif
