/*
 * fuzz_conf.c - drives the configuration parser line by line, as
 * conf_load would, and checks that whatever it accepts conf_print writes
 * back as a file that parses to an equal configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Feed data, split on '\n', as one source; NULL if it is refused. */
static struct conf *
fuzz_parse(const char *data, size_t len, char *err, size_t errlen)
{
	struct conf_reader r;
	struct conf *c;
	const char *p = data, *end = data + len, *nl;

	if ((c = conf_new()) == NULL)
		abort();
	conf_read_init(&r, c, "fuzz");
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (conf_read_line(&r, p, (size_t)(nl - p)) == -1)
			goto fail;
		p = nl + 1;
	}
	if (conf_read_finish(&r) == -1)
		goto fail;
	return c;
 fail:
	snprintf(err, errlen, "%s", r.err);
	conf_free(c);
	return NULL;
}

/* One input: parse it; if accepted, print, re-parse and compare. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[CONF_ERRLEN], *text = NULL;
	struct conf *c, *back;
	size_t tlen = 0;
	FILE *f;

	if ((c = fuzz_parse((const char *)data, len, err, sizeof(err))) == NULL)
		return 0;
	if ((f = open_memstream(&text, &tlen)) == NULL)
		abort();
	conf_print(c, f);
	if (fclose(f) != 0)
		abort();
	if ((back = fuzz_parse(text, tlen, err, sizeof(err))) == NULL) {
		fprintf(stderr, "conf_print output refused: %s\n%s", err, text);
		abort();
	}
	if (!conf_equal(c, back)) {
		fprintf(stderr, "conf_print output differs:\n%s", text);
		abort();
	}
	conf_free(back);
	conf_free(c);
	free(text);
	return 0;
}
