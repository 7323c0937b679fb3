/*
 * test_conf.c - the configuration parser: defaults, every value type,
 * every error message (exactly as an operator sees it), command-line
 * overrides, the conf_print round trip and the shipped sample file.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "../../daemon/conf.h"
#include "../../daemon/log.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/chorus"
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define TEST_NKEYS	12	/* keys in the table today */

/* How a valid case is checked. */
enum want_kind {
	W_U16,		/* uint16_t field */
	W_UINT,		/* unsigned field */
	W_INT,		/* int field (enums) */
	W_STR,		/* char * field */
	W_ADDR,		/* struct conf_addr field: its text */
	W_LISTEN,	/* the listen list: count and texts joined by ',' */
};

struct valid_case {
	const char	*text;
	enum want_kind	 kind;
	size_t		 off;
	long long	 num;
	const char	*str;
};

#define O(f)	offsetof(struct conf, f)

static const struct valid_case valid_cases[] = {
	{ "port = 3479", W_U16, O(port), 3479, NULL },
	{ "port=1", W_U16, O(port), 1, NULL },
	{ "port = 65535", W_U16, O(port), 65535, NULL },
	{ "port = 0", W_U16, O(port), 0, NULL },
	{ " \tport\t=\t 4000  ", W_U16, O(port), 4000, NULL },
	{ "port = 4001 # the usual", W_U16, O(port), 4001, NULL },
	{ "port = 4002\t# tab before the comment", W_U16, O(port), 4002, NULL },
	{ "# a comment\n\n   # another\nport = 4003", W_U16, O(port), 4003,
	    NULL },
	{ "port = 4004\r", W_U16, O(port), 4004, NULL },
	{ "\r\n# crlf\r\nport = 4005\r\n", W_U16, O(port), 4005, NULL },
	{ "port = 04006", W_U16, O(port), 4006, NULL },
	{ "state-dir = /tmp/chorus", W_STR, O(state_dir), 0, "/tmp/chorus" },
	{ "state-dir = relative/dir", W_STR, O(state_dir), 0, "relative/dir" },
	{ "state-dir = /a#b", W_STR, O(state_dir), 0, "/a#b" },
	{ "state-dir = /with space", W_STR, O(state_dir), 0, "/with space" },
	{ "state-dir = /x=y", W_STR, O(state_dir), 0, "/x=y" },
	{ "dashboard-dir = /srv/dash", W_STR, O(dashboard_dir), 0,
	    "/srv/dash" },
	{ "http-address = 127.0.0.1:8441", W_ADDR, O(http), 0,
	    "127.0.0.1:8441" },
	{ "http-address = [::1]:8441", W_ADDR, O(http), 0, "[::1]:8441" },
	{ "http-address = [2001:DB8::1]:80", W_ADDR, O(http), 0,
	    "[2001:db8::1]:80" },
	{ "http-address = 0.0.0.0:0", W_ADDR, O(http), 0, "0.0.0.0:0" },
	{ "log-level = error", W_INT, O(log_level), LOG_LEVEL_ERROR, NULL },
	{ "log-level = warning", W_INT, O(log_level), LOG_LEVEL_WARNING, NULL },
	{ "log-level = notice", W_INT, O(log_level), LOG_LEVEL_NOTICE, NULL },
	{ "log-level = info", W_INT, O(log_level), LOG_LEVEL_INFO, NULL },
	{ "log-level = debug", W_INT, O(log_level), LOG_LEVEL_DEBUG, NULL },
	{ "log-addresses = no", W_INT, O(log_addresses), LOG_ADDRESSES_NO,
	    NULL },
	{ "log-addresses = truncated", W_INT, O(log_addresses),
	    LOG_ADDRESSES_TRUNCATED, NULL },
	{ "log-addresses = full", W_INT, O(log_addresses), LOG_ADDRESSES_FULL,
	    NULL },
	{ "drain-timeout = 30", W_UINT, O(drain_timeout), 30, NULL },
	{ "drain-timeout = 30s", W_UINT, O(drain_timeout), 30, NULL },
	{ "drain-timeout = 5m", W_UINT, O(drain_timeout), 300, NULL },
	{ "drain-timeout = 1h", W_UINT, O(drain_timeout), 3600, NULL },
	{ "drain-timeout = 24h", W_UINT, O(drain_timeout), 86400, NULL },
	{ "drain-timeout = 1s", W_UINT, O(drain_timeout), 1, NULL },
	{ "tcp-idle-timeout = 60m", W_UINT, O(tcp_idle_timeout), 3600, NULL },
	{ "http-timeout = 5m", W_UINT, O(http_timeout), 300, NULL },
	{ "max-tcp-connections = 1", W_UINT, O(max_tcp_connections), 1, NULL },
	{ "max-tcp-connections = 65535", W_UINT, O(max_tcp_connections),
	    65535, NULL },
	{ "http-max-connections = 1024", W_UINT, O(http_max_connections),
	    1024, NULL },
	{ "listen-address = 127.0.0.1", W_LISTEN, 0, 1, "127.0.0.1" },
	{ "listen-address = [::1]", W_LISTEN, 0, 1, "::1" },
	{ "listen-address = 2001:DB8::7", W_LISTEN, 0, 1, "2001:db8::7" },
	{ "listen-address = *", W_LISTEN, 0, 2, "0.0.0.0,::" },
	{ "listen-address = 192.0.2.1\nlisten-address = ::1", W_LISTEN, 0, 2,
	    "192.0.2.1,::1" },
	{ "listen-address = 0.0.0.0\nlisten-address = ::1", W_LISTEN, 0, 2,
	    "0.0.0.0,::1" },
};

#undef O

struct error_case {
	const char	*text;
	const char	*err;
};

static const struct error_case error_cases[] = {
	{ "prot = 1", "t.conf:1: unknown key \"prot\"" },
	{ "Port = 1", "t.conf:1: unknown key \"Port\"" },
	{ "port = 99999",
	    "t.conf:1: port: \"99999\" is not a port number (1-65535)" },
	{ "port = 65536",
	    "t.conf:1: port: \"65536\" is not a port number (1-65535)" },
	{ "port = -1",
	    "t.conf:1: port: \"-1\" is not a port number (1-65535)" },
	{ "port = +1",
	    "t.conf:1: port: \"+1\" is not a port number (1-65535)" },
	{ "port = 0x10",
	    "t.conf:1: port: \"0x10\" is not a port number (1-65535)" },
	{ "port = 3478x",
	    "t.conf:1: port: \"3478x\" is not a port number (1-65535)" },
	{ "port = 34 78",
	    "t.conf:1: port: \"34 78\" is not a port number (1-65535)" },
	{ "port = 99999999999999999999999",
	    "t.conf:1: port: \"99999999999999999999999\" is not a port number "
	    "(1-65535)" },
	{ "\n\nport = 1\n# x\nport = 2",
	    "t.conf:5: duplicate key \"port\" (first set on line 3)" },
	{ "log-level = info\nlog-level = info",
	    "t.conf:2: duplicate key \"log-level\" (first set on line 1)" },
	{ "port", "t.conf:1: expected \"key = value\"" },
	{ "port 3478", "t.conf:1: expected \"key = value\"" },
	{ "port # = 3478", "t.conf:1: expected \"key = value\"" },
	{ "= 5", "t.conf:1: missing key before \"=\"" },
	{ "port =", "t.conf:1: port: empty value" },
	{ "port =   \t", "t.conf:1: port: empty value" },
	{ "port = # nothing", "t.conf:1: port: empty value" },
	{ "state-dir =", "t.conf:1: state-dir: empty value" },
	{ "state-dir = /a\001b",
	    "t.conf:1: state-dir: \"/a?b\" contains a control character" },
	{ "state-dir = /a\tb",
	    "t.conf:1: state-dir: \"/a?b\" contains a control character" },
	{ "log-level = loud", "t.conf:1: log-level: \"loud\" is not error, "
	    "warning, notice, info or debug" },
	{ "log-level = INFO", "t.conf:1: log-level: \"INFO\" is not error, "
	    "warning, notice, info or debug" },
	{ "log-addresses = yes", "t.conf:1: log-addresses: \"yes\" is not no, "
	    "truncated or full" },
	{ "drain-timeout = 0", "t.conf:1: drain-timeout: \"0\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 25h", "t.conf:1: drain-timeout: \"25h\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 86401", "t.conf:1: drain-timeout: \"86401\" is not "
	    "a duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 2d", "t.conf:1: drain-timeout: \"2d\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = m", "t.conf:1: drain-timeout: \"m\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 1.5h", "t.conf:1: drain-timeout: \"1.5h\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 5 m", "t.conf:1: drain-timeout: \"5 m\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "drain-timeout = 5ms", "t.conf:1: drain-timeout: \"5ms\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
	{ "tcp-idle-timeout = 2h", "t.conf:1: tcp-idle-timeout: \"2h\" is not "
	    "a duration from 1s to 3600s (suffix s, m or h)" },
	{ "http-timeout = 301", "t.conf:1: http-timeout: \"301\" is not a "
	    "duration from 1s to 300s (suffix s, m or h)" },
	{ "max-tcp-connections = 0", "t.conf:1: max-tcp-connections: \"0\" "
	    "is not a number from 1 to 65535" },
	{ "max-tcp-connections = 65536", "t.conf:1: max-tcp-connections: "
	    "\"65536\" is not a number from 1 to 65535" },
	{ "http-max-connections = 1025", "t.conf:1: http-max-connections: "
	    "\"1025\" is not a number from 1 to 1024" },
	{ "listen-address = localhost", "t.conf:1: listen-address: "
	    "\"localhost\" is not a numeric IPv4 or IPv6 address, or *" },
	{ "listen-address = 1.2.3", "t.conf:1: listen-address: \"1.2.3\" is "
	    "not a numeric IPv4 or IPv6 address, or *" },
	{ "listen-address = [1.2.3.4]", "t.conf:1: listen-address: "
	    "\"[1.2.3.4]\" is not a numeric IPv4 or IPv6 address, or *" },
	{ "listen-address = 127.0.0.1:3478", "t.conf:1: listen-address: "
	    "\"127.0.0.1:3478\" is not a numeric IPv4 or IPv6 address, or *" },
	{ "listen-address = 127.0.0.1\nlisten-address = 127.0.0.1",
	    "t.conf:2: listen-address: \"127.0.0.1\" is listed twice" },
	{ "listen-address = ::1\nlisten-address = [0::1]",
	    "t.conf:2: listen-address: \"::1\" is listed twice" },
	{ "listen-address = *\nlisten-address = ::1",
	    "t.conf:2: listen-address: \"::1\" overlaps \"::\"" },
	{ "listen-address = 127.0.0.1\nlisten-address = *",
	    "t.conf:2: listen-address: \"0.0.0.0\" overlaps \"127.0.0.1\"" },
	{ "listen-address = 10.0.0.1\nlisten-address = 10.0.0.2\n"
	    "listen-address = 10.0.0.3\nlisten-address = 10.0.0.4\n"
	    "listen-address = 10.0.0.5\nlisten-address = 10.0.0.6\n"
	    "listen-address = 10.0.0.7\nlisten-address = 10.0.0.8\n"
	    "listen-address = 10.0.0.9",
	    "t.conf:9: listen-address: more than 8 addresses" },
	{ "http-address = 127.0.0.1", "t.conf:1: http-address: \"127.0.0.1\" "
	    "is not a numeric ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = ::1:8440", "t.conf:1: http-address: \"::1:8440\" "
	    "is not a numeric ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = [::1]8440", "t.conf:1: http-address: \"[::1]8440\" "
	    "is not a numeric ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = [::1]:", "t.conf:1: http-address: \"[::1]:\" "
	    "is not a numeric ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = localhost:80", "t.conf:1: http-address: "
	    "\"localhost:80\" is not a numeric ADDRESS:PORT like "
	    "127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = 127.0.0.1:65536", "t.conf:1: http-address: "
	    "\"127.0.0.1:65536\" is not a numeric ADDRESS:PORT like "
	    "127.0.0.1:8440 or [::1]:8440" },
	{ "http-address = *:8440", "t.conf:1: http-address: \"*:8440\" "
	    "is not a numeric ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440" },
	{ "# clash\nhttp-address = 127.0.0.1:3478",
	    "t.conf:2: http-address 127.0.0.1:3478 uses port 3478, which is "
	    "also the TURN port" },
	{ "http-address = [::1]:9000\n\nport = 9000",
	    "t.conf:3: http-address [::1]:9000 uses port 9000, which is also "
	    "the TURN port" },
	{ "thisisaverylongkeynamethatgoesonandonandonforwellovertheshowlimit"
	    "ofsixtyfour = 1", "t.conf:1: unknown key \"thisisaverylongkeyname"
	    "thatgoesonandonandonforwellovertheshowlimi...\"" },
};

struct opts_case {
	const char	*opts[3];
	const char	*err;
};

static const struct opts_case opts_cases[] = {
	{ { "--port=abc" }, "command line: --port=abc: port: \"abc\" is not "
	    "a port number (1-65535)" },
	{ { "--prot=1" }, "command line: --prot=1: unknown key \"prot\"" },
	{ { "--port" }, "command line: --port: expected --key=value" },
	{ { "--port=" }, "command line: --port=: port: empty value" },
	{ { "--port=1", "--port=2" },
	    "command line: --port=2: duplicate key \"port\"" },
	{ { "--state-dir=#x" }, "command line: --state-dir=#x: state-dir: "
	    "\"#x\": a '#' at the start or after a blank begins a comment" },
	{ { "--state-dir=/a #b" }, "command line: --state-dir=/a #b: "
	    "state-dir: \"/a #b\": a '#' at the start or after a blank begins "
	    "a comment" },
	{ { "--state-dir=/a\nb" }, "command line: --state-dir=/a?b: "
	    "state-dir: \"/a?b\" contains a control character" },
	{ { "--http-address=127.0.0.1:1", "--port=1" }, "command line: "
	    "http-address 127.0.0.1:1 uses port 1, which is also the TURN "
	    "port" },
};

/* Parse text (lines split on '\n') as the file "t.conf" over defaults. */
static struct conf *
parse(const char *text, char *err, size_t errlen)
{
	struct conf_reader r;
	struct conf *c;
	const char *p = text, *nl;

	err[0] = '\0';
	if ((c = conf_new()) == NULL)
		abort();
	conf_read_init(&r, c, "t.conf");
	for (;;) {
		nl = strchr(p, '\n');
		if (conf_read_line(&r, p, nl != NULL ? (size_t)(nl - p) :
		    strlen(p)) == -1)
			goto fail;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (conf_read_finish(&r) == -1)
		goto fail;
	return c;
 fail:
	snprintf(err, errlen, "%s", r.err);
	conf_free(c);
	return NULL;
}

/* The listen list as "a,b,c". */
static void
listen_text(const struct conf *c, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < c->nlisten && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? "," : "",
		    c->listen[i].text);
}

/* Check one valid case's field. */
static void
check_valid(const struct valid_case *v)
{
	char err[CONF_ERRLEN], name[128], buf[512];
	struct conf *c;
	const char *f;

	snprintf(name, sizeof(name), "valid: \"%s\"", v->text);
	for (f = name; (f = strpbrk(f, "\r\n\t")) != NULL; )
		name[f - name] = ' ';
	if ((c = parse(v->text, err, sizeof(err))) == NULL) {
		tap_ok(0, "%s", name);
		tap_diag("  error: %s", err);
		return;
	}
	f = (const char *)c + v->off;
	switch (v->kind) {
	case W_U16:
		tap_is_int(*(const uint16_t *)(const void *)f, v->num, name);
		break;
	case W_UINT:
		tap_is_int(*(const unsigned *)(const void *)f, v->num, name);
		break;
	case W_INT:
		tap_is_int(*(const int *)(const void *)f, v->num, name);
		break;
	case W_STR:
		tap_is_str(*(char *const *)(const void *)f, v->str, name);
		break;
	case W_ADDR:
		tap_is_str(((const struct conf_addr *)(const void *)f)->text,
		    v->str, name);
		break;
	case W_LISTEN:
		listen_text(c, buf, sizeof(buf));
		if (c->nlisten != (size_t)v->num)
			tap_is_int(c->nlisten, v->num, name);
		else
			tap_is_str(buf, v->str, name);
		break;
	}
	conf_free(c);
}

/* Check one error case's message. */
static void
check_error(const struct error_case *e)
{
	char err[CONF_ERRLEN];
	struct conf *c;

	c = parse(e->text, err, sizeof(err));
	tap_is_str(c == NULL ? err : "(parsed)", e->err, e->err);
	conf_free(c);
}

/* Every default. */
static void
test_defaults(void)
{
	struct conf *c;
	char buf[256];

	if ((c = conf_new()) == NULL)
		abort();
	tap_is_str(c->state_dir, LOCALSTATEDIR "/lib/chorus",
	    "default state-dir");
	tap_is_str(c->dashboard_dir, PKGDATADIR "/dashboard",
	    "default dashboard-dir");
	listen_text(c, buf, sizeof(buf));
	tap_is_str(buf, "0.0.0.0,::", "default listen-address is * (two)");
	tap_is_int(c->listen[0].ss.ss_family, AF_INET, "first is IPv4");
	tap_is_int(c->listen[1].ss.ss_family, AF_INET6, "second is IPv6");
	tap_is_int(c->listen[1].len, sizeof(struct sockaddr_in6),
	    "IPv6 length");
	tap_is_int(c->port, 3478, "default port");
	tap_is_str(c->http.text, "127.0.0.1:8440", "default http-address");
	tap_is_int(ntohs(((struct sockaddr_in *)(void *)&c->http.ss)->sin_port),
	    8440, "http-address port in the sockaddr");
	tap_is_int(c->log_level, LOG_LEVEL_INFO, "default log-level");
	tap_is_int(c->log_addresses, LOG_ADDRESSES_NO, "default log-addresses");
	tap_is_int(c->drain_timeout, 300, "default drain-timeout");
	tap_is_int(c->max_tcp_connections, 1024, "default max-tcp-connections");
	tap_is_int(c->tcp_idle_timeout, 60, "default tcp-idle-timeout");
	tap_is_int(c->http_max_connections, 64,
	    "default http-max-connections");
	tap_is_int(c->http_timeout, 10, "default http-timeout");
	conf_free(c);
	conf_free(NULL);
	tap_ok(1, "conf_free(NULL)");
	tap_ok(conf_is_key("port") && conf_is_key("listen-address") &&
	    !conf_is_key("prot") && !conf_is_key(""), "conf_is_key");
}

/* A line too long and a NUL byte, which the tables cannot hold. */
static void
test_raw_lines(void)
{
	struct conf_reader r;
	struct conf *c;
	char *big;

	if ((c = conf_new()) == NULL ||
	    (big = malloc(CONF_MAX_LINE + 2)) == NULL)
		abort();
	memset(big, '#', CONF_MAX_LINE + 1);
	conf_read_init(&r, c, "t.conf");
	tap_ok(conf_read_line(&r, big, CONF_MAX_LINE) == 0,
	    "a comment of exactly CONF_MAX_LINE bytes is fine");
	tap_ok(conf_read_line(&r, big, CONF_MAX_LINE + 1) == -1,
	    "a line of CONF_MAX_LINE + 1 bytes is refused");
	tap_is_str(r.err, "t.conf:2: line is longer than 4096 bytes",
	    "line too long message");
	conf_read_init(&r, c, "t.conf");
	tap_ok(conf_read_line(&r, "port = 1\0", 9) == -1, "NUL refused");
	tap_is_str(r.err, "t.conf:1: line contains a NUL byte", "NUL message");
	conf_read_init(&r, c, "t.conf");
	tap_ok(conf_read_line(&r, "port = 1234", 8) == 0 && c->port == 1,
	    "the length given is the line's length");
	free(big);
	conf_free(c);
}

/* Options after the file, and their messages. */
static void
test_opts(void)
{
	char err[CONF_ERRLEN], path[] = "/tmp/test_conf.XXXXXX", buf[256];
	char *opts[3];
	struct conf *c;
	size_t i, n;
	FILE *f;
	int fd;

	for (i = 0; i < nitems(opts_cases); i++) {
		for (n = 0; n < 3 && opts_cases[i].opts[n] != NULL; n++)
			opts[n] = (char *)opts_cases[i].opts[n];
		c = conf_load(NULL, opts, n, err, sizeof(err));
		tap_is_str(c == NULL ? err : "(parsed)", opts_cases[i].err,
		    opts_cases[i].err);
		conf_free(c);
	}
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(f, "port = 4000\nlisten-address = 127.0.0.1\n"
	    "listen-address = ::1\nlog-level = debug\n");
	fclose(f);
	opts[0] = "--port=5000";
	opts[1] = "--listen-address=192.0.2.7";
	opts[2] = "http-timeout=20s";
	c = conf_load(path, opts, 3, err, sizeof(err));
	tap_ok(c != NULL, "file plus overriding options load");
	if (c != NULL) {
		tap_is_int(c->port, 5000, "the command line wins over the "
		    "file");
		listen_text(c, buf, sizeof(buf));
		tap_is_str(buf, "192.0.2.7", "an option replaces the file's "
		    "listen-address list");
		tap_is_int(c->log_level, LOG_LEVEL_DEBUG, "file value kept");
		tap_is_int(c->http_timeout, 20, "option without the --");
	}
	conf_free(c);
	c = conf_load(path, NULL, 0, err, sizeof(err));
	listen_text(c, buf, sizeof(buf));
	tap_is_str(buf, "127.0.0.1,::1", "a file's list replaces the default");
	conf_free(c);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "# ok\r\nport = x\r\n");
	fclose(f);
	c = conf_load(path, NULL, 0, err, sizeof(err));
	snprintf(buf, sizeof(buf), "%s:2: port: \"x\" is not a port number "
	    "(1-65535)", path);
	tap_is_str(c == NULL ? err : "(parsed)", buf,
	    "conf_load names the file");
	conf_free(c);
	unlink(path);
	c = conf_load(path, NULL, 0, err, sizeof(err));
	snprintf(buf, sizeof(buf), "%s: cannot open: No such file or directory",
	    path);
	tap_is_str(c == NULL ? err : "(parsed)", buf, "missing file");
	conf_free(c);
}

/* Print c, load the result, compare; also count the lines printed. */
static void
check_round_trip(const struct conf *c, const char *name)
{
	char *text = NULL, err[CONF_ERRLEN];
	size_t len = 0, lines = 0, i;
	struct conf *back;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	conf_print(c, f);
	fclose(f);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	tap_is_int(lines, 1 + TEST_NKEYS + c->nlisten - 1,
	    "conf_print: a header, one line per key and per address");
	back = parse(text, err, sizeof(err));
	if (!tap_ok(back != NULL && conf_equal(c, back), "%s", name))
		tap_diag("  %s\n%s", err, text);
	conf_free(back);
	free(text);
}

/* conf_print reads back to an equal configuration. */
static void
test_round_trip(void)
{
	char err[CONF_ERRLEN];
	struct conf *a, *b;

	if ((a = conf_new()) == NULL)
		abort();
	check_round_trip(a, "defaults round trip");
	conf_free(a);
	a = parse("state-dir = /srv/chorus state\ndashboard-dir = rel/dash#1\n"
	    "listen-address = 192.0.2.1\nlisten-address = [2001:db8::1]\n"
	    "listen-address = ::ffff:198.51.100.2\nport = 0\n"
	    "max-tcp-connections = 7\ntcp-idle-timeout = 1m\n"
	    "http-address = [::]:0\nhttp-max-connections = 3\n"
	    "http-timeout = 2m\nlog-level = debug\nlog-addresses = full\n"
	    "drain-timeout = 1h\n", err, sizeof(err));
	if (a == NULL)
		tap_diag("  %s", err);
	if (a == NULL)
		abort();
	check_round_trip(a, "every key changed, round trip");
	b = conf_new();
	tap_ok(!conf_equal(a, b), "conf_equal tells them apart");
	conf_free(b);
	b = parse("http-address = 127.0.0.1:8441", err, sizeof(err));
	tap_ok(b != NULL && !conf_equal(a, b), "conf_equal sees http-address");
	conf_free(b);
	conf_free(a);
}

/* --help lists every key with its default. */
static void
test_usage(void)
{
	char *text = NULL, *p;
	size_t len = 0, lines = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	conf_usage(f);
	fclose(f);
	for (p = text; *p != '\0'; p++)
		lines += *p == '\n';
	tap_is_int(lines, TEST_NKEYS, "conf_usage: one line per key");
	tap_ok(strstr(text, "  --port=PORT ") != NULL &&
	    strstr(text, "(default: 3478)\n") != NULL, "conf_usage: port line");
	tap_ok(strstr(text, "--drain-timeout=TIME") != NULL &&
	    strstr(text, "(default: 300s)\n") != NULL,
	    "conf_usage: drain-timeout line");
	free(text);
}

/* The shipped sample parses to the defaults and shows every key. */
static void
test_sample(void)
{
	char path[1024], err[CONF_ERRLEN], *text = NULL, *sample, *line, *eq;
	char want[256];
	const char *top = getenv("top_srcdir");
	struct conf *c, *def;
	size_t len = 0, slen;
	FILE *f;
	int missing = 0;

	if (top == NULL) {
		tap_ok(1, "etc/chorusd.conf # SKIP top_srcdir is not set");
		tap_ok(1, "etc/chorusd.conf keys # SKIP top_srcdir is not set");
		return;
	}
	snprintf(path, sizeof(path), "%s/etc/chorusd.conf", top);
	c = conf_load(path, NULL, 0, err, sizeof(err));
	def = conf_new();
	if (!tap_ok(c != NULL && conf_equal(c, def),
	    "etc/chorusd.conf parses and sets only defaults"))
		tap_diag("  %s", c == NULL ? err : "differs from the defaults");
	if ((f = fopen(path, "r")) == NULL) {
		tap_ok(0, "etc/chorusd.conf shows every key's default");
		conf_free(c);
		conf_free(def);
		return;
	}
	if ((sample = malloc(1 << 20)) == NULL)
		abort();
	slen = fread(sample, 1, (1 << 20) - 1, f);
	sample[slen] = '\0';
	fclose(f);
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	conf_print(def, f);
	fclose(f);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || (eq = strstr(line, " = ")) == NULL)
			continue;
		/* Paths depend on the prefix; the list is written as "*". */
		if (strncmp(line, "state-dir", 9) == 0 ||
		    strncmp(line, "dashboard-dir", 13) == 0)
			snprintf(want, sizeof(want), "\n# %.*s = ",
			    (int)(eq - line), line);
		else if (strncmp(line, "listen-address", 14) == 0)
			snprintf(want, sizeof(want),
			    "\n# listen-address = *\n");
		else
			snprintf(want, sizeof(want), "\n# %s\n", line);
		if (strstr(sample, want) == NULL) {
			tap_diag("  sample lacks \"%s\"", want + 1);
			missing++;
		}
	}
	tap_ok(missing == 0, "etc/chorusd.conf shows every key's default");
	free(text);
	free(sample);
	conf_free(c);
	conf_free(def);
}

/* Run every group; the exit status is TAP's. */
int
main(void)
{
	size_t i;

	test_defaults();
	for (i = 0; i < nitems(valid_cases); i++)
		check_valid(&valid_cases[i]);
	for (i = 0; i < nitems(error_cases); i++)
		check_error(&error_cases[i]);
	test_raw_lines();
	test_opts();
	test_round_trip();
	test_usage();
	test_sample();
	return tap_done();
}
