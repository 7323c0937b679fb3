/*
 * conf.c - chorusd's configuration: the key table, the streaming parser
 * (conf_read_init / _line / _finish, driven by conf_load and by the fuzz
 * target), the command-line overrides, and printing the result back.
 *
 * Every key is one row of conf_keys[]: its name, type, flags, default as
 * text, where it lives in struct conf, and its help line.  Defaults go
 * through the same parser as the file, so a bad default cannot build.
 * A value never contains a control character or a '#' at its start or
 * after a blank, which is what lets conf_print write a file that reads
 * back to an equal configuration.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/chorus"
#endif

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))
#define CONF_QUOTE_MAX		64	/* value bytes shown in a message */
#define CONF_CMDLINE		"command line"

enum conf_type {
	CONF_T_STRING,		/* any text */
	CONF_T_PATH,		/* a file or directory name */
	CONF_T_PORT,		/* 1-65535 (0 with CONF_F_PORT0) */
	CONF_T_UINT,		/* min..max */
	CONF_T_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONF_T_ENUM,		/* one of names[] */
	CONF_T_ADDRESS,		/* numeric IPv4 or IPv6, or "*" for both */
	CONF_T_HOSTPORT,	/* ADDRESS:PORT or [V6]:PORT */
	CONF_T_DURATION,	/* seconds, suffix s, m or h; min..max */
};

#define CONF_F_REPEAT	0x01	/* may be given several times per source */
#define CONF_F_PORT0	0x02	/* port 0 ("any", for tests) is accepted */

struct conf_enum {
	const char	*name;
	int		 value;
};

struct conf_key {
	const char		*name;
	enum conf_type		 type;
	unsigned		 flags;
	const char		*def;		/* default, as text */
	size_t			 off;		/* field in struct conf */
	size_t			 count_off;	/* REPEAT: its size_t count */
	unsigned		 min, max;	/* range; REPEAT: entries */
	const struct conf_enum	*names;		/* CONF_T_ENUM */
	const char		*meta;		/* VALUE in --key=VALUE */
	const char		*help;
};

static const struct conf_enum conf_log_levels[] = {
	{ "error",	LOG_LEVEL_ERROR },
	{ "warning",	LOG_LEVEL_WARNING },
	{ "notice",	LOG_LEVEL_NOTICE },
	{ "info",	LOG_LEVEL_INFO },
	{ "debug",	LOG_LEVEL_DEBUG },
	{ NULL,		0 }
};

static const struct conf_enum conf_log_addresses[] = {
	{ "no",		LOG_ADDRESSES_NO },
	{ "truncated",	LOG_ADDRESSES_TRUNCATED },
	{ "full",	LOG_ADDRESSES_FULL },
	{ NULL,		0 }
};

/* The first name of each value is the one conf_print writes. */
static const struct conf_enum conf_bools[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
	{ NULL, 0 }
};

#define F(field)	offsetof(struct conf, field)

/* Table order is the order of conf_print and conf_usage. */
static const struct conf_key conf_keys[] = {
	{ "state-dir", CONF_T_PATH, 0, LOCALSTATEDIR "/lib/chorus",
	    F(state_dir), 0, 0, 0, NULL, "DIR",
	    "node key, admin token and database" },
	{ "dashboard-dir", CONF_T_PATH, 0, PKGDATADIR "/dashboard",
	    F(dashboard_dir), 0, 0, 0, NULL, "DIR",
	    "web dashboard files" },
	{ "listen-address", CONF_T_ADDRESS, CONF_F_REPEAT, "*",
	    F(listen), F(nlisten), 0, CONF_MAX_LISTEN, NULL, "ADDR",
	    "UDP/TCP listen address, * for all; repeatable" },
	{ "port", CONF_T_PORT, CONF_F_PORT0, "3478",
	    F(port), 0, 0, 0, NULL, "PORT",
	    "UDP and TCP port" },
	{ "max-tcp-connections", CONF_T_UINT, 0, "1024",
	    F(max_tcp_connections), 0, 1, 65535, NULL, "N",
	    "most TCP connections at once" },
	{ "tcp-idle-timeout", CONF_T_DURATION, 0, "60s",
	    F(tcp_idle_timeout), 0, 1, 3600, NULL, "TIME",
	    "close idle TCP connections after" },
	{ "http-address", CONF_T_HOSTPORT, CONF_F_PORT0, "127.0.0.1:8440",
	    F(http), 0, 0, 0, NULL, "ADDR:PORT",
	    "HTTP API and dashboard address" },
	{ "http-max-connections", CONF_T_UINT, 0, "64",
	    F(http_max_connections), 0, 1, 1024, NULL, "N",
	    "most HTTP connections at once" },
	{ "http-timeout", CONF_T_DURATION, 0, "10s",
	    F(http_timeout), 0, 1, 300, NULL, "TIME",
	    "close idle HTTP connections after" },
	{ "log-level", CONF_T_ENUM, 0, "info",
	    F(log_level), 0, 0, 0, conf_log_levels, "LEVEL",
	    "error, warning, notice, info or debug" },
	{ "log-addresses", CONF_T_ENUM, 0, "no",
	    F(log_addresses), 0, 0, 0, conf_log_addresses, "MODE",
	    "client addresses in logs: no, truncated, full" },
	{ "drain-timeout", CONF_T_DURATION, 0, "300s",
	    F(drain_timeout), 0, 1, 86400, NULL, "TIME",
	    "longest wait for sessions on drain" },
};

#undef F

_Static_assert(nitems(conf_keys) <= CONF_MAX_KEYS,
    "conf_keys[] outgrew the bitmaps in struct conf_reader");

static int	conf_fail(struct conf_reader *, unsigned, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static const char *conf_quote(const char *, char [CONF_QUOTE_MAX + 4]);

/* The field at off in c (the table's offsets are into struct conf). */
static void *
conf_field(struct conf *c, size_t off)
{
	return (char *)c + off;
}

/* The same, read-only. */
static const void *
conf_cfield(const struct conf *c, size_t off)
{
	return (const char *)c + off;
}

/* The row of key, or -1. */
static int
conf_key_index(const char *key)
{
	size_t i;

	for (i = 0; i < nitems(conf_keys); i++)
		if (strcmp(conf_keys[i].name, key) == 0)
			return (int)i;
	return -1;
}

/* Fill r->err with "FILE:LINE: reason" (or the option form); returns -1. */
static int
conf_fail(struct conf_reader *r, unsigned line, const char *fmt, ...)
{
	char qk[CONF_QUOTE_MAX + 4], qv[CONF_QUOTE_MAX + 4];
	va_list ap;
	int n;

	if (r->opt_key != NULL)
		n = snprintf(r->err, sizeof(r->err), "%s: --%s=%s: ", r->file,
		    conf_quote(r->opt_key, qk), conf_quote(r->opt_value, qv));
	else if (line > 0)
		n = snprintf(r->err, sizeof(r->err), "%s:%u: ", r->file, line);
	else
		n = snprintf(r->err, sizeof(r->err), "%s: ", r->file);
	if (n < 0 || (size_t)n >= sizeof(r->err))
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value made safe to show: printable bytes, cut at CONF_QUOTE_MAX. */
static const char *
conf_quote(const char *s, char buf[CONF_QUOTE_MAX + 4])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < CONF_QUOTE_MAX; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ?
		    '?' : s[i];
	if (s[i] != '\0')
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/* Parse decimal digits only (no sign, no blanks) up to max; -1 if not. */
static int
conf_parse_number(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0, d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned long)(*s - '0');
		if (v > max / 10 || v * 10 > max - d)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parse a port; 0 only if allow0.  -1 if not a port. */
static int
conf_parse_port(const char *s, int allow0, uint16_t *out)
{
	unsigned long v;

	if (conf_parse_number(s, 65535, &v) == -1 || (v == 0 && !allow0))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "30", "30s", "5m", "1h" to seconds within min..max; -1 if not. */
static int
conf_parse_duration(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char digits[16];
	unsigned long v, mult = 1;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, s, len + 1);
	switch (digits[len - 1]) {
	case 'h':
		mult *= 60;
		/* FALLTHROUGH */
	case 'm':
		mult *= 60;
		/* FALLTHROUGH */
	case 's':
		digits[len - 1] = '\0';
		break;
	}
	if (conf_parse_number(digits, max, &v) == -1 || v > max / mult)
		return -1;
	v *= mult;
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A numeric IPv4 or IPv6 address (IPv6 may be in brackets), port p. */
static int
conf_parse_ip(const char *s, uint16_t p, struct conf_addr *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
	char host[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(s);

	memset(a, 0, sizeof(*a));
	if (len >= sizeof(host))
		return -1;
	memcpy(host, s, len + 1);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		a->len = sizeof(*sin);
		inet_ntop(AF_INET, &sin->sin_addr, a->text, sizeof(a->text));
		return 0;
	}
	if (len > 2 && host[0] == '[' && host[len - 1] == ']') {
		host[len - 1] = '\0';
		memmove(host, host + 1, len - 1);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		return -1;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(p);
	a->len = sizeof(*sin6);
	inet_ntop(AF_INET6, &sin6->sin6_addr, a->text, sizeof(a->text));
	return 0;
}

/* "A.B.C.D:PORT" or "[V6]:PORT" into a, text in that form. */
static int
conf_parse_hostport(const char *s, int allow0, struct conf_addr *a)
{
	char host[INET6_ADDRSTRLEN + 2], ip[sizeof(a->text)];
	const char *colon;
	uint16_t port;
	size_t hlen;
	int n;

	if ((colon = strrchr(s, ':')) == NULL)
		return -1;
	hlen = (size_t)(colon - s);
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	/* An IPv6 address must be bracketed, or its last group is a port. */
	if (host[0] != '[' && strchr(host, ':') != NULL)
		return -1;
	if (host[0] == '[' && host[hlen - 1] != ']')
		return -1;
	if (conf_parse_port(colon + 1, allow0, &port) == -1 ||
	    conf_parse_ip(host, port, a) == -1)
		return -1;
	memcpy(ip, a->text, sizeof(ip));
	if (a->ss.ss_family == AF_INET6)
		n = snprintf(a->text, sizeof(a->text), "[%s]:%u", ip,
		    (unsigned)port);
	else
		n = snprintf(a->text, sizeof(a->text), "%s:%u", ip,
		    (unsigned)port);
	return n > 0 && (size_t)n < sizeof(a->text) ? 0 : -1;
}

/* The address bytes of a (IPv4 or IPv6), for comparing. */
static const void *
conf_addr_bytes(const struct conf_addr *a, size_t *len)
{
	if (a->ss.ss_family == AF_INET) {
		*len = sizeof(struct in_addr);
		return &((const struct sockaddr_in *)&a->ss)->sin_addr;
	}
	*len = sizeof(struct in6_addr);
	return &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
}

/* 1 if a and b are the same address and port. */
static int
conf_addr_equal(const struct conf_addr *a, const struct conf_addr *b)
{
	const void *pa, *pb;
	size_t la, lb;

	if (a->ss.ss_family != b->ss.ss_family || a->len != b->len)
		return 0;
	pa = conf_addr_bytes(a, &la);
	pb = conf_addr_bytes(b, &lb);
	if (la != lb || memcmp(pa, pb, la) != 0)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_port ==
		    ((const struct sockaddr_in *)&b->ss)->sin_port;
	return ((const struct sockaddr_in6 *)&a->ss)->sin6_port ==
	    ((const struct sockaddr_in6 *)&b->ss)->sin6_port;
}

/* 1 if a is 0.0.0.0 or ::. */
static int
conf_addr_is_any(const struct conf_addr *a)
{
	static const unsigned char zero[sizeof(struct in6_addr)];
	const void *p;
	size_t len;

	p = conf_addr_bytes(a, &len);
	return memcmp(p, zero, len) == 0;
}

/* Append one listen address, refusing repeats and overlaps. */
static int
conf_listen_add(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const struct conf_addr *a)
{
	struct conf_addr *list = conf_field(r->conf, k->off);
	size_t *n = conf_field(r->conf, k->count_off);
	size_t i;

	for (i = 0; i < *n; i++) {
		if (conf_addr_equal(&list[i], a))
			return conf_fail(r, line, "%s: \"%s\" is listed twice",
			    k->name, a->text);
		if (list[i].ss.ss_family == a->ss.ss_family &&
		    (conf_addr_is_any(&list[i]) || conf_addr_is_any(a)))
			return conf_fail(r, line, "%s: \"%s\" overlaps \"%s\"",
			    k->name, a->text, list[i].text);
	}
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u addresses",
		    k->name, k->max);
	list[(*n)++] = *a;
	return 0;
}

/* A listen-address value: "*" adds 0.0.0.0 and ::. */
static int
conf_set_address(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	struct conf_addr a;
	char q[CONF_QUOTE_MAX + 4];

	if (strcmp(value, "*") == 0) {
		if (conf_parse_ip("0.0.0.0", 0, &a) == -1 ||
		    conf_listen_add(r, line, k, &a) == -1 ||
		    conf_parse_ip("::", 0, &a) == -1)
			return -1;
		return conf_listen_add(r, line, k, &a);
	}
	if (conf_parse_ip(value, 0, &a) == -1)
		return conf_fail(r, line, "%s: \"%s\" is not a numeric IPv4 or "
		    "IPv6 address, or *", k->name, conf_quote(value, q));
	return conf_listen_add(r, line, k, &a);
}

/* A string or path: no control bytes, no '#' that would read as comment. */
static int
conf_set_string(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	char **field = conf_field(r->conf, k->off);
	char q[CONF_QUOTE_MAX + 4], *copy;
	size_t i;

	if (strlen(value) > CONF_MAX_VALUE)
		return conf_fail(r, line, "%s: value is longer than %d bytes",
		    k->name, CONF_MAX_VALUE);
	for (i = 0; value[i] != '\0'; i++) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return conf_fail(r, line, "%s: \"%s\" contains a "
			    "control character", k->name, conf_quote(value, q));
		if (value[i] == '#' && (i == 0 || value[i - 1] == ' ' ||
		    value[i - 1] == '\t'))
			return conf_fail(r, line, "%s: \"%s\": a '#' at the "
			    "start or after a blank begins a comment", k->name,
			    conf_quote(value, q));
	}
	if ((copy = strdup(value)) == NULL)
		return conf_fail(r, line, "%s: %s", k->name, strerror(errno));
	free(*field);
	*field = copy;
	return 0;
}

/* A value of an enum or bool key. */
static int
conf_set_enum(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	const struct conf_enum *e, *names;
	char q[CONF_QUOTE_MAX + 4], list[256];
	size_t n = 0;

	names = k->type == CONF_T_BOOL ? conf_bools : k->names;
	for (e = names; e->name != NULL; e++) {
		if (strcmp(e->name, value) == 0) {
			*(int *)conf_field(r->conf, k->off) = e->value;
			return 0;
		}
	}
	list[0] = '\0';
	for (e = names; e->name != NULL && n < sizeof(list); e++)
		n += snprintf(list + n, sizeof(list) - n, "%s%s",
		    e == names ? "" : (e[1].name == NULL ? " or " : ", "),
		    e->name);
	return conf_fail(r, line, "%s: \"%s\" is not %s", k->name,
	    conf_quote(value, q), list);
}

/* Parse value for key k into r->conf; messages name the key. */
static int
conf_apply(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	void *field = conf_field(r->conf, k->off);
	char q[CONF_QUOTE_MAX + 4];
	unsigned long v;

	switch (k->type) {
	case CONF_T_STRING:
	case CONF_T_PATH:
		return conf_set_string(r, line, k, value);
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return conf_set_enum(r, line, k, value);
	case CONF_T_ADDRESS:
		return conf_set_address(r, line, k, value);
	case CONF_T_PORT:
		if (conf_parse_port(value, k->flags & CONF_F_PORT0,
		    field) == -1)
			return conf_fail(r, line, "%s: \"%s\" is not a port "
			    "number (1-65535)", k->name, conf_quote(value, q));
		return 0;
	case CONF_T_UINT:
		if (conf_parse_number(value, k->max, &v) == -1 || v < k->min)
			return conf_fail(r, line, "%s: \"%s\" is not a number "
			    "from %u to %u", k->name, conf_quote(value, q),
			    k->min, k->max);
		*(unsigned *)field = (unsigned)v;
		return 0;
	case CONF_T_DURATION:
		if (conf_parse_duration(value, k->min, k->max, field) == -1)
			return conf_fail(r, line, "%s: \"%s\" is not a "
			    "duration from %us to %us (suffix s, m or h)",
			    k->name, conf_quote(value, q), k->min, k->max);
		return 0;
	case CONF_T_HOSTPORT:
		if (conf_parse_hostport(value, k->flags & CONF_F_PORT0,
		    field) == -1)
			return conf_fail(r, line, "%s: \"%s\" is not a numeric "
			    "ADDRESS:PORT like 127.0.0.1:8440 or [::1]:8440",
			    k->name, conf_quote(value, q));
		return 0;
	}
	return conf_fail(r, line, "%s: unknown type", k->name);
}

/* Set key from this source, refusing a second value for a single key. */
static int
conf_set_at(struct conf_reader *r, unsigned line, const char *key,
    const char *value)
{
	const struct conf_key *k;
	char q[CONF_QUOTE_MAX + 4];
	uint64_t bit;
	int i;

	if (r->conf == NULL)
		return -1;
	if ((i = conf_key_index(key)) == -1)
		return conf_fail(r, line, "unknown key \"%s\"",
		    conf_quote(key, q));
	k = &conf_keys[i];
	if (*value == '\0')
		return conf_fail(r, line, "%s: empty value", k->name);
	bit = (uint64_t)1 << (i % 64);
	if (r->seen[i / 64] & bit) {
		if (!(k->flags & CONF_F_REPEAT) && r->opts)
			return conf_fail(r, line, "duplicate key \"%s\"",
			    k->name);
		if (!(k->flags & CONF_F_REPEAT))
			return conf_fail(r, line, "duplicate key \"%s\" (first "
			    "set on line %u)", k->name, r->set_line[i]);
	} else {
		/* A repeatable key replaces earlier sources' list. */
		if (k->flags & CONF_F_REPEAT)
			*(size_t *)conf_field(r->conf, k->count_off) = 0;
		r->seen[i / 64] |= bit;
		r->set_line[i] = line;
	}
	return conf_apply(r, line, k, value);
}

/* Start reading one source into conf. */
int
conf_read_init(struct conf_reader *r, struct conf *conf, const char *file)
{
	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->file = file != NULL ? file : "(config)";
	if (conf == NULL)
		return conf_fail(r, 0, "no configuration");
	return 0;
}

/* Drop a comment: '#' at the start or after a blank ends the line. */
static void
conf_strip_comment(char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t')) {
			s[i] = '\0';
			return;
		}
	}
}

/* Skip leading blanks and cut trailing ones. */
static char *
conf_trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

/* One line of a file: blank, a comment, or "key = value". */
int
conf_read_line(struct conf_reader *r, const char *line, size_t len)
{
	char buf[CONF_MAX_LINE + 1], *s, *eq, *key, *value;

	r->line++;
	if (len > CONF_MAX_LINE)
		return conf_fail(r, r->line, "line is longer than %d bytes",
		    CONF_MAX_LINE);
	if (memchr(line, '\0', len) != NULL)
		return conf_fail(r, r->line, "line contains a NUL byte");
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[len - 1] = '\0';
	conf_strip_comment(buf);
	s = conf_trim(buf);
	if (*s == '\0')
		return 0;
	if ((eq = strchr(s, '=')) == NULL)
		return conf_fail(r, r->line, "expected \"key = value\"");
	*eq = '\0';
	key = conf_trim(s);
	value = conf_trim(eq + 1);
	if (*key == '\0')
		return conf_fail(r, r->line, "missing key before \"=\"");
	return conf_set_at(r, r->line, key, value);
}

/* Checks across keys, once the source is complete. */
int
conf_read_finish(struct conf_reader *r)
{
	struct conf *c = r->conf;
	unsigned line = 0;
	int ip, ih;

	if (c == NULL)
		return -1;
	ip = conf_key_index("port");
	ih = conf_key_index("http-address");
	if (!r->opts && ip >= 0 && ih >= 0)
		line = r->set_line[ip] > r->set_line[ih] ?
		    r->set_line[ip] : r->set_line[ih];
	if (c->port != 0 && c->http.ss.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&c->http.ss)->sin_port == htons(c->port))
		return conf_fail(r, line, "http-address %s uses port %u, "
		    "which is also the TURN port", c->http.text, c->port);
	if (c->port != 0 && c->http.ss.ss_family == AF_INET6 &&
	    ((struct sockaddr_in6 *)&c->http.ss)->sin6_port == htons(c->port))
		return conf_fail(r, line, "http-address %s uses port %u, "
		    "which is also the TURN port", c->http.text, c->port);
	return 0;
}

/* One --key=value option. */
int
conf_set(struct conf_reader *r, const char *key, const char *value)
{
	char buf[CONF_MAX_LINE + 1], *v;
	int rc;

	r->opts = 1;
	r->line++;
	r->opt_key = key;
	r->opt_value = value;
	if (strlen(value) > CONF_MAX_LINE) {
		rc = conf_fail(r, r->line, "value is longer than %d bytes",
		    CONF_MAX_LINE);
		goto done;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	v = conf_trim(buf);
	rc = conf_set_at(r, r->line, key, v);
 done:
	r->opt_key = NULL;
	r->opt_value = NULL;
	return rc;
}

/* 1 if key is in the table. */
int
conf_is_key(const char *key)
{
	return conf_key_index(key) != -1;
}

/* Free a configuration and its strings. */
void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(conf_keys); i++)
		if (conf_keys[i].type == CONF_T_STRING ||
		    conf_keys[i].type == CONF_T_PATH)
			free(*(char **)conf_field(c, conf_keys[i].off));
	free(c);
}

/* A configuration holding every default. */
struct conf *
conf_new(void)
{
	struct conf_reader r;
	struct conf *c;
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	conf_read_init(&r, c, "defaults");
	for (i = 0; i < nitems(conf_keys); i++) {
		if (conf_set_at(&r, 0, conf_keys[i].name,
		    conf_keys[i].def) == -1) {
			conf_free(c);
			return NULL;
		}
	}
	return c;
}

/* Feed a whole file to r; -1 with r->err set. */
static int
conf_read_file(struct conf_reader *r, const char *path)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		conf_fail(r, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (conf_read_line(r, line, (size_t)n) == -1)
			goto fail;
	}
	if (ferror(f)) {
		conf_fail(r, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	rc = conf_read_finish(r);
 fail:
	free(line);
	fclose(f);
	return rc;
}

/* Apply "--key=value" strings as one source. */
static int
conf_read_opts(struct conf_reader *r, char *const *opts, size_t nopts)
{
	char key[CONF_MAX_LINE + 1], q[CONF_QUOTE_MAX + 4];
	const char *o, *eq;
	size_t i;

	for (i = 0; i < nopts; i++) {
		o = opts[i];
		if (strncmp(o, "--", 2) == 0)
			o += 2;
		if ((eq = strchr(o, '=')) == NULL ||
		    (size_t)(eq - o) > CONF_MAX_LINE)
			return conf_fail(r, 0, "%s: expected --key=value",
			    conf_quote(opts[i], q));
		memcpy(key, o, (size_t)(eq - o));
		key[eq - o] = '\0';
		if (conf_set(r, key, eq + 1) == -1)
			return -1;
	}
	return conf_read_finish(r);
}

/* Defaults, then the file, then the options. */
struct conf *
conf_load(const char *path, char *const *opts, size_t nopts, char *err,
    size_t errlen)
{
	struct conf_reader r;
	struct conf *c;

	if ((c = conf_new()) == NULL) {
		snprintf(err, errlen, "configuration: %s", strerror(ENOMEM));
		return NULL;
	}
	if (path != NULL) {
		conf_read_init(&r, c, path);
		if (conf_read_file(&r, path) == -1)
			goto fail;
	}
	conf_read_init(&r, c, CONF_CMDLINE);
	if (conf_read_opts(&r, opts, nopts) == -1)
		goto fail;
	return c;
 fail:
	snprintf(err, errlen, "%s", r.err);
	conf_free(c);
	return NULL;
}

/* The value of a single-valued key as text, into buf. */
static const char *
conf_value_text(const struct conf *c, const struct conf_key *k, char *buf,
    size_t len)
{
	const void *field = conf_cfield(c, k->off);
	const struct conf_enum *e;

	switch (k->type) {
	case CONF_T_STRING:
	case CONF_T_PATH:
		return *(char *const *)field;
	case CONF_T_PORT:
		snprintf(buf, len, "%u", (unsigned)*(const uint16_t *)field);
		return buf;
	case CONF_T_UINT:
		snprintf(buf, len, "%u", *(const unsigned *)field);
		return buf;
	case CONF_T_DURATION:
		snprintf(buf, len, "%us", *(const unsigned *)field);
		return buf;
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		e = k->type == CONF_T_BOOL ? conf_bools : k->names;
		for (; e->name != NULL; e++)
			if (e->value == *(const int *)field)
				return e->name;
		return "?";
	case CONF_T_HOSTPORT:
	case CONF_T_ADDRESS:
		return ((const struct conf_addr *)field)->text;
	}
	return "?";
}

/* Every key, as a file conf_load reads back to an equal configuration. */
void
conf_print(const struct conf *c, FILE *f)
{
	const struct conf_key *k;
	const struct conf_addr *a;
	char buf[64];
	size_t i, j, n;

	fprintf(f, "# chorusd effective configuration: every key, "
	    "defaults included.\n");
	for (i = 0; i < nitems(conf_keys); i++) {
		k = &conf_keys[i];
		if (k->flags & CONF_F_REPEAT) {
			a = conf_cfield(c, k->off);
			n = *(const size_t *)conf_cfield(c, k->count_off);
			for (j = 0; j < n; j++)
				fprintf(f, "%s = %s\n", k->name, a[j].text);
			continue;
		}
		fprintf(f, "%s = %s\n", k->name,
		    conf_value_text(c, k, buf, sizeof(buf)));
	}
}

/* The option list for --help. */
void
conf_usage(FILE *f)
{
	const struct conf_key *k;
	char opt[64];
	size_t i;
	int n, width = 0;

	for (i = 0; i < nitems(conf_keys); i++) {
		n = snprintf(opt, sizeof(opt), "--%s=%s", conf_keys[i].name,
		    conf_keys[i].meta);
		if (n > width)
			width = n;
	}
	for (i = 0; i < nitems(conf_keys); i++) {
		k = &conf_keys[i];
		snprintf(opt, sizeof(opt), "--%s=%s", k->name, k->meta);
		fprintf(f, "  %-*s  %s (default: %s)\n", width, opt, k->help,
		    k->def);
	}
}

/* Compare the values of every key. */
int
conf_equal(const struct conf *a, const struct conf *b)
{
	const struct conf_key *k;
	const struct conf_addr *la, *lb;
	char ba[64], bb[64];
	size_t i, j, n;

	for (i = 0; i < nitems(conf_keys); i++) {
		k = &conf_keys[i];
		if (k->flags & CONF_F_REPEAT) {
			la = conf_cfield(a, k->off);
			lb = conf_cfield(b, k->off);
			n = *(const size_t *)conf_cfield(a, k->count_off);
			if (n != *(const size_t *)conf_cfield(b, k->count_off))
				return 0;
			for (j = 0; j < n; j++)
				if (!conf_addr_equal(&la[j], &lb[j]))
					return 0;
			continue;
		}
		if (k->type == CONF_T_HOSTPORT) {
			if (!conf_addr_equal(conf_cfield(a, k->off),
			    conf_cfield(b, k->off)))
				return 0;
			continue;
		}
		if (strcmp(conf_value_text(a, k, ba, sizeof(ba)),
		    conf_value_text(b, k, bb, sizeof(bb))) != 0)
			return 0;
	}
	return 1;
}
