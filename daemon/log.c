/*
 * log.c - chorusd's logging to stderr.
 *
 * Owns the log state (level, address policy, journal detection).  Lines
 * are "<N>message" when stderr is the journal, so journald keeps the
 * priority, and "TIMESTAMP LEVEL message" otherwise.  Addresses are shown
 * only as the operator's log-addresses setting allows.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_MAXLINE		1024
#define LOG_RL_INTERVAL		10	/* seconds per rate-limit window */
#define LOG_RL_BURST		5	/* lines per window */

static struct {
	int	level;
	int	addresses;
	int	journal;
} log_state = { LOG_LEVEL_INFO, LOG_ADDRESSES_NO, 0 };

/* Is stderr the journal?  systemd sets JOURNAL_STREAM to "dev:ino". */
static int
log_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/* Set up logging; safe to call again. */
void
log_init(enum log_level level, enum log_addresses addresses)
{
	log_state.level = level;
	log_state.addresses = addresses;
	log_state.journal = log_is_journal();
}

/* Change the level (reload). */
void
log_set_level(enum log_level level)
{
	log_state.level = level;
}

/* Change the address policy (reload). */
void
log_set_addresses(enum log_addresses addresses)
{
	log_state.addresses = addresses;
}

/* The current level. */
int
log_get_level(void)
{
	return log_state.level;
}

/* Name of a level, as the config spells it. */
const char *
log_level_name(int level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		return "error";
	case LOG_LEVEL_WARNING:
		return "warning";
	case LOG_LEVEL_NOTICE:
		return "notice";
	case LOG_LEVEL_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* Write one line at a priority, with errno text if errnum is not 0. */
static void
log_vwrite(int prio, int errnum, const char *fmt, va_list ap)
{
	char msg[LOG_MAXLINE], stamp[40];
	struct timespec ts;
	struct tm tm;

	if (prio > log_state.level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_state.journal) {
		if (errnum)
			fprintf(stderr, "<%d>%s: %s\n", prio, msg,
			    strerror(errnum));
		else
			fprintf(stderr, "<%d>%s\n", prio, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (errnum)
		fprintf(stderr, "%s.%03ldZ %s: %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_level_name(prio), msg,
		    strerror(errnum));
	else
		fprintf(stderr, "%s.%03ldZ %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_level_name(prio), msg);
}

#define LOG_FN(name, prio, witherr)				\
void								\
name(const char *fmt, ...)					\
{								\
	int saved = errno;					\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	log_vwrite(prio, witherr ? saved : 0, fmt, ap);		\
	va_end(ap);						\
	errno = saved;						\
}

/* Each writes one line at its level; log_warn adds strerror(errno). */
LOG_FN(log_error, LOG_LEVEL_ERROR, 0)
LOG_FN(log_warn, LOG_LEVEL_WARNING, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARNING, 0)
LOG_FN(log_notice, LOG_LEVEL_NOTICE, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)

/* Start-up failure with errno text. */
void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Start-up failure. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* A peer-caused warning, at most LOG_RL_BURST per LOG_RL_INTERVAL. */
void
log_warnx_rl(struct log_ratelimit *rl, uint64_t now, const char *fmt, ...)
{
	va_list ap;

	if (now >= rl->window_start + LOG_RL_INTERVAL) {
		if (rl->suppressed)
			log_warnx("%u similar warnings suppressed",
			    rl->suppressed);
		rl->window_start = now;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count >= LOG_RL_BURST) {
		rl->suppressed++;
		return;
	}
	rl->count++;
	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_WARNING, 0, fmt, ap);
	va_end(ap);
}

/* An address as the log-addresses setting allows: none, prefix, or all. */
const char *
log_addr(const struct sockaddr *sa, char buf[LOG_ADDRSTRLEN])
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	char host[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	struct in_addr a4;

	if (log_state.addresses == LOG_ADDRESSES_NO || sa == NULL ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) {
		snprintf(buf, LOG_ADDRSTRLEN, "[redacted]");
		return buf;
	}
	if (sa->sa_family == AF_INET) {
		a4 = sin->sin_addr;
		if (log_state.addresses == LOG_ADDRESSES_TRUNCATED)
			a4.s_addr &= htonl(0xffffff00);
		inet_ntop(AF_INET, &a4, host, sizeof(host));
		if (log_state.addresses == LOG_ADDRESSES_TRUNCATED)
			snprintf(buf, LOG_ADDRSTRLEN, "%s/24", host);
		else
			snprintf(buf, LOG_ADDRSTRLEN, "%s:%u", host,
			    ntohs(sin->sin_port));
		return buf;
	}
	a6 = sin6->sin6_addr;
	if (log_state.addresses == LOG_ADDRESSES_TRUNCATED)
		memset(a6.s6_addr + 6, 0, 10);
	inet_ntop(AF_INET6, &a6, host, sizeof(host));
	if (log_state.addresses == LOG_ADDRESSES_TRUNCATED)
		snprintf(buf, LOG_ADDRSTRLEN, "%s/48", host);
	else
		snprintf(buf, LOG_ADDRSTRLEN, "[%s]:%u", host,
		    ntohs(sin6->sin6_port));
	return buf;
}
