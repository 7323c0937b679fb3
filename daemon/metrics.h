/*
 * metrics.h - the daemon's counters and gauges.
 *
 * One table names every metric (Prometheus name, labels, type, help); the
 * values live in struct metrics, indexed by enum metric.  The loop thread
 * is the only writer, so no atomics.  Rendering to the Prometheus text
 * format and to JSON both walk the table.
 */
#ifndef CHORUSD_METRICS_H
#define CHORUSD_METRICS_H

#include <stdint.h>
#include <stdio.h>

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

enum metric {
	M_UDP_RX_DATAGRAMS_STUN,
	M_UDP_RX_DATAGRAMS_CHANNELDATA,
	M_UDP_RX_DATAGRAMS_CHORUS,
	M_UDP_RX_DATAGRAMS_UNKNOWN,
	M_UDP_RX_BYTES,
	M_UDP_TX_DATAGRAMS,
	M_UDP_TX_BYTES,
	M_UDP_DROPPED_MALFORMED,
	M_UDP_DROPPED_UNIMPLEMENTED,
	M_UDP_RECV_BATCHES,
	M_TCP_ACCEPTED,
	M_TCP_REFUSED,
	M_TCP_CONNECTIONS,		/* gauge */
	M_TCP_RX_BYTES,
	M_HTTP_REQUESTS,
	M_HTTP_ERRORS,
	M_HTTP_AUTH_FAILURES,
	M_RELOADS,
	M_RELOAD_FAILURES,
	M_SESSIONS,			/* gauge */
	M_DRAINING,			/* gauge, 0 or 1 */
	M_UDP_TX_DROPPED,
	M_TCP_RX_FRAMES_STUN,
	M_TCP_RX_FRAMES_CHANNELDATA,
	M_TCP_RX_FRAMES_CHORUS,
	M_TCP_DROPPED_MALFORMED,
	M_TCP_TX_BYTES,
	M_TCP_TX_DROPPED,
	M_TLS_HANDSHAKE_FAILURES,
	/* TURN (RFC 8656) */
	M_TURN_ALLOCATIONS_UDP,		/* gauges: by transport kind, in */
	M_TURN_ALLOCATIONS_TCP,		/* enum transport_kind order */
	M_TURN_ALLOCATIONS_TLS,
	M_TURN_ALLOCATIONS_TOTAL,
	M_TURN_TO_PEER_PACKETS,
	M_TURN_TO_CLIENT_PACKETS,
	M_TURN_TO_PEER_BYTES,
	M_TURN_TO_CLIENT_BYTES,
	M_TURN_AUTH_UNKNOWN_USER,
	M_TURN_AUTH_BAD_INTEGRITY,
	M_TURN_AUTH_EXPIRED,
	M_TURN_AUTH_STALE_NONCE,
	M_TURN_AUTH_BAD_NONCE,
	M_TURN_AUTH_MALFORMED,
	M_TURN_PEER_DENIED_BUILTIN,
	M_TURN_PEER_DENIED_OPERATOR,
	M_TURN_PEER_DENIED_OWN,
	M_TURN_PEER_DENIED_UNSPECIFIED,
	M_TURN_QUOTA_USER,
	M_TURN_QUOTA_TOTAL,
	M_TURN_QUOTA_PERMISSIONS,
	M_TURN_QUOTA_CHANNELS,
	M_TURN_DROPPED_BPS,
	M_TURN_DROPPED_NO_PERMISSION,
	M_TURN_DROPPED_NO_ALLOCATION,
	M_TURN_DROPPED_MALFORMED,
	M_TURN_DROPPED_SEND,
	M_TURN_AMPLIFICATION_DROPS,
	M_TURN_RATE_LIMITED,
	M_STUN_BINDING_REQUESTS,
	M_STUN_MALFORMED,
	M_COUNT
};

struct metric_desc {
	const char	*name;		/* without labels */
	const char	*labels;	/* e.g. "kind=\"stun\"" or NULL */
	enum metric_type type;
	const char	*help;
	const char	*json;		/* key in /api/v1/status "counters" */
};

struct metrics {
	uint64_t	v[M_COUNT];
};

/* A latency histogram: counts per upper bound, cumulative when shown. */
#define METRICS_HIST_BUCKETS	12
extern const double metrics_hist_bounds[METRICS_HIST_BUCKETS];	/* seconds */
struct metrics_hist {
	uint64_t	count[METRICS_HIST_BUCKETS + 1];	/* last: +Inf */
	uint64_t	n;
	double		sum;
};

/* Count n observations of usec microseconds. */
void	metrics_hist_add(struct metrics_hist *, uint64_t usec, uint64_t n);
/* A Prometheus histogram family. */
void	metrics_render_hist(FILE *out, const char *name, const char *help,
	    const struct metrics_hist *);

extern const struct metric_desc metric_table[M_COUNT];

/*
 * Prometheus text format 0.0.4: every metric in the table, HELP and TYPE
 * once per family (consecutive entries sharing a name).  0, or -1 if
 * writing to out failed.
 */
int	metrics_render_prometheus(const struct metrics *, FILE *out);
/*
 * A family of one sample that is not in the table (uptime, build info,
 * process figures): HELP, TYPE, then name{label="value"} v; label and
 * label_value may be NULL.  The value is escaped; the caller checks
 * ferror(out).
 */
void	metrics_render_one(FILE *out, const char *name, enum metric_type,
	    const char *help, const char *label, const char *label_value,
	    double v);
/* The same for an unlabelled gauge. */
void	metrics_render_gauge(FILE *out, const char *name, const char *help,
	    double v);

static inline void
metrics_add(struct metrics *m, enum metric k, uint64_t n)
{
	m->v[k] += n;
}

static inline void
metrics_set(struct metrics *m, enum metric k, uint64_t n)
{
	m->v[k] = n;
}

#endif
