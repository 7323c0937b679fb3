/*
 * tap.h - a tiny Test Anything Protocol producer for the unit tests.
 */
#ifndef CHORUS_TAP_H
#define CHORUS_TAP_H

#include <stddef.h>

/* Number of tests planned; 0 means "print the plan at tap_done()". */
void	tap_plan(int n);
/* One test: prints "ok N - name" or "not ok N - name"; returns cond. */
int	tap_ok(int cond, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Equality helpers that print both sides on failure. */
int	tap_is_int(long long got, long long want, const char *name);
int	tap_is_str(const char *got, const char *want, const char *name);
int	tap_is_mem(const void *got, const void *want, size_t n,
	    const char *name);
/* A comment line ("# ..."). */
void	tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Skip the whole file with a reason (exit 0). */
void	tap_skip_all(const char *reason) __attribute__((noreturn));
/* Print the plan if deferred; returns the exit status (0 if all passed). */
int	tap_done(void);
/* 1 if text contains what; else says what text was and returns 0. */
int	tap_has(const char *text, const char *what);
/* Permission bits of path (st_mode & 07777), or -1. */
long	tap_file_mode(const char *path);
/* Decode a hex string from a vector table into out (aborts if bad). */
/* 1 if all n bytes at p are zero (wiped). */
int	tap_is_zero(const void *p, size_t n);
size_t	tap_unhex(const char *hex, unsigned char *out, size_t outlen);

#endif
