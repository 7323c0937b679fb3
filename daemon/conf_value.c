/*
 * conf_value.c - the pure value parsers and address helpers behind the
 * configuration: numbers, ports, durations, rates, numeric addresses and
 * ADDRESS:PORT, the byte checks a value must pass, and comparing
 * addresses.  No reader, no error messages: a parser returns -1, a test 0,
 * and conf.c names the key and the line.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_priv.h"

/* Parse decimal digits only (no sign, no blanks) up to max; -1 if not. */
int
conf_value_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (uint64_t)(*s - '0');
		if (v > max / 10 || v * 10 > max - d)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parse a port; 0 only if allow0.  -1 if not a port. */
int
conf_value_port(const char *s, int allow0, uint16_t *out)
{
	uint64_t v;

	if (conf_value_number(s, 65535, &v) == -1 || (v == 0 && !allow0))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "30", "30s", "5m", "1h" to seconds within min..max; -1 if not. */
int
conf_value_duration(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char digits[16];
	uint64_t v, mult = 1;
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
	if (conf_value_number(digits, max, &v) == -1 || v > max / mult)
		return -1;
	v *= mult;
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* "1500", "64k", "2M", "1G" (powers of 1000) to a uint64_t; -1 if not. */
int
conf_value_rate(const char *s, uint64_t *out)
{
	char digits[24];
	uint64_t v, mult = 1;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, s, len + 1);
	switch (digits[len - 1]) {
	case 'G':
		mult *= 1000;
		/* FALLTHROUGH */
	case 'M':
		mult *= 1000;
		/* FALLTHROUGH */
	case 'k':
		mult *= 1000;
		digits[len - 1] = '\0';
		break;
	}
	if (conf_value_number(digits, UINT64_MAX / mult, &v) == -1)
		return -1;
	*out = v * mult;
	return 0;
}

/* A numeric IPv4 or IPv6 address (IPv6 may be in brackets), port p. */
int
conf_value_ip(const char *s, uint16_t p, struct conf_addr *a)
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
int
conf_value_hostport(const char *s, int allow0, struct conf_addr *a)
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
	if (conf_value_port(colon + 1, allow0, &port) == -1 ||
	    conf_value_ip(host, port, a) == -1)
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

/* The address bytes of ss (IPv4 or IPv6), for comparing and printing. */
const void *
conf_value_ss_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = sizeof(struct in_addr);
		return &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = sizeof(struct in6_addr);
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

/* The same for a conf_addr. */
static const void *
conf_value_addr_bytes(const struct conf_addr *a, size_t *len)
{
	return conf_value_ss_bytes(&a->ss, len);
}

/* 1 if a and b hold the same family and address (AF_UNSPEC: both). */
int
conf_value_ss_equal(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const void *pa, *pb;
	size_t la, lb;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family != AF_INET && a->ss_family != AF_INET6)
		return 1;
	pa = conf_value_ss_bytes(a, &la);
	pb = conf_value_ss_bytes(b, &lb);
	return la == lb && memcmp(pa, pb, la) == 0;
}

/* 1 if a and b are the same address and port. */
int
conf_value_addr_equal(const struct conf_addr *a, const struct conf_addr *b)
{
	const void *pa, *pb;
	size_t la, lb;

	if (a->ss.ss_family != b->ss.ss_family || a->len != b->len)
		return 0;
	pa = conf_value_addr_bytes(a, &la);
	pb = conf_value_addr_bytes(b, &lb);
	if (la != lb || memcmp(pa, pb, la) != 0)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_port ==
		    ((const struct sockaddr_in *)&b->ss)->sin_port;
	return ((const struct sockaddr_in6 *)&a->ss)->sin6_port ==
	    ((const struct sockaddr_in6 *)&b->ss)->sin6_port;
}

/* 1 if a is 0.0.0.0 or ::. */
int
conf_value_addr_is_any(const struct conf_addr *a)
{
	static const unsigned char zero[sizeof(struct in6_addr)];
	const void *p;
	size_t len;

	p = conf_value_addr_bytes(a, &len);
	return memcmp(p, zero, len) == 0;
}

/* 1 if s has a '#' at its start or after a blank: it would read as a comment. */
int
conf_value_comment_at(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t'))
			return 1;
	return 0;
}

/* 1 if s is only bytes from lo to '~' (printable ASCII, or no blank). */
int
conf_value_is_ascii(const char *s, unsigned char lo)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < lo || (unsigned char)*s > '~')
			return 0;
	return 1;
}

/* "IPv4" or "IPv6". */
const char *
conf_value_family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}
