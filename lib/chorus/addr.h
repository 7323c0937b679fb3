/*
 * addr.h - peer addresses: canonical form, CIDR prefixes and the relay
 * policy that keeps a TURN relay from reaching places it should not.
 *
 * A peer address is first canonicalised: IPv4-mapped (::ffff:a.b.c.d) and
 * IPv4-compatible (::a.b.c.d) addresses become plain IPv4; NAT64
 * (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32)
 * addresses also yield the IPv4 address they embed.  The policy then
 * checks every form (the address and what it embeds) once: an operator
 * denied-peer always wins, an allowed-peer admits, and otherwise the
 * built-in deny list (loopback, private, CGNAT, link-local, ULA,
 * multicast, broadcast, documentation, benchmarking, reserved) and the
 * node's own addresses are refused.  See doc/PROTOCOL.md.
 */
#ifndef CHORUS_ADDR_H
#define CHORUS_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_MAX_RULES	64	/* allowed-peer / denied-peer entries each */
#define ADDR_MAX_OWN	16	/* node's own addresses */
/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" and a NUL. */
#define ADDR_PREFIX_STRLEN	50

/* An IPv4 or IPv6 prefix. */
struct addr_prefix {
	int	family;		/* AF_INET or AF_INET6 */
	uint8_t	bits;		/* prefix length */
	uint8_t	addr[16];	/* network byte order, 4 used for IPv4 */
};

/*
 * Parse "a.b.c.d/n", "x::y/n", or an address alone (full length); 0 or
 * -1.  Host bits beyond n are cleared; an IPv4-mapped prefix of length
 * 96 or more (::ffff:a.b.c.d/n) becomes the IPv4 prefix a.b.c.d/(n-96),
 * since the policy only ever sees mapped peers as IPv4.
 */
int	addr_prefix_parse(const char *, struct addr_prefix *);
/* Print as the parser reads it back, always with "/n"; truncates to len. */
void	addr_prefix_print(const struct addr_prefix *, char *out, size_t len);
/* 1 if sa (IPv4 or IPv6) lies in the prefix; no canonicalisation. */
int	addr_prefix_match(const struct addr_prefix *, const struct sockaddr *);

/*
 * The canonical form of sa (IPv4-mapped/compatible become IPv4, port
 * kept), and, if sa embeds an IPv4 address another way (NAT64, 6to4,
 * Teredo client), that address in *embedded (with *has_embedded set).
 * out may be sa itself; embedded and has_embedded may be NULL.
 * -1 if sa is not AF_INET/AF_INET6.
 */
int	addr_canonical(const struct sockaddr *sa, struct sockaddr_storage *out,
	    struct sockaddr_storage *embedded, int *has_embedded);

/* Why a peer was refused (for counters and the 403 reason). */
enum addr_verdict {
	ADDR_ALLOWED = 0,
	ADDR_DENIED_UNSPECIFIED,	/* 0.0.0.0, ::, port 0 */
	ADDR_DENIED_OPERATOR,		/* matched a denied-peer */
	ADDR_DENIED_BUILTIN,		/* matched the built-in deny list */
	ADDR_DENIED_OWN,		/* one of the node's own addresses */
	ADDR_DENIED_FAMILY,		/* not IPv4 or IPv6 */
};

struct addr_policy {
	struct addr_prefix	allowed[ADDR_MAX_RULES];
	size_t			nallowed;
	struct addr_prefix	denied[ADDR_MAX_RULES];
	size_t			ndenied;
	struct sockaddr_storage	own[ADDR_MAX_OWN];	/* addresses, ports ignored */
	size_t			nown;
};

/* The verdict for relaying to sa; a NULL policy has no rules. */
enum addr_verdict addr_policy_check(const struct addr_policy *,
	    const struct sockaddr *sa);
const char	*addr_verdict_name(enum addr_verdict);
/*
 * 1 if sa, or an IPv4 address it embeds, is in the built-in deny list
 * (after canonicalisation); also 1 for a family other than IPv4/IPv6.
 */
int		 addr_is_builtin_denied(const struct sockaddr *sa);

#endif
