/*
 * cmd_block.c - chorus block: the user's own blocklist.
 *
 *   chorus block add ID [--report] [--list FILE]
 *   chorus block remove ID [--list FILE]
 *   chorus block list [--list FILE]
 *   chorus block export | import (block_share.c)
 *
 * The list is a file (blockfile.h).  chorus join --blocklist FILE sends
 * it to every node it joins on, before JOIN, and follows changes to the
 * file while it runs, so a block made here takes effect in a running
 * join within a fraction of a second.  --report lets the nodes count the
 * block toward the ID's standing there (doc/REPUTATION.md "User
 * standing"); without it the block only mutes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/identity.h"
#include "blockfile.h"
#include "cli.h"
#include "client.h"

#define BLOCK_USAGE	"usage: chorus block add ID [--report] [--list FILE]\n" \
			"       chorus block remove ID [--list FILE]\n" \
			"       chorus block list [--list FILE]\n" \
			"       chorus block export --to CARD ... [--out FILE]\n" \
			"       chorus block import FILE [--from ID]\n"

static void
block_print(const struct rclient_blocks *b)
{
	char id[IDENTITY_ID_STRLEN];
	size_t i;

	for (i = 0; i < b->n; i++) {
		identity_id_string(b->ids[i], id);
		printf("%s%s\n", id, b->flags[i] & CTRL_BLOCK_REPORT ?
		    " report" : "");
	}
}

int
cmd_block(int argc, char *argv[])
{
	struct rclient_blocks b = { NULL, NULL, 0 };
	const char *verb, *idtext = NULL, *path = NULL;
	char defpath[4096], err[512];
	uint8_t id[CRYPTO_ED25519_PUB_LEN];
	int i, report = 0, rc = CLIENT_EXIT_FAILED;
	long k;

	if (argc < 2) {
		fprintf(stderr, BLOCK_USAGE);
		return CLIENT_EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "export") == 0 || strcmp(verb, "import") == 0)
		return block_share_main(argc, argv);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--report") == 0)
			report = 1;
		else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (argv[i][0] != '-' && idtext == NULL)
			idtext = argv[i];
		else {
			fprintf(stderr, BLOCK_USAGE);
			return CLIENT_EXIT_USAGE;
		}
	}
	if ((strcmp(verb, "list") == 0) != (idtext == NULL) ||
	    (report && strcmp(verb, "add") != 0) ||
	    (strcmp(verb, "add") != 0 && strcmp(verb, "remove") != 0 &&
	    strcmp(verb, "list") != 0)) {
		fprintf(stderr, BLOCK_USAGE);
		return CLIENT_EXIT_USAGE;
	}
	if (idtext != NULL && identity_key_parse(idtext, id) == -1) {
		fprintf(stderr, "chorus block: not an identity (52 base32 "
		    "characters): %s\n", idtext);
		return CLIENT_EXIT_USAGE;
	}
	if (path == NULL && (path = blockfile_default(defpath,
	    sizeof(defpath))) == NULL) {
		fprintf(stderr, "chorus block: no --list and no HOME\n");
		return CLIENT_EXIT_USAGE;
	}
	if (blockfile_read(path, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus block: %s\n", err);
		goto done;
	}
	if (strcmp(verb, "list") == 0) {
		block_print(&b);
		rc = CLIENT_EXIT_OK;
		goto done;
	}
	if (strcmp(verb, "add") == 0) {
		if (blockfile_add(&b, id, report ? CTRL_BLOCK_REPORT : 0) == -1) {
			fprintf(stderr, "chorus block: %s: the list is full "
			    "(%d)\n", path, BLOCKFILE_MAX);
			goto done;
		}
	} else if ((k = blockfile_find(&b, id)) >= 0) {
		memmove(b.ids[k], b.ids[k + 1],
		    (b.n - (size_t)k - 1) * CRYPTO_ED25519_PUB_LEN);
		memmove(b.flags + k, b.flags + k + 1, b.n - (size_t)k - 1);
		b.n--;
	} else {
		fprintf(stderr, "chorus block: %s is not on the list\n",
		    idtext);
		rc = CLIENT_EXIT_OK;
		goto done;
	}
	if (blockfile_write(path, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus block: %s\n", err);
		goto done;
	}
	rc = CLIENT_EXIT_OK;
done:
	blockfile_free(&b);
	return rc;
}
