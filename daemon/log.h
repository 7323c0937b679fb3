/*
 * log.h - chorusd's logging to stderr.
 *
 * When stderr is the journal ($JOURNAL_STREAM matches it) every line gets
 * a "<N>" syslog priority prefix; otherwise an ISO 8601 timestamp and the
 * level name.  Client addresses go through log_addr(), which redacts them
 * according to the log-addresses setting.  The log state is one of the
 * two kinds of global chorusd has (the other being signal flags).
 */
#ifndef CHORUSD_LOG_H
#define CHORUSD_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

/* syslog(3) priorities. */
enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* How much of a client's address a log line may show. */
enum log_addresses {
	LOG_ADDRESSES_NO = 0,		/* "[redacted]" */
	LOG_ADDRESSES_TRUNCATED,	/* IPv4 /24, IPv6 /48, no port */
	LOG_ADDRESSES_FULL,		/* address and port */
};

#define LOG_ADDRSTRLEN	64

/* Detect the journal, set the level; may be called again on reload. */
void	log_init(enum log_level, enum log_addresses);
void	log_set_level(enum log_level);
void	log_set_addresses(enum log_addresses);
int	log_get_level(void);
/* "error", "warning", "notice", "info" or "debug". */
const char *log_level_name(int);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Start-up only: log and exit(1). */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * A warning caused by a remote peer: at most burst lines per interval
 * seconds (now from the caller), then one line saying how many were held.
 */
struct log_ratelimit {
	uint64_t	window_start;	/* seconds */
	unsigned	count;
	unsigned	suppressed;
};
void	log_warnx_rl(struct log_ratelimit *, uint64_t now,
	    const char *, ...) __attribute__((format(printf, 3, 4)));

/* A client address as the log-addresses setting allows it to be shown. */
const char *log_addr(const struct sockaddr *, char buf[LOG_ADDRSTRLEN]);

#endif
