/*
 * conf_priv.h - what conf.c, conf_value.c and conf_print.c share: the
 * shape of the key table (struct conf_key, its types and flags), the
 * table itself, the accessors into struct conf by offset, and the pure
 * value parsers of conf_value.c.  Only daemon/conf*.c include it; the
 * interface for the rest of chorusd is conf.h.
 */
#ifndef CHORUSD_CONF_PRIV_H
#define CHORUSD_CONF_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"

#define CONF_REDACTED		"<redacted>"	/* a secret, as printed */

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
	CONF_T_REALM,		/* printable ASCII but '"' '\\', min..max bytes */
	CONF_T_USER,		/* NAME:PASSWORD into struct conf_user */
	CONF_T_SECRET,		/* printable ASCII */
	CONF_T_PEER,		/* HOST:PORT or [V6]:PORT, a name allowed; list */
	CONF_T_PREFIX,		/* CIDR, addr_prefix_parse() */
	CONF_T_EXTERNAL,	/* PUBLIC or PUBLIC/PRIVATE, one per family */
	CONF_T_IP,		/* a numeric address, not a wildcard; one per
				   family */
	CONF_T_RATE,		/* uint64_t, suffix k, M or G (decimal) */
	CONF_T_NODEID,		/* a node ID, 52 base32 characters; list */
};

#define CONF_F_REPEAT	0x01	/* may be given several times per source */
#define CONF_F_PORT0	0x02	/* port 0 ("any", for tests) is accepted */
#define CONF_F_SECRET	0x04	/* never printed unless asked, wiped */

struct conf_enum {
	const char	*name;
	int		 value;
};

struct conf_key {
	const char		*name;
	enum conf_type		 type;
	unsigned		 flags;
	const char		*def;		/* default as text; NULL: none */
	size_t			 off;		/* field in struct conf */
	size_t			 count_off;	/* REPEAT: its size_t count */
	unsigned		 min, max;	/* range; REPEAT: entries;
						   REALM: length */
	const struct conf_enum	*names;		/* CONF_T_ENUM */
	const char		*meta;		/* VALUE in --key=VALUE */
	const char		*help;
};

/* The key table (conf.c); its order is the order of conf_print. */
extern const struct conf_key	conf_keys[];
extern const size_t		conf_nkeys;
/* The names of a CONF_T_BOOL; the first of each value is printed. */
extern const struct conf_enum	conf_bools[];

/* The field at off in c (the table's offsets are into struct conf). */
static inline void *
conf_field(struct conf *c, size_t off)
{
	return (char *)c + off;
}

/* The same, read-only. */
static inline const void *
conf_cfield(const struct conf *c, size_t off)
{
	return (const char *)c + off;
}

/* conf_value.c: each returns -1 (or 0 for a predicate) on a bad value. */

/* Parse decimal digits only (no sign, no blanks) up to max. */
int	conf_value_number(const char *, uint64_t max, uint64_t *);
/* Parse a port; 0 only if allow0. */
int	conf_value_port(const char *, int allow0, uint16_t *);
/* "30", "30s", "5m", "1h" to seconds within min..max. */
int	conf_value_duration(const char *, unsigned min, unsigned max,
	    unsigned *);
/* "1500", "64k", "2M", "1G" (powers of 1000) to a uint64_t. */
int	conf_value_rate(const char *, uint64_t *);
/* A numeric IPv4 or IPv6 address (IPv6 may be in brackets), port p. */
int	conf_value_ip(const char *, uint16_t p, struct conf_addr *);
/* "A.B.C.D:PORT" or "[V6]:PORT" into a, text in that form. */
int	conf_value_hostport(const char *, int allow0, struct conf_addr *);
/* The address bytes of ss (IPv4 or IPv6) and their length. */
const void *conf_value_ss_bytes(const struct sockaddr_storage *, size_t *);
/* 1 if a and b hold the same family and address (AF_UNSPEC: both). */
int	conf_value_ss_equal(const struct sockaddr_storage *,
	    const struct sockaddr_storage *);
/* 1 if a and b are the same address and port. */
int	conf_value_addr_equal(const struct conf_addr *,
	    const struct conf_addr *);
/* 1 if a is 0.0.0.0 or ::. */
int	conf_value_addr_is_any(const struct conf_addr *);
/* 1 if s has a '#' at its start or after a blank. */
int	conf_value_comment_at(const char *);
/* 1 if s is only bytes from lo to '~'. */
int	conf_value_is_ascii(const char *, unsigned char lo);
/* "IPv4" or "IPv6". */
const char *conf_value_family_name(int);

#endif
