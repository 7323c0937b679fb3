/*
 * test_conf.c - the configuration parser: defaults, every value type,
 * every error message (exactly as an operator sees it), command-line
 * overrides, the conf_print round trip, secret redaction, and the shipped
 * sample file and manual page, which must document every key.
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
#include "chorus/turn_auth.h"
#include "../../daemon/log.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/chorus"
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define TEST_NKEYS	53	/* keys in the table today */
#define REDACTED	"<redacted>"

/* How a valid case is checked. */
enum want_kind {
	W_U16,		/* uint16_t field */
	W_UINT,		/* unsigned field */
	W_INT,		/* int field (enums) */
	W_STR,		/* char * field */
	W_ADDR,		/* struct conf_addr field: its text */
	W_LISTEN,	/* the listen list: count and texts joined by ',' */
	W_U64,		/* uint64_t field, as decimal text in str */
	W_PRINTED,	/* the lines of the first line's key in
			   conf_print_full(, 1): count, values joined by ',' */
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
	/* TURN */
	{ "realm = example.org", W_STR, O(realm), 0, "example.org" },
	{ "realm = Chorus relay (EU) ~!@$%^&*", W_STR, O(realm), 0,
	    "Chorus relay (EU) ~!@$%^&*" },
	{ "realm = a#b", W_STR, O(realm), 0, "a#b" },
	{ "user = alice:secret", W_PRINTED, 0, 1, "alice:secret" },
	{ "user = bob:pa:ss:word", W_PRINTED, 0, 1, "bob:pa:ss:word" },
	{ "user = carol: a b ", W_PRINTED, 0, 1, "carol: a b" },
	{ "user = d#1!:x#y", W_PRINTED, 0, 1, "d#1!:x#y" },
	{ "user = n#1:#x", W_PRINTED, 0, 1, "n#1:#x" },
	{ "user = e:#", W_PRINTED, 0, 1, "e:#" },
	{ "auth-secret = a#b #c", W_PRINTED, 0, 1, "a#b" },
	{ "user = a:1\nuser = b:1\nuser = A:2", W_PRINTED, 0, 3,
	    "a:1,b:1,A:2" },
	{ "auth-secret = s3cr3t", W_PRINTED, 0, 1, "s3cr3t" },
	{ "auth-secret = new one\nauth-secret = old:one", W_PRINTED, 0, 2,
	    "new one,old:one" },
	{ "allow-anonymous = yes", W_INT, O(allow_anonymous), 1, NULL },
	{ "allow-anonymous = off", W_INT, O(allow_anonymous), 0, NULL },
	{ "allowed-peer = 192.168.0.0/16", W_PRINTED, 0, 1, "192.168.0.0/16" },
	{ "allowed-peer = 10.1.2.3/8", W_PRINTED, 0, 1, "10.0.0.0/8" },
	{ "allowed-peer = 10.0.0.7", W_PRINTED, 0, 1, "10.0.0.7/32" },
	{ "allowed-peer = FD00::/8\nallowed-peer = ::1", W_PRINTED, 0, 2,
	    "fd00::/8,::1/128" },
	{ "allowed-peer = ::ffff:10.0.0.0/104", W_PRINTED, 0, 1, "10.0.0.0/8" },
	{ "denied-peer = 203.0.113.0/24\ndenied-peer = 0.0.0.0/0",
	    W_PRINTED, 0, 2, "203.0.113.0/24,0.0.0.0/0" },
	{ "denied-peer = 10.0.0.0/8\nallowed-peer = 10.0.0.0/8", W_PRINTED, 0,
	    1, "10.0.0.0/8" },
	{ "min-port = 1024", W_U16, O(min_port), 1024, NULL },
	{ "min-port = 65535\nmax-port = 65535", W_U16, O(min_port), 65535,
	    NULL },
	{ "max-port = 49152", W_U16, O(max_port), 49152, NULL },
	{ "min-port = 40000\nmax-port = 40100", W_U16, O(max_port), 40100,
	    NULL },
	{ "external-ip = 203.0.113.7", W_PRINTED, 0, 1, "203.0.113.7" },
	{ "external-ip = 203.0.113.7/10.0.0.7", W_PRINTED, 0, 1,
	    "203.0.113.7/10.0.0.7" },
	{ "external-ip = [2001:DB8::7]/[fd00::7]", W_PRINTED, 0, 1,
	    "2001:db8::7/fd00::7" },
	{ "external-ip = 2001:db8::7\nexternal-ip = 203.0.113.7/10.0.0.7",
	    W_PRINTED, 0, 2, "2001:db8::7,203.0.113.7/10.0.0.7" },
	{ "relay-ip = 192.0.2.5", W_PRINTED, 0, 1, "192.0.2.5" },
	{ "relay-ip = [2001:db8::5]\nrelay-ip = 192.0.2.5", W_PRINTED, 0, 2,
	    "2001:db8::5,192.0.2.5" },
	{ "relay-ip = 127.0.0.1", W_PRINTED, 0, 1, "127.0.0.1" },
	{ "tls-port = 0", W_U16, O(tls_port), 0, NULL },
	{ "tls-port = 443", W_U16, O(tls_port), 443, NULL },
	{ "tls-cert = /etc/c.pem\ntls-key = k.pem", W_STR, O(tls_cert), 0,
	    "/etc/c.pem" },
	{ "tls-key = /etc/k.pem\ntls-cert = c.pem", W_STR, O(tls_key), 0,
	    "/etc/k.pem" },
	{ "port = 5349", W_U16, O(port), 5349, NULL },
	{ "port = 5349\ntls-cert = c\ntls-key = k\ntls-port = 0", W_U16,
	    O(tls_port), 0, NULL },
	{ "http-address = 127.0.0.1:5349", W_ADDR, O(http), 0,
	    "127.0.0.1:5349" },
	{ "max-bps = 0", W_U64, O(max_bps), 0, "0" },
	{ "max-bps = 1500000", W_U64, O(max_bps), 0, "1500000" },
	{ "max-bps = 64k", W_U64, O(max_bps), 0, "64000" },
	{ "max-bps = 2M", W_U64, O(max_bps), 0, "2000000" },
	{ "max-bps = 1G", W_U64, O(max_bps), 0, "1000000000" },
	{ "max-bps = 0G", W_U64, O(max_bps), 0, "0" },
	{ "max-bps = 18446744073709551615", W_U64, O(max_bps), 0,
	    "18446744073709551615" },
	{ "max-bps = 18446744073G", W_U64, O(max_bps), 0,
	    "18446744073000000000" },
	{ "user-quota = 1", W_UINT, O(user_quota), 1, NULL },
	{ "user-quota = 100000", W_UINT, O(user_quota), 100000, NULL },
	{ "total-quota = 1", W_UINT, O(total_quota), 1, NULL },
	{ "total-quota = 1000000", W_UINT, O(total_quota), 1000000, NULL },
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
	/* TURN */
	{ "realm = a\"b", "t.conf:1: realm: \"a\"b\" may contain only "
	    "printable ASCII characters other than '\"' and '\\'" },
	{ "realm = a\\b", "t.conf:1: realm: \"a\\b\" may contain only "
	    "printable ASCII characters other than '\"' and '\\'" },
	{ "realm = caf\xc3\xa9", "t.conf:1: realm: \"caf\xc3\xa9\" may contain "
	    "only printable ASCII characters other than '\"' and '\\'" },
	{ "realm = a\tb", "t.conf:1: realm: \"a?b\" may contain only "
	    "printable ASCII characters other than '\"' and '\\'" },
	{ "realm = x\nrealm = y",
	    "t.conf:2: duplicate key \"realm\" (first set on line 1)" },
	{ "user = alice", "t.conf:1: user: expected NAME:PASSWORD" },
	{ "user = :pw", "t.conf:1: user: the name before ':' is empty" },
	{ "user = alice:", "t.conf:1: user: alice: the password is empty" },
	{ "user = al ice:pw", "t.conf:1: user: \"al ice\": a name may contain "
	    "only printable ASCII characters other than blanks and ':', and "
	    "not begin with '#'" },
	{ "user = j\xc3\xb6rg:pw", "t.conf:1: user: \"j\xc3\xb6rg\": a name may "
	    "contain only printable ASCII characters other than blanks and "
	    "':', and not begin with '#'" },
	{ "user = alice:p\xc3\xa4ss", "t.conf:1: user: alice: the password may "
	    "contain only printable ASCII characters" },
	{ "user = alice:a\x7f", "t.conf:1: user: alice: the password may "
	    "contain only printable ASCII characters" },
	{ "user = alice:pw\n# again\nuser = alice:other",
	    "t.conf:3: user: \"alice\" is listed twice" },
	{ "user = alice:" REDACTED, "t.conf:1: user: alice: the password is "
	    "\"<redacted>\", a placeholder from chorusd -t: copy the real one "
	    "from the original file" },
	{ "auth-secret = " REDACTED, "t.conf:1: auth-secret: the secret is "
	    "\"<redacted>\", a placeholder from chorusd -t: copy the real one "
	    "from the original file" },
	{ "auth-secret = \xe2\x82\xac", "t.conf:1: auth-secret: the secret may "
	    "contain only printable ASCII characters" },
	{ "auth-secret = one\nauth-secret = one",
	    "t.conf:2: auth-secret: the same secret is listed twice" },
	{ "allow-anonymous = maybe", "t.conf:1: allow-anonymous: \"maybe\" is "
	    "not yes, no, true, false, on, off, 1 or 0" },
	{ "allowed-peer = 10.0.0.0/33", "t.conf:1: allowed-peer: "
	    "\"10.0.0.0/33\" is not an IPv4 or IPv6 prefix like 192.0.2.0/24 "
	    "or 2001:db8::/32" },
	{ "allowed-peer = lan", "t.conf:1: allowed-peer: \"lan\" is not an "
	    "IPv4 or IPv6 prefix like 192.0.2.0/24 or 2001:db8::/32" },
	{ "allowed-peer = 10.0.0.0/8/8", "t.conf:1: allowed-peer: "
	    "\"10.0.0.0/8/8\" is not an IPv4 or IPv6 prefix like 192.0.2.0/24 "
	    "or 2001:db8::/32" },
	{ "denied-peer = [::1]/128", "t.conf:1: denied-peer: \"[::1]/128\" is "
	    "not an IPv4 or IPv6 prefix like 192.0.2.0/24 or 2001:db8::/32" },
	{ "allowed-peer = 10.0.0.0/8\nallowed-peer = 10.9.9.9/8",
	    "t.conf:2: allowed-peer: \"10.0.0.0/8\" is listed twice" },
	{ "denied-peer = fd00::/8\ndenied-peer = FD00::/8",
	    "t.conf:2: denied-peer: \"fd00::/8\" is listed twice" },
	{ "min-port = 1023", "t.conf:1: min-port: \"1023\" is not a port "
	    "number (1024-65535)" },
	{ "max-port = 0", "t.conf:1: max-port: \"0\" is not a port number "
	    "(1024-65535)" },
	{ "max-port = 65536", "t.conf:1: max-port: \"65536\" is not a port "
	    "number (1024-65535)" },
	{ "min-port = 60000\nmax-port = 50000",
	    "t.conf:2: min-port 60000 is above max-port 50000" },
	{ "max-port = 50000\n\nmin-port = 50001",
	    "t.conf:3: min-port 50001 is above max-port 50000" },
	{ "# the default min-port is 49152\nmax-port = 40000",
	    "t.conf:2: min-port 49152 is above max-port 40000" },
	{ "external-ip = 203.0.113.7:3478", "t.conf:1: external-ip: "
	    "\"203.0.113.7:3478\" is not PUBLIC or PUBLIC/PRIVATE, numeric "
	    "IPv4 or IPv6 addresses without a port" },
	{ "external-ip = nat.example.org", "t.conf:1: external-ip: "
	    "\"nat.example.org\" is not PUBLIC or PUBLIC/PRIVATE, numeric "
	    "IPv4 or IPv6 addresses without a port" },
	{ "external-ip = 203.0.113.7/", "t.conf:1: external-ip: "
	    "\"203.0.113.7/\" is not PUBLIC or PUBLIC/PRIVATE, numeric "
	    "IPv4 or IPv6 addresses without a port" },
	{ "external-ip = /10.0.0.7", "t.conf:1: external-ip: "
	    "\"/10.0.0.7\" is not PUBLIC or PUBLIC/PRIVATE, numeric "
	    "IPv4 or IPv6 addresses without a port" },
	{ "external-ip = 203.0.113.7/10.0.0.0/8", "t.conf:1: external-ip: "
	    "\"203.0.113.7/10.0.0.0/8\" is not PUBLIC or PUBLIC/PRIVATE, "
	    "numeric IPv4 or IPv6 addresses without a port" },
	{ "external-ip = *", "t.conf:1: external-ip: \"*\" is not PUBLIC or "
	    "PUBLIC/PRIVATE, numeric IPv4 or IPv6 addresses without a port" },
	{ "external-ip = 203.0.113.7/fd00::7", "t.conf:1: external-ip: "
	    "\"203.0.113.7/fd00::7\": the public and private addresses are "
	    "not of the same family" },
	{ "external-ip = 0.0.0.0", "t.conf:1: external-ip: \"0.0.0.0\": "
	    "0.0.0.0 and :: cannot be mapped" },
	{ "external-ip = 2001:db8::7/::", "t.conf:1: external-ip: "
	    "\"2001:db8::7/::\": 0.0.0.0 and :: cannot be mapped" },
	{ "external-ip = 203.0.113.7\nexternal-ip = 198.51.100.7/10.0.0.7",
	    "t.conf:2: external-ip: \"198.51.100.7/10.0.0.7\": only one IPv4 "
	    "external-ip may be given" },
	{ "external-ip = 2001:db8::7\nexternal-ip = 203.0.113.7\n"
	    "external-ip = 2001:db8::8", "t.conf:3: external-ip: "
	    "\"2001:db8::8\": only one IPv6 external-ip may be given" },
	{ "relay-ip = *", "t.conf:1: relay-ip: \"*\" is a wildcard: give the "
	    "address to bind relay sockets to" },
	{ "relay-ip = 0.0.0.0", "t.conf:1: relay-ip: \"0.0.0.0\" is a "
	    "wildcard: give the address to bind relay sockets to" },
	{ "relay-ip = [::]", "t.conf:1: relay-ip: \"[::]\" is a wildcard: "
	    "give the address to bind relay sockets to" },
	{ "relay-ip = 192.0.2.5:49152", "t.conf:1: relay-ip: "
	    "\"192.0.2.5:49152\" is not a numeric IPv4 or IPv6 address" },
	{ "relay-ip = 192.0.2.0/24", "t.conf:1: relay-ip: \"192.0.2.0/24\" "
	    "is not a numeric IPv4 or IPv6 address" },
	{ "relay-ip = 2001:db8::5\nrelay-ip = [2001:DB8::6]", "t.conf:2: "
	    "relay-ip: \"2001:db8::6\": only one IPv6 relay-ip may be given" },
	{ "relay-ip = 192.0.2.5\nrelay-ip = 192.0.2.5", "t.conf:2: "
	    "relay-ip: \"192.0.2.5\": only one IPv4 relay-ip may be given" },
	{ "tls-port = 65536", "t.conf:1: tls-port: \"65536\" is not a port "
	    "number (1-65535)" },
	{ "tls-port = -1", "t.conf:1: tls-port: \"-1\" is not a port "
	    "number (1-65535)" },
	{ "tls-cert = /etc/c.pem", "t.conf:1: tls-cert is set but tls-key is "
	    "not" },
	{ "\ntls-key = /etc/k.pem", "t.conf:2: tls-key is set but tls-cert is "
	    "not" },
	{ "tls-cert =", "t.conf:1: tls-cert: empty value" },
	{ "tls-cert = c\ntls-key = k\ntls-port = 3478",
	    "t.conf:3: tls-port 3478 is also the TURN port" },
	{ "port = 5349\ntls-cert = c\ntls-key = k",
	    "t.conf:1: tls-port 5349 is also the TURN port" },
	{ "http-address = [::1]:5349\ntls-cert = c\ntls-key = k",
	    "t.conf:1: http-address [::1]:5349 uses port 5349, which is also "
	    "the TLS port" },
	{ "max-bps = -1", "t.conf:1: max-bps: \"-1\" is not a number of bytes "
	    "per second (suffix k, M or G)" },
	{ "max-bps = 1K", "t.conf:1: max-bps: \"1K\" is not a number of bytes "
	    "per second (suffix k, M or G)" },
	{ "max-bps = 1.5M", "t.conf:1: max-bps: \"1.5M\" is not a number of "
	    "bytes per second (suffix k, M or G)" },
	{ "max-bps = M", "t.conf:1: max-bps: \"M\" is not a number of bytes "
	    "per second (suffix k, M or G)" },
	{ "max-bps = 1 M", "t.conf:1: max-bps: \"1 M\" is not a number of "
	    "bytes per second (suffix k, M or G)" },
	{ "max-bps = 1Mk", "t.conf:1: max-bps: \"1Mk\" is not a number of "
	    "bytes per second (suffix k, M or G)" },
	{ "max-bps = 18446744073709551616", "t.conf:1: max-bps: "
	    "\"18446744073709551616\" is not a number of bytes per second "
	    "(suffix k, M or G)" },
	{ "max-bps = 18446744074G", "t.conf:1: max-bps: \"18446744074G\" is "
	    "not a number of bytes per second (suffix k, M or G)" },
	{ "max-bps = 18446744073709552k", "t.conf:1: max-bps: "
	    "\"18446744073709552k\" is not a number of bytes per second "
	    "(suffix k, M or G)" },
	{ "user-quota = 0", "t.conf:1: user-quota: \"0\" is not a number from "
	    "1 to 100000" },
	{ "user-quota = 100001", "t.conf:1: user-quota: \"100001\" is not a "
	    "number from 1 to 100000" },
	{ "total-quota = 0", "t.conf:1: total-quota: \"0\" is not a number "
	    "from 1 to 1000000" },
	{ "total-quota = 1000001", "t.conf:1: total-quota: \"1000001\" is "
	    "not a number from 1 to 1000000" },
	{ "vouch = ABC", "t.conf:1: vouch: \"ABC\" is not a node ID (52 "
	    "base32 characters)" },
	{ "vouch = 0000000000000000000000000000000000000000000000000000",
	    "t.conf:1: vouch: \"00000000000000000000000000000000000000000000"
	    "00000000\" is not a node ID (52 base32 characters)" },
	{ "probe-interval = 0", "t.conf:1: probe-interval: \"0\" is not a "
	    "duration from 1s to 86400s (suffix s, m or h)" },
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
	/* A secret given as an option never shows in the message. */
	{ { "--user=alice:p\xc3\xa4ss" }, "command line: --user=alice:"
	    "<redacted>: user: alice: the password may contain only printable "
	    "ASCII characters" },
	{ { "--user=alice:x #y" }, "command line: --user=alice:<redacted>: "
	    "user: alice: the password has a '#' that would begin a comment" },
	{ { "--auth-secret=#1" }, "command line: --auth-secret=<redacted>: "
	    "auth-secret: the secret has a '#' that would begin a comment" },
	{ { "--user=#x:pw" }, "command line: --user=#x:<redacted>: user: "
	    "\"#x\": a name may contain only printable ASCII characters other "
	    "than blanks and ':', and not begin with '#'" },
	{ { "--user=nocolon" }, "command line: --user=<redacted>: user: "
	    "expected NAME:PASSWORD" },
	{ { "--user=a:1", "--user=a:2" }, "command line: --user=a:<redacted>: "
	    "user: \"a\" is listed twice" },
	{ { "--auth-secret=s3cr3t #1" }, "command line: --auth-secret="
	    "<redacted>: auth-secret: the secret has a '#' that would begin a "
	    "comment" },
	{ { "--auth-secret=s3cr3t", "--auth-secret=s3cr3t" }, "command line: "
	    "--auth-secret=<redacted>: auth-secret: the same secret is listed "
	    "twice" },
	{ { "--realm=#x" }, "command line: --realm=#x: realm: \"#x\": a '#' "
	    "at the start or after a blank begins a comment" },
	{ { "--min-port=60000", "--max-port=50000" }, "command line: "
	    "min-port 60000 is above max-port 50000" },
	{ { "--tls-key=/k.pem" }, "command line: tls-key is set but tls-cert "
	    "is not" },
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

/* conf_print_full(c, f, show) as a string (free it). */
static char *
print_text(const struct conf *c, int show)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	conf_print_full(c, f, show);
	fclose(f);
	return text;
}

/* The values of key's lines in conf_print_full(c, 1), joined by ','. */
static size_t
printed_values(const struct conf *c, const char *key, size_t klen, char *buf,
    size_t len)
{
	char *text, *line, *nl;
	size_t n = 0, used = 0;

	text = print_text(c, 1);
	buf[0] = '\0';
	for (line = text; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (strncmp(line, key, klen) != 0 ||
		    strncmp(line + klen, " = ", 3) != 0)
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s",
			    n ? "," : "", line + klen + 3);
		n++;
	}
	free(text);
	return n;
}

/* Check one valid case's field. */
static void
check_valid(const struct valid_case *v)
{
	char err[CONF_ERRLEN], name[128], buf[512];
	struct conf *c;
	const char *f;
	size_t n;

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
	case W_U64:
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)
		    *(const uint64_t *)(const void *)f);
		tap_is_str(buf, v->str, name);
		break;
	case W_PRINTED:
		n = printed_values(c, v->text, strcspn(v->text, " ="), buf,
		    sizeof(buf));
		if (n != (size_t)v->num)
			tap_is_int(n, v->num, name);
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
	tap_is_str(c->realm, "chorus", "default realm");
	tap_ok(c->nusers == 0 && c->nauth_secrets == 0,
	    "no default user or auth-secret");
	tap_is_int(c->allow_anonymous, 0, "default allow-anonymous");
	tap_ok(c->nallowed_peers == 0 && c->ndenied_peers == 0,
	    "no default allowed-peer or denied-peer");
	tap_is_int(c->min_port, 49152, "default min-port");
	tap_is_int(c->max_port, 65535, "default max-port");
	tap_ok(c->nexternal == 0 && c->nrelay_ip == 0,
	    "no default external-ip or relay-ip");
	tap_is_int(c->tls_port, 5349, "default tls-port");
	tap_ok(c->tls_cert == NULL && c->tls_key == NULL,
	    "no default tls-cert or tls-key");
	tap_ok(c->max_bps == 0, "default max-bps is 0 (no limit)");
	tap_is_int(c->user_quota, 10, "default user-quota");
	tap_is_int(c->total_quota, 10000, "default total-quota");
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

/* Lines conf_print_full writes: a header, a line per value. */
static size_t
expect_lines(const struct conf *c)
{
	/* The single-valued keys; tls-cert and tls-key may be unset. */
	size_t n = 1 + TEST_NKEYS - 8 - (c->tls_cert == NULL) -
	    (c->tls_key == NULL) - (c->network_psk_file == NULL) -
	    (c->member_keys_file == NULL) - (c->region == NULL) - 2;

	return n + c->nlisten + c->nusers + c->nauth_secrets +
	    c->nallowed_peers + c->ndenied_peers + c->nexternal + c->nrelay_ip +
	    c->nbootstrap + c->nvouch + c->ndeny;
}

/* Print c with its secrets, load the result, compare; count the lines. */
static void
check_round_trip(const struct conf *c, const char *name)
{
	char *text, err[CONF_ERRLEN];
	size_t lines = 0, i;
	struct conf *back;

	text = print_text(c, 1);
	for (i = 0; text[i] != '\0'; i++)
		lines += text[i] == '\n';
	tap_is_int(lines, expect_lines(c),
	    "conf_print_full: a header, one line per key and per value");
	back = parse(text, err, sizeof(err));
	if (!tap_ok(back != NULL && conf_equal(c, back), "%s", name))
		tap_diag("  %s\n%s", err, text);
	conf_free(back);
	free(text);
}

/* Every TURN key away from its default, lists full, with secrets. */
#define TURN_FULL \
	"realm = Example Relay\n" \
	"user = alice:Tr0ub4dor&3\n" \
	"user = bob:correct horse:battery staple\n" \
	"auth-secret = rest-secret-one\n" \
	"auth-secret = rest-secret-two\n" \
	"allow-anonymous = true\n" \
	"relay-ip = 10.0.0.7\n" \
	"relay-ip = [fd00::7]\n" \
	"external-ip = 203.0.113.7/10.0.0.7\n" \
	"external-ip = 2001:db8::7\n" \
	"min-port = 40000\n" \
	"max-port = 40999\n" \
	"allowed-peer = 192.168.1.0/24\n" \
	"allowed-peer = fd00::/8\n" \
	"denied-peer = 192.168.1.1\n" \
	"tls-port = 443\n" \
	"tls-cert = /etc/ssl/relay.crt\n" \
	"tls-key = /etc/ssl/private/relay.key\n" \
	"max-bps = 250k\n" \
	"user-quota = 3\n" \
	"total-quota = 500\n"

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
	a = parse(TURN_FULL, err, sizeof(err));
	if (a == NULL)
		tap_diag("  %s", err);
	if (a == NULL)
		abort();
	check_round_trip(a, "every TURN key changed, round trip");
	conf_free(a);
}

/* Pairs of sources conf_equal must tell apart: one per field and more. */
static const char *const unequal_cases[][2] = {
	{ "", "realm = other" },
	{ "realm = a", "realm = A" },
	{ "", "user = a:b" },
	{ "user = a:b", "user = a:c" },
	{ "user = a:b", "user = A:b" },
	{ "user = a:b\nuser = c:d", "user = c:d\nuser = a:b" },
	{ "", "auth-secret = s" },
	{ "auth-secret = s", "auth-secret = t" },
	{ "", "allow-anonymous = yes" },
	{ "", "allowed-peer = 10.0.0.0/8" },
	{ "allowed-peer = 10.0.0.0/8", "allowed-peer = 10.0.0.0/9" },
	{ "allowed-peer = 10.0.0.0/8", "denied-peer = 10.0.0.0/8" },
	{ "allowed-peer = ::/0", "allowed-peer = 0.0.0.0/0" },
	{ "", "min-port = 1024" },
	{ "", "max-port = 60000" },
	{ "", "external-ip = 192.0.2.1" },
	{ "external-ip = 192.0.2.1", "external-ip = 192.0.2.1/10.0.0.1" },
	{ "external-ip = 192.0.2.1/10.0.0.1",
	    "external-ip = 192.0.2.1/10.0.0.2" },
	{ "external-ip = 192.0.2.1", "external-ip = 192.0.2.2" },
	{ "", "relay-ip = 192.0.2.1" },
	{ "relay-ip = 192.0.2.1", "relay-ip = 192.0.2.2" },
	{ "", "tls-port = 0" },
	{ "", "tls-cert = c\ntls-key = k" },
	{ "tls-cert = c\ntls-key = k", "tls-cert = c\ntls-key = K" },
	{ "", "max-bps = 1" },
	{ "max-bps = 18446744073709551615", "max-bps = 18446744073709551614" },
	{ "", "user-quota = 1" },
	{ "", "total-quota = 1" },
};

/* conf_equal compares every TURN field, and equal sources are equal. */
static void
test_equal(void)
{
	char err[CONF_ERRLEN], name[256], *p;
	struct conf *a, *b;
	size_t i;

	for (i = 0; i < nitems(unequal_cases); i++) {
		a = parse(unequal_cases[i][0], err, sizeof(err));
		b = parse(unequal_cases[i][1], err, sizeof(err));
		snprintf(name, sizeof(name), "conf_equal: \"%s\" differs from "
		    "\"%s\"", unequal_cases[i][0], unequal_cases[i][1]);
		for (p = name; (p = strchr(p, '\n')) != NULL; )
			*p = ' ';
		tap_ok(a != NULL && b != NULL && !conf_equal(a, b) &&
		    !conf_equal(b, a) && conf_equal(a, a) && conf_equal(b, b),
		    "%s", name);
		conf_free(a);
		conf_free(b);
	}
	a = parse("allowed-peer = 10.1.2.3/8\nexternal-ip = [2001:db8::1]/"
	    "fd00::1\nrelay-ip = ::ffff:192.0.2.1\nmax-bps = 2M",
	    err, sizeof(err));
	b = parse("allowed-peer = 10.0.0.0/8\nexternal-ip = 2001:DB8::1/"
	    "[fd00:0::1]\nrelay-ip = [::ffff:c000:201]\nmax-bps = 2000000",
	    err, sizeof(err));
	tap_ok(a != NULL && b != NULL && conf_equal(a, b),
	    "conf_equal: the same values written differently are equal");
	conf_free(a);
	conf_free(b);
}

/* The parsed TURN values land in the fields the relay reads. */
static void
test_turn_fields(void)
{
	char err[CONF_ERRLEN], a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	struct conf *c;

	if ((c = parse(TURN_FULL, err, sizeof(err))) == NULL) {
		tap_ok(0, "TURN_FULL parses");
		tap_diag("  %s", err);
		return;
	}
	tap_ok(c->nusers == 2 && strcmp(c->users[0].name, "alice") == 0 &&
	    strcmp(c->users[0].password, "Tr0ub4dor&3") == 0,
	    "user: name and password");
	tap_ok(strcmp(c->users[1].name, "bob") == 0 &&
	    strcmp(c->users[1].password, "correct horse:battery staple") == 0,
	    "user: split at the first ':', blanks kept");
	tap_ok(c->nauth_secrets == 2 &&
	    strcmp(c->auth_secrets[0], "rest-secret-one") == 0 &&
	    strcmp(c->auth_secrets[1], "rest-secret-two") == 0,
	    "auth-secret: both, in order");
	tap_is_int(c->allow_anonymous, 1, "allow-anonymous = true");
	tap_ok(c->nallowed_peers == 2 &&
	    c->allowed_peers[0].family == AF_INET &&
	    c->allowed_peers[0].bits == 24 &&
	    memcmp(c->allowed_peers[0].addr, "\xc0\xa8\x01\x00", 4) == 0 &&
	    c->allowed_peers[1].family == AF_INET6 &&
	    c->allowed_peers[1].bits == 8 && c->allowed_peers[1].addr[0] == 0xfd,
	    "allowed-peer: struct addr_prefix");
	tap_ok(c->ndenied_peers == 1 && c->denied_peers[0].bits == 32,
	    "denied-peer: an address alone is a /32");
	sin = (const struct sockaddr_in *)(const void *)&c->external[0].public_ip;
	tap_ok(c->nexternal == 2 && sin->sin_family == AF_INET &&
	    sin->sin_port == 0 &&
	    strcmp(inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)),
	    "203.0.113.7") == 0, "external-ip: public IPv4, port 0");
	sin = (const struct sockaddr_in *)(const void *)&c->external[0].private_ip;
	tap_ok(sin->sin_family == AF_INET &&
	    strcmp(inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)),
	    "10.0.0.7") == 0, "external-ip: private IPv4");
	sin6 = (const struct sockaddr_in6 *)(const void *)
	    &c->external[1].public_ip;
	tap_ok(sin6->sin6_family == AF_INET6 &&
	    c->external[1].private_ip.ss_family == AF_UNSPEC &&
	    strcmp(inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)),
	    "2001:db8::7") == 0, "external-ip: no private is AF_UNSPEC");
	tap_ok(c->nrelay_ip == 2 && c->relay_ip[0].ss.ss_family == AF_INET &&
	    c->relay_ip[0].len == sizeof(struct sockaddr_in) &&
	    c->relay_ip[1].ss.ss_family == AF_INET6 &&
	    c->relay_ip[1].len == sizeof(struct sockaddr_in6) &&
	    strcmp(c->relay_ip[1].text, "fd00::7") == 0,
	    "relay-ip: struct conf_addr, port 0");
	tap_ok(c->min_port == 40000 && c->max_port == 40999 &&
	    c->tls_port == 443, "min-port, max-port, tls-port");
	tap_ok(strcmp(c->tls_cert, "/etc/ssl/relay.crt") == 0 &&
	    strcmp(c->tls_key, "/etc/ssl/private/relay.key") == 0,
	    "tls-cert and tls-key");
	tap_ok(c->max_bps == 250000 && c->user_quota == 3 &&
	    c->total_quota == 500, "max-bps, user-quota, total-quota");
	conf_free(c);
}

/* n lines "pre A sep B post", A.B counting up, into a malloc'd text. */
static char *
repeat_lines(const char *pre, char sep, const char *post, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%d%c%d%s\n", pre, i / 256, sep, i % 256, post);
	}
	fclose(f);
	return text;
}

/* The list limits, and the longest values, just in and just over. */
static void
test_limits(void)
{
	static const struct {
		const char	*pre;
		char		 sep;
		const char	*post;
		int		 max;
		const char	*err;
	} lists[] = {
		{ "user = u", '.', ":pw", CONF_MAX_USERS,
		    "t.conf:65: user: more than 64 users" },
		{ "auth-secret = secret ", ' ', "", CONF_MAX_SECRETS,
		    "t.conf:9: auth-secret: more than 8 secrets" },
		{ "allowed-peer = 10.", '.', ".0/24", ADDR_MAX_RULES,
		    "t.conf:65: allowed-peer: more than 64 prefixes" },
		{ "denied-peer = 2001:db8:", ':', "::/64", ADDR_MAX_RULES,
		    "t.conf:65: denied-peer: more than 64 prefixes" },
	};
	char err[CONF_ERRLEN], *text, *big, name[128];
	struct conf *c;
	size_t i;

	for (i = 0; i < nitems(lists); i++) {
		text = repeat_lines(lists[i].pre, lists[i].sep, lists[i].post,
		    lists[i].max);
		c = parse(text, err, sizeof(err));
		snprintf(name, sizeof(name), "%.*s: %d entries are fine",
		    (int)strcspn(lists[i].pre, " "), lists[i].pre,
		    lists[i].max);
		if (!tap_ok(c != NULL, "%s", name))
			tap_diag("  %s", err);
		conf_free(c);
		free(text);
		text = repeat_lines(lists[i].pre, lists[i].sep, lists[i].post,
		    lists[i].max + 1);
		c = parse(text, err, sizeof(err));
		tap_is_str(c == NULL ? err : "(parsed)", lists[i].err,
		    lists[i].err);
		conf_free(c);
		free(text);
	}

	if ((big = malloc(2048)) == NULL)
		abort();
	memcpy(big, "realm = ", 8);
	memset(big + 8, 'r', TURN_AUTH_MAX_REALM);
	big[8 + TURN_AUTH_MAX_REALM] = '\0';
	c = parse(big, err, sizeof(err));
	tap_ok(c != NULL && strlen(c->realm) == TURN_AUTH_MAX_REALM,
	    "realm: 763 bytes are fine");
	conf_free(c);
	strcat(big, "r");
	c = parse(big, err, sizeof(err));
	tap_is_str(c == NULL ? err : "(parsed)",
	    "t.conf:1: realm: value is not 1 to 763 bytes long",
	    "realm: 764 bytes are too many");
	conf_free(c);

	memcpy(big, "user = ", 7);
	memset(big + 7, 'n', CONF_MAX_USER_NAME);
	memcpy(big + 7 + CONF_MAX_USER_NAME, ":", 2);
	memset(big + 8 + CONF_MAX_USER_NAME, 'p', CONF_MAX_PASSWORD);
	big[8 + CONF_MAX_USER_NAME + CONF_MAX_PASSWORD] = '\0';
	c = parse(big, err, sizeof(err));
	tap_ok(c != NULL && c->nusers == 1 &&
	    strlen(c->users[0].name) == CONF_MAX_USER_NAME &&
	    strlen(c->users[0].password) == CONF_MAX_PASSWORD,
	    "user: a 128-character name and a 256-character password");
	conf_free(c);
	strcat(big, "p");
	c = parse(big, err, sizeof(err));
	snprintf(name, sizeof(name), "t.conf:1: user: %.64s...: the password "
	    "is longer than 256 characters", big + 7);
	tap_is_str(c == NULL ? err : "(parsed)", name,
	    "user: a 257-character password");
	conf_free(c);
	memmove(big + 8, big + 7, strlen(big + 7) + 1);
	big[7] = 'n';
	c = parse(big, err, sizeof(err));
	tap_is_str(c == NULL ? err : "(parsed)", "t.conf:1: user: the name is "
	    "longer than 128 characters", "user: a 129-character name");
	conf_free(c);

	memcpy(big, "auth-secret = ", 14);
	memset(big + 14, 's', CONF_MAX_SECRET);
	big[14 + CONF_MAX_SECRET] = '\0';
	c = parse(big, err, sizeof(err));
	tap_ok(c != NULL && c->nauth_secrets == 1 &&
	    strlen(c->auth_secrets[0]) == CONF_MAX_SECRET,
	    "auth-secret: 256 characters are fine");
	conf_free(c);
	strcat(big, "s");
	c = parse(big, err, sizeof(err));
	tap_is_str(c == NULL ? err : "(parsed)", "t.conf:1: auth-secret: the "
	    "secret is longer than 256 characters",
	    "auth-secret: 257 characters are too many");
	conf_free(c);
	free(big);
}

/* conf_print hides secrets, and what it prints cannot pass for them. */
static void
test_redaction(void)
{
	char err[CONF_ERRLEN], want[256], *text, *full;
	struct conf *c, *back;
	const char *p;
	unsigned line;

	if ((c = parse(TURN_FULL, err, sizeof(err))) == NULL)
		abort();
	text = print_text(c, 0);
	tap_ok(strstr(text, "\nuser = alice:" REDACTED "\n") != NULL &&
	    strstr(text, "\nuser = bob:" REDACTED "\n") != NULL,
	    "conf_print: user = NAME:<redacted>");
	tap_ok(strstr(text, "\nauth-secret = " REDACTED "\nauth-secret = "
	    REDACTED "\n") != NULL, "conf_print: auth-secret = <redacted>");
	tap_ok(strstr(text, "Tr0ub4dor") == NULL &&
	    strstr(text, "horse") == NULL &&
	    strstr(text, "rest-secret") == NULL,
	    "conf_print: no password or secret in the output");
	tap_ok(strstr(text, "\n# Passwords and secrets are shown as "
	    REDACTED ".\n") != NULL, "conf_print: says that it redacts");
	/* The first user line is the first the parser refuses. */
	for (p = text, line = 1; p < strstr(text, "\nuser = alice:"); p++)
		line += *p == '\n';
	snprintf(want, sizeof(want), "t.conf:%u: user: alice: the password is "
	    "\"<redacted>\", a placeholder from chorusd -t: copy the real one "
	    "from the original file", line + 1);
	back = parse(text, err, sizeof(err));
	tap_is_str(back == NULL ? err : "(parsed)", want,
	    "conf_print output with secrets is refused, not misread");
	conf_free(back);
	full = print_text(c, 1);
	tap_ok(strstr(full, "\nuser = bob:correct horse:battery staple\n") !=
	    NULL && strstr(full, "\nauth-secret = rest-secret-one\n") != NULL &&
	    strstr(full, REDACTED) == NULL,
	    "conf_print_full(, 1) shows the secrets");
	free(full);
	free(text);
	conf_free(c);

	/* Nothing to hide: conf_print is conf_print_full exactly. */
	if ((c = parse("realm = r\nallowed-peer = 10.0.0.0/8", err,
	    sizeof(err))) == NULL)
		abort();
	text = print_text(c, 0);
	full = print_text(c, 1);
	tap_is_str(text, full, "conf_print without secrets hides nothing");
	free(full);
	free(text);
	conf_free(c);
}

/* Options replace a file's lists, secrets included. */
static void
test_turn_opts(void)
{
	char err[CONF_ERRLEN], path[] = "/tmp/test_conf.XXXXXX", buf[256];
	char *opts[3];
	struct conf *c;
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(f, "user = alice:one\nuser = bob:two\nauth-secret = s1\n"
	    "allowed-peer = 10.0.0.0/8\nmin-port = 50000\n");
	fclose(f);
	opts[0] = "--user=carol:three";
	opts[1] = "--max-port=50000";
	opts[2] = "--relay-ip=192.0.2.9";
	c = conf_load(path, opts, 3, err, sizeof(err));
	if (!tap_ok(c != NULL, "TURN file plus options load"))
		tap_diag("  %s", err);
	if (c != NULL) {
		tap_ok(c->nusers == 1 && strcmp(c->users[0].name, "carol") == 0 &&
		    strcmp(c->users[0].password, "three") == 0,
		    "--user replaces the file's users");
		tap_ok(c->nauth_secrets == 1 && c->nallowed_peers == 1,
		    "the file's other lists are kept");
		tap_ok(c->min_port == 50000 && c->max_port == 50000,
		    "min-port = max-port is a range of one");
		tap_is_int(c->nrelay_ip, 1, "--relay-ip");
	}
	conf_free(c);
	opts[0] = "--max-port=49999";
	c = conf_load(path, opts, 1, err, sizeof(err));
	tap_is_str(c == NULL ? err : "(parsed)", "command line: min-port 50000 "
	    "is above max-port 49999", "an option against the file's range");
	conf_free(c);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "user = alice:x\n\nuser = alice:y\n");
	fclose(f);
	c = conf_load(path, NULL, 0, err, sizeof(err));
	snprintf(buf, sizeof(buf), "%s:3: user: \"alice\" is listed twice",
	    path);
	tap_is_str(c == NULL ? err : "(parsed)", buf,
	    "conf_load names the file and line of a repeated user");
	conf_free(c);
	unlink(path);
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
	p = strstr(text, "  --user=NAME:PASSWORD ");
	tap_ok(p != NULL && strncmp(strchr(p, '('), "(default: none)\n", 16) ==
	    0, "conf_usage: a key without a default says none");
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

/* "\n" and the file top/rel, NUL-terminated (free it); NULL if unreadable. */
static char *
slurp(const char *top, const char *rel)
{
	char path[1024], *text;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((text = malloc(1 << 20)) == NULL)
		abort();
	/* A leading newline lets "\nkey" find a key on the first line. */
	text[0] = '\n';
	len = fread(text + 1, 1, (1 << 20) - 2, f);
	text[len + 1] = '\0';
	fclose(f);
	return text;
}

/* 1 if a line of text starts with pre, key and post. */
static int
has_line(const char *text, const char *pre, const char *key,
    const char *post)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s%s%s", pre, key, post);
	return strstr(text, want) != NULL;
}

/*
 * Every line of text that starts with pre and a word of [a-z0-9-]
 * followed by post must name a known key; unknown ones are reported.
 */
static int
unknown_keys(const char *text, const char *pre, const char *post,
    const char *file)
{
	char word[128];
	const char *p, *w;
	size_t n, plen = strlen(pre);
	int bad = 0;

	for (p = text; (p = strchr(p, '\n')) != NULL; ) {
		p++;
		if (strncmp(p, pre, plen) != 0)
			continue;
		w = p + plen;
		n = strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (n == 0 || n >= sizeof(word) ||
		    strncmp(w + n, post, strlen(post)) != 0)
			continue;
		memcpy(word, w, n);
		word[n] = '\0';
		if (!conf_is_key(word)) {
			tap_diag("  %s: \"%.*s\" is not a key", file,
			    (int)strcspn(p, "\n"), p);
			bad++;
		}
	}
	return bad;
}

/*
 * Every key of the table is in the sample ("# key = " or "key = " at a
 * line's start) and in the manual (".It Cm key"), and neither names a key
 * the parser does not know.
 */
static void
test_documented(void)
{
	const char *top = getenv("top_srcdir"), *key;
	char *sample, *man;
	size_t i, nkeys = 0;
	int miss_sample = 0, miss_man = 0;

	for (i = 0; conf_key_name(i) != NULL; i++)
		nkeys++;
	tap_is_int(nkeys, TEST_NKEYS, "conf_key_name: the table's keys, then "
	    "NULL");
	tap_ok(conf_key_name(0) != NULL &&
	    strcmp(conf_key_name(0), "state-dir") == 0 &&
	    conf_key_name((size_t)-1) == NULL, "conf_key_name: first and far");
	if (top == NULL) {
		tap_ok(1, "sample documents every key # SKIP top_srcdir unset");
		tap_ok(1, "manual documents every key # SKIP top_srcdir unset");
		tap_ok(1, "sample has no unknown key # SKIP top_srcdir unset");
		tap_ok(1, "manual has no unknown key # SKIP top_srcdir unset");
		return;
	}
	sample = slurp(top, "etc/chorusd.conf");
	man = slurp(top, "man/chorusd.conf.5");
	if (sample == NULL || man == NULL) {
		tap_ok(0, "read etc/chorusd.conf and man/chorusd.conf.5");
		free(sample);
		free(man);
		return;
	}
	for (i = 0; (key = conf_key_name(i)) != NULL; i++) {
		if (!has_line(sample, "# ", key, " = ") &&
		    !has_line(sample, "", key, " = ")) {
			tap_diag("  etc/chorusd.conf lacks \"# %s = \"", key);
			miss_sample++;
		}
		if (!has_line(man, ".It Cm ", key, " ") &&
		    !has_line(man, ".It Cm ", key, "\n")) {
			tap_diag("  man/chorusd.conf.5 lacks \".It Cm %s\"", key);
			miss_man++;
		}
	}
	tap_ok(miss_sample == 0, "etc/chorusd.conf documents every key");
	tap_ok(miss_man == 0, "man/chorusd.conf.5 documents every key");
	tap_ok(unknown_keys(sample, "# ", " = ", "etc/chorusd.conf") == 0 &&
	    unknown_keys(sample, "", " = ", "etc/chorusd.conf") == 0,
	    "etc/chorusd.conf shows no unknown key");
	/* Any ".It Cm word" line: the manual marks keys so and nothing else. */
	tap_ok(unknown_keys(man, ".It Cm ", "", "man/chorusd.conf.5") == 0,
	    "man/chorusd.conf.5 lists no unknown key");
	free(sample);
	free(man);
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
	test_equal();
	test_turn_fields();
	test_limits();
	test_redaction();
	test_turn_opts();
	test_usage();
	test_sample();
	test_documented();
	return tap_done();
}
