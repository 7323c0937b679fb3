/*
 * conf.c - chorusd's configuration sources: the key table, the streaming
 * parser (conf_read_init / _line / _finish, driven by conf_load and by the
 * fuzz target), the command-line overrides (conf_set), conf_new/conf_free,
 * and the per-type setters that store a value in struct conf.  The pure
 * value parsers live in conf_value.c, printing and comparing in
 * conf_print.c; what the three share is in conf_priv.h.
 *
 * Every key is one row of conf_keys[]: its name, type, flags, default as
 * text, where it lives in struct conf, and its help line.  Defaults go
 * through the same parser as the file, so a bad default cannot build.
 * A value never contains a control character or a '#' at its start or
 * after a blank, which is what lets conf_print_full write a file that
 * reads back to an equal configuration.
 *
 * Keys flagged CONF_F_SECRET (user passwords, auth-secret) are never
 * shown: conf_print writes "<redacted>" in their place, error messages
 * leave them out, and they are wiped before their memory is freed.
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

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/turn_auth.h"
#include "../client/audio.h"
#include "conf.h"
#include "conf_priv.h"
#include "log.h"
#include "mixer.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/chorus"
#endif

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))
#define CONF_QUOTE_MAX		64	/* value bytes shown in a message */
#define CONF_CMDLINE		"command line"

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
const struct conf_enum conf_bools[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
	{ NULL, 0 }
};

#define F(field)	offsetof(struct conf, field)

/* Table order is the order of conf_print and conf_usage. */
const struct conf_key conf_keys[] = {
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
	{ "realm", CONF_T_REALM, 0, "chorus",
	    F(realm), 0, 1, TURN_AUTH_MAX_REALM, NULL, "REALM",
	    "realm of the TURN long-term credentials" },
	{ "user", CONF_T_USER, CONF_F_REPEAT | CONF_F_SECRET, NULL,
	    F(users), F(nusers), 0, CONF_MAX_USERS, NULL, "NAME:PASSWORD",
	    "a TURN user; repeatable" },
	{ "auth-secret", CONF_T_SECRET, CONF_F_REPEAT | CONF_F_SECRET, NULL,
	    F(auth_secrets), F(nauth_secrets), 0, CONF_MAX_SECRETS, NULL,
	    "SECRET", "TURN REST API shared secret; repeatable" },
	{ "allow-anonymous", CONF_T_BOOL, 0, "no",
	    F(allow_anonymous), 0, 0, 0, NULL, "yes|no",
	    "relay for clients without credentials" },
	{ "relay-ip", CONF_T_IP, CONF_F_REPEAT, NULL,
	    F(relay_ip), F(nrelay_ip), 0, CONF_MAX_FAMILIES, NULL, "ADDR",
	    "address relay sockets bind to, one per family" },
	{ "external-ip", CONF_T_EXTERNAL, CONF_F_REPEAT, NULL,
	    F(external), F(nexternal), 0, CONF_MAX_FAMILIES, NULL,
	    "PUBLIC[/PRIVATE]", "public address of a 1:1 NAT, one per family" },
	{ "min-port", CONF_T_PORT, 0, "49152",
	    F(min_port), 0, 1024, 65535, NULL, "PORT",
	    "lowest relay port" },
	{ "max-port", CONF_T_PORT, 0, "65535",
	    F(max_port), 0, 1024, 65535, NULL, "PORT",
	    "highest relay port" },
	{ "allowed-peer", CONF_T_PREFIX, CONF_F_REPEAT, NULL,
	    F(allowed_peers), F(nallowed_peers), 0, ADDR_MAX_RULES, NULL,
	    "CIDR", "peers relayed to despite the built-in deny list" },
	{ "denied-peer", CONF_T_PREFIX, CONF_F_REPEAT, NULL,
	    F(denied_peers), F(ndenied_peers), 0, ADDR_MAX_RULES, NULL,
	    "CIDR", "peers never relayed to" },
	{ "tls-port", CONF_T_PORT, CONF_F_PORT0, "5349",
	    F(tls_port), 0, 0, 0, NULL, "PORT",
	    "TURN over TLS port (TCP), 0: none" },
	{ "tls-cert", CONF_T_PATH, 0, NULL,
	    F(tls_cert), 0, 0, 0, NULL, "FILE",
	    "TLS certificate chain (PEM)" },
	{ "tls-key", CONF_T_PATH, 0, NULL,
	    F(tls_key), 0, 0, 0, NULL, "FILE",
	    "TLS private key (PEM)" },
	{ "max-bps", CONF_T_RATE, 0, "0",
	    F(max_bps), 0, 0, 0, NULL, "BYTES",
	    "bytes per second per allocation (suffix k, M, G), 0: no limit" },
	{ "user-quota", CONF_T_UINT, 0, "10",
	    F(user_quota), 0, 1, 100000, NULL, "N",
	    "most allocations per user" },
	{ "total-quota", CONF_T_UINT, 0, "10000",
	    F(total_quota), 0, 1, 1000000, NULL, "N",
	    "most allocations in all" },
	{ "stun-rate-limit", CONF_T_UINT, 0, "100",
	    F(stun_rate_limit), 0, 0, 1000000, NULL, "N",
	    "unauthenticated STUN replies per second per source (0: no limit)" },
	{ "max-sessions", CONF_T_UINT, 0, "10000",
	    F(max_sessions), 0, 1, 500000, NULL, "N",
	    "most Chorus client sessions at once" },
	{ "session-timeout", CONF_T_DURATION, 0, "30s",
	    F(session_timeout), 0, 5, 3600, NULL, "TIME",
	    "end a Chorus session silent for this long" },
	{ "handshake-rate", CONF_T_UINT, 0, "200",
	    F(handshake_rate), 0, 0, 1000000, NULL, "N",
	    "handshakes per second before cookie replies (0: never)" },
	{ "network-psk-file", CONF_T_PATH, 0, NULL,
	    F(network_psk_file), 0, 0, 0, NULL, "FILE",
	    "private node: the organisation's network key (0600)" },
	{ "member-keys-file", CONF_T_PATH, 0, NULL,
	    F(member_keys_file), 0, 0, 0, NULL, "FILE",
	    "private node: client IDs allowed, one per line" },
	{ "max-rooms", CONF_T_UINT, 0, "1000",
	    F(max_rooms), 0, 1, 100000, NULL, "N",
	    "most rooms on the node" },
	{ "max-room-members", CONF_T_UINT, 0, "250",
	    F(max_room_members), 0, 2, 10000, NULL, "N",
	    "most members in one room" },
	{ "full-forward-limit", CONF_T_UINT, 0, "5",
	    F(full_forward_limit), 0, 1, 10000, NULL, "N",
	    "rooms up to this size forward everyone to everyone" },
	{ "forward-speakers", CONF_T_UINT, 0, "3",
	    F(forward_speakers), 0, 1, 16, NULL, "N",
	    "larger rooms forward this many loudest speakers" },
	{ "max-mixed-rooms", CONF_T_UINT, 0, "4",
	    F(max_mixed_rooms), 0, 0, 100000, NULL, "N",
	    "most rooms the node decodes and mixes (0: none)" },
	{ "mix-speakers", CONF_T_UINT, 0, "3",
	    F(mix_speakers), 0, 1, MIXER_MAX_SPEAKERS, NULL, "N",
	    "a mixed room decodes and mixes this many speakers" },
	{ "mix-bitrate", CONF_T_UINT, 0, "32000",
	    F(mix_bitrate), 0, AUDIO_MIN_BITRATE, AUDIO_MAX_BITRATE, NULL,
	    "BIT/S",
	    "bit rate of each mix a mixed room sends" },
	{ "mix-complexity", CONF_T_UINT, 0, "5",
	    F(mix_complexity), 0, 0, AUDIO_MAX_COMPLEXITY, NULL, "N",
	    "Opus encoder complexity of the mixes, 0 to 10" },
	{ "dht", CONF_T_BOOL, 0, "no",
	    F(dht), 0, 0, 0, NULL, "yes|no",
	    "join the node network's DHT" },
	{ "dht-port", CONF_T_PORT, 0, "4222",
	    F(dht_port), 0, 0, 0, NULL, "PORT",
	    "UDP port of the DHT (all interfaces)" },
	{ "bootstrap", CONF_T_PEER, CONF_F_REPEAT, NULL,
	    F(bootstrap), F(nbootstrap), 0, CONF_MAX_BOOTSTRAP, NULL,
	    "HOST:PORT", "a DHT node to join through; repeatable" },
	{ "network-id", CONF_T_STRING, 0, "chorus",
	    F(network_id), 0, 0, 0, NULL, "NAME",
	    "the node network (others never mix with it)" },
	{ "region", CONF_T_STRING, 0, NULL,
	    F(region), 0, 0, 0, NULL, "NAME",
	    "where the node is, as the operator names it (optional)" },
	{ "new-node-sessions-per-hour", CONF_T_UINT, 0, "20",
	    F(new_node_sessions), 0, 0, 1000000, NULL, "N",
	    "sessions an hour until the network gives the node standing "
	    "(0: no limit)" },
	{ "probe-budget", CONF_T_UINT, 0, "20",
	    F(probe_budget), 0, 0, 1000000, NULL, "MB",
	    "megabytes a day spent measuring other nodes (0: none)" },
	{ "probe-interval", CONF_T_DURATION, 0, "900s",
	    F(probe_interval), 0, 1, 86400, NULL, "TIME",
	    "mean time between measurements of other nodes" },
	{ "vouch", CONF_T_NODEID, CONF_F_REPEAT, NULL,
	    F(vouch), F(nvouch), 0, CONF_MAX_VOUCH, NULL, "NODE-ID",
	    "stake part of this node's score on another node; repeatable" },
	{ "deny-identity", CONF_T_NODEID, CONF_F_REPEAT, NULL,
	    F(deny), F(ndeny), 0, CONF_MAX_DENY, NULL, "ID",
	    "refuse this client identity on this node; repeatable" },
	{ "ledger-retention", CONF_T_UINT, 0, "30",
	    F(ledger_retention), 0, 1, 3650, NULL, "DAYS",
	    "days of score history and challenge records kept" },
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

const size_t conf_nkeys = nitems(conf_keys);

_Static_assert(nitems(conf_keys) <= CONF_MAX_KEYS,
    "conf_keys[] outgrew the bitmaps in struct conf_reader");

static int	conf_fail(struct conf_reader *, unsigned, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static const char *conf_quote(const char *, char [CONF_QUOTE_MAX + 4]);
static const char *conf_opt_shown(const struct conf_reader *,
		    char [CONF_QUOTE_MAX + 16]);

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
	char qk[CONF_QUOTE_MAX + 4], qv[CONF_QUOTE_MAX + 16];
	va_list ap;
	int n;

	if (r->opt_key != NULL)
		n = snprintf(r->err, sizeof(r->err), "%s: --%s=%s: ", r->file,
		    conf_quote(r->opt_key, qk), conf_opt_shown(r, qv));
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

/* The option's value for a message, with a secret left out. */
static const char *
conf_opt_shown(const struct conf_reader *r, char buf[CONF_QUOTE_MAX + 16])
{
	char name[CONF_QUOTE_MAX + 2], q[CONF_QUOTE_MAX + 4];
	const char *colon;
	size_t len;
	int i;

	i = conf_key_index(r->opt_key);
	if (i == -1 || !(conf_keys[i].flags & CONF_F_SECRET))
		return conf_quote(r->opt_value, buf);
	/* A user's name is not secret and says which line is wrong. */
	if (conf_keys[i].type != CONF_T_USER ||
	    (colon = strchr(r->opt_value, ':')) == NULL)
		return CONF_REDACTED;
	len = (size_t)(colon - r->opt_value);
	if (len > CONF_QUOTE_MAX + 1)
		len = CONF_QUOTE_MAX + 1;
	memcpy(name, r->opt_value, len);
	name[len] = '\0';
	snprintf(buf, CONF_QUOTE_MAX + 16, "%s:%s", conf_quote(name, q),
	    CONF_REDACTED);
	return buf;
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
		if (conf_value_addr_equal(&list[i], a))
			return conf_fail(r, line, "%s: \"%s\" is listed twice",
			    k->name, a->text);
		if (list[i].ss.ss_family == a->ss.ss_family &&
		    (conf_value_addr_is_any(&list[i]) ||
		    conf_value_addr_is_any(a)))
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
		if (conf_value_ip("0.0.0.0", 0, &a) == -1 ||
		    conf_listen_add(r, line, k, &a) == -1 ||
		    conf_value_ip("::", 0, &a) == -1)
			return -1;
		return conf_listen_add(r, line, k, &a);
	}
	if (conf_value_ip(value, 0, &a) == -1)
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

/* Wipe and free a secret string; NULL is fine. */
static void
conf_free_secret(char *s)
{
	if (s == NULL)
		return;
	crypto_wipe(s, strlen(s));
	free(s);
}

/*
 * Check a password or secret s, part of the value, called what in messages
 * ("user: alice: the password"), which never show it.  -1 with r->err set.
 */
static int
conf_check_secret(struct conf_reader *r, unsigned line, const char *what,
    const char *value, const char *s, size_t max)
{
	if (*s == '\0')
		return conf_fail(r, line, "%s is empty", what);
	if (strlen(s) > max)
		return conf_fail(r, line, "%s is longer than %zu characters",
		    what, max);
	if (!conf_value_is_ascii(s, ' '))
		return conf_fail(r, line, "%s may contain only printable ASCII "
		    "characters", what);
	/* The whole value: after "NAME:", a '#' is not at a start. */
	if (conf_value_comment_at(value))
		return conf_fail(r, line, "%s has a '#' that would begin a "
		    "comment", what);
	/* What conf_print writes must not be taken for the real thing. */
	if (strcmp(s, CONF_REDACTED) == 0)
		return conf_fail(r, line, "%s is \"%s\", a placeholder from "
		    "chorusd -t: copy the real one from the original file",
		    what, CONF_REDACTED);
	return 0;
}

/* The realm: printable ASCII without '"' or '\\', of k->min..k->max bytes. */
static int
conf_set_realm(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	char q[CONF_QUOTE_MAX + 4];

	if (strlen(value) < k->min || strlen(value) > k->max)
		return conf_fail(r, line, "%s: value is not %u to %u bytes "
		    "long", k->name, k->min, k->max);
	if (!conf_value_is_ascii(value, ' ') || strpbrk(value, "\"\\") != NULL)
		return conf_fail(r, line, "%s: \"%s\" may contain only printable "
		    "ASCII characters other than '\"' and '\\'", k->name,
		    conf_quote(value, q));
	return conf_set_string(r, line, k, value);
}

/* One "user = NAME:PASSWORD": split at the first ':', names unique. */
static int
conf_set_user(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	struct conf_user *users = conf_field(r->conf, k->off);
	size_t *n = conf_field(r->conf, k->count_off);
	char name[CONF_MAX_USER_NAME + 1], what[CONF_QUOTE_MAX + 32];
	char q[CONF_QUOTE_MAX + 4];
	const char *colon, *password;
	size_t len, i;

	if ((colon = strchr(value, ':')) == NULL)
		return conf_fail(r, line, "%s: expected NAME:PASSWORD", k->name);
	len = (size_t)(colon - value);
	password = colon + 1;
	if (len == 0)
		return conf_fail(r, line, "%s: the name before ':' is empty",
		    k->name);
	if (len > CONF_MAX_USER_NAME)
		return conf_fail(r, line, "%s: the name is longer than %d "
		    "characters", k->name, CONF_MAX_USER_NAME);
	memcpy(name, value, len);
	name[len] = '\0';
	if (!conf_value_is_ascii(name, '!') || name[0] == '#')
		return conf_fail(r, line, "%s: \"%s\": a name may contain only "
		    "printable ASCII characters other than blanks and ':', "
		    "and not begin with '#'", k->name, conf_quote(name, q));
	snprintf(what, sizeof(what), "%s: %s: the password", k->name,
	    conf_quote(name, q));
	if (conf_check_secret(r, line, what, value, password,
	    CONF_MAX_PASSWORD) == -1)
		return -1;
	for (i = 0; i < *n; i++)
		if (strcmp(users[i].name, name) == 0)
			return conf_fail(r, line, "%s: \"%s\" is listed twice",
			    k->name, conf_quote(name, q));
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u users", k->name,
		    k->max);
	if ((users[*n].name = strdup(name)) == NULL ||
	    (users[*n].password = strdup(password)) == NULL) {
		free(users[*n].name);
		users[*n].name = NULL;
		return conf_fail(r, line, "%s: %s", k->name, strerror(errno));
	}
	(*n)++;
	return 0;
}

/* Append a copy of value to k's string list: no repeats, at most k->max. */
static int
conf_list_add(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value, const char *what)
{
	char **list = conf_field(r->conf, k->off);
	size_t *n = conf_field(r->conf, k->count_off), i;

	for (i = 0; i < *n; i++)
		if (strcmp(list[i], value) == 0)
			return conf_fail(r, line, "%s: the same %s is listed "
			    "twice", k->name, what);
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u %ss", k->name,
		    k->max, what);
	if ((list[*n] = strdup(value)) == NULL)
		return conf_fail(r, line, "%s: %s", k->name, strerror(errno));
	(*n)++;
	return 0;
}

/* One auth-secret; a second, different one is for rotation. */
static int
conf_set_secret(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	char what[64];

	snprintf(what, sizeof(what), "%s: the secret", k->name);
	if (conf_check_secret(r, line, what, value, value,
	    CONF_MAX_SECRET) == -1)
		return -1;
	return conf_list_add(r, line, k, value, "secret");
}

/* One HOST:PORT (a DHT bootstrap node): a name or a numeric address. */
static int
conf_set_peer(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	char q[CONF_QUOTE_MAX + 4];
	const char *colon = strrchr(value, ':'), *h = value;
	size_t hl;
	uint16_t port;

	if (colon != NULL && *value == '[') {
		h = value + 1;
		hl = colon > value && colon[-1] == ']' ? (size_t)(colon - h - 1) :
		    0;
	} else
		hl = colon != NULL ? (size_t)(colon - value) : 0;
	if (colon == NULL || hl == 0 || hl > 253 ||
	    conf_value_port(colon + 1, 0, &port) == -1 ||
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:") < hl)
		return conf_fail(r, line, "%s: \"%s\" is not HOST:PORT",
		    k->name, conf_quote(value, q));
	return conf_list_add(r, line, k, value, "node");
}

/* One allowed-peer or denied-peer prefix. */
static int
conf_set_prefix(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	struct addr_prefix *list = conf_field(r->conf, k->off), p;
	size_t *n = conf_field(r->conf, k->count_off);
	char q[CONF_QUOTE_MAX + 4], text[ADDR_PREFIX_STRLEN];
	size_t i;

	if (addr_prefix_parse(value, &p) == -1)
		return conf_fail(r, line, "%s: \"%s\" is not an IPv4 or IPv6 "
		    "prefix like 192.0.2.0/24 or 2001:db8::/32", k->name,
		    conf_quote(value, q));
	addr_prefix_print(&p, text, sizeof(text));
	for (i = 0; i < *n; i++)
		if (list[i].family == p.family && list[i].bits == p.bits &&
		    memcmp(list[i].addr, p.addr, sizeof(p.addr)) == 0)
			return conf_fail(r, line, "%s: \"%s\" is listed twice",
			    k->name, text);
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u prefixes", k->name,
		    k->max);
	list[(*n)++] = p;
	return 0;
}

/* One external-ip: PUBLIC or PUBLIC/PRIVATE, at most one per family. */
static int
conf_set_external(struct conf_reader *r, unsigned line,
    const struct conf_key *k, const char *value)
{
	struct conf_external *list = conf_field(r->conf, k->off), e;
	size_t *n = conf_field(r->conf, k->count_off);
	char q[CONF_QUOTE_MAX + 4], pub[INET6_ADDRSTRLEN + 2];
	struct conf_addr a, b;
	const char *slash;
	size_t len, i;
	int any;

	memset(&e, 0, sizeof(e));
	slash = strchr(value, '/');
	len = slash != NULL ? (size_t)(slash - value) : strlen(value);
	if (len >= sizeof(pub))
		goto bad;
	memcpy(pub, value, len);
	pub[len] = '\0';
	if (conf_value_ip(pub, 0, &a) == -1)
		goto bad;
	e.public_ip = a.ss;
	e.private_ip.ss_family = AF_UNSPEC;
	any = conf_value_addr_is_any(&a);
	if (slash != NULL) {
		if (conf_value_ip(slash + 1, 0, &b) == -1)
			goto bad;
		if (b.ss.ss_family != a.ss.ss_family)
			return conf_fail(r, line, "%s: \"%s\": the public and "
			    "private addresses are not of the same family",
			    k->name, conf_quote(value, q));
		any |= conf_value_addr_is_any(&b);
		e.private_ip = b.ss;
	}
	if (any)
		return conf_fail(r, line, "%s: \"%s\": 0.0.0.0 and :: cannot be "
		    "mapped", k->name, conf_quote(value, q));
	for (i = 0; i < *n; i++)
		if (list[i].public_ip.ss_family == e.public_ip.ss_family)
			return conf_fail(r, line, "%s: \"%s\": only one %s "
			    "%s may be given", k->name, conf_quote(value, q),
			    conf_value_family_name(e.public_ip.ss_family),
			    k->name);
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u mappings", k->name,
		    k->max);
	list[(*n)++] = e;
	return 0;
 bad:
	return conf_fail(r, line, "%s: \"%s\" is not PUBLIC or PUBLIC/PRIVATE, "
	    "numeric IPv4 or IPv6 addresses without a port", k->name,
	    conf_quote(value, q));
}

/* One relay-ip: a specific numeric address, at most one per family. */
static int
conf_set_ip(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	struct conf_addr *list = conf_field(r->conf, k->off), a;
	size_t *n = conf_field(r->conf, k->count_off);
	char q[CONF_QUOTE_MAX + 4];
	size_t i;

	if (strcmp(value, "*") == 0)
		return conf_fail(r, line, "%s: \"*\" is a wildcard: give the "
		    "address to bind relay sockets to", k->name);
	if (conf_value_ip(value, 0, &a) == -1)
		return conf_fail(r, line, "%s: \"%s\" is not a numeric IPv4 or "
		    "IPv6 address", k->name, conf_quote(value, q));
	if (conf_value_addr_is_any(&a))
		return conf_fail(r, line, "%s: \"%s\" is a wildcard: give the "
		    "address to bind relay sockets to", k->name,
		    conf_quote(value, q));
	for (i = 0; i < *n; i++)
		if (list[i].ss.ss_family == a.ss.ss_family)
			return conf_fail(r, line, "%s: \"%s\": only one %s "
			    "%s may be given", k->name, a.text,
			    conf_value_family_name(a.ss.ss_family), k->name);
	if (*n >= k->max)
		return conf_fail(r, line, "%s: more than %u addresses", k->name,
		    k->max);
	list[(*n)++] = a;
	return 0;
}

/* One node ID (vouch): 52 base32 characters naming 32 bytes. */
static int
conf_set_nodeid(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	char q[CONF_QUOTE_MAX + 4];
	uint8_t id[32];

	if (identity_key_parse(value, id) == -1)
		return conf_fail(r, line, "%s: \"%s\" is not a node ID (52 "
		    "base32 characters)", k->name,
		    conf_quote(value, q));
	return conf_list_add(r, line, k, value, "node ID");
}

/* Empty the list of a repeatable key, wiping the secrets it holds. */
static void
conf_list_clear(struct conf *c, const struct conf_key *k)
{
	size_t *n = conf_field(c, k->count_off);
	struct conf_user *u;
	char **s;
	size_t i;

	for (i = 0; i < *n; i++) {
		if (k->type == CONF_T_USER) {
			u = (struct conf_user *)conf_field(c, k->off) + i;
			free(u->name);
			conf_free_secret(u->password);
			u->name = u->password = NULL;
		} else if (k->type == CONF_T_PEER ||
		    k->type == CONF_T_NODEID) {
			s = (char **)conf_field(c, k->off) + i;
			free(*s);
			*s = NULL;
		} else if (k->type == CONF_T_SECRET) {
			s = (char **)conf_field(c, k->off) + i;
			conf_free_secret(*s);
			*s = NULL;
		}
	}
	*n = 0;
}

/* Parse value for key k into r->conf; messages name the key. */
static int
conf_apply(struct conf_reader *r, unsigned line, const struct conf_key *k,
    const char *value)
{
	void *field = conf_field(r->conf, k->off);
	char q[CONF_QUOTE_MAX + 4];
	unsigned lo, hi;
	uint16_t port;
	uint64_t v;

	switch (k->type) {
	case CONF_T_STRING:
	case CONF_T_PATH:
		return conf_set_string(r, line, k, value);
	case CONF_T_REALM:
		return conf_set_realm(r, line, k, value);
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return conf_set_enum(r, line, k, value);
	case CONF_T_ADDRESS:
		return conf_set_address(r, line, k, value);
	case CONF_T_USER:
		return conf_set_user(r, line, k, value);
	case CONF_T_SECRET:
		return conf_set_secret(r, line, k, value);
	case CONF_T_PEER:
		return conf_set_peer(r, line, k, value);
	case CONF_T_NODEID:
		return conf_set_nodeid(r, line, k, value);
	case CONF_T_PREFIX:
		return conf_set_prefix(r, line, k, value);
	case CONF_T_EXTERNAL:
		return conf_set_external(r, line, k, value);
	case CONF_T_IP:
		return conf_set_ip(r, line, k, value);
	case CONF_T_PORT:
		/* min..max narrow 1-65535; 0 stays allowed with PORT0. */
		lo = k->min != 0 ? k->min : 1;
		hi = k->max != 0 ? k->max : 65535;
		if (conf_value_port(value, k->flags & CONF_F_PORT0,
		    &port) == -1 || (port != 0 && (port < lo || port > hi)))
			return conf_fail(r, line, "%s: \"%s\" is not a port "
			    "number (%u-%u)", k->name, conf_quote(value, q),
			    lo, hi);
		*(uint16_t *)field = port;
		return 0;
	case CONF_T_RATE:
		if (conf_value_rate(value, field) == -1)
			return conf_fail(r, line, "%s: \"%s\" is not a number "
			    "of bytes per second (suffix k, M or G)", k->name,
			    conf_quote(value, q));
		return 0;
	case CONF_T_UINT:
		if (conf_value_number(value, k->max, &v) == -1 || v < k->min)
			return conf_fail(r, line, "%s: \"%s\" is not a number "
			    "from %u to %u", k->name, conf_quote(value, q),
			    k->min, k->max);
		*(unsigned *)field = (unsigned)v;
		return 0;
	case CONF_T_DURATION:
		if (conf_value_duration(value, k->min, k->max, field) == -1)
			return conf_fail(r, line, "%s: \"%s\" is not a "
			    "duration from %us to %us (suffix s, m or h)",
			    k->name, conf_quote(value, q), k->min, k->max);
		return 0;
	case CONF_T_HOSTPORT:
		if (conf_value_hostport(value, k->flags & CONF_F_PORT0,
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
			conf_list_clear(r->conf, k);
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
	int rc = -1;

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
	if (*s == '\0') {
		rc = 0;
		goto done;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		conf_fail(r, r->line, "expected \"key = value\"");
		goto done;
	}
	*eq = '\0';
	key = conf_trim(s);
	value = conf_trim(eq + 1);
	if (*key == '\0') {
		conf_fail(r, r->line, "missing key before \"=\"");
		goto done;
	}
	rc = conf_set_at(r, r->line, key, value);
 done:
	/* The line may hold a password. */
	crypto_wipe(buf, len + 1);
	return rc;
}

/*
 * The last line of this source that set key a or b (0 for neither, or
 * for options): the line a cross-key error names.
 */
static unsigned
conf_later_line(const struct conf_reader *r, const char *a, const char *b)
{
	int ia = conf_key_index(a), ib = conf_key_index(b);
	unsigned la, lb;

	if (r->opts || ia < 0 || ib < 0)
		return 0;
	la = r->set_line[ia];
	lb = r->set_line[ib];
	return la > lb ? la : lb;
}

/* The port of http-address, in host order. */
static uint16_t
conf_http_port(const struct conf *c)
{
	if (c->http.ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&c->http.ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&c->http.ss)->sin6_port);
}

/* Checks across keys, once the source is complete. */
int
conf_read_finish(struct conf_reader *r)
{
	struct conf *c = r->conf;
	int tls;

	if (c == NULL)
		return -1;
	if (c->port != 0 && conf_http_port(c) == c->port)
		return conf_fail(r, conf_later_line(r, "port", "http-address"),
		    "http-address %s uses port %u, which is also the TURN "
		    "port", c->http.text, c->port);
	if (c->min_port > c->max_port)
		return conf_fail(r, conf_later_line(r, "min-port", "max-port"),
		    "min-port %u is above max-port %u", c->min_port,
		    c->max_port);
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return conf_fail(r, conf_later_line(r, "tls-cert", "tls-key"),
		    "%s is set but %s is not",
		    c->tls_cert != NULL ? "tls-cert" : "tls-key",
		    c->tls_cert != NULL ? "tls-key" : "tls-cert");
	/* Only a certificate opens the TLS listener (TCP, as port is). */
	tls = c->tls_cert != NULL && c->tls_port != 0;
	if (tls && c->port == c->tls_port)
		return conf_fail(r, conf_later_line(r, "port", "tls-port"),
		    "tls-port %u is also the TURN port", c->tls_port);
	if (tls && conf_http_port(c) == c->tls_port)
		return conf_fail(r, conf_later_line(r, "tls-port",
		    "http-address"), "http-address %s uses port %u, which is "
		    "also the TLS port", c->http.text, c->tls_port);
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
	crypto_wipe(buf, sizeof(buf));
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

/* The name of row i of the key table; NULL past the end. */
const char *
conf_key_name(size_t i)
{
	return i < nitems(conf_keys) ? conf_keys[i].name : NULL;
}

/* Free a configuration and its strings, wiping the secrets. */
void
conf_free(struct conf *c)
{
	const struct conf_key *k;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(conf_keys); i++) {
		k = &conf_keys[i];
		if (k->flags & CONF_F_REPEAT)
			conf_list_clear(c, k);
		else if (k->type == CONF_T_STRING || k->type == CONF_T_PATH ||
		    k->type == CONF_T_REALM)
			free(*(char **)conf_field(c, k->off));
	}
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
		if (conf_keys[i].def == NULL)
			continue;
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
	char *line;
	size_t cap = CONF_MAX_LINE + 2;
	ssize_t n;
	int rc = -1;

	/* Big enough for any valid line, so no realloc leaves a copy. */
	if ((line = malloc(cap)) == NULL) {
		conf_fail(r, 0, "%s", strerror(errno));
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		conf_fail(r, 0, "cannot open: %s", strerror(errno));
		free(line);
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
	crypto_wipe(line, cap);
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
