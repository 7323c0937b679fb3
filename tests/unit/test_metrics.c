/*
 * test_metrics.c - the metric table and its Prometheus rendering.
 *
 * The rendered text is read back by a strict checker of the text format
 * 0.0.4 (HELP and TYPE once per family and before its samples, names,
 * label syntax, values).  The checker is itself tested on broken input,
 * so a checker that accepts everything fails the run.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/metrics.h"
#include "../tap.h"

#define CHECK_MAX_FAMILIES	64
#define CHECK_MAX_NAME		128

enum check_state {
	CHECK_NONE,		/* expecting HELP */
	CHECK_HELP,		/* HELP read, expecting TYPE */
	CHECK_TYPE,		/* TYPE read, samples may follow */
};

struct check {
	char		 seen[CHECK_MAX_FAMILIES][CHECK_MAX_NAME];
	size_t		 nseen;
	char		 family[CHECK_MAX_NAME];
	enum check_state state;
	size_t		 nsamples;
	char		 err[256];
};

/* Record why the text is refused; returns -1. */
static int __attribute__((format(printf, 2, 3)))
check_fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* ^chorus_[a-z0-9_]+$, copied into out; length read, or 0. */
static size_t
check_name(const char *s, char out[CHECK_MAX_NAME])
{
	size_t n = 0;

	if (strncmp(s, "chorus_", 7) != 0)
		return 0;
	n = 7;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) ||
	    s[n] == '_')
		n++;
	if (n == 7 || n >= CHECK_MAX_NAME)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

/* {name="value",...}; length read, or 0 if malformed. */
static size_t
check_labels(const char *s)
{
	size_t n = 1;

	if (s[0] != '{')
		return 0;
	for (;;) {
		if (!isalpha((unsigned char)s[n]) && s[n] != '_')
			return 0;
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		if (s[n++] != '=' || s[n++] != '"')
			return 0;
		while (s[n] != '"') {
			if (s[n] == '\0' || s[n] == '\n')
				return 0;
			if (s[n] == '\\') {
				n++;
				if (s[n] != '\\' && s[n] != '"' && s[n] != 'n')
					return 0;
			}
			n++;
		}
		n++;
		if (s[n] == '}')
			return n + 1;
		if (s[n++] != ',')
			return 0;
	}
}

/* A sample value: a float, NaN, +Inf or -Inf, nothing after it. */
static int
check_value(const char *s)
{
	char *end;

	if (strcmp(s, "NaN") == 0 || strcmp(s, "+Inf") == 0 ||
	    strcmp(s, "-Inf") == 0)
		return 0;
	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	(void)strtod(s, &end);
	return *end == '\0' ? 0 : -1;
}

/* "# HELP name text": a new family, never seen before. */
static int
check_help(struct check *c, const char *s)
{
	char name[CHECK_MAX_NAME];
	size_t i, n;

	if ((n = check_name(s, name)) == 0 || s[n] != ' ' || s[n + 1] == '\0')
		return check_fail(c, "bad HELP: %s", s);
	if (c->state == CHECK_HELP)
		return check_fail(c, "HELP without TYPE");
	for (i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], name) == 0)
			return check_fail(c, "second HELP for %s", name);
	if (c->nseen == CHECK_MAX_FAMILIES)
		return check_fail(c, "too many");
	strcpy(c->seen[c->nseen++], name);
	strcpy(c->family, name);
	c->state = CHECK_HELP;
	return 0;
}

/* "# TYPE name counter|gauge" right after the family's HELP. */
static int
check_type(struct check *c, const char *s)
{
	char name[CHECK_MAX_NAME];
	size_t n;

	if ((n = check_name(s, name)) == 0 || s[n] != ' ')
		return check_fail(c, "bad TYPE: %s", s);
	if (c->state != CHECK_HELP || strcmp(name, c->family) != 0)
		return check_fail(c, "TYPE %s not after its HELP",
		    name);
	if (strcmp(s + n + 1, "counter") == 0) {
		if (n < 6 || strcmp(name + n - 6, "_total") != 0)
			return check_fail(c, "counter %s lacks _total",
			    name);
	} else if (strcmp(s + n + 1, "gauge") != 0)
		return check_fail(c, "bad type: %s", s);
	c->state = CHECK_TYPE;
	return 0;
}

/* "name{labels} value" inside the current family. */
static int
check_sample(struct check *c, const char *s)
{
	char name[CHECK_MAX_NAME];
	size_t n, l = 0;

	if ((n = check_name(s, name)) == 0)
		return check_fail(c, "bad name: %s", s);
	if (c->state != CHECK_TYPE || strcmp(name, c->family) != 0)
		return check_fail(c, "sample %s outside its family",
		    name);
	if (s[n] == '{' && (l = check_labels(s + n)) == 0)
		return check_fail(c, "bad labels: %s", s);
	if (s[n + l] != ' ' || check_value(s + n + l + 1) == -1)
		return check_fail(c, "bad value: %s", s);
	c->nsamples++;
	return 0;
}

/* Check a whole exposition; 0 if valid, else -1 with c->err. */
static int
check_text(struct check *c, const char *text)
{
	char line[512];
	const char *p = text, *nl;
	size_t len;
	int rc;

	memset(c, 0, sizeof(*c));
	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			return check_fail(c, "no final newline");
		if ((len = nl - p) >= sizeof(line))
			return check_fail(c, "long line");
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl + 1;
		if (strncmp(line, "# HELP ", 7) == 0)
			rc = check_help(c, line + 7);
		else if (strncmp(line, "# TYPE ", 7) == 0)
			rc = check_type(c, line + 7);
		else
			rc = check_sample(c, line);
		if (rc == -1)
			return -1;
	}
	if (c->state == CHECK_HELP)
		return check_fail(c, "HELP without TYPE");
	return 0;
}

/* Render into a string with open_memstream; caller frees. */
static char *
render(const struct metrics *m, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	*rc = metrics_render_prometheus(m, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}

/* Broken expositions the checker must refuse. */
static const struct {
	const char	*text;
	const char	*why;
} bad_texts[] = {
	{ "# HELP chorus_a_total x\n# TYPE chorus_a_total counter\n"
	  "chorus_a_total 1\n# HELP chorus_a_total x\n"
	  "# TYPE chorus_a_total counter\n", "second HELP" },
	{ "# HELP chorus_a x\nchorus_a 1\n", "sample before TYPE" },
	{ "chorus_a 1\n", "sample without HELP" },
	{ "# HELP chorus_a x\n# TYPE chorus_a counter\nchorus_a 1\n",
	  "counter without _total" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_b 1\n",
	  "sample of another family" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a{k=\"v} 1\n",
	  "unterminated label" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a{k=v} 1\n",
	  "unquoted label" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a{1k=\"v\"} 1\n",
	  "bad label name" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a 1x\n",
	  "bad value" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a\n",
	  "no value" },
	{ "# HELP chorus_A x\n# TYPE chorus_A gauge\nchorus_A 1\n",
	  "upper case name" },
	{ "# HELP up x\n# TYPE up gauge\nup 1\n", "no chorus_ prefix" },
	{ "# HELP chorus_a x\n# TYPE chorus_a summary\nchorus_a 1\n",
	  "unknown type" },
	{ "# HELP chorus_a x\n# TYPE chorus_a gauge\nchorus_a 1", "no newline" },
};

/* The checker refuses every broken text and accepts a good one. */
static void
test_checker(void)
{
	struct check c;
	size_t i;

	for (i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++)
		tap_ok(check_text(&c, bad_texts[i].text) == -1,
		    "checker refuses: %s", bad_texts[i].why);
	tap_ok(check_text(&c, "# HELP chorus_a_total x\n# TYPE chorus_a_total "
	    "counter\nchorus_a_total{k=\"a\\\"b\",l=\"\"} 1.5e3\n") == 0,
	    "checker accepts a valid text");
}

/* Table entries are complete, json keys unique, families consecutive. */
static void
test_table(void)
{
	size_t i, j;
	int ok = 1, uniq = 1, consec = 1;

	for (i = 0; i < M_COUNT; i++) {
		const struct metric_desc *d = &metric_table[i];

		if (d->name == NULL || d->help == NULL || d->json == NULL ||
		    d->json[strspn(d->json, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_")] != '\0') {
			ok = 0;
			tap_diag("entry %zu incomplete", i);
			continue;
		}
		for (j = 0; j < i; j++)
			if (metric_table[j].json != NULL &&
			    strcmp(metric_table[j].json, d->json) == 0)
				uniq = 0;
		/* A name that restarts must not have appeared before. */
		if (i == 0 || metric_table[i - 1].name == NULL ||
		    strcmp(metric_table[i - 1].name, d->name) == 0)
			continue;
		for (j = 0; j + 1 < i; j++)
			if (metric_table[j].name != NULL &&
			    strcmp(metric_table[j].name, d->name) == 0)
				consec = 0;
	}
	tap_ok(ok, "every entry has a name, help and a json key");
	tap_ok(uniq, "json keys are unique");
	tap_ok(consec, "entries of one family are consecutive");
	tap_ok(metric_table[M_TCP_CONNECTIONS].type == METRIC_GAUGE &&
	    metric_table[M_SESSIONS].type == METRIC_GAUGE &&
	    metric_table[M_DRAINING].type == METRIC_GAUGE,
	    "connections, sessions and draining are gauges");
	tap_is_str(metric_table[M_UDP_RX_DATAGRAMS_CHORUS].json,
	    "udp_rx_datagrams_chorus", "json key of a kind counter");
}

/* Count occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* The whole table renders as valid text with each value in place. */
static void
test_render(void)
{
	struct metrics m;
	struct check c;
	char *text, want[256];
	size_t i;
	int rc, all = 1;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < M_COUNT; i++)
		m.v[i] = 1000 * i + 3;
	m.v[M_UDP_RX_DATAGRAMS_STUN] = 7;
	m.v[M_UDP_RX_BYTES] = 12345;
	m.v[M_HTTP_REQUESTS] = UINT64_MAX;
	text = render(&m, &rc);
	tap_is_int(rc, 0, "render returns 0");
	if (!tap_ok(check_text(&c, text) == 0, "rendered text is valid"))
		tap_diag("%s", c.err);
	tap_is_int(c.nsamples, M_COUNT, "one sample per table entry");
	tap_ok(c.nseen < M_COUNT, "shared names form families");
	tap_is_int(count(text, "# HELP chorus_udp_received_datagrams_total "),
	    1, "one HELP for the four datagram kinds");
	tap_is_int(count(text, "# TYPE chorus_udp_received_datagrams_total "
	    "counter\n"), 1, "one TYPE for the four datagram kinds");
	tap_ok(strstr(text, "\nchorus_udp_received_datagrams_total"
	    "{kind=\"stun\"} 7\n") != NULL, "stun datagrams labelled");
	tap_ok(strstr(text, "\nchorus_udp_received_bytes_total 12345\n") !=
	    NULL, "received bytes value");
	tap_ok(strstr(text, "\nchorus_http_requests_total "
	    "18446744073709551615\n") != NULL, "64-bit value in full");
	tap_ok(strstr(text, "# TYPE chorus_sessions gauge\n") != NULL,
	    "sessions typed gauge");
	for (i = 0; i < M_COUNT; i++) {
		const struct metric_desc *d = &metric_table[i];

		snprintf(want, sizeof(want), "%s%s%s%s %" PRIu64 "\n",
		    d->name, d->labels ? "{" : "", d->labels ? d->labels : "",
		    d->labels ? "}" : "", m.v[i]);
		if (strstr(text, want) == NULL) {
			all = 0;
			tap_diag("missing: %s", want);
		}
	}
	tap_ok(all, "every entry's sample present with its value");
	free(text);
}

/* One-off families: gauges, counters, escaped label values, floats. */
static void
test_render_one(void)
{
	struct check c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	metrics_render_gauge(f, "chorus_uptime_seconds", "Seconds up.", 42);
	metrics_render_gauge(f, "chorus_fraction", "A\\b\nc", 0.25);
	metrics_render_gauge(f, "chorus_nan", "Not a number.", NAN);
	metrics_render_one(f, "chorus_process_cpu_seconds_total",
	    METRIC_COUNTER, "CPU.", NULL, NULL, 1.5);
	metrics_render_one(f, "chorus_build_info", METRIC_GAUGE, "Build.",
	    "version", "1.0\"x\\", 1);
	tap_ok(!ferror(f), "no write error");
	fclose(f);
	if (!tap_ok(check_text(&c, text) == 0, "one-off families are valid"))
		tap_diag("%s", c.err);
	tap_is_int(c.nseen, 5, "five families");
	tap_ok(strstr(text, "\nchorus_uptime_seconds 42\n") != NULL,
	    "integer gauge printed plainly");
	tap_ok(strstr(text, "\nchorus_fraction 0.25\n") != NULL,
	    "fractional gauge");
	tap_ok(strstr(text, "# HELP chorus_fraction A\\\\b\\nc\n") != NULL,
	    "help text escaped");
	tap_ok(strstr(text, "\nchorus_nan NaN\n") != NULL, "NaN spelled NaN");
	tap_ok(strstr(text, "# TYPE chorus_process_cpu_seconds_total "
	    "counter\nchorus_process_cpu_seconds_total 1.5\n") != NULL,
	    "counter family");
	tap_ok(strstr(text, "\nchorus_build_info{version=\"1.0\\\"x\\\\\"} 1\n")
	    != NULL, "label value escaped");
	free(text);
}

/* A stream that cannot be written reports the failure. */
static void
test_render_error(void)
{
	struct metrics m;
	FILE *f;

	memset(&m, 0, sizeof(m));
	if ((f = fopen("/dev/null", "r")) == NULL)
		tap_skip_all("no /dev/null");
	tap_is_int(metrics_render_prometheus(&m, f), -1,
	    "write failure returns -1");
	fclose(f);
}

int
main(void)
{
	tap_plan(0);
	test_checker();
	test_table();
	test_render();
	test_render_one();
	test_render_error();
	return tap_done();
}
