/*
 * notify.h - the service manager protocol (sd_notify).
 *
 * With libsystemd, its sd_notify(); without, the same datagram sent to
 * $NOTIFY_SOCKET by hand, so Type=notify works either way.  Every call is
 * a no-op when $NOTIFY_SOCKET is unset.
 */
#ifndef CHORUSD_NOTIFY_H
#define CHORUSD_NOTIFY_H

#include <stdint.h>

/* Send one message, e.g. "READY=1\nSTATUS=..."; returns 0 or -1. */
int	notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Watchdog interval in microseconds, or 0 if none was asked for. */
uint64_t notify_watchdog_usec(void);
/* CLOCK_MONOTONIC now, in microseconds (for RELOADING=1). */
uint64_t notify_monotonic_usec(void);

#endif
