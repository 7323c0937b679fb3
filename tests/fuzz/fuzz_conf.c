/*
 * fuzz_conf.c - drives the configuration parser line by line, as
 * conf_load would, and checks that whatever it accepts conf_print_full
 * (secrets shown) writes back as a file that parses to an equal
 * configuration, and that conf_print (secrets redacted) differs from it
 * only when there are secrets, in which case the parser refuses it.
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

/* conf_print_full(c, show) into a string of *len bytes (free it). */
static char *
fuzz_print(const struct conf *c, int show, size_t *len)
{
	char *text = NULL;
	FILE *f;

	*len = 0;
	if ((f = open_memstream(&text, len)) == NULL)
		abort();
	conf_print_full(c, f, show);
	if (fclose(f) != 0)
		abort();
	return text;
}

/* One input: parse it; if accepted, print, re-parse and compare. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[CONF_ERRLEN], *text, *redacted;
	struct conf *c, *back;
	size_t tlen, rlen;

	if ((c = fuzz_parse((const char *)data, len, err, sizeof(err))) == NULL)
		return 0;
	text = fuzz_print(c, 1, &tlen);
	if ((back = fuzz_parse(text, tlen, err, sizeof(err))) == NULL) {
		fprintf(stderr, "conf_print output refused: %s\n%s", err, text);
		abort();
	}
	if (!conf_equal(c, back)) {
		fprintf(stderr, "conf_print output differs:\n%s", text);
		abort();
	}
	conf_free(back);
	redacted = fuzz_print(c, 0, &rlen);
	if (c->nusers == 0 && c->nauth_secrets == 0 &&
	    (rlen != tlen || memcmp(redacted, text, tlen) != 0)) {
		fprintf(stderr, "conf_print redacted without secrets:\n%s",
		    redacted);
		abort();
	}
	if ((c->nusers > 0 || c->nauth_secrets > 0) &&
	    (back = fuzz_parse(redacted, rlen, err, sizeof(err))) != NULL) {
		fprintf(stderr, "redacted conf_print output accepted:\n%s",
		    redacted);
		abort();
	}
	conf_free(c);
	free(redacted);
	free(text);
	return 0;
}
