/*
 * guard.c - the operator's deny list and the sessions' blocklists: sorted
 * arrays of IDs, looked up with bsearch on every forwarded frame (a
 * blocklist) or session request (the deny list).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus/identity.h"
#include "conf.h"
#include "guard.h"
#include "log.h"
#include "node.h"
#include "store.h"

/* Index of id in ids[n], or where it would go (*found 0). */
static size_t
guard_find(uint8_t (*ids)[GUARD_ID_LEN], size_t n, const uint8_t *id,
    int *found)
{
	size_t lo = 0, hi = n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = memcmp(ids[mid], id, GUARD_ID_LEN)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Grow *ids (and *flags, if given) to hold n + 1; 0 or -1. */
static int
guard_grow(uint8_t (**ids)[GUARD_ID_LEN], uint8_t **flags, size_t n,
    size_t *cap)
{
	uint8_t (*ni)[GUARD_ID_LEN];
	uint8_t *nf;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap == 0 ? 16 : *cap * 2;
	if ((ni = realloc(*ids, c * GUARD_ID_LEN)) == NULL)
		return -1;
	*ids = ni;
	if (flags != NULL) {
		if ((nf = realloc(*flags, c)) == NULL)
			return -1;
		*flags = nf;
	}
	*cap = c;
	return 0;
}

/* 1 if id is in ids[n]. */
static int
guard_has(uint8_t (*ids)[GUARD_ID_LEN], size_t n, const uint8_t *id)
{
	int found;

	(void)guard_find(ids, n, id, &found);
	return found;
}

/* Insert id at pos of ids[n] (room for it made). */
static void
guard_insert(uint8_t (*ids)[GUARD_ID_LEN], size_t n, size_t pos,
    const uint8_t *id)
{
	memmove(ids[pos + 1], ids[pos], (n - pos) * GUARD_ID_LEN);
	memcpy(ids[pos], id, GUARD_ID_LEN);
}

/* Take entry pos out of ids[n] (and flags[n], if given). */
static void
guard_remove(uint8_t (*ids)[GUARD_ID_LEN], uint8_t *flags, size_t n,
    size_t pos)
{
	memmove(ids[pos], ids[pos + 1], (n - pos - 1) * GUARD_ID_LEN);
	if (flags != NULL)
		memmove(flags + pos, flags + pos + 1, n - pos - 1);
}

/* Add id to d once (from_conf marks a configuration line): 0 or -1. */
static int
guard_deny_insert(struct guard_deny *d, const uint8_t *id, int from_conf)
{
	size_t pos;
	int found;

	pos = guard_find(d->ids, d->n, id, &found);
	if (found) {
		d->from_conf[pos] |= (uint8_t)from_conf;
		return 0;
	}
	if (d->n >= GUARD_MAX_DENY ||
	    guard_grow(&d->ids, &d->from_conf, d->n, &d->cap) == -1)
		return -1;
	guard_insert(d->ids, d->n, pos, id);
	memmove(d->from_conf + pos + 1, d->from_conf + pos, d->n - pos);
	d->from_conf[pos] = (uint8_t)from_conf;
	d->n++;
	return 0;
}

static int
guard_deny_row(const uint8_t *id, int64_t added, void *arg)
{
	(void)added;
	return guard_deny_insert(arg, id, 0);
}

int
guard_deny_load(struct node *node, struct guard_deny *out, char *err,
    size_t errlen)
{
	struct guard_deny d;
	uint8_t id[GUARD_ID_LEN];
	size_t i;
	int failed = 0;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < node->conf->ndeny && !failed; i++)
		if (identity_key_parse(node->conf->deny[i], id) == 0)
			failed = guard_deny_insert(&d, id, 1) == -1;
	if (!failed && node->store != NULL)
		failed = store_deny_list(node->store, guard_deny_row, &d) != 0;
	if (failed) {
		snprintf(err, errlen, "cannot load the deny list (more than "
		    "%u identities, out of memory, or a database error)",
		    GUARD_MAX_DENY);
		guard_deny_free(&d);
		return -1;
	}
	guard_deny_free(out);
	*out = d;
	return 0;
}

void
guard_deny_free(struct guard_deny *d)
{
	free(d->ids);
	free(d->from_conf);
	memset(d, 0, sizeof(*d));
}

int
guard_denied(const struct guard_deny *d, const uint8_t *id)
{
	return guard_has(d->ids, d->n, id);
}

int
guard_deny_add(struct node *node, struct guard_deny *d, const uint8_t *id)
{
	if (guard_has(d->ids, d->n, id))
		return 0;
	if (node->store == NULL ||
	    store_deny_add(node->store, id, (int64_t)time(NULL)) == -1)
		return -1;
	return guard_deny_insert(d, id, 0) == 0 ? 1 : -1;
}

int
guard_deny_del(struct node *node, struct guard_deny *d, const uint8_t *id)
{
	size_t pos;
	int found;

	pos = guard_find(d->ids, d->n, id, &found);
	if (!found)
		return -1;
	if (d->from_conf[pos])
		return -2;
	if (node->store == NULL || store_deny_del(node->store, id) == -1)
		return -3;
	guard_remove(d->ids, d->from_conf, d->n--, pos);
	return 0;
}

json_t *
guard_deny_json(const struct guard_deny *d)
{
	char text[IDENTITY_ID_STRLEN];
	json_t *o, *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < d->n; i++) {
		identity_id_string(d->ids[i], text);
		json_array_append_new(a, json_pack("{s:s, s:s}", "id", text,
		    "from", d->from_conf[i] ? "configuration" : "api"));
	}
	o = json_pack("{s:I, s:o}", "count", (json_int_t)d->n, "denied", a);
	return o;
}

int
guard_blocks_has(const struct guard_blocks *b, const uint8_t *id)
{
	return guard_has(b->ids, b->n, id);
}

int
guard_blocks_add(struct guard_blocks *b, const uint8_t *id)
{
	size_t pos;
	int found;

	pos = guard_find(b->ids, b->n, id, &found);
	if (found)
		return 0;
	if (b->n >= GUARD_MAX_BLOCKS ||
	    guard_grow(&b->ids, NULL, b->n, &b->cap) == -1)
		return -1;
	guard_insert(b->ids, b->n, pos, id);
	b->n++;
	return 1;
}

int
guard_blocks_del(struct guard_blocks *b, const uint8_t *id)
{
	size_t pos;
	int found;

	pos = guard_find(b->ids, b->n, id, &found);
	if (!found)
		return 0;
	guard_remove(b->ids, NULL, b->n--, pos);
	return 1;
}

void
guard_blocks_free(struct guard_blocks *b)
{
	free(b->ids);
	memset(b, 0, sizeof(*b));
}
