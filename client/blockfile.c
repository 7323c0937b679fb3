/*
 * blockfile.c - read and write the user's blocklist file (blockfile.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus/identity.h"
#include "blockfile.h"

static int
blockfile_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CRYPTO_ED25519_PUB_LEN);
}

long
blockfile_find(const struct rclient_blocks *b, const uint8_t *id)
{
	const uint8_t (*p)[CRYPTO_ED25519_PUB_LEN];

	if (b->n == 0)
		return -1;
	p = bsearch(id, b->ids, b->n, CRYPTO_ED25519_PUB_LEN, blockfile_cmp);
	return p == NULL ? -1 : (long)(p - b->ids);
}

void
blockfile_free(struct rclient_blocks *b)
{
	free(b->ids);
	free(b->flags);
	memset(b, 0, sizeof(*b));
}

/* One line: "ID" or "ID report"; 0 with *id and *flags, 1 blank, -1. */
static int
blockfile_line(char *line, uint8_t *id, uint8_t *flags)
{
	char *w1, *w2, *w3, *save = NULL;

	if ((w1 = strchr(line, '#')) != NULL)
		*w1 = '\0';
	if ((w1 = strtok_r(line, " \t\r\n", &save)) == NULL)
		return 1;
	w2 = strtok_r(NULL, " \t\r\n", &save);
	w3 = strtok_r(NULL, " \t\r\n", &save);
	if (identity_key_parse(w1, id) == -1 || w3 != NULL ||
	    (w2 != NULL && strcmp(w2, "report") != 0))
		return -1;
	*flags = w2 != NULL ? CTRL_BLOCK_REPORT : 0;
	return 0;
}

/* Sort ids with their flags, dropping repeats (the last line wins). */
static void
blockfile_sort(struct rclient_blocks *b)
{
	uint8_t tmp[CRYPTO_ED25519_PUB_LEN + 1];
	size_t i, j, n;

	/* insertion sort, stable: lists are short and read rarely */
	for (i = 1; i < b->n; i++) {
		memcpy(tmp, b->ids[i], CRYPTO_ED25519_PUB_LEN);
		tmp[CRYPTO_ED25519_PUB_LEN] = b->flags[i];
		for (j = i; j > 0 && memcmp(b->ids[j - 1], tmp,
		    CRYPTO_ED25519_PUB_LEN) > 0; j--) {
			memcpy(b->ids[j], b->ids[j - 1], CRYPTO_ED25519_PUB_LEN);
			b->flags[j] = b->flags[j - 1];
		}
		memcpy(b->ids[j], tmp, CRYPTO_ED25519_PUB_LEN);
		b->flags[j] = tmp[CRYPTO_ED25519_PUB_LEN];
	}
	for (i = n = 0; i < b->n; i++) {
		if (n > 0 && memcmp(b->ids[n - 1], b->ids[i],
		    CRYPTO_ED25519_PUB_LEN) == 0) {
			b->flags[n - 1] = b->flags[i];
			continue;
		}
		memmove(b->ids[n], b->ids[i], CRYPTO_ED25519_PUB_LEN);
		b->flags[n++] = b->flags[i];
	}
	b->n = n;
}

int
blockfile_read(const char *path, struct rclient_blocks *out, char *err,
    size_t errlen)
{
	struct rclient_blocks b = { NULL, NULL, 0 };
	char line[256];
	unsigned lineno = 0;
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		blockfile_free(out);
		return 0;
	}
	if ((b.ids = calloc(BLOCKFILE_MAX, CRYPTO_ED25519_PUB_LEN)) == NULL ||
	    (b.flags = calloc(BLOCKFILE_MAX, 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (b.n == BLOCKFILE_MAX) {
			snprintf(err, errlen, "%s:%u: more than %d identities",
			    path, lineno, BLOCKFILE_MAX);
			goto fail;
		}
		if ((rc = blockfile_line(line, b.ids[b.n], &b.flags[b.n])) ==
		    -1) {
			snprintf(err, errlen, "%s:%u: not \"ID\" or \"ID "
			    "report\" (an ID is 52 base32 characters)", path,
			    lineno);
			goto fail;
		}
		if (rc == 0)
			b.n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	blockfile_sort(&b);
	blockfile_free(out);
	*out = b;
	return 0;
fail:
	fclose(f);
	blockfile_free(&b);
	return -1;
}

int
blockfile_write(const char *path, const struct rclient_blocks *b, char *err,
    size_t errlen)
{
	char tmp[4096], id[IDENTITY_ID_STRLEN];
	FILE *f;
	size_t i;
	int fd, bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
	    sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	fprintf(f, "# chorus blocklist: ID, or \"ID report\" to count the "
	    "block toward the ID's standing\n");
	for (i = 0; i < b->n; i++) {
		identity_id_string(b->ids[i], id);
		fprintf(f, "%s%s\n", id, b->flags[i] & CTRL_BLOCK_REPORT ?
		    " report" : "");
	}
	bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * The default list: $CHORUS_BLOCKLIST, else $XDG_CONFIG_HOME/chorus/
 * blocklist, else ~/.config/chorus/blocklist (its directory made, 0700).
 */
const char *
blockfile_default(char *buf, size_t len)
{
	const char *e, *home;

	if ((e = getenv("CHORUS_BLOCKLIST")) != NULL && *e != '\0')
		return e;
	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e != '\0')
		snprintf(buf, len, "%s/chorus", e);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		snprintf(buf, len, "%s/.config/chorus", home);
	else
		return NULL;
	if (mkdir(buf, 0700) == -1 && errno == ENOENT) {
		/* ~/.config itself may be missing */
		char parent[4096];
		char *slash;

		snprintf(parent, sizeof(parent), "%s", buf);
		if ((slash = strrchr(parent, '/')) != NULL) {
			*slash = '\0';
			(void)mkdir(parent, 0700);
		}
		(void)mkdir(buf, 0700);
	}
	if (strlen(buf) + sizeof("/blocklist") > len)
		return NULL;
	strcat(buf, "/blocklist");
	return buf;
}

/* Add id in order (or change its flag); 0 or -1 if the list is full. */
int
blockfile_add(struct rclient_blocks *b, const uint8_t *id, uint8_t flags)
{
	long k;

	if ((k = blockfile_find(b, id)) >= 0) {
		b->flags[k] = flags;
		return 0;
	}
	if (b->n == BLOCKFILE_MAX)
		return -1;
	if (b->ids == NULL) {
		if ((b->ids = calloc(BLOCKFILE_MAX,
		    CRYPTO_ED25519_PUB_LEN)) == NULL ||
		    (b->flags = calloc(BLOCKFILE_MAX, 1)) == NULL)
			return -1;
	}
	/* In order: blockfile_find searches the list. */
	for (k = (long)b->n; k > 0 && memcmp(b->ids[k - 1], id,
	    CRYPTO_ED25519_PUB_LEN) > 0; k--)
		;
	memmove(b->ids[k + 1], b->ids[k],
	    (b->n - (size_t)k) * CRYPTO_ED25519_PUB_LEN);
	memmove(b->flags + k + 1, b->flags + k, b->n - (size_t)k);
	memcpy(b->ids[k], id, CRYPTO_ED25519_PUB_LEN);
	b->flags[k] = flags;
	b->n++;
	return 0;
}
