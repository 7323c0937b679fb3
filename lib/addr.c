/*
 * addr.c - TURN peer address policy: canonical forms, CIDR prefixes and
 * the built-in deny list.
 *
 * A TURN server must not relay to the inside of its own network unless
 * the operator allows it (RFC 8656 §21), and must not be fooled by
 * another spelling of a forbidden address.  coturn was, twice:
 * CVE-2020-26262 (0.0.0.0, [::] and 0.0.0.0/8 reached loopback) and the
 * IPv4-mapped loopback ::ffff:127.0.0.1 (fixed in coturn 4.9.0).
 *
 * Canonical form (addr_canonical):
 * - IPv4 passes through.
 * - IPv4-mapped ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) and IPv4-compatible
 *   ::a.b.c.d (RFC 4291 §2.5.5.1; first 96 bits zero, except :: and ::1,
 *   which stay IPv6) become IPv4 with the same port.
 * - These stay IPv6 but also yield the IPv4 address they embed (same
 *   port): NAT64 64:ff9b::/96 (RFC 6052 §2.1) and the local-use
 *   64:ff9b:1::/48 (RFC 8215, assumed to use the /96 format: the last
 *   32 bits), 6to4 2002:AABB:CCDD::/48 (RFC 3056 §2: bits 16-47) and
 *   Teredo 2001:0::/32 (RFC 4380 §4: the client is the last 32 bits
 *   XOR all-ones).  A Teredo address also names its server in bits
 *   32-63; the policy checks that address too.
 *
 * Policy (addr_policy_check), in this order:
 * 1. A family other than IPv4/IPv6 is DENIED_FAMILY.
 * 2. Port 0, or any form (canonical or embedded) that is exactly 0.0.0.0
 *    or ::, is DENIED_UNSPECIFIED; no allowed-peer can open it.
 * 3. Each form in turn (canonical, embedded, Teredo server): a
 *    denied-peer match is DENIED_OPERATOR; else an allowed-peer match
 *    passes this form; else one of the node's own addresses (canonical
 *    compare, port ignored) is DENIED_OWN; else a built-in deny is
 *    DENIED_BUILTIN; else the form passes.  The first refusal is the
 *    verdict; the peer is ALLOWED only if every form passes.
 *
 * No sockets, clock or randomness here; inet_pton/inet_ntop are plain
 * string conversions.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "chorus/addr.h"

#define V4_LEN		4
#define V6_LEN		16
#define V4_BITS		32
#define V6_BITS		128
#define BITS_DIGITS	3	/* "128" */
#define MAPPED_BITS	96	/* ::ffff:0:0/96 */
#define ADDR_MAX_FORMS	3	/* canonical, embedded, Teredo server */

/* One address the relay would in effect reach. */
struct addr_form {
	int	family;
	uint8_t	addr[V6_LEN];
};

/* RFC 4291 §2.5.5.2: ::ffff:0:0/96. */
static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};
/* RFC 6052 §2.1: the NAT64 well-known prefix 64:ff9b::/96. */
static const uint8_t nat64_wkp[12] = {
	0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0
};
/* RFC 8215: the local-use translation prefix 64:ff9b:1::/48. */
static const uint8_t nat64_local[6] = { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 };
/* RFC 3056 §2: 6to4 2002::/16. */
static const uint8_t sixtofour[2] = { 0x20, 0x02 };
/* RFC 4380 §4: Teredo 2001:0::/32. */
static const uint8_t teredo[4] = { 0x20, 0x01, 0x00, 0x00 };

/*
 * The built-in deny list: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890) entries that are not globally reachable, plus
 * multicast, reserved and documentation space.
 */
static const struct addr_prefix builtin_deny[] = {
	/* RFC 1122 §3.2.1.3: "this network"; CVE-2020-26262 */
	{ AF_INET, 8, { 0 } },
	/* RFC 1918 §3: private */
	{ AF_INET, 8, { 10 } },
	/* RFC 6598 §7: shared address space (carrier-grade NAT) */
	{ AF_INET, 10, { 100, 64 } },
	/* RFC 1122 §3.2.1.3: loopback */
	{ AF_INET, 8, { 127 } },
	/* RFC 3927 §2.1: link-local, including 169.254.169.254 (metadata) */
	{ AF_INET, 16, { 169, 254 } },
	/* RFC 1918 §3: private */
	{ AF_INET, 12, { 172, 16 } },
	/* RFC 6890 §2.2.2: IETF protocol assignments */
	{ AF_INET, 24, { 192, 0, 0 } },
	/* RFC 5737 §3: TEST-NET-1 */
	{ AF_INET, 24, { 192, 0, 2 } },
	/* RFC 7526: deprecated 6to4 relay anycast */
	{ AF_INET, 24, { 192, 88, 99 } },
	/* RFC 1918 §3: private */
	{ AF_INET, 16, { 192, 168 } },
	/* RFC 2544 §C.2.2: benchmarking */
	{ AF_INET, 15, { 198, 18 } },
	/* RFC 5737 §3: TEST-NET-2 */
	{ AF_INET, 24, { 198, 51, 100 } },
	/* RFC 5737 §3: TEST-NET-3 */
	{ AF_INET, 24, { 203, 0, 113 } },
	/* RFC 5771: multicast */
	{ AF_INET, 4, { 224 } },
	/* RFC 1112 §4: reserved, with RFC 919 §7 255.255.255.255 */
	{ AF_INET, 4, { 240 } },

	/* RFC 4291 §2.5.2: unspecified */
	{ AF_INET6, 128, { 0 } },
	/* RFC 4291 §2.5.3: loopback ::1 */
	{ AF_INET6, 128, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
	/* RFC 4291 §2.5.5.2: IPv4-mapped, should it arrive uncanonicalised */
	{ AF_INET6, 96, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff } },
	/* RFC 2765 §2.1: IPv4-translated ::ffff:0:0:0/96 (SIIT) */
	{ AF_INET6, 96, { 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff } },
	/* RFC 8215: local-use IPv4/IPv6 translation */
	{ AF_INET6, 48, { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 } },
	/* RFC 6666: discard-only */
	{ AF_INET6, 64, { 0x01, 0x00 } },
	/*
	 * RFC 6890 §2.2.3: 2001::/23 IETF protocol assignments.  Teredo
	 * (2001::/32) is judged by the addresses it embeds; these are not
	 * reachable at all.
	 */
	/* RFC 5180: benchmarking */
	{ AF_INET6, 48, { 0x20, 0x01, 0x00, 0x02 } },
	/* RFC 4843: ORCHID (deprecated) */
	{ AF_INET6, 28, { 0x20, 0x01, 0x00, 0x10 } },
	/* RFC 7343: ORCHIDv2 */
	{ AF_INET6, 28, { 0x20, 0x01, 0x00, 0x20 } },
	/* RFC 3849: documentation */
	{ AF_INET6, 32, { 0x20, 0x01, 0x0d, 0xb8 } },
	/* RFC 9637: documentation */
	{ AF_INET6, 20, { 0x3f, 0xff } },
	/* RFC 9602: SRv6 SIDs */
	{ AF_INET6, 16, { 0x5f, 0x00 } },
	/* RFC 4193 §3: unique local */
	{ AF_INET6, 7, { 0xfc } },
	/* RFC 4291 §2.5.6: link-local */
	{ AF_INET6, 10, { 0xfe, 0x80 } },
	/* RFC 3879 §4: site-local (deprecated) */
	{ AF_INET6, 10, { 0xfe, 0xc0 } },
	/* RFC 4291 §2.7: multicast */
	{ AF_INET6, 8, { 0xff } },
};

/* Prefix length of a whole address of this family; 0 if unknown. */
static int
family_bits(int family)
{
	if (family == AF_INET)
		return V4_BITS;
	if (family == AF_INET6)
		return V6_BITS;
	return 0;
}

/* 1 if the first p->bits bits of a (of family) equal the prefix's. */
static int
prefix_contains(const struct addr_prefix *p, int family, const uint8_t *a)
{
	size_t full, rest;
	uint8_t mask;

	if (p->family != family || p->bits > family_bits(family))
		return 0;
	full = p->bits / 8;
	rest = p->bits % 8;
	if (memcmp(p->addr, a, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr[full] & mask) == (a[full] & mask);
}

/* Fill out with an IPv4 sockaddr. */
static void
set_v4(struct sockaddr_storage *out, const uint8_t v4[V4_LEN],
    in_port_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = port;
	memcpy(&sin.sin_addr, v4, V4_LEN);
	memset(out, 0, sizeof(*out));
	memcpy(out, &sin, sizeof(sin));
}

/* If a is IPv4-mapped or IPv4-compatible, its IPv4 address in v4. */
static int
v6_is_v4(const uint8_t a[V6_LEN], uint8_t v4[V4_LEN])
{
	static const uint8_t zero[12];

	/* RFC 4291 §2.5.5.2 */
	if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0) {
		memcpy(v4, a + 12, V4_LEN);
		return 1;
	}
	/* RFC 4291 §2.5.5.1, but :: (§2.5.2) and ::1 (§2.5.3) stay */
	if (memcmp(a, zero, sizeof(zero)) == 0 &&
	    (a[12] | a[13] | a[14] | (a[15] & 0xfe)) != 0) {
		memcpy(v4, a + 12, V4_LEN);
		return 1;
	}
	return 0;
}

/* If a embeds an IPv4 destination (NAT64, 6to4, Teredo client), set v4. */
static int
v6_embedded(const uint8_t a[V6_LEN], uint8_t v4[V4_LEN])
{
	size_t i;

	/* RFC 6052 §2.2 /96 format; RFC 8215 local-use assumed the same */
	if (memcmp(a, nat64_wkp, sizeof(nat64_wkp)) == 0 ||
	    memcmp(a, nat64_local, sizeof(nat64_local)) == 0) {
		memcpy(v4, a + 12, V4_LEN);
		return 1;
	}
	/* RFC 3056 §2: 2002:V4ADDR::/48 */
	if (memcmp(a, sixtofour, sizeof(sixtofour)) == 0) {
		memcpy(v4, a + 2, V4_LEN);
		return 1;
	}
	/* RFC 4380 §4: the client's public IPv4, "obfuscated" */
	if (memcmp(a, teredo, sizeof(teredo)) == 0) {
		for (i = 0; i < V4_LEN; i++)
			v4[i] = (uint8_t)~a[12 + i];
		return 1;
	}
	return 0;
}

/* If a is Teredo, the server's IPv4 (RFC 4380 §4, bits 32-63) in v4. */
static int
teredo_server(const uint8_t a[V6_LEN], uint8_t v4[V4_LEN])
{
	if (memcmp(a, teredo, sizeof(teredo)) != 0)
		return 0;
	memcpy(v4, a + 4, V4_LEN);
	return 1;
}

/* Canonical form and embedded address; see the top of this file. */
int
addr_canonical(const struct sockaddr *sa, struct sockaddr_storage *out,
    struct sockaddr_storage *embedded, int *has_embedded)
{
	struct sockaddr_storage c, e;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6, c6;
	uint8_t v4[V4_LEN];
	int emb = 0;

	memset(&e, 0, sizeof(e));
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&sin, sa, sizeof(sin));
		set_v4(&c, (const uint8_t *)&sin.sin_addr, sin.sin_port);
		break;
	case AF_INET6:
		memcpy(&sin6, sa, sizeof(sin6));
		if (v6_is_v4(sin6.sin6_addr.s6_addr, v4)) {
			set_v4(&c, v4, sin6.sin6_port);
			break;
		}
		memset(&c6, 0, sizeof(c6));
		c6.sin6_family = AF_INET6;
		c6.sin6_port = sin6.sin6_port;
		c6.sin6_addr = sin6.sin6_addr;
		c6.sin6_scope_id = sin6.sin6_scope_id;
		memset(&c, 0, sizeof(c));
		memcpy(&c, &c6, sizeof(c6));
		if (v6_embedded(sin6.sin6_addr.s6_addr, v4)) {
			set_v4(&e, v4, sin6.sin6_port);
			emb = 1;
		}
		break;
	default:
		return -1;
	}
	memcpy(out, &c, sizeof(c));
	if (embedded != NULL)
		memcpy(embedded, &e, sizeof(e));
	if (has_embedded != NULL)
		*has_embedded = emb;
	return 0;
}

/* The family, address bytes and port of an IPv4 or IPv6 sockaddr. */
static int
form_from_sa(const struct sockaddr *sa, struct addr_form *f, in_port_t *port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(f, 0, sizeof(*f));
	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof(sin));
		f->family = AF_INET;
		memcpy(f->addr, &sin.sin_addr, V4_LEN);
		if (port != NULL)
			*port = sin.sin_port;
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof(sin6));
		f->family = AF_INET6;
		memcpy(f->addr, &sin6.sin6_addr, V6_LEN);
		if (port != NULL)
			*port = sin6.sin6_port;
		return 0;
	}
	return -1;
}

/* Every form of sa the policy must judge; -1 for a foreign family. */
static int
addr_forms(const struct sockaddr *sa, struct addr_form f[ADDR_MAX_FORMS],
    size_t *n, in_port_t *port)
{
	struct sockaddr_storage c, e;
	int emb;

	if (addr_canonical(sa, &c, &e, &emb) == -1)
		return -1;
	if (form_from_sa((struct sockaddr *)&c, &f[0], port) == -1)
		return -1;
	*n = 1;
	if (emb) {
		if (form_from_sa((struct sockaddr *)&e, &f[*n], NULL) == -1)
			return -1;
		(*n)++;
	}
	if (f[0].family == AF_INET6 && teredo_server(f[0].addr, f[*n].addr)) {
		f[*n].family = AF_INET;
		memset(f[*n].addr + V4_LEN, 0, V6_LEN - V4_LEN);
		(*n)++;
	}
	return 0;
}

/* 1 if f is 0.0.0.0 or :: exactly. */
static int
form_is_unspecified(const struct addr_form *f)
{
	static const uint8_t zero[V6_LEN];

	return memcmp(f->addr, zero, f->family == AF_INET ? V4_LEN : V6_LEN)
	    == 0;
}

/* 1 if f is in the built-in deny list. */
static int
form_is_builtin(const struct addr_form *f)
{
	size_t i;

	for (i = 0; i < sizeof(builtin_deny) / sizeof(builtin_deny[0]); i++)
		if (prefix_contains(&builtin_deny[i], f->family, f->addr))
			return 1;
	return 0;
}

/* 1 if f is one of the node's own addresses, compared canonically. */
static int
form_is_own(const struct addr_policy *pol, const struct addr_form *f)
{
	struct sockaddr_storage c;
	struct addr_form o;
	size_t i, n;

	n = pol->nown < ADDR_MAX_OWN ? pol->nown : ADDR_MAX_OWN;
	for (i = 0; i < n; i++) {
		if (addr_canonical((const struct sockaddr *)&pol->own[i], &c,
		    NULL, NULL) == -1)
			continue;
		if (form_from_sa((struct sockaddr *)&c, &o, NULL) == -1)
			continue;
		if (o.family == f->family &&
		    memcmp(o.addr, f->addr, V6_LEN) == 0)
			return 1;
	}
	return 0;
}

/* The verdict for one form: denied-peer, allowed-peer, own, built-in. */
static enum addr_verdict
form_verdict(const struct addr_policy *pol, const struct addr_form *f)
{
	size_t i, n;

	if (pol != NULL) {
		n = pol->ndenied < ADDR_MAX_RULES ? pol->ndenied :
		    ADDR_MAX_RULES;
		for (i = 0; i < n; i++)
			if (prefix_contains(&pol->denied[i], f->family,
			    f->addr))
				return ADDR_DENIED_OPERATOR;
		n = pol->nallowed < ADDR_MAX_RULES ? pol->nallowed :
		    ADDR_MAX_RULES;
		for (i = 0; i < n; i++)
			if (prefix_contains(&pol->allowed[i], f->family,
			    f->addr))
				return ADDR_ALLOWED;
		if (form_is_own(pol, f))
			return ADDR_DENIED_OWN;
	}
	if (form_is_builtin(f))
		return ADDR_DENIED_BUILTIN;
	return ADDR_ALLOWED;
}

/* The verdict for relaying to sa; see the top of this file. */
enum addr_verdict
addr_policy_check(const struct addr_policy *pol, const struct sockaddr *sa)
{
	struct addr_form f[ADDR_MAX_FORMS];
	enum addr_verdict v;
	in_port_t port;
	size_t i, n;

	if (addr_forms(sa, f, &n, &port) == -1)
		return ADDR_DENIED_FAMILY;
	/* CVE-2020-26262: 0.0.0.0 and :: reach the relay host itself */
	if (port == 0)
		return ADDR_DENIED_UNSPECIFIED;
	for (i = 0; i < n; i++)
		if (form_is_unspecified(&f[i]))
			return ADDR_DENIED_UNSPECIFIED;
	for (i = 0; i < n; i++)
		if ((v = form_verdict(pol, &f[i])) != ADDR_ALLOWED)
			return v;
	return ADDR_ALLOWED;
}

/* 1 if any form of sa is built-in denied; fails closed. */
int
addr_is_builtin_denied(const struct sockaddr *sa)
{
	struct addr_form f[ADDR_MAX_FORMS];
	in_port_t port;
	size_t i, n;

	if (addr_forms(sa, f, &n, &port) == -1)
		return 1;
	for (i = 0; i < n; i++)
		if (form_is_builtin(&f[i]))
			return 1;
	return 0;
}

/* The label used in metrics and logs. */
const char *
addr_verdict_name(enum addr_verdict v)
{
	switch (v) {
	case ADDR_ALLOWED:
		return "allowed";
	case ADDR_DENIED_UNSPECIFIED:
		return "unspecified";
	case ADDR_DENIED_OPERATOR:
		return "operator";
	case ADDR_DENIED_BUILTIN:
		return "builtin";
	case ADDR_DENIED_OWN:
		return "own";
	case ADDR_DENIED_FAMILY:
		return "family";
	default:
		return "unknown";
	}
}

/* 1 if sa lies in p; the address is taken as given. */
int
addr_prefix_match(const struct addr_prefix *p, const struct sockaddr *sa)
{
	struct addr_form f;

	if (form_from_sa(sa, &f, NULL) == -1)
		return 0;
	return prefix_contains(p, f.family, f.addr);
}

/* A prefix length: 1-3 digits, no sign, no leading zero; -1 if bad. */
static int
parse_bits(const char *s, int max)
{
	size_t i;
	int v = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= BITS_DIGITS || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > max ? -1 : v;
}

/* Clear the bits beyond the prefix length. */
static void
prefix_mask(struct addr_prefix *p)
{
	size_t i, full;

	full = p->bits / 8;
	if (p->bits % 8 != 0) {
		p->addr[full] &= (uint8_t)(0xff << (8 - p->bits % 8));
		full++;
	}
	for (i = full; i < sizeof(p->addr); i++)
		p->addr[i] = 0;
}

/* ::ffff:a.b.c.d/n with n >= 96 is the IPv4 prefix a.b.c.d/(n - 96). */
static void
prefix_unmap(struct addr_prefix *p)
{
	if (p->family != AF_INET6 || p->bits < MAPPED_BITS ||
	    memcmp(p->addr, v4mapped, sizeof(v4mapped)) != 0)
		return;
	p->family = AF_INET;
	p->bits -= MAPPED_BITS;
	memmove(p->addr, p->addr + sizeof(v4mapped), V4_LEN);
	memset(p->addr + V4_LEN, 0, V6_LEN - V4_LEN);
}

/* Parse "a.b.c.d/n", "x::y/n" or a bare address; 0 or -1. */
int
addr_prefix_parse(const char *s, struct addr_prefix *out)
{
	char buf[ADDR_PREFIX_STRLEN];
	struct addr_prefix p;
	char *slash;
	size_t len;
	int bits;

	len = strnlen(s, sizeof(buf));
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	memset(&p, 0, sizeof(p));
	/* A ':' in the length part instead fails in parse_bits(). */
	p.family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	bits = family_bits(p.family);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if ((bits = parse_bits(slash + 1, bits)) == -1)
			return -1;
	}
	/* inet_pton refuses spaces, zones, octal and short IPv4 forms. */
	if (inet_pton(p.family, buf, p.addr) != 1)
		return -1;
	p.bits = (uint8_t)bits;
	prefix_mask(&p);
	prefix_unmap(&p);
	*out = p;
	return 0;
}

/* "address/bits", which addr_prefix_parse reads back to the same prefix. */
void
addr_prefix_print(const struct addr_prefix *p, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (len == 0)
		return;
	if (family_bits(p->family) == 0 || p->bits > family_bits(p->family) ||
	    inet_ntop(p->family, p->addr, a, sizeof(a)) == NULL) {
		snprintf(out, len, "invalid");
		return;
	}
	snprintf(out, len, "%s/%u", a, (unsigned int)p->bits);
}
