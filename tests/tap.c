/*
 * tap.c - a tiny Test Anything Protocol producer for the unit tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"

static int tap_n, tap_failed, tap_planned;

/* Declare the number of tests (0: print the plan at the end). */
void
tap_plan(int n)
{
	tap_planned = n;
	if (n > 0)
		printf("1..%d\n", n);
}

/* Report one test. */
int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

/* Compare integers. */
int
tap_is_int(long long got, long long want, const char *name)
{
	if (!tap_ok(got == want, "%s", name))
		tap_diag("  got %lld, want %lld", got, want);
	return got == want;
}

/* Compare strings (NULL is a value). */
int
tap_is_str(const char *got, const char *want, const char *name)
{
	int eq;

	eq = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
	if (!tap_ok(eq, "%s", name))
		tap_diag("  got \"%s\", want \"%s\"", got ? got : "(null)",
		    want ? want : "(null)");
	return eq;
}

/* Compare bytes, showing the first difference. */
int
tap_is_mem(const void *got, const void *want, size_t n, const char *name)
{
	const unsigned char *g = got, *w = want;
	size_t i;

	for (i = 0; i < n; i++)
		if (g[i] != w[i])
			break;
	if (!tap_ok(i == n, "%s", name))
		tap_diag("  first difference at byte %zu: got %02x, want %02x",
		    i, g[i], w[i]);
	return i == n;
}

/* A diagnostic line. */
void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Skip the whole test program. */
void
tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	exit(0);
}

/* Finish: plan if deferred, exit status. */
int
tap_done(void)
{
	if (tap_planned == 0)
		printf("1..%d\n", tap_n);
	else if (tap_planned != tap_n)
		tap_diag("planned %d tests but ran %d", tap_planned, tap_n);
	return tap_failed || (tap_planned && tap_planned != tap_n) ? 1 : 0;
}

/* Hex string to bytes, for vector tables. */
size_t
tap_unhex(const char *hex, unsigned char *out, size_t outlen)
{
	size_t n = strlen(hex) / 2, i;
	unsigned int b;

	if (strlen(hex) % 2 || n > outlen) {
		fprintf(stderr, "tap_unhex: bad vector \"%s\"\n", hex);
		abort();
	}
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
			fprintf(stderr, "tap_unhex: bad vector \"%s\"\n", hex);
			abort();
		}
		out[i] = (unsigned char)b;
	}
	return n;
}

/* text contains what (a message check); shows the text when not. */
int
tap_has(const char *text, const char *what)
{
	if (strstr(text, what) != NULL)
		return 1;
	tap_diag("  message: %s", text);
	return 0;
}

/* Permission bits of path, or -1. */
long
tap_file_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return st.st_mode & 07777;
}

int
tap_is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}
