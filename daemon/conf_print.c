/*
 * conf_print.c - the configuration shown back: conf_print_full writes
 * every key as a file conf_load reads back to an equal configuration
 * (secrets as "<redacted>" unless asked), conf_equal compares two
 * configurations key by key, and conf_usage prints the key table for
 * --help.  All three walk conf_keys[] in table order.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_priv.h"

/* The value of a single-valued key as text, into buf; NULL if unset. */
static const char *
conf_print_value(const struct conf *c, const struct conf_key *k, char *buf,
    size_t len)
{
	const void *field = conf_cfield(c, k->off);
	const struct conf_enum *e;

	switch (k->type) {
	case CONF_T_STRING:
	case CONF_T_PATH:
	case CONF_T_REALM:
		return *(char *const *)field;
	case CONF_T_RATE:
		snprintf(buf, len, "%llu",
		    (unsigned long long)*(const uint64_t *)field);
		return buf;
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
	case CONF_T_IP:
		return ((const struct conf_addr *)field)->text;
	case CONF_T_USER:
	case CONF_T_SECRET:
	case CONF_T_PEER:
	case CONF_T_NODEID:
	case CONF_T_PREFIX:
	case CONF_T_EXTERNAL:
		break;		/* lists only: conf_print_item */
	}
	return "?";
}

/* An address of an external-ip mapping, numeric. */
static const char *
conf_print_ss(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *p;
	size_t n;

	p = conf_value_ss_bytes(ss, &n);
	if (inet_ntop(ss->ss_family, p, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* Entry j of repeatable key k as a line; secrets only if show. */
static void
conf_print_item(const struct conf *c, const struct conf_key *k, size_t j,
    int show, FILE *f)
{
	const void *list = conf_cfield(c, k->off);
	const struct conf_user *u;
	const struct conf_external *e;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	char text[ADDR_PREFIX_STRLEN];

	show = show || !(k->flags & CONF_F_SECRET);
	switch (k->type) {
	case CONF_T_USER:
		u = (const struct conf_user *)list + j;
		fprintf(f, "%s = %s:%s\n", k->name, u->name,
		    show ? u->password : CONF_REDACTED);
		return;
	case CONF_T_SECRET:
		fprintf(f, "%s = %s\n", k->name,
		    show ? ((char *const *)list)[j] : CONF_REDACTED);
		return;
	case CONF_T_PEER:
	case CONF_T_NODEID:
		fprintf(f, "%s = %s\n", k->name, ((char *const *)list)[j]);
		return;
	case CONF_T_PREFIX:
		addr_prefix_print((const struct addr_prefix *)list + j, text,
		    sizeof(text));
		fprintf(f, "%s = %s\n", k->name, text);
		return;
	case CONF_T_EXTERNAL:
		e = (const struct conf_external *)list + j;
		fprintf(f, "%s = %s", k->name,
		    conf_print_ss(&e->public_ip, a, sizeof(a)));
		if (e->private_ip.ss_family != AF_UNSPEC)
			fprintf(f, "/%s", conf_print_ss(&e->private_ip, b,
			    sizeof(b)));
		fputc('\n', f);
		return;
	default:
		fprintf(f, "%s = %s\n", k->name,
		    ((const struct conf_addr *)list)[j].text);
		return;
	}
}

/* 1 if entry j of repeatable key k is the same in a and b. */
static int
conf_print_item_equal(const struct conf *a, const struct conf *b,
    const struct conf_key *k, size_t j)
{
	const void *la = conf_cfield(a, k->off), *lb = conf_cfield(b, k->off);
	const struct conf_user *ua, *ub;
	const struct conf_external *ea, *eb;
	const struct addr_prefix *pa, *pb;

	switch (k->type) {
	case CONF_T_USER:
		ua = (const struct conf_user *)la + j;
		ub = (const struct conf_user *)lb + j;
		return strcmp(ua->name, ub->name) == 0 &&
		    strcmp(ua->password, ub->password) == 0;
	case CONF_T_SECRET:
	case CONF_T_PEER:
	case CONF_T_NODEID:
		return strcmp(((char *const *)la)[j],
		    ((char *const *)lb)[j]) == 0;
	case CONF_T_PREFIX:
		pa = (const struct addr_prefix *)la + j;
		pb = (const struct addr_prefix *)lb + j;
		return pa->family == pb->family && pa->bits == pb->bits &&
		    memcmp(pa->addr, pb->addr, sizeof(pa->addr)) == 0;
	case CONF_T_EXTERNAL:
		ea = (const struct conf_external *)la + j;
		eb = (const struct conf_external *)lb + j;
		return conf_value_ss_equal(&ea->public_ip, &eb->public_ip) &&
		    conf_value_ss_equal(&ea->private_ip, &eb->private_ip);
	default:
		return conf_value_addr_equal((const struct conf_addr *)la + j,
		    (const struct conf_addr *)lb + j);
	}
}

/*
 * Every key that has a value.  With show_secrets, a file conf_load reads
 * back to an equal configuration; without, secrets read "<redacted>",
 * which the parser refuses, so the output cannot pass for the original.
 */
void
conf_print_full(const struct conf *c, FILE *f, int show_secrets)
{
	const struct conf_key *k;
	const char *v;
	char buf[64];
	size_t i, j, n;
	int hidden = 0;

	fprintf(f, "# chorusd effective configuration: every key, "
	    "defaults included.\n");
	for (i = 0; i < conf_nkeys && !show_secrets; i++)
		if ((conf_keys[i].flags & CONF_F_SECRET) &&
		    *(const size_t *)conf_cfield(c, conf_keys[i].count_off) > 0)
			hidden = 1;
	if (hidden)
		fprintf(f, "# Passwords and secrets are shown as %s.\n",
		    CONF_REDACTED);
	for (i = 0; i < conf_nkeys; i++) {
		k = &conf_keys[i];
		if (k->flags & CONF_F_REPEAT) {
			n = *(const size_t *)conf_cfield(c, k->count_off);
			for (j = 0; j < n; j++)
				conf_print_item(c, k, j, show_secrets, f);
			continue;
		}
		/* A key without a default may be unset (tls-cert). */
		if ((v = conf_print_value(c, k, buf, sizeof(buf))) != NULL)
			fprintf(f, "%s = %s\n", k->name, v);
	}
}

/* The configuration with its secrets redacted (chorusd -t). */
void
conf_print(const struct conf *c, FILE *f)
{
	conf_print_full(c, f, 0);
}

/* The option list for --help. */
void
conf_usage(FILE *f)
{
	const struct conf_key *k;
	char opt[64];
	size_t i;
	int n, width = 0;

	for (i = 0; i < conf_nkeys; i++) {
		n = snprintf(opt, sizeof(opt), "--%s=%s", conf_keys[i].name,
		    conf_keys[i].meta);
		if (n > width)
			width = n;
	}
	for (i = 0; i < conf_nkeys; i++) {
		k = &conf_keys[i];
		snprintf(opt, sizeof(opt), "--%s=%s", k->name, k->meta);
		fprintf(f, "  %-*s  %s (default: %s)\n", width, opt, k->help,
		    k->def != NULL ? k->def : "none");
	}
}

/* Compare the values of every key. */
int
conf_equal(const struct conf *a, const struct conf *b)
{
	const struct conf_key *k;
	const char *va, *vb;
	char ba[64], bb[64];
	size_t i, j, n;

	for (i = 0; i < conf_nkeys; i++) {
		k = &conf_keys[i];
		if (k->flags & CONF_F_REPEAT) {
			n = *(const size_t *)conf_cfield(a, k->count_off);
			if (n != *(const size_t *)conf_cfield(b, k->count_off))
				return 0;
			for (j = 0; j < n; j++)
				if (!conf_print_item_equal(a, b, k, j))
					return 0;
			continue;
		}
		if (k->type == CONF_T_HOSTPORT) {
			if (!conf_value_addr_equal(conf_cfield(a, k->off),
			    conf_cfield(b, k->off)))
				return 0;
			continue;
		}
		va = conf_print_value(a, k, ba, sizeof(ba));
		vb = conf_print_value(b, k, bb, sizeof(bb));
		if (va == NULL || vb == NULL ? va != vb : strcmp(va, vb) != 0)
			return 0;
	}
	return 1;
}
