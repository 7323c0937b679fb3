/*
 * test_addr.c - the TURN peer address policy: every built-in range at
 * both edges, every known spelling of a forbidden address (coturn
 * CVE-2020-26262, ::ffff:127.0.0.1, NAT64, 6to4, Teredo), the operator's
 * allowed/denied peers and own addresses, prefix parse/print, and
 * prefix matching and the IPv4 deny list against naive references on
 * random input.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/addr.h"
#include "../tap.h"

#define PORT		3478
#define RANDOM_ROUNDS	100000
#define RANDOM_SEED	0x5eed0f1ce5c0ffeeULL
#define SA_TEXT_LEN	64	/* an address and " port 65535" */
#define FORM_STRLEN	(2 * SA_TEXT_LEN + 4)

#define A	ADDR_ALLOWED
#define UNSPEC	ADDR_DENIED_UNSPECIFIED
#define OPER	ADDR_DENIED_OPERATOR
#define BUILTIN	ADDR_DENIED_BUILTIN
#define OWN	ADDR_DENIED_OWN

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* One peer and what the policy must make of it. */
struct peer_case {
	const char		*addr;
	uint16_t		 port;
	enum addr_verdict	 want;
	const char		*canon;	/* "canonical[ > embedded]" */
};

/* Build a sockaddr from an address string (aborts the test if bad). */
static void
make_sa(const char *s, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(ss, 0, sizeof(*ss));
	if (strchr(s, ':') != NULL) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		if (inet_pton(AF_INET6, s, &sin6.sin6_addr) != 1)
			tap_skip_all("bad IPv6 address in the table");
		memcpy(ss, &sin6, sizeof(sin6));
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		if (inet_pton(AF_INET, s, &sin.sin_addr) != 1)
			tap_skip_all("bad IPv4 address in the table");
		memcpy(ss, &sin, sizeof(sin));
	}
}

/* The address of ss as text, or why it is not the expected form. */
static void
sa_text(const struct sockaddr_storage *ss, uint16_t port, char *out,
    size_t len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char a[INET6_ADDRSTRLEN];
	uint16_t got;

	if (ss->ss_family == AF_INET) {
		memcpy(&sin, ss, sizeof(sin));
		inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
		got = ntohs(sin.sin_port);
	} else if (ss->ss_family == AF_INET6) {
		memcpy(&sin6, ss, sizeof(sin6));
		inet_ntop(AF_INET6, &sin6.sin6_addr, a, sizeof(a));
		got = ntohs(sin6.sin6_port);
	} else {
		snprintf(out, len, "family %d", ss->ss_family);
		return;
	}
	/* Every form carries the peer's port. */
	if (got != port)
		snprintf(out, len, "%s port %u", a, (unsigned int)got);
	else
		snprintf(out, len, "%s", a);
}

/* "canonical" or "canonical > embedded", for the table. */
static void
canon_string(const char *addr, uint16_t port, char *out, size_t len)
{
	struct sockaddr_storage ss, c, e;
	char ct[SA_TEXT_LEN], et[SA_TEXT_LEN];
	int emb = -1;

	make_sa(addr, port, &ss);
	if (addr_canonical((struct sockaddr *)&ss, &c, &e, &emb) == -1) {
		snprintf(out, len, "error");
		return;
	}
	sa_text(&c, port, ct, sizeof(ct));
	sa_text(&e, port, et, sizeof(et));
	if (emb == 0)
		snprintf(out, len, "%s", ct);
	else if (emb == 1)
		snprintf(out, len, "%s > %s", ct, et);
	else
		snprintf(out, len, "has_embedded is %d", emb);
}

/* Under an empty policy: each built-in range at both edges, then each
 * spelling of a forbidden address.  canon NULL means the address itself. */
static const struct peer_case builtin_cases[] = {
	/* 0.0.0.0/8, RFC 6890; CVE-2020-26262 */
	{ "0.0.0.0", PORT, UNSPEC, NULL },
	{ "0.0.0.1", PORT, BUILTIN, NULL },
	{ "0.1.2.3", PORT, BUILTIN, NULL },
	{ "0.255.255.255", PORT, BUILTIN, NULL },
	{ "1.0.0.0", PORT, A, NULL },
	/* 10.0.0.0/8, RFC 1918 */
	{ "9.255.255.255", PORT, A, NULL },
	{ "10.0.0.0", PORT, BUILTIN, NULL },
	{ "10.255.255.255", PORT, BUILTIN, NULL },
	{ "11.0.0.0", PORT, A, NULL },
	/* 100.64.0.0/10, RFC 6598 */
	{ "100.63.255.255", PORT, A, NULL },
	{ "100.64.0.0", PORT, BUILTIN, NULL },
	{ "100.127.255.255", PORT, BUILTIN, NULL },
	{ "100.128.0.0", PORT, A, NULL },
	/* 127.0.0.0/8, RFC 1122 */
	{ "126.255.255.255", PORT, A, NULL },
	{ "127.0.0.0", PORT, BUILTIN, NULL },
	{ "127.0.0.1", PORT, BUILTIN, NULL },
	{ "127.255.255.255", PORT, BUILTIN, NULL },
	{ "128.0.0.0", PORT, A, NULL },
	/* 169.254.0.0/16, RFC 3927, with the cloud metadata address */
	{ "169.253.255.255", PORT, A, NULL },
	{ "169.254.0.0", PORT, BUILTIN, NULL },
	{ "169.254.169.254", PORT, BUILTIN, NULL },
	{ "169.254.255.255", PORT, BUILTIN, NULL },
	{ "169.255.0.0", PORT, A, NULL },
	/* 172.16.0.0/12, RFC 1918 */
	{ "172.15.255.255", PORT, A, NULL },
	{ "172.16.0.0", PORT, BUILTIN, NULL },
	{ "172.31.255.255", PORT, BUILTIN, NULL },
	{ "172.32.0.0", PORT, A, NULL },
	/* 192.0.0.0/24, RFC 6890; 192.0.2.0/24, RFC 5737 */
	{ "191.255.255.255", PORT, A, NULL },
	{ "192.0.0.0", PORT, BUILTIN, NULL },
	{ "192.0.0.255", PORT, BUILTIN, NULL },
	{ "192.0.1.0", PORT, A, NULL },
	{ "192.0.1.255", PORT, A, NULL },
	{ "192.0.2.0", PORT, BUILTIN, NULL },
	{ "192.0.2.255", PORT, BUILTIN, NULL },
	{ "192.0.3.0", PORT, A, NULL },
	/* 192.88.99.0/24, RFC 7526 */
	{ "192.88.98.255", PORT, A, NULL },
	{ "192.88.99.0", PORT, BUILTIN, NULL },
	{ "192.88.99.255", PORT, BUILTIN, NULL },
	{ "192.88.100.0", PORT, A, NULL },
	/* 192.168.0.0/16, RFC 1918 */
	{ "192.167.255.255", PORT, A, NULL },
	{ "192.168.0.0", PORT, BUILTIN, NULL },
	{ "192.168.255.255", PORT, BUILTIN, NULL },
	{ "192.169.0.0", PORT, A, NULL },
	/* 198.18.0.0/15, RFC 2544 */
	{ "198.17.255.255", PORT, A, NULL },
	{ "198.18.0.0", PORT, BUILTIN, NULL },
	{ "198.19.255.255", PORT, BUILTIN, NULL },
	{ "198.20.0.0", PORT, A, NULL },
	/* 198.51.100.0/24 and 203.0.113.0/24, RFC 5737 */
	{ "198.51.99.255", PORT, A, NULL },
	{ "198.51.100.0", PORT, BUILTIN, NULL },
	{ "198.51.100.255", PORT, BUILTIN, NULL },
	{ "198.51.101.0", PORT, A, NULL },
	{ "203.0.112.255", PORT, A, NULL },
	{ "203.0.113.0", PORT, BUILTIN, NULL },
	{ "203.0.113.255", PORT, BUILTIN, NULL },
	{ "203.0.114.0", PORT, A, NULL },
	/* 224.0.0.0/4, RFC 5771; 240.0.0.0/4, RFC 1112, broadcast */
	{ "223.255.255.255", PORT, A, NULL },
	{ "224.0.0.0", PORT, BUILTIN, NULL },
	{ "239.255.255.255", PORT, BUILTIN, NULL },
	{ "240.0.0.0", PORT, BUILTIN, NULL },
	{ "255.255.255.254", PORT, BUILTIN, NULL },
	{ "255.255.255.255", PORT, BUILTIN, NULL },
	/* public IPv4 */
	{ "8.8.8.8", PORT, A, NULL },
	{ "1.1.1.1", PORT, A, NULL },
	{ "8.8.8.8", 1, A, NULL },
	{ "8.8.8.8", 65535, A, NULL },

	/* ::/128, ::1/128, RFC 4291 */
	{ "::", PORT, UNSPEC, NULL },
	{ "::1", PORT, BUILTIN, NULL },
	/* IPv4-mapped, RFC 4291 §2.5.5.2 (coturn before 4.9.0) */
	{ "::ffff:127.0.0.1", PORT, BUILTIN, "127.0.0.1" },
	{ "::ffff:7f00:2", PORT, BUILTIN, "127.0.0.2" },
	{ "::ffff:0.0.0.0", PORT, UNSPEC, "0.0.0.0" },
	{ "::ffff:0.1.2.3", PORT, BUILTIN, "0.1.2.3" },
	{ "::ffff:10.1.2.3", PORT, BUILTIN, "10.1.2.3" },
	{ "::ffff:100.64.0.1", PORT, BUILTIN, "100.64.0.1" },
	{ "::ffff:169.254.169.254", PORT, BUILTIN, "169.254.169.254" },
	{ "::ffff:172.16.0.1", PORT, BUILTIN, "172.16.0.1" },
	{ "::ffff:192.168.1.1", PORT, BUILTIN, "192.168.1.1" },
	{ "::ffff:224.0.0.1", PORT, BUILTIN, "224.0.0.1" },
	{ "::ffff:255.255.255.255", PORT, BUILTIN, "255.255.255.255" },
	{ "::ffff:8.8.8.8", PORT, A, "8.8.8.8" },
	/* IPv4-compatible, RFC 4291 §2.5.5.1 */
	{ "::127.0.0.1", PORT, BUILTIN, "127.0.0.1" },
	{ "::7f00:1", PORT, BUILTIN, "127.0.0.1" },
	{ "::2", PORT, BUILTIN, "0.0.0.2" },
	{ "::10.0.0.1", PORT, BUILTIN, "10.0.0.1" },
	{ "::169.254.169.254", PORT, BUILTIN, "169.254.169.254" },
	{ "::8.8.8.8", PORT, A, "8.8.8.8" },
	/* IPv4-translated, RFC 2765 §2.1: not canonicalised, denied */
	{ "::ffff:0:7f00:1", PORT, BUILTIN, NULL },
	{ "::ffff:0:808:808", PORT, BUILTIN, NULL },
	/* NAT64 well-known prefix, RFC 6052 */
	{ "64:ff9b::7f00:1", PORT, BUILTIN, "64:ff9b::7f00:1 > 127.0.0.1" },
	{ "64:ff9b::a00:1", PORT, BUILTIN, "64:ff9b::a00:1 > 10.0.0.1" },
	{ "64:ff9b::a9fe:a9fe", PORT, BUILTIN,
	  "64:ff9b::a9fe:a9fe > 169.254.169.254" },
	{ "64:ff9b::", PORT, UNSPEC, "64:ff9b:: > 0.0.0.0" },
	{ "64:ff9b::808:808", PORT, A, "64:ff9b::808:808 > 8.8.8.8" },
	/* NAT64 local-use, RFC 8215 */
	{ "64:ff9b:0:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "64:ff9b:1::7f00:1", PORT, BUILTIN,
	  "64:ff9b:1::7f00:1 > 127.0.0.1" },
	{ "64:ff9b:1::808:808", PORT, BUILTIN,
	  "64:ff9b:1::808:808 > 8.8.8.8" },
	{ "64:ff9b:1:ffff:ffff:ffff:808:808", PORT, BUILTIN,
	  "64:ff9b:1:ffff:ffff:ffff:808:808 > 8.8.8.8" },
	{ "64:ff9b:2::1", PORT, A, NULL },
	/* 6to4, RFC 3056: bits 16-47 */
	{ "2002:7f00:1::1", PORT, BUILTIN, "2002:7f00:1::1 > 127.0.0.1" },
	{ "2002:a00:1::", PORT, BUILTIN, "2002:a00:1:: > 10.0.0.1" },
	{ "2002:c0a8:101::1", PORT, BUILTIN,
	  "2002:c0a8:101::1 > 192.168.1.1" },
	{ "2002:a9fe:a9fe::1", PORT, BUILTIN,
	  "2002:a9fe:a9fe::1 > 169.254.169.254" },
	{ "2002:ffff:ffff::1", PORT, BUILTIN,
	  "2002:ffff:ffff::1 > 255.255.255.255" },
	{ "2002::1", PORT, UNSPEC, "2002::1 > 0.0.0.0" },
	{ "2002:808:808::1", PORT, A, "2002:808:808::1 > 8.8.8.8" },
	{ "2002:808:808:ffff:ffff:ffff:ffff:ffff", PORT, A,
	  "2002:808:808:ffff:ffff:ffff:ffff:ffff > 8.8.8.8" },
	/* Teredo, RFC 4380 §4: server 65.54.227.120, client XOR all-ones */
	{ "2001:0:4136:e378:8000:63bf:f7f7:fbfb", PORT, A,
	  "2001:0:4136:e378:8000:63bf:f7f7:fbfb > 8.8.4.4" },
	{ "2001:0:4136:e378:8000:63bf:80ff:fffe", PORT, BUILTIN,
	  "2001:0:4136:e378:8000:63bf:80ff:fffe > 127.0.0.1" },
	{ "2001:0:4136:e378:8000:63bf:f5ff:fffe", PORT, BUILTIN,
	  "2001:0:4136:e378:8000:63bf:f5ff:fffe > 10.0.0.1" },
	{ "2001:0:4136:e378:8000:63bf:3f57:fefe", PORT, BUILTIN,
	  "2001:0:4136:e378:8000:63bf:3f57:fefe > 192.168.1.1" },
	{ "2001:0:4136:e378:8000:63bf:5601:5601", PORT, BUILTIN,
	  "2001:0:4136:e378:8000:63bf:5601:5601 > 169.254.169.254" },
	{ "2001:0:4136:e378:8000:63bf::", PORT, BUILTIN,
	  "2001:0:4136:e378:8000:63bf:: > 255.255.255.255" },
	{ "2001:0:4136:e378:8000:63bf:ffff:ffff", PORT, UNSPEC,
	  "2001:0:4136:e378:8000:63bf:ffff:ffff > 0.0.0.0" },
	/* not XORed: 127.0.0.1 in the clear is client 128.255.255.254 */
	{ "2001:0:4136:e378:8000:63bf:7f00:1", PORT, A,
	  "2001:0:4136:e378:8000:63bf:7f00:1 > 128.255.255.254" },
	/* the server (bits 32-63) is checked too */
	{ "2001:0:a00:1:8000:63bf:f7f7:fbfb", PORT, BUILTIN,
	  "2001:0:a00:1:8000:63bf:f7f7:fbfb > 8.8.4.4" },
	{ "2001:0:7f00:1:8000:63bf:f7f7:fbfb", PORT, BUILTIN,
	  "2001:0:7f00:1:8000:63bf:f7f7:fbfb > 8.8.4.4" },
	{ "2001::8000:63bf:f7f7:fbfb", PORT, UNSPEC,
	  "2001::8000:63bf:f7f7:fbfb > 8.8.4.4" },
	/* next to Teredo: 2001:1::/32 is not Teredo, 2001:1::2 is TURN */
	{ "2001:1::2", PORT, A, NULL },
	/* 100::/64 discard-only, RFC 6666 */
	{ "100::", PORT, BUILTIN, NULL },
	{ "100::ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "100:0:0:1::", PORT, A, NULL },
	/* 2001:2::/48 benchmarking, RFC 5180 */
	{ "2001:1:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "2001:2::", PORT, BUILTIN, NULL },
	{ "2001:2:0:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "2001:2:1::", PORT, A, NULL },
	/* 2001:10::/28 ORCHID, RFC 4843; 2001:20::/28 ORCHIDv2, RFC 7343 */
	{ "2001:f:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "2001:10::", PORT, BUILTIN, NULL },
	{ "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "2001:20::", PORT, BUILTIN, NULL },
	{ "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "2001:30::", PORT, A, NULL },
	/* 2001:db8::/32 documentation, RFC 3849 */
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "2001:db8::", PORT, BUILTIN, NULL },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "2001:db9::", PORT, A, NULL },
	/* 3fff::/20 documentation, RFC 9637 */
	{ "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "3fff::", PORT, BUILTIN, NULL },
	{ "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "3fff:1000::", PORT, A, NULL },
	/* 5f00::/16 SRv6 SIDs, RFC 9602 */
	{ "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "5f00::", PORT, BUILTIN, NULL },
	{ "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "5f01::", PORT, A, NULL },
	/* fc00::/7 unique local, RFC 4193 */
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "fc00::", PORT, BUILTIN, NULL },
	{ "fd12:3456:789a::1", PORT, BUILTIN, NULL },
	{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "fe00::", PORT, A, NULL },
	/* fe80::/10 link-local, RFC 4291; fec0::/10 site-local, RFC 3879 */
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, A, NULL },
	{ "fe80::", PORT, BUILTIN, NULL },
	{ "fe80::1", PORT, BUILTIN, NULL },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	{ "fec0::", PORT, BUILTIN, NULL },
	{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	/* ff00::/8 multicast, RFC 4291 */
	{ "ff00::", PORT, BUILTIN, NULL },
	{ "ff02::1", PORT, BUILTIN, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PORT, BUILTIN, NULL },
	/* public IPv6 */
	{ "2606:4700::1111", PORT, A, NULL },
	{ "2001:4860:4860::8888", PORT, A, NULL },
	{ "2000::", PORT, A, NULL },

	/* port 0, whatever the address */
	{ "8.8.8.8", 0, UNSPEC, NULL },
	{ "2606:4700::1111", 0, UNSPEC, NULL },
	{ "::ffff:8.8.8.8", 0, UNSPEC, "8.8.8.8" },
	{ "2002:808:808::1", 0, UNSPEC, "2002:808:808::1 > 8.8.8.8" },
};

/* Check one table against a policy; every canonical form if all_canon. */
static void
check_cases(const char *name, const struct addr_policy *pol,
    const struct peer_case *cases, size_t n, int all_canon)
{
	struct sockaddr_storage ss;
	char got[FORM_STRLEN], what[FORM_STRLEN];
	size_t i;
	enum addr_verdict v;

	for (i = 0; i < n; i++) {
		make_sa(cases[i].addr, cases[i].port, &ss);
		v = addr_policy_check(pol, (struct sockaddr *)&ss);
		if (!tap_ok(v == cases[i].want, "%s: %s port %u: %s", name,
		    cases[i].addr, (unsigned int)cases[i].port,
		    addr_verdict_name(cases[i].want)))
			tap_diag("  got %s", addr_verdict_name(v));
		if (cases[i].canon == NULL && !all_canon)
			continue;
		canon_string(cases[i].addr, cases[i].port, got, sizeof(got));
		snprintf(what, sizeof(what), "  canonical form of %s",
		    cases[i].addr);
		tap_is_str(got, cases[i].canon != NULL ? cases[i].canon :
		    cases[i].addr, what);
	}
}

/* The built-in table, and addr_is_builtin_denied() agreeing with it. */
static void
test_builtin(void)
{
	struct addr_policy empty;
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	size_t i, disagree = 0;

	memset(&empty, 0, sizeof(empty));
	check_cases("builtin", &empty, builtin_cases, nitems(builtin_cases),
	    1);
	for (i = 0; i < nitems(builtin_cases); i++) {
		/* Every unspecified form also lies in 0.0.0.0/8 or ::/128. */
		make_sa(builtin_cases[i].addr, PORT, &ss);
		if (addr_is_builtin_denied(sa) !=
		    (addr_policy_check(&empty, sa) != A)) {
			tap_diag("  builtin_denied(%s) disagrees",
			    builtin_cases[i].addr);
			disagree++;
		}
		if (addr_policy_check(NULL, sa) !=
		    addr_policy_check(&empty, sa))
			disagree++;
	}
	tap_ok(disagree == 0,
	    "addr_is_builtin_denied and a NULL policy agree with the table");
}

/* allowed-peer 127.0.0.1/32: every spelling of it, nothing more. */
static const struct peer_case allow_loopback_cases[] = {
	{ "127.0.0.1", PORT, A, NULL },
	{ "::ffff:127.0.0.1", PORT, A, "127.0.0.1" },
	{ "::127.0.0.1", PORT, A, "127.0.0.1" },
	{ "64:ff9b::7f00:1", PORT, A, NULL },
	{ "2002:7f00:1::1", PORT, A, NULL },
	{ "2001:0:4136:e378:8000:63bf:80ff:fffe", PORT, A, NULL },
	{ "127.0.0.2", PORT, BUILTIN, NULL },
	{ "::ffff:127.0.0.2", PORT, BUILTIN, NULL },
	{ "64:ff9b::7f00:2", PORT, BUILTIN, NULL },
	/* the outer local-use prefix is still denied */
	{ "64:ff9b:1::7f00:1", PORT, BUILTIN, NULL },
	/* the Teredo server is judged on its own */
	{ "2001:0:a00:1:8000:63bf:80ff:fffe", PORT, BUILTIN, NULL },
	{ "::1", PORT, BUILTIN, NULL },
	{ "127.0.0.1", 0, UNSPEC, NULL },
};

/* A denied-peer wins over any allowed-peer, however specific. */
static const struct peer_case deny_beats_allow_cases[] = {
	{ "10.2.3.4", PORT, A, NULL },
	{ "10.1.2.3", PORT, OPER, NULL },
	{ "::ffff:10.1.2.3", PORT, OPER, NULL },
	{ "64:ff9b::a01:203", PORT, OPER, NULL },
	{ "2002:a01:203::1", PORT, OPER, NULL },
	{ "2002:a02:304::1", PORT, A, NULL },
	{ "8.8.8.8", PORT, OPER, NULL },
	{ "8.8.4.4", PORT, A, NULL },
	{ "2606:4700::1111", PORT, OPER, NULL },
	{ "2606:4701::1", PORT, A, NULL },
	{ "172.16.0.1", PORT, BUILTIN, NULL },
};

/* A denied-peer reaches every form: embedded, Teredo server, mapped. */
static const struct peer_case deny_embedded_cases[] = {
	{ "8.8.8.8", PORT, OPER, NULL },
	{ "::ffff:8.8.8.8", PORT, OPER, NULL },
	{ "::8.8.8.8", PORT, OPER, NULL },
	{ "64:ff9b::808:808", PORT, OPER, NULL },
	{ "2002:808:808::1", PORT, OPER, NULL },
	{ "2001:0:4136:e378:8000:63bf:f7f7:f7f7", PORT, OPER, NULL },
	{ "2001:0:808:808:8000:63bf:f7f7:fbfb", PORT, OPER, NULL },
	{ "2001:0:4136:e378:8000:63bf:f7f7:fbfb", PORT, A, NULL },
	{ "8.8.4.4", PORT, A, NULL },
	/* denied-peer ::ffff:9.9.9.0/120 is read as 9.9.9.0/24 */
	{ "9.9.9.9", PORT, OPER, NULL },
	{ "::ffff:9.9.9.9", PORT, OPER, NULL },
	{ "9.9.10.9", PORT, A, NULL },
	/* denied-peer 64:ff9b::/96 */
	{ "64:ff9b::101:101", PORT, OPER, NULL },
	{ "1.1.1.1", PORT, A, NULL },
};

/* The node's own addresses, compared canonically, ports ignored. */
static const struct peer_case own_cases[] = {
	{ "198.41.0.4", 9999, OWN, NULL },
	{ "198.41.0.4", PORT, OWN, NULL },
	{ "::ffff:198.41.0.4", PORT, OWN, NULL },
	{ "::198.41.0.4", PORT, OWN, NULL },
	{ "64:ff9b::c629:4", PORT, OWN, NULL },
	{ "2002:c629:4::1", PORT, OWN, NULL },
	{ "198.41.0.5", PORT, A, NULL },
	/* own given as ::ffff:192.33.4.12 */
	{ "192.33.4.12", PORT, OWN, NULL },
	{ "::ffff:192.33.4.12", PORT, OWN, NULL },
	{ "2606:4700::1", PORT, OWN, NULL },
	{ "2606:4700::2", PORT, A, NULL },
	{ "127.0.0.1", PORT, BUILTIN, NULL },
};

/* An allowed-peer admits even the node's own address. */
static const struct peer_case own_allowed_cases[] = {
	{ "198.41.0.4", PORT, A, NULL },
	{ "::ffff:198.41.0.4", PORT, A, NULL },
	{ "2606:4700::1", PORT, OWN, NULL },
};

/* allowed-peer 0.0.0.0/0 and ::/0 never admit unspecified or port 0. */
static const struct peer_case allow_all_cases[] = {
	{ "0.0.0.0", PORT, UNSPEC, NULL },
	{ "::", PORT, UNSPEC, NULL },
	{ "::ffff:0.0.0.0", PORT, UNSPEC, NULL },
	{ "64:ff9b::", PORT, UNSPEC, NULL },
	{ "2002::1", PORT, UNSPEC, NULL },
	{ "2001:0:4136:e378:8000:63bf:ffff:ffff", PORT, UNSPEC, NULL },
	{ "8.8.8.8", 0, UNSPEC, NULL },
	{ "::1", 0, UNSPEC, NULL },
	{ "0.0.0.1", PORT, A, NULL },
	{ "127.0.0.1", PORT, A, NULL },
	{ "169.254.169.254", PORT, A, NULL },
	{ "255.255.255.255", PORT, A, NULL },
	{ "::1", PORT, A, NULL },
	{ "fe80::1", PORT, A, NULL },
	{ "ff02::1", PORT, A, NULL },
	{ "64:ff9b:1::7f00:1", PORT, A, NULL },
};

/* Add a rule to a policy list; the test cannot go on without it. */
static void
add_rule(struct addr_prefix *list, size_t *n, const char *s)
{
	if (*n >= ADDR_MAX_RULES || addr_prefix_parse(s, &list[*n]) == -1)
		tap_skip_all("bad rule in the test");
	(*n)++;
}

/* Add one of the node's own addresses. */
static void
add_own(struct addr_policy *pol, const char *s, uint16_t port)
{
	make_sa(s, port, &pol->own[pol->nown++]);
}

/* The operator's rules and the node's own addresses. */
static void
test_policy(void)
{
	struct addr_policy pol;

	memset(&pol, 0, sizeof(pol));
	add_rule(pol.allowed, &pol.nallowed, "127.0.0.1/32");
	check_cases("allow 127.0.0.1", &pol, allow_loopback_cases,
	    nitems(allow_loopback_cases), 0);

	memset(&pol, 0, sizeof(pol));
	add_rule(pol.allowed, &pol.nallowed, "10.0.0.0/8");
	add_rule(pol.allowed, &pol.nallowed, "8.8.8.8");
	add_rule(pol.allowed, &pol.nallowed, "2002::/16");
	add_rule(pol.allowed, &pol.nallowed, "2606:4700::1111/128");
	add_rule(pol.denied, &pol.ndenied, "10.1.0.0/16");
	add_rule(pol.denied, &pol.ndenied, "8.8.8.0/24");
	add_rule(pol.denied, &pol.ndenied, "2606:4700::/32");
	check_cases("deny beats allow", &pol, deny_beats_allow_cases,
	    nitems(deny_beats_allow_cases), 0);

	memset(&pol, 0, sizeof(pol));
	add_rule(pol.denied, &pol.ndenied, "8.8.8.8/32");
	add_rule(pol.denied, &pol.ndenied, "::ffff:9.9.9.0/120");
	add_rule(pol.denied, &pol.ndenied, "64:ff9b::/96");
	check_cases("deny embedded", &pol, deny_embedded_cases,
	    nitems(deny_embedded_cases), 0);

	memset(&pol, 0, sizeof(pol));
	add_own(&pol, "198.41.0.4", PORT);
	add_own(&pol, "::ffff:192.33.4.12", 0);
	add_own(&pol, "2606:4700::1", 0);
	check_cases("own", &pol, own_cases, nitems(own_cases), 0);
	add_rule(pol.allowed, &pol.nallowed, "198.41.0.0/24");
	check_cases("own, allowed", &pol, own_allowed_cases,
	    nitems(own_allowed_cases), 0);

	memset(&pol, 0, sizeof(pol));
	add_rule(pol.allowed, &pol.nallowed, "0.0.0.0/0");
	add_rule(pol.allowed, &pol.nallowed, "::/0");
	check_cases("allow all", &pol, allow_all_cases,
	    nitems(allow_all_cases), 0);
}

/* Families other than IPv4/IPv6, and the verdict names. */
static void
test_family(void)
{
	struct sockaddr_storage ss, c;
	struct sockaddr_un sun;
	struct addr_prefix p;
	int emb = 0;
	enum addr_verdict v, w;
	int distinct = 1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &sun, sizeof(sun));
	tap_is_int(addr_policy_check(NULL, (struct sockaddr *)&ss),
	    ADDR_DENIED_FAMILY, "AF_UNIX: denied, family");
	tap_is_int(addr_canonical((struct sockaddr *)&ss, &c, &c, &emb), -1,
	    "AF_UNIX: no canonical form");
	tap_ok(addr_is_builtin_denied((struct sockaddr *)&ss) == 1,
	    "AF_UNIX: builtin_denied fails closed");
	ss.ss_family = AF_UNSPEC;
	tap_is_int(addr_policy_check(NULL, (struct sockaddr *)&ss),
	    ADDR_DENIED_FAMILY, "AF_UNSPEC: denied, family");
	addr_prefix_parse("0.0.0.0/0", &p);
	tap_ok(addr_prefix_match(&p, (struct sockaddr *)&ss) == 0,
	    "AF_UNSPEC matches no prefix");

	for (v = ADDR_ALLOWED; v <= ADDR_DENIED_FAMILY; v++) {
		if (strcmp(addr_verdict_name(v), "unknown") == 0)
			distinct = 0;
		for (w = ADDR_ALLOWED; w < v; w++)
			if (strcmp(addr_verdict_name(v),
			    addr_verdict_name(w)) == 0)
				distinct = 0;
	}
	tap_ok(distinct, "verdict names are distinct and known");
	tap_is_str(addr_verdict_name((enum addr_verdict)99), "unknown",
	    "out-of-range verdict name");
}

/* addr_canonical in place, without embedded, keeping port and scope. */
static void
test_canonical(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	make_sa("::ffff:127.0.0.1", 4242, &ss);
	tap_ok(addr_canonical((struct sockaddr *)&ss, &ss, NULL, NULL) == 0,
	    "canonical in place, embedded NULL");
	memcpy(&sin, &ss, sizeof(sin));
	tap_ok(sin.sin_family == AF_INET && ntohs(sin.sin_port) == 4242 &&
	    ntohl(sin.sin_addr.s_addr) == 0x7f000001,
	    "  became 127.0.0.1:4242");

	make_sa("fe80::1", 4242, &ss);
	memcpy(&sin6, &ss, sizeof(sin6));
	sin6.sin6_scope_id = 2;
	memcpy(&ss, &sin6, sizeof(sin6));
	tap_ok(addr_canonical((struct sockaddr *)&ss, &ss, NULL, NULL) == 0,
	    "canonical of fe80::1%%2");
	memcpy(&sin6, &ss, sizeof(sin6));
	tap_ok(sin6.sin6_family == AF_INET6 && sin6.sin6_scope_id == 2 &&
	    ntohs(sin6.sin6_port) == 4242, "  scope and port kept");
}

/* Prefix strings: what they print as, or NULL if refused. */
static const struct {
	const char	*in;
	const char	*out;
} prefix_cases[] = {
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "127.0.0.1", "127.0.0.1/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "255.255.255.255/32", "255.255.255.255/32" },
	/* host bits beyond the length are cleared */
	{ "10.1.2.3/8", "10.0.0.0/8" },
	{ "1.2.3.4/0", "0.0.0.0/0" },
	{ "192.168.1.255/31", "192.168.1.254/31" },
	{ "172.31.255.255/12", "172.16.0.0/12" },
	{ "::/0", "::/0" },
	{ "::", "::/128" },
	{ "::1", "::1/128" },
	{ "fe80::/10", "fe80::/10" },
	{ "fe80::1/10", "fe80::/10" },
	{ "febf::/9", "fe80::/9" },
	{ "2001:DB8::/32", "2001:db8::/32" },
	{ "2001:db8::1/128", "2001:db8::1/128" },
	{ "2001:db8:0:0:0:0:0:1", "2001:db8::1/128" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	/* IPv4-mapped prefixes of 96 bits or more are IPv4 prefixes */
	{ "::ffff:10.0.0.0/104", "10.0.0.0/8" },
	{ "::ffff:127.0.0.1", "127.0.0.1/32" },
	{ "::ffff:0:0/96", "0.0.0.0/0" },
	{ "::ffff:0:0/95", "::fffe:0:0/95" },
	{ "64:ff9b::/96", "64:ff9b::/96" },
	/* refused */
	{ "", NULL },
	{ "/8", NULL },
	{ "10.0.0.0/", NULL },
	{ "10.0.0.0/33", NULL },
	{ "10.0.0.0/08", NULL },
	{ "10.0.0.0/00", NULL },
	{ "10.0.0.0/+8", NULL },
	{ "10.0.0.0/-1", NULL },
	{ "10.0.0.0/1000", NULL },
	{ "10.0.0.0/8/8", NULL },
	{ "10.0.0.0/8a", NULL },
	{ "10.0.0.0/0x8", NULL },
	{ " 10.0.0.0/8", NULL },
	{ "10.0.0.0/8 ", NULL },
	{ "10.0.0.0 /8", NULL },
	{ "10.0.0.0/ 8", NULL },
	{ "10.0.0.0/8\n", NULL },
	{ "10.0.0/8", NULL },
	{ "010.0.0.0/8", NULL },
	{ "10.0.0.256", NULL },
	{ "1.2.3.4.5", NULL },
	{ "0x7f.0.0.1", NULL },
	{ "2130706433", NULL },
	{ "127.1", NULL },
	{ "::/129", NULL },
	{ "::/00", NULL },
	{ "::/0128", NULL },
	{ "::/1:", NULL },
	{ "fe80::1%eth0", NULL },
	{ "fe80::1%2/64", NULL },
	{ "::g", NULL },
	{ ":::", NULL },
	{ "1:2:3:4:5:6:7:8:9", NULL },
	{ "1::2::3", NULL },
	{ "[::1]", NULL },
	{ "localhost", NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/1280", NULL },
	{ "0000:0000:0000:0000:0000:0000:0000:0000:0000/128", NULL },
};

/* Parse, print, parse again. */
static void
test_prefix_parse(void)
{
	struct addr_prefix p, q, untouched;
	char buf[ADDR_PREFIX_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < nitems(prefix_cases); i++) {
		memset(&p, 0x5a, sizeof(p));
		untouched = p;
		rc = addr_prefix_parse(prefix_cases[i].in, &p);
		if (prefix_cases[i].out == NULL) {
			tap_ok(rc == -1 && memcmp(&p, &untouched,
			    sizeof(p)) == 0, "refuse \"%s\", output untouched",
			    prefix_cases[i].in);
			continue;
		}
		if (!tap_ok(rc == 0, "parse \"%s\"", prefix_cases[i].in))
			continue;
		addr_prefix_print(&p, buf, sizeof(buf));
		tap_is_str(buf, prefix_cases[i].out, "  prints");
		memset(&q, 0xa5, sizeof(q));
		tap_ok(addr_prefix_parse(buf, &q) == 0 &&
		    memcmp(&p, &q, sizeof(p)) == 0, "  reads back the same");
	}

	addr_prefix_parse("192.168.100.200/32", &p);
	memset(buf, 'x', sizeof(buf));
	addr_prefix_print(&p, buf, 5);
	tap_is_str(buf, "192.", "print truncates and terminates");
	p.bits = 33;
	addr_prefix_print(&p, buf, sizeof(buf));
	tap_is_str(buf, "invalid", "print of a bad prefix");
}

/* Hand-built prefixes longer than their family match nothing. */
static void
test_prefix_bad_bits(void)
{
	struct addr_prefix p;
	struct sockaddr_storage ss;

	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	p.bits = 33;
	make_sa("0.0.0.0", PORT, &ss);
	tap_ok(addr_prefix_match(&p, (struct sockaddr *)&ss) == 0,
	    "IPv4 prefix of 33 bits matches nothing");
	p.family = AF_INET6;
	p.bits = 255;
	make_sa("::", PORT, &ss);
	tap_ok(addr_prefix_match(&p, (struct sockaddr *)&ss) == 0,
	    "IPv6 prefix of 255 bits matches nothing");
	p.family = AF_UNIX;
	p.bits = 0;
	tap_ok(addr_prefix_match(&p, (struct sockaddr *)&ss) == 0,
	    "a prefix of another family matches nothing");
}

/* A few fixed matches: families never cross, no canonicalisation. */
static void
test_prefix_match(void)
{
	static const struct {
		const char	*prefix;
		const char	*addr;
		int		 want;
	} cases[] = {
		{ "10.0.0.0/8", "10.255.0.1", 1 },
		{ "10.0.0.0/8", "11.0.0.0", 0 },
		{ "10.0.0.0/8", "::ffff:10.0.0.1", 0 },
		{ "0.0.0.0/0", "255.255.255.255", 1 },
		{ "0.0.0.0/0", "::", 0 },
		{ "::/0", "ffff::1", 1 },
		{ "::/0", "0.0.0.0", 0 },
		{ "fe80::/10", "febf:ffff::", 1 },
		{ "fe80::/10", "fec0::", 0 },
		{ "192.168.1.254/31", "192.168.1.255", 1 },
		{ "192.168.1.254/31", "192.168.1.253", 0 },
		{ "2001:db8::1", "2001:db8::1", 1 },
		{ "2001:db8::1", "2001:db8::", 0 },
	};
	struct addr_prefix p;
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		if (addr_prefix_parse(cases[i].prefix, &p) == -1)
			tap_skip_all("bad prefix in the test");
		make_sa(cases[i].addr, PORT, &ss);
		tap_is_int(addr_prefix_match(&p, (struct sockaddr *)&ss),
		    cases[i].want, cases[i].addr);
	}
}

/* xorshift64 (Marsaglia 2003): fixed seed, so failures reproduce. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bit i (0 is the most significant) of a big-endian byte string. */
static int
bit_at(const uint8_t *a, int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/* The naive reference: compare the first bits, one at a time. */
static int
naive_match(const uint8_t *prefix, int bits, const uint8_t *a)
{
	int i;

	for (i = 0; i < bits; i++)
		if (bit_at(prefix, i) != bit_at(a, i))
			return 0;
	return 1;
}

/* addr_prefix_match against the naive reference on random input. */
static void
test_random_match(int family)
{
	struct addr_prefix p;
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	uint8_t a[16];
	uint64_t seed = RANDOM_SEED, r;
	size_t i, j, len = family == AF_INET ? 4 : 16;
	long matched = 0, missed = 0, wrong = 0;
	int max = family == AF_INET ? 32 : 128, flip, want;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		for (j = 0; j < len; j++)
			a[j] = (uint8_t)rng_next(&seed);
		memset(&p, 0, sizeof(p));
		p.family = family;
		r = rng_next(&seed);
		p.bits = (uint8_t)(r % (uint64_t)(max + 1));
		/* Mostly the address with one bit flipped, else random. */
		memcpy(p.addr, a, len);
		if ((r >> 8) % 8 != 0) {
			flip = (int)((r >> 16) % (uint64_t)max);
			p.addr[flip / 8] ^= (uint8_t)(0x80 >> (flip % 8));
		} else
			for (j = 0; j < len; j++)
				p.addr[j] = (uint8_t)rng_next(&seed);
		/* Host bits are left set: the match must ignore them. */
		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET) {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			memcpy(&sin.sin_addr, a, 4);
			memcpy(&ss, &sin, sizeof(sin));
		} else {
			memset(&sin6, 0, sizeof(sin6));
			sin6.sin6_family = AF_INET6;
			memcpy(&sin6.sin6_addr, a, 16);
			memcpy(&ss, &sin6, sizeof(sin6));
		}
		want = naive_match(p.addr, p.bits, a);
		if (addr_prefix_match(&p, (struct sockaddr *)&ss) != want)
			wrong++;
		if (want)
			matched++;
		else
			missed++;
	}
	tap_ok(wrong == 0, "IPv%d prefix match: %d random rounds agree with "
	    "the bitwise reference", family == AF_INET ? 4 : 6, RANDOM_ROUNDS);
	tap_ok(matched > RANDOM_ROUNDS / 4 && missed > RANDOM_ROUNDS / 4,
	    "  both outcomes exercised (%ld in, %ld out)", matched, missed);
}

/* The IPv4 deny list again, written as first-last ranges. */
static const struct {
	const char	*first;
	const char	*last;
} naive_v4[] = {
	{ "0.0.0.0", "0.255.255.255" },
	{ "10.0.0.0", "10.255.255.255" },
	{ "100.64.0.0", "100.127.255.255" },
	{ "127.0.0.0", "127.255.255.255" },
	{ "169.254.0.0", "169.254.255.255" },
	{ "172.16.0.0", "172.31.255.255" },
	{ "192.0.0.0", "192.0.0.255" },
	{ "192.0.2.0", "192.0.2.255" },
	{ "192.88.99.0", "192.88.99.255" },
	{ "192.168.0.0", "192.168.255.255" },
	{ "198.18.0.0", "198.19.255.255" },
	{ "198.51.100.0", "198.51.100.255" },
	{ "203.0.113.0", "203.0.113.255" },
	{ "224.0.0.0", "255.255.255.255" },
};

/* Spellings of one IPv4 address that must share its verdict. */
enum spelling {
	SP_V4, SP_MAPPED, SP_COMPAT, SP_NAT64, SP_6TO4, SP_TEREDO, SP_MAX
};
static const char *spelling_name[SP_MAX] = {
	"IPv4", "IPv4-mapped", "IPv4-compatible", "NAT64", "6to4",
	"Teredo client"
};

/* Host-order IPv4 from a dotted quad in the test's own tables. */
static uint32_t
v4_of(const char *s)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		tap_skip_all("bad IPv4 address in the test");
	return ntohl(in.s_addr);
}

/* The expected verdict for v under an empty policy, by ranges. */
static enum addr_verdict
naive_v4_verdict(uint32_t v)
{
	size_t i;

	if (v == 0)
		return UNSPEC;
	for (i = 0; i < nitems(naive_v4); i++)
		if (v >= v4_of(naive_v4[i].first) &&
		    v <= v4_of(naive_v4[i].last))
			return BUILTIN;
	return A;
}

/* Write v (host order) as spelling sp into ss. */
static void
spell(uint32_t v, enum spelling sp, struct sockaddr_storage *ss)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	uint8_t b[4], *a = sin6.sin6_addr.s6_addr;
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (24 - 8 * i));
	memset(ss, 0, sizeof(*ss));
	if (sp == SP_V4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(PORT);
		memcpy(&sin.sin_addr, b, 4);
		memcpy(ss, &sin, sizeof(sin));
		return;
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(PORT);
	switch (sp) {
	case SP_MAPPED:
		a[10] = a[11] = 0xff;
		memcpy(a + 12, b, 4);
		break;
	case SP_COMPAT:
		memcpy(a + 12, b, 4);
		break;
	case SP_NAT64:
		memcpy(a, "\x00\x64\xff\x9b", 4);
		memcpy(a + 12, b, 4);
		break;
	case SP_6TO4:
		memcpy(a, "\x20\x02", 2);
		memcpy(a + 2, b, 4);
		a[15] = 1;
		break;
	default:
		/* server 65.54.227.120, cone flag, port 40000 obfuscated */
		memcpy(a, "\x20\x01\x00\x00\x41\x36\xe3\x78\x80\x00", 10);
		a[10] = 0x63;
		a[11] = 0xbf;
		for (i = 0; i < 4; i++)
			a[12 + i] = (uint8_t)~b[i];
		break;
	}
	memcpy(ss, &sin6, sizeof(sin6));
}

/* Random IPv4 addresses, many next to a range edge, in every spelling. */
static void
test_random_v4_policy(void)
{
	struct addr_policy empty;
	struct sockaddr_storage ss;
	uint64_t seed = RANDOM_SEED ^ 0xa5a5a5a5ULL, r;
	uint32_t v;
	size_t i, k;
	long wrong[SP_MAX], denied = 0, allowed = 0;
	enum addr_verdict want;
	int sp;

	memset(&empty, 0, sizeof(empty));
	memset(wrong, 0, sizeof(wrong));
	for (i = 0; i < RANDOM_ROUNDS; i++) {
		r = rng_next(&seed);
		v = (uint32_t)r;
		if ((r >> 32) % 2 == 0) {
			/* an edge of a range, moved by -4..4 */
			k = (size_t)((r >> 33) % nitems(naive_v4));
			v = (r >> 40) % 2 ? v4_of(naive_v4[k].first) :
			    v4_of(naive_v4[k].last);
			v += (uint32_t)((r >> 41) % 9) - 4;
		}
		want = naive_v4_verdict(v);
		if (want == A)
			allowed++;
		else
			denied++;
		for (sp = 0; sp < SP_MAX; sp++) {
			spell(v, (enum spelling)sp, &ss);
			if (addr_policy_check(&empty,
			    (struct sockaddr *)&ss) != want)
				wrong[sp]++;
		}
	}
	for (sp = 0; sp < SP_MAX; sp++)
		tap_ok(wrong[sp] == 0, "random IPv4 as %s: %d rounds agree "
		    "with the range reference (%ld wrong)", spelling_name[sp],
		    RANDOM_ROUNDS, wrong[sp]);
	tap_ok(allowed > RANDOM_ROUNDS / 4 && denied > RANDOM_ROUNDS / 10,
	    "  both outcomes exercised (%ld allowed, %ld denied)", allowed,
	    denied);
}

int
main(void)
{
	test_builtin();
	test_policy();
	test_family();
	test_canonical();
	test_prefix_parse();
	test_prefix_match();
	test_prefix_bad_bits();
	test_random_match(AF_INET);
	test_random_match(AF_INET6);
	test_random_v4_policy();
	return tap_done();
}
