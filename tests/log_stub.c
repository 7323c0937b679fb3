/*
 * log_stub.c - the log interface for unit tests and fuzz targets: keeps
 * quiet unless CHORUS_TEST_LOG is set, and never exits on its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../daemon/log.h"

static void __attribute__((format(printf, 1, 0)))
stub_vlog(const char *fmt, va_list ap)
{
	if (getenv("CHORUS_TEST_LOG") == NULL)
		return;
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define STUB(name)						\
void name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	stub_vlog(fmt, ap);					\
	va_end(ap);						\
}
STUB(log_error)
STUB(log_warn)
STUB(log_warnx)
STUB(log_notice)
STUB(log_info)
STUB(log_debug)

void
fatal(const char *fmt, ...)
{
	abort();
}

void
fatalx(const char *fmt, ...)
{
	abort();
}

void log_init(enum log_level l, enum log_addresses a) {}
void log_set_level(enum log_level l) {}
void log_set_addresses(enum log_addresses a) {}
int log_get_level(void) { return LOG_LEVEL_INFO; }

const char *
log_level_name(int l)
{
	return "info";
}

const char *
log_addr(const struct sockaddr *sa, char buf[LOG_ADDRSTRLEN])
{
	strcpy(buf, "[redacted]");
	return buf;
}

void
log_warnx_rl(struct log_ratelimit *rl, uint64_t now, const char *fmt, ...)
{
}
