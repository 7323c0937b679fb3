/*
 * block_share.c - chorus block export | import: a user's blocklist
 * shared with contacts it trusts, as a shared-blocklist record
 * (lib/blocklist.c, doc/PROTOCOL.md "Shared blocklists"): signed by the
 * user, encrypted to the contacts, and naming none of them.
 *
 *   chorus block export --to CARD [--to CARD ...] [--out FILE]
 *   chorus block import FILE [--from ID]
 *
 * A contact card ("chorus-contact1:" and base64 of ID || X25519 key ||
 * binding, from chorus keygen --show) gives the contact's X25519 key, its
 * binding checked.  The record travels as one line, "chorus-blocklist1:"
 * and base64.  An import adds the IDs to the user's own list as mutes:
 * a report is the reporter's own judgement, never borrowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "chorus/blocklist.h"
#include "blockfile.h"
#include "cli.h"
#include "client.h"
#include "textline.h"

#define SHARE_PREFIX	"chorus-blocklist1:"
#define CARD_LEN	(CRYPTO_ED25519_PUB_LEN + CRYPTO_X25519_LEN + \
	CRYPTO_ED25519_SIG_LEN)

struct share {
	const char	*verb, *list, *identity, *out, *in, *from;
	const char	*to[BLOCKLIST_MAX_RECIPIENTS];
	size_t		 nto;
};

/* "chorus-contact1:..." for an identity (chorus keygen --show). */
int
block_contact_card(const struct identity *me, char *out, size_t outlen)
{
	uint8_t card[CARD_LEN];
	char *text;
	int rc;

	memcpy(card, me->ed_pub, 32);
	memcpy(card + 32, me->x_pub, 32);
	memcpy(card + 64, me->binding, 64);
	if ((text = textline_make(BLOCK_CONTACT_PREFIX, card,
	    sizeof(card))) == NULL)
		return -1;
	rc = (size_t)snprintf(out, outlen, "%s", text) < outlen ? 0 : -1;
	free(text);
	return rc;
}

/* A card's X25519 key, its binding checked; -1 with a message. */
static int
share_card(const char *text, uint8_t x_pub[CRYPTO_X25519_LEN])
{
	uint8_t card[CARD_LEN];

	if (textline_parse(text, BLOCK_CONTACT_PREFIX, card, sizeof(card)) !=
	    CARD_LEN) {
		fprintf(stderr, "chorus block export: not a contact card "
		    "(\"%s…\", from chorus keygen --show): %.24s…\n",
		    BLOCK_CONTACT_PREFIX, text);
		return -1;
	}
	if (identity_verify_binding(card, card + 32, card + 64) == -1) {
		fprintf(stderr, "chorus block export: a contact card whose "
		    "key its identity did not sign: %.24s…\n", text);
		return -1;
	}
	memcpy(x_pub, card + 32, CRYPTO_X25519_LEN);
	return 0;
}

/* Seal the list's IDs to the cards (and to me, to read it back). */
static int
share_export(const struct share *s, const struct identity *me,
    const struct rclient_blocks *b)
{
	uint8_t rcpt[(BLOCKLIST_MAX_RECIPIENTS) * 32], e[32], ck[32];
	uint8_t *rec = NULL;
	char err[512];
	size_t i, len;
	int rc = CLIENT_EXIT_FAILED;

	if (b->n > BLOCKLIST_MAX_IDS) {
		fprintf(stderr, "chorus block export: %zu identities; a shared "
		    "list holds %d\n", b->n, BLOCKLIST_MAX_IDS);
		return CLIENT_EXIT_USAGE;
	}
	for (i = 0; i < s->nto; i++)
		if (share_card(s->to[i], rcpt + 32 * i) == -1)
			return CLIENT_EXIT_USAGE;
	memcpy(rcpt + 32 * s->nto, me->x_pub, 32);
	if ((rec = malloc(BLOCKLIST_MAX_LEN)) == NULL ||
	    RAND_priv_bytes(e, sizeof(e)) != 1 ||
	    RAND_priv_bytes(ck, sizeof(ck)) != 1 ||
	    blocklist_seal(me, (uint64_t)time(NULL), e, ck, rcpt, s->nto + 1,
	    b->n > 0 ? (const uint8_t *)b->ids : NULL, b->n, rec,
	    BLOCKLIST_MAX_LEN, &len) == -1) {
		fprintf(stderr, "chorus block export: cannot seal the list\n");
		goto done;
	}
	if (textline_write(s->out, SHARE_PREFIX, rec, len, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "chorus block export: %s\n", err);
	else {
		fprintf(stderr, "%zu identities shared with %zu contact%s%s%s\n",
		    b->n, s->nto, s->nto == 1 ? "" : "s", s->out != NULL ?
		    ", written to " : "", s->out != NULL ? s->out : "");
		rc = CLIENT_EXIT_OK;
	}
done:
	crypto_wipe(e, sizeof(e));
	crypto_wipe(ck, sizeof(ck));
	free(rec);
	return rc;
}

/* The record in path: its bytes, or -1 with a message. */
static ssize_t
share_read(const char *path, uint8_t *rec)
{
	char err[512];
	ssize_t len;

	if ((len = textline_read(path, SHARE_PREFIX, rec, BLOCKLIST_MAX_LEN,
	    err, sizeof(err))) == -1)
		fprintf(stderr, "chorus block import: %s\n", err);
	else if (len < 0)
		fprintf(stderr, "chorus block import: %s: not a shared "
		    "blocklist (a line \"%s…\", from chorus block export)\n",
		    path, SHARE_PREFIX);
	return len < 0 ? -1 : len;
}

/* Open the record and add its IDs to the list as mutes. */
static int
share_import(const struct share *s, const struct identity *me,
    struct rclient_blocks *b, int *changed)
{
	uint8_t *rec = NULL, *ids = NULL, from[32];
	char issuer[IDENTITY_ID_STRLEN];
	struct blocklist_info info;
	enum blocklist_error e;
	size_t i, added = 0;
	ssize_t len;
	int rc = CLIENT_EXIT_FAILED;

	if (s->from != NULL && identity_key_parse(s->from, from) == -1) {
		fprintf(stderr, "chorus block import: --from: not an identity "
		    "(52 base32 characters)\n");
		return CLIENT_EXIT_USAGE;
	}
	if ((rec = malloc(BLOCKLIST_MAX_LEN)) == NULL || (ids = calloc(
	    BLOCKLIST_MAX_IDS, BLOCKLIST_ID_LEN)) == NULL ||
	    (len = share_read(s->in, rec)) < 0)
		goto done;
	if ((e = blocklist_open(rec, (size_t)len, me, ids, &info)) !=
	    BLOCKLIST_OK) {
		fprintf(stderr, "chorus block import: %s: %s\n", s->in,
		    blocklist_strerror(e));
		goto done;
	}
	identity_id_string(info.issuer, issuer);
	if (s->from != NULL && memcmp(from, info.issuer, 32) != 0) {
		fprintf(stderr, "chorus block import: %s: signed by %s, not "
		    "by --from\n", s->in, issuer);
		goto done;
	}
	for (i = 0; i < info.n; i++) {
		const uint8_t *id = ids + i * BLOCKLIST_ID_LEN;

		if (memcmp(id, me->ed_pub, 32) == 0 ||
		    blockfile_find(b, id) >= 0)
			continue;
		if (blockfile_add(b, id, 0) == -1) {
			fprintf(stderr, "chorus block import: the list is "
			    "full (%d)\n", BLOCKFILE_MAX);
			goto done;
		}
		added++;
	}
	*changed = added > 0;
	printf("%zu identities from %s, issued %llu: %zu new\n", info.n,
	    issuer, (unsigned long long)info.issued, added);
	rc = CLIENT_EXIT_OK;
done:
	free(rec);
	free(ids);
	return rc;
}

static int
share_args(int argc, char *argv[], struct share *s)
{
	int i;

	s->verb = argv[1];
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (o[0] != '-') {
			if (s->in != NULL || strcmp(s->verb, "import") != 0)
				return -1;
			s->in = o;
			continue;
		}
		if (v == NULL)
			return -1;
		if (strcmp(o, "--list") == 0)
			s->list = v;
		else if (strcmp(o, "--identity") == 0)
			s->identity = v;
		else if (strcmp(o, "--out") == 0 && s->verb[0] == 'e')
			s->out = v;
		else if (strcmp(o, "--from") == 0 && s->verb[0] == 'i')
			s->from = v;
		else if (strcmp(o, "--to") == 0 && s->verb[0] == 'e' &&
		    s->nto < BLOCKLIST_MAX_RECIPIENTS - 1)
			s->to[s->nto++] = v;
		else
			return -1;
		i++;
	}
	return (s->verb[0] == 'e' ? s->nto == 0 : s->in == NULL) ? -1 : 0;
}

int
block_share_main(int argc, char *argv[])
{
	struct rclient_blocks b = { NULL, NULL, 0 };
	struct share s;
	struct identity me;
	char defpath[4096], err[512];
	int rc = CLIENT_EXIT_FAILED, changed = 0;

	memset(&s, 0, sizeof(s));
	memset(&me, 0, sizeof(me));
	s.identity = "chorus.key";
	if (share_args(argc, argv, &s) == -1) {
		fprintf(stderr, "usage: chorus block export --to CARD [--to "
		    "CARD ...] [--out FILE] [--identity FILE] [--list FILE]\n"
		    "       chorus block import FILE [--from ID] [--identity "
		    "FILE] [--list FILE]\n");
		return CLIENT_EXIT_USAGE;
	}
	if (s.list == NULL && (s.list = blockfile_default(defpath,
	    sizeof(defpath))) == NULL) {
		fprintf(stderr, "chorus block: no --list and no HOME\n");
		return CLIENT_EXIT_USAGE;
	}
	if (cli_load_identity(s.identity, &me, err, sizeof(err)) == -1 ||
	    blockfile_read(s.list, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus block %s: %s\n", s.verb, err);
		goto done;
	}
	if (s.verb[0] == 'e')
		rc = share_export(&s, &me, &b);
	else if ((rc = share_import(&s, &me, &b, &changed)) ==
	    CLIENT_EXIT_OK && changed &&
	    blockfile_write(s.list, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus block import: %s\n", err);
		rc = CLIENT_EXIT_FAILED;
	}
done:
	identity_wipe(&me);
	blockfile_free(&b);
	return rc;
}
