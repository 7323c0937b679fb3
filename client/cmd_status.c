/*
 * cmd_status.c - "chorus status URL": show a node's /api/v1/status.
 *
 * A single HTTP GET (cli_http_get: libevent's HTTP client); the JSON
 * answer is shown as a short summary, or as it came with --json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"

#define STATUS_MAX_BODY		(1u << 20)
#define STATUS_PATH		"/api/v1/status"

/* Print the summary of a status document. */
static void
status_print(json_t *st)
{
	json_t *node = json_object_get(st, "node");
	json_t *ls = json_object_get(st, "listeners"), *l;
	size_t i;

	printf("node:        %s\n", json_string_value(
	    json_object_get(node, "id")));
	printf("fingerprint: %s\n", json_string_value(
	    json_object_get(node, "fingerprint")));
	printf("noise key:   %s\n", json_string_value(
	    json_object_get(node, "noise_key")));
	printf("version:     %s\n", json_string_value(
	    json_object_get(st, "version")));
	printf("uptime:      %llds\n", (long long)json_integer_value(
	    json_object_get(st, "uptime_seconds")));
	printf("draining:    %s\n", json_is_true(
	    json_object_get(st, "draining")) ? "yes" : "no");
	json_array_foreach(ls, i, l)
		printf("listener:    %s %s\n",
		    json_string_value(json_object_get(l, "proto")),
		    json_string_value(json_object_get(l, "address")));
}

/* chorus status [--json] URL */
int
cmd_status(int argc, char *argv[])
{
	struct cli_http sr = { 0, NULL, 0, STATUS_MAX_BODY };
	const char *url = NULL;
	json_error_t jerr;
	json_t *st = NULL;
	int i, raw = 0, rc = CLIENT_EXIT_UNREACHABLE;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			raw = 1;
		else if (url == NULL && argv[i][0] != '-')
			url = argv[i];
		else
			url = NULL, i = argc;
	}
	if (url == NULL) {
		fprintf(stderr, "usage: chorus status [--json] URL\n");
		return CLIENT_EXIT_USAGE;
	}
	if (cli_http_get(url, STATUS_PATH, &sr, "chorus status") == -1)
		return CLIENT_EXIT_USAGE;
	if (sr.code == 0) {
		fprintf(stderr, "chorus status: %s: no answer (is chorusd "
		    "running and is its http-address right?)\n", url);
		goto done;
	}
	if (sr.code != 200 || sr.body == NULL ||
	    (st = json_loadb(sr.body, sr.len, 0, &jerr)) == NULL ||
	    !json_is_object(st)) {
		fprintf(stderr, "chorus status: %s: HTTP %d, not a status "
		    "document\n", url, sr.code);
		goto done;
	}
	if (raw)
		printf("%s\n", sr.body);
	else
		status_print(st);
	rc = CLIENT_EXIT_OK;
done:
	json_decref(st);
	free(sr.body);
	return rc;
}
