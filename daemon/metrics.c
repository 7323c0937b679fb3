/*
 * metrics.c - the metric table and the Prometheus text rendering.
 *
 * The table gives every enum metric its Prometheus name (chorus_ prefix,
 * base units, counters ending in _total), its labels, type, help text and
 * its key in the JSON status.  Entries that share a name are one family
 * and must be consecutive, so HELP and TYPE are written once per family.
 * Text exposition format 0.0.4:
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

#define UDP_RX_HELP	"UDP datagrams received, by first-byte kind."
#define UDP_DROP_HELP	"UDP datagrams dropped, by reason."
#define TCP_RX_HELP	"TCP/TLS frames received, by kind."

const struct metric_desc metric_table[M_COUNT] = {
	[M_UDP_RX_DATAGRAMS_STUN] = { "chorus_udp_received_datagrams_total",
	    "kind=\"stun\"", METRIC_COUNTER, UDP_RX_HELP,
	    "udp_rx_datagrams_stun" },
	[M_UDP_RX_DATAGRAMS_CHANNELDATA] = {
	    "chorus_udp_received_datagrams_total",
	    "kind=\"channeldata\"", METRIC_COUNTER, UDP_RX_HELP,
	    "udp_rx_datagrams_channeldata" },
	[M_UDP_RX_DATAGRAMS_CHORUS] = { "chorus_udp_received_datagrams_total",
	    "kind=\"chorus\"", METRIC_COUNTER, UDP_RX_HELP,
	    "udp_rx_datagrams_chorus" },
	[M_UDP_RX_DATAGRAMS_UNKNOWN] = { "chorus_udp_received_datagrams_total",
	    "kind=\"unknown\"", METRIC_COUNTER, UDP_RX_HELP,
	    "udp_rx_datagrams_unknown" },
	[M_UDP_RX_BYTES] = {
	    "chorus_udp_received_bytes_total", NULL,
	    METRIC_COUNTER, "UDP payload bytes received.",
	    "udp_rx_bytes" },
	[M_UDP_TX_DATAGRAMS] = {
	    "chorus_udp_sent_datagrams_total", NULL,
	    METRIC_COUNTER, "UDP datagrams sent.",
	    "udp_tx_datagrams" },
	[M_UDP_TX_BYTES] = {
	    "chorus_udp_sent_bytes_total", NULL,
	    METRIC_COUNTER, "UDP payload bytes sent.",
	    "udp_tx_bytes" },
	[M_UDP_DROPPED_MALFORMED] = { "chorus_udp_dropped_datagrams_total",
	    "reason=\"malformed\"", METRIC_COUNTER, UDP_DROP_HELP,
	    "udp_dropped_malformed" },
	[M_UDP_DROPPED_UNIMPLEMENTED] = { "chorus_udp_dropped_datagrams_total",
	    "reason=\"unimplemented\"", METRIC_COUNTER, UDP_DROP_HELP,
	    "udp_dropped_unimplemented" },
	[M_UDP_RECV_BATCHES] = { "chorus_udp_receive_batches_total", NULL,
	    METRIC_COUNTER, "recvmmsg() calls that returned datagrams.",
	    "udp_recv_batches" },
	[M_TCP_ACCEPTED] = {
	    "chorus_tcp_accepted_connections_total", NULL,
	    METRIC_COUNTER, "TCP connections accepted.",
	    "tcp_accepted" },
	[M_TCP_REFUSED] = { "chorus_tcp_refused_connections_total", NULL,
	    METRIC_COUNTER, "TCP connections refused (limit or draining).",
	    "tcp_refused" },
	[M_TCP_CONNECTIONS] = {
	    "chorus_tcp_connections", NULL,
	    METRIC_GAUGE, "TCP connections open now.",
	    "tcp_connections" },
	[M_TCP_RX_BYTES] = {
	    "chorus_tcp_received_bytes_total", NULL,
	    METRIC_COUNTER, "TCP bytes received.",
	    "tcp_rx_bytes" },
	[M_HTTP_REQUESTS] = {
	    "chorus_http_requests_total", NULL,
	    METRIC_COUNTER, "HTTP requests received.",
	    "http_requests" },
	[M_HTTP_ERRORS] = { "chorus_http_errors_total", NULL,
	    METRIC_COUNTER, "HTTP responses with a 4xx or 5xx status.",
	    "http_errors" },
	[M_HTTP_AUTH_FAILURES] = { "chorus_http_auth_failures_total", NULL,
	    METRIC_COUNTER, "Admin requests refused for a missing or wrong "
	    "token.", "http_auth_failures" },
	[M_RELOADS] = { "chorus_reloads_total", NULL,
	    METRIC_COUNTER, "Configuration reloads that took effect.",
	    "reloads" },
	[M_RELOAD_FAILURES] = { "chorus_reload_failures_total", NULL,
	    METRIC_COUNTER, "Configuration reloads refused as invalid.",
	    "reload_failures" },
	[M_SESSIONS] = {
	    "chorus_sessions", NULL,
	    METRIC_GAUGE, "Sessions open now.",
	    "sessions" },
	[M_DRAINING] = {
	    "chorus_draining", NULL,
	    METRIC_GAUGE, "1 while the node drains, else 0.",
	    "draining" },
	[M_UDP_TX_DROPPED] = { "chorus_udp_send_dropped_datagrams_total", NULL,
	    METRIC_COUNTER, "UDP datagrams not sent (socket buffer full or "
	    "send error).", "udp_tx_dropped" },
	[M_TCP_RX_FRAMES_STUN] = { "chorus_tcp_received_frames_total",
	    "kind=\"stun\"", METRIC_COUNTER, TCP_RX_HELP,
	    "tcp_rx_frames_stun" },
	[M_TCP_RX_FRAMES_CHANNELDATA] = { "chorus_tcp_received_frames_total",
	    "kind=\"channeldata\"", METRIC_COUNTER, TCP_RX_HELP,
	    "tcp_rx_frames_channeldata" },
	[M_TCP_RX_FRAMES_CHORUS] = { "chorus_tcp_received_frames_total",
	    "kind=\"chorus\"", METRIC_COUNTER, TCP_RX_HELP,
	    "tcp_rx_frames_chorus" },
	[M_TCP_DROPPED_MALFORMED] = { "chorus_tcp_malformed_frames_total", NULL,
	    METRIC_COUNTER, "TCP/TLS connections closed for a frame that is "
	    "not STUN or ChannelData, or too large.", "tcp_malformed_frames" },
	[M_TCP_TX_BYTES] = { "chorus_tcp_sent_bytes_total", NULL,
	    METRIC_COUNTER, "TCP/TLS bytes queued for sending.",
	    "tcp_tx_bytes" },
	[M_TCP_TX_DROPPED] = { "chorus_tcp_send_dropped_messages_total", NULL,
	    METRIC_COUNTER, "Messages not sent because a connection's output "
	    "buffer was full.", "tcp_tx_dropped" },
	[M_TLS_HANDSHAKE_FAILURES] = { "chorus_tls_handshake_failures_total",
	    NULL, METRIC_COUNTER, "TLS connections closed before the "
	    "handshake completed.", "tls_handshake_failures" },
	[M_TURN_ALLOCATIONS_UDP] = {
	    "chorus_turn_allocations", "transport=\"udp\"",
	    METRIC_GAUGE, "TURN allocations now, by client transport.",
	    "turn_allocations_udp" },
	[M_TURN_ALLOCATIONS_TCP] = {
	    "chorus_turn_allocations", "transport=\"tcp\"",
	    METRIC_GAUGE, "TURN allocations now, by client transport.",
	    "turn_allocations_tcp" },
	[M_TURN_ALLOCATIONS_TLS] = {
	    "chorus_turn_allocations", "transport=\"tls\"",
	    METRIC_GAUGE, "TURN allocations now, by client transport.",
	    "turn_allocations_tls" },
	[M_TURN_ALLOCATIONS_TOTAL] = {
	    "chorus_turn_allocations_created_total", NULL,
	    METRIC_COUNTER, "TURN allocations created since start.",
	    "turn_allocations_created" },
	[M_TURN_TO_PEER_PACKETS] = {
	    "chorus_turn_relayed_datagrams_total", "direction=\"to_peer\"",
	    METRIC_COUNTER, "Datagrams relayed, by direction.",
	    "turn_to_peer_datagrams" },
	[M_TURN_TO_CLIENT_PACKETS] = {
	    "chorus_turn_relayed_datagrams_total", "direction=\"to_client\"",
	    METRIC_COUNTER, "Datagrams relayed, by direction.",
	    "turn_to_client_datagrams" },
	[M_TURN_TO_PEER_BYTES] = {
	    "chorus_turn_relayed_bytes_total", "direction=\"to_peer\"",
	    METRIC_COUNTER, "Payload bytes relayed, by direction.",
	    "turn_to_peer_bytes" },
	[M_TURN_TO_CLIENT_BYTES] = {
	    "chorus_turn_relayed_bytes_total", "direction=\"to_client\"",
	    METRIC_COUNTER, "Payload bytes relayed, by direction.",
	    "turn_to_client_bytes" },
	[M_TURN_AUTH_UNKNOWN_USER] = {
	    "chorus_turn_auth_failures_total", "reason=\"unknown_user\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_unknown_user" },
	[M_TURN_AUTH_BAD_INTEGRITY] = {
	    "chorus_turn_auth_failures_total", "reason=\"bad_integrity\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_bad_integrity" },
	[M_TURN_AUTH_EXPIRED] = {
	    "chorus_turn_auth_failures_total", "reason=\"expired\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_expired" },
	[M_TURN_AUTH_STALE_NONCE] = {
	    "chorus_turn_auth_failures_total", "reason=\"stale_nonce\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_stale_nonce" },
	[M_TURN_AUTH_BAD_NONCE] = {
	    "chorus_turn_auth_failures_total", "reason=\"bad_nonce\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_bad_nonce" },
	[M_TURN_AUTH_MALFORMED] = {
	    "chorus_turn_auth_failures_total", "reason=\"malformed\"",
	    METRIC_COUNTER, "TURN authentication failures, by reason.",
	    "turn_auth_malformed" },
	[M_TURN_PEER_DENIED_BUILTIN] = {
	    "chorus_turn_peer_refusals_total", "reason=\"builtin\"",
	    METRIC_COUNTER, "Peers refused by the relay policy, by rule.",
	    "turn_peer_denied_builtin" },
	[M_TURN_PEER_DENIED_OPERATOR] = {
	    "chorus_turn_peer_refusals_total", "reason=\"denied_peer\"",
	    METRIC_COUNTER, "Peers refused by the relay policy, by rule.",
	    "turn_peer_denied_operator" },
	[M_TURN_PEER_DENIED_OWN] = {
	    "chorus_turn_peer_refusals_total", "reason=\"own_address\"",
	    METRIC_COUNTER, "Peers refused by the relay policy, by rule.",
	    "turn_peer_denied_own" },
	[M_TURN_PEER_DENIED_UNSPECIFIED] = {
	    "chorus_turn_peer_refusals_total", "reason=\"unspecified\"",
	    METRIC_COUNTER, "Peers refused by the relay policy, by rule.",
	    "turn_peer_denied_unspecified" },
	[M_TURN_QUOTA_USER] = {
	    "chorus_turn_quota_refusals_total", "quota=\"user\"",
	    METRIC_COUNTER, "Requests refused by a quota or cap, by which.",
	    "turn_quota_user" },
	[M_TURN_QUOTA_TOTAL] = {
	    "chorus_turn_quota_refusals_total", "quota=\"total\"",
	    METRIC_COUNTER, "Requests refused by a quota or cap, by which.",
	    "turn_quota_total" },
	[M_TURN_QUOTA_PERMISSIONS] = {
	    "chorus_turn_quota_refusals_total", "quota=\"permissions\"",
	    METRIC_COUNTER, "Requests refused by a quota or cap, by which.",
	    "turn_quota_permissions" },
	[M_TURN_QUOTA_CHANNELS] = {
	    "chorus_turn_quota_refusals_total", "quota=\"channels\"",
	    METRIC_COUNTER, "Requests refused by a quota or cap, by which.",
	    "turn_quota_channels" },
	[M_TURN_DROPPED_BPS] = {
	    "chorus_turn_dropped_datagrams_total", "reason=\"max_bps\"",
	    METRIC_COUNTER, "Relayed datagrams dropped, by reason.",
	    "turn_dropped_bps" },
	[M_TURN_DROPPED_NO_PERMISSION] = {
	    "chorus_turn_dropped_datagrams_total", "reason=\"no_permission\"",
	    METRIC_COUNTER, "Relayed datagrams dropped, by reason.",
	    "turn_dropped_no_permission" },
	[M_TURN_DROPPED_NO_ALLOCATION] = {
	    "chorus_turn_dropped_datagrams_total", "reason=\"no_allocation\"",
	    METRIC_COUNTER, "Relayed datagrams dropped, by reason.",
	    "turn_dropped_no_allocation" },
	[M_TURN_DROPPED_MALFORMED] = {
	    "chorus_turn_dropped_datagrams_total", "reason=\"malformed\"",
	    METRIC_COUNTER, "Relayed datagrams dropped, by reason.",
	    "turn_dropped_malformed" },
	[M_TURN_DROPPED_SEND] = {
	    "chorus_turn_dropped_datagrams_total", "reason=\"send_failed\"",
	    METRIC_COUNTER, "Relayed datagrams dropped, by reason.",
	    "turn_dropped_send" },
	[M_TURN_AMPLIFICATION_DROPS] = {
	    "chorus_stun_unsent_replies_total", "reason=\"amplification\"",
	    METRIC_COUNTER, "Unauthenticated replies not sent, by reason.",
	    "stun_unsent_amplification" },
	[M_TURN_RATE_LIMITED] = {
	    "chorus_stun_unsent_replies_total", "reason=\"rate_limit\"",
	    METRIC_COUNTER, "Unauthenticated replies not sent, by reason.",
	    "stun_unsent_rate_limit" },
	[M_STUN_BINDING_REQUESTS] = {
	    "chorus_stun_binding_requests_total", NULL,
	    METRIC_COUNTER, "STUN Binding requests answered or considered.",
	    "stun_binding_requests" },
	[M_STUN_MALFORMED] = {
	    "chorus_stun_malformed_messages_total", NULL,
	    METRIC_COUNTER, "STUN messages dropped as malformed.",
	    "stun_malformed" },
};

/* The exposition format's type name. */
static const char *
metrics_type_name(enum metric_type t)
{
	switch (t) {
	case METRIC_COUNTER:
		return "counter";
	case METRIC_HISTOGRAM:
		return "histogram";
	default:
		return "gauge";
	}
}

/* HELP text escapes backslash and newline. */
static void
metrics_put_help(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* "# HELP name text" and "# TYPE name type". */
static void
metrics_put_header(FILE *out, const char *name, enum metric_type t,
    const char *help)
{
	fprintf(out, "# HELP %s ", name);
	metrics_put_help(out, help);
	fprintf(out, "\n# TYPE %s %s\n", name, metrics_type_name(t));
}

/* A float sample value as the format spells it. */
static void
metrics_put_value(FILE *out, double v)
{
	if (isnan(v))
		fputs("NaN", out);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", out);
	else
		fprintf(out, "%.15g", v);
}

/* Write every metric in the table; 0, or -1 if out failed. */
int
metrics_render_prometheus(const struct metrics *m, FILE *out)
{
	const struct metric_desc *d, *prev = NULL;
	size_t i;

	for (i = 0; i < M_COUNT; i++) {
		d = &metric_table[i];
		if (prev == NULL || strcmp(prev->name, d->name) != 0)
			metrics_put_header(out, d->name, d->type, d->help);
		if (d->labels != NULL)
			fprintf(out, "%s{%s} %" PRIu64 "\n", d->name, d->labels,
			    m->v[i]);
		else
			fprintf(out, "%s %" PRIu64 "\n", d->name, m->v[i]);
		prev = d;
	}
	return ferror(out) ? -1 : 0;
}

/* A label value escapes backslash, double quote and newline. */
static void
metrics_put_label_value(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* A family of one sample, with at most one label. */
void
metrics_render_one(FILE *out, const char *name, enum metric_type t,
    const char *help, const char *label, const char *label_value, double v)
{
	/* No help: another sample of the family just started. */
	if (help != NULL)
		metrics_put_header(out, name, t, help);
	fputs(name, out);
	if (label != NULL && label_value != NULL) {
		fprintf(out, "{%s=\"", label);
		metrics_put_label_value(out, label_value);
		fputs("\"}", out);
	}
	fputc(' ', out);
	metrics_put_value(out, v);
	fputc('\n', out);
}

const double metrics_hist_bounds[METRICS_HIST_BUCKETS] = {
	0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
	0.05, 0.1, 0.5
};

void
metrics_hist_add(struct metrics_hist *h, uint64_t usec, uint64_t n)
{
	double s = (double)usec / 1e6;
	size_t i;

	for (i = 0; i < METRICS_HIST_BUCKETS; i++)
		if (s <= metrics_hist_bounds[i])
			break;
	h->count[i] += n;
	h->n += n;
	h->sum += s * (double)n;
}

void
metrics_render_hist(FILE *out, const char *name, const char *help,
    const struct metrics_hist *h)
{
	uint64_t cum = 0;
	size_t i;

	metrics_put_header(out, name, METRIC_HISTOGRAM, help);
	for (i = 0; i <= METRICS_HIST_BUCKETS; i++) {
		cum += h->count[i];
		if (i < METRICS_HIST_BUCKETS)
			fprintf(out, "%s_bucket{le=\"%g\"} %llu\n", name,
			    metrics_hist_bounds[i], (unsigned long long)cum);
		else
			fprintf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
			    (unsigned long long)cum);
	}
	fprintf(out, "%s_sum ", name);
	metrics_put_value(out, h->sum);
	fprintf(out, "\n%s_count %llu\n", name, (unsigned long long)h->n);
}

/* A gauge family of one unlabelled sample. */
void
metrics_render_gauge(FILE *out, const char *name, const char *help,
    double v)
{
	metrics_render_one(out, name, METRIC_GAUGE, help, NULL, NULL, v);
}
