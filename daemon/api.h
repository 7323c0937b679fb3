/*
 * api.h - the JSON and Prometheus handlers behind the HTTP routes.
 *
 * Each builds its reply from the node's state; http.c does the transport.
 * Errors share one shape: {"error": {"code": N, "message": "..."}}.
 */
#ifndef CHORUSD_API_H
#define CHORUSD_API_H

#include <stdint.h>

#include <jansson.h>

struct node;

/* GET /api/v1/status */
json_t	*api_status(struct node *);
/* GET /api/v1/turn */
json_t	*api_turn(struct node *);
/* POST /api/v1/drain (admin) */
json_t	*api_drain(struct node *);
/* GET /metrics: Prometheus text; caller frees. */
char	*api_metrics(struct node *, size_t *len);
/* {"error": {"code": code, "message": msg}} */
json_t	*api_error(unsigned code, const char *msg);
/* A counter as a JSON integer, capped at INT64_MAX. */
json_t	*api_uint(uint64_t);

#endif
