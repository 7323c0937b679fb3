/*
 * api.c - the JSON and Prometheus handlers behind the HTTP routes.
 *
 * Each handler builds its whole reply from the node's state and returns
 * it; http.c owns the transport, the routing and the authorisation.
 * Nothing here names a client: the status and the metrics are aggregates
 * (DESIGN.md, Privacy).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/time.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "chorus/encode.h"
#include "chorus/netrec.h"

#include "api.h"
#include "chorus.h"
#include "history.h"
#include "net.h"
#include "http.h"
#include "metrics.h"
#include "node.h"
#include "tcp.h"
#include "udp.h"

#define API_STATM		"/proc/self/statm"
#define API_NOISE_KEYLEN	ENCODE_BASE32_LEN(CRYPTO_X25519_LEN)
#define API_BINDINGLEN		ENCODE_HEX_LEN(CRYPTO_ED25519_SIG_LEN)
#define API_CPU_MIN_USEC	1000000	/* CPU use measured over >= 1 s */

/* The gauges that mirror node state, brought up to date. */
static void
api_sync_gauges(struct node *node)
{
	metrics_set(&node->metrics, M_SESSIONS, node->sessions);
	metrics_set(&node->metrics, M_DRAINING, node->draining ? 1 : 0);
}

/* A counter as a JSON integer (which is signed 64-bit). */
json_t *
api_uint(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* Who this node is: its ID, fingerprint and Noise key. */
static json_t *
api_node_json(const struct node *node)
{
	char noise[API_NOISE_KEYLEN], binding[API_BINDINGLEN];

	if (encode_base32(node->id.x_pub, sizeof(node->id.x_pub), noise,
	    sizeof(noise)) == -1 ||
	    encode_hex(node->id.binding, sizeof(node->id.binding), binding,
	    sizeof(binding)) == -1)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s, s:s}",
	    "id", node->id_str,
	    "fingerprint", node->fpr,
	    "noise_key", noise,
	    "identity_key", node->id_str,
	    "binding", binding);
}

/* Append {"proto": proto, "address": address} to a; -1 on ENOMEM. */
static int
api_listener_add(json_t *a, const char *proto, const char *address)
{
	return json_array_append_new(a, json_pack("{s:s, s:s}",
	    "proto", proto, "address", address));
}

/* Every bound socket: UDP, TCP and TLS per listen address, then HTTP. */
static json_t *
api_listeners_json(const struct node *node)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < node->nlisteners && i < NODE_MAX_LISTENERS; i++) {
		if (node->udp[i] != NULL &&
		    api_listener_add(a, "udp", udp_name(node->udp[i])) == -1)
			goto fail;
		if (node->tcp[i] != NULL &&
		    api_listener_add(a, "tcp", tcp_name(node->tcp[i])) == -1)
			goto fail;
		if (node->tls[i] != NULL &&
		    api_listener_add(a, "tls", tcp_name(node->tls[i])) == -1)
			goto fail;
	}
	if (node->http != NULL &&
	    api_listener_add(a, "http", http_name(node->http)) == -1)
		goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

/* Every metric under its JSON key. */
static json_t *
api_counters_json(const struct node *node)
{
	json_t *o;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < M_COUNT; i++) {
		if (json_object_set_new(o, metric_table[i].json,
		    api_uint(node->metrics.v[i])) == -1) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static long long	api_rss_bytes(void);
static double		api_cpu_seconds(void);

/*
 * The daemon's CPU use in percent of one core since the previous status
 * request at least API_CPU_MIN_USEC ago (the dashboard polls every few
 * seconds); null until there are two readings.
 */
static json_t *
api_process_json(struct node *node)
{
	uint64_t now = node_now_usec();
	double cpu = api_cpu_seconds();
	long long rss = api_rss_bytes();

	if (cpu >= 0 && node->cpu_at_usec != 0 &&
	    now - node->cpu_at_usec >= API_CPU_MIN_USEC) {
		node->cpu_percent = 100.0 * (cpu - node->cpu_at) * 1e6 /
		    (double)(now - node->cpu_at_usec);
		if (node->cpu_percent < 0)
			node->cpu_percent = 0;
	}
	if (cpu >= 0 && (node->cpu_at_usec == 0 ||
	    now - node->cpu_at_usec >= API_CPU_MIN_USEC)) {
		node->cpu_at = cpu;
		node->cpu_at_usec = now;
	}
	return json_pack("{s:o, s:o, s:o}",
	    "cpu_seconds", cpu >= 0 ? json_real(cpu) : json_null(),
	    "cpu_percent", node->cpu_percent >= 0 ?
	    json_real(node->cpu_percent) : json_null(),
	    "rss_bytes", rss >= 0 ? json_integer(rss) : json_null());
}

/* Rooms on this node, in aggregate. */
static json_t *
api_rooms_json(const struct node *node)
{
	struct chorus_counts c;

	chorus_counts(node->chorus, &c);
	return json_pack("{s:I, s:I, s:I, s:o}",
	    "sessions", (json_int_t)c.sessions,
	    "rooms", (json_int_t)c.rooms,
	    "members", (json_int_t)c.members,
	    "forwarded_bytes", api_uint(c.bytes_forwarded));
}

/* The node network: on or off, nodes followed, the network ID (hex). */
static json_t *
api_network_json(struct node *node)
{
	char hex[2 * NETREC_NETWORK_ID_LEN + 1];

	if (node->net == NULL)
		return json_pack("{s:b, s:I, s:n}", "enabled", 0, "nodes",
		    (json_int_t)0, "network_id");
	(void)encode_hex(net_network_id(node->net), NETREC_NETWORK_ID_LEN,
	    hex, sizeof(hex));
	return json_pack("{s:b, s:I, s:s}", "enabled", 1, "nodes",
	    (json_int_t)net_nodes_followed(node->net), "network_id", hex);
}

/* GET /api/v1/status */
json_t *
api_status(struct node *node)
{
	json_t *o;
	int rc = 0;

	api_sync_gauges(node);
	if ((o = json_object()) == NULL)
		return NULL;
	/* json_object_set_new() takes the value, also when it fails. */
	rc |= json_object_set_new(o, "node", api_node_json(node));
	rc |= json_object_set_new(o, "version", json_string(PACKAGE_VERSION));
	rc |= json_object_set_new(o, "uptime_seconds",
	    api_uint(node_uptime(node)));
	rc |= json_object_set_new(o, "draining",
	    json_boolean(node->draining));
	rc |= json_object_set_new(o, "sessions", api_uint(node->sessions));
	rc |= json_object_set_new(o, "listeners", api_listeners_json(node));
	rc |= json_object_set_new(o, "counters", api_counters_json(node));
	rc |= json_object_set_new(o, "process", api_process_json(node));
	rc |= json_object_set_new(o, "lifetime", node->history != NULL ?
	    history_lifetime_json(node->history) : json_null());
	rc |= json_object_set_new(o, "rooms", api_rooms_json(node));
	rc |= json_object_set_new(o, "network", api_network_json(node));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The metrics whose JSON key starts with prefix, as an object keyed by
 * the rest of the key ("turn_auth_" gives {"expired": 0, ...}).
 */
static json_t *
api_group_json(const struct node *node, const char *prefix)
{
	size_t i, n = strlen(prefix);
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < M_COUNT; i++) {
		if (strncmp(metric_table[i].json, prefix, n) != 0)
			continue;
		if (json_object_set_new(o, metric_table[i].json + n,
		    api_uint(node->metrics.v[i])) == -1) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* GET /api/v1/turn: the relay's settings and aggregate counters. */
json_t *
api_turn(struct node *node)
{
	const struct conf *conf = node->conf;
	const uint64_t *v = node->metrics.v;

	return json_pack("{s:s, s:b, s:{s:i, s:i}, s:b, s:I, s:o, s:{s:{s:I, s:I}, "
	    "s:{s:I, s:I}}, s:o, s:o, s:o, s:o, s:o, s:I, s:I}",
	    "realm", conf->realm,
	    "allow_anonymous", conf->allow_anonymous != 0,
	    "relay_ports", "min", (int)conf->min_port, "max", (int)conf->max_port,
	    "tls", node->ssl != NULL,
	    "max_bps", (json_int_t)conf->max_bps,
	    "allocations", api_group_json(node, "turn_allocations_"),
	    "relayed",
	    "to_peer", "datagrams", (json_int_t)v[M_TURN_TO_PEER_PACKETS],
	    "bytes", (json_int_t)v[M_TURN_TO_PEER_BYTES],
	    "to_client", "datagrams", (json_int_t)v[M_TURN_TO_CLIENT_PACKETS],
	    "bytes", (json_int_t)v[M_TURN_TO_CLIENT_BYTES],
	    "auth_failures", api_group_json(node, "turn_auth_"),
	    "peer_refusals", api_group_json(node, "turn_peer_denied_"),
	    "quota_refusals", api_group_json(node, "turn_quota_"),
	    "dropped", api_group_json(node, "turn_dropped_"),
	    "unsent_replies", api_group_json(node, "stun_unsent_"),
	    "binding_requests", (json_int_t)v[M_STUN_BINDING_REQUESTS],
	    "malformed", (json_int_t)v[M_STUN_MALFORMED]);
}

/* POST /api/v1/drain (admin) */
json_t *
api_drain(struct node *node)
{
	node_drain(node, "admin API");
	return json_pack("{s:b, s:I}",
	    "draining", node->draining != 0,
	    "sessions", (json_int_t)node->sessions);
}

/* Resident set size in bytes from /proc; -1 if unknown. */
static long long
api_rss_bytes(void)
{
	unsigned long long size, resident;
	long page;
	FILE *f;
	int n;

	if ((f = fopen(API_STATM, "re")) == NULL)
		return -1;
	n = fscanf(f, "%llu %llu", &size, &resident);
	fclose(f);
	if (n != 2 || (page = sysconf(_SC_PAGESIZE)) <= 0)
		return -1;
	return (long long)(resident * (unsigned long long)page);
}

/* User plus system CPU time in seconds; -1 if unknown. */
static double
api_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The families that are not in the metric table. */
static void
api_metrics_process(struct node *node, FILE *out)
{
	long long rss;
	double cpu;

	metrics_render_one(out, "chorus_build_info", METRIC_GAUGE,
	    "Build information; the value is always 1.", "version",
	    PACKAGE_VERSION, 1);
	metrics_render_gauge(out, "chorus_start_time_seconds",
	    "Start time of the node since the Unix epoch.",
	    (double)node->start_wall);
	metrics_render_gauge(out, "chorus_uptime_seconds",
	    "Seconds since the node started.", (double)node_uptime(node));
	if ((rss = api_rss_bytes()) != -1)
		metrics_render_gauge(out,
		    "chorus_process_resident_memory_bytes",
		    "Resident memory size.", (double)rss);
	if ((cpu = api_cpu_seconds()) >= 0)
		metrics_render_one(out, "chorus_process_cpu_seconds_total",
		    METRIC_COUNTER, "User and system CPU time spent.", NULL,
		    NULL, cpu);
}

/* GET /metrics: Prometheus text; caller frees. */
char *
api_metrics(struct node *node, size_t *len)
{
	char *buf = NULL;
	FILE *out;
	int rc = -1;

	*len = 0;
	if ((out = open_memstream(&buf, len)) == NULL)
		return NULL;
	api_sync_gauges(node);
	if (metrics_render_prometheus(&node->metrics, out) == -1)
		goto fail;
	api_metrics_process(node, out);
	if (node->chorus != NULL)
		chorus_metrics(node->chorus, out);
	if (node->net != NULL)
		net_metrics(node->net, out);
	metrics_render_hist(out, "chorus_udp_forward_delay_seconds",
	    "Time from the kernel's arrival of a UDP datagram to the "
	    "sending of each datagram it caused (forwarded media, replies).",
	    &node->fwd_delay);
	if (ferror(out))
		goto fail;
	rc = 0;
fail:
	if (fclose(out) != 0)
		rc = -1;
	if (rc == -1) {
		free(buf);
		*len = 0;
		return NULL;
	}
	return buf;
}

/* {"error": {"code": code, "message": msg}} */
json_t *
api_error(unsigned code, const char *msg)
{
	return json_pack("{s:{s:I, s:s}}", "error",
	    "code", (json_int_t)code,
	    "message", msg);
}
