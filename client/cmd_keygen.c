/*
 * cmd_keygen.c - "chorus keygen": make a client identity file.
 *
 * The file has the same format as a node's node.key (doc/PROTOCOL.md,
 * "Identity file"); it is created mode 0600 and never overwritten.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "chorus/identity.h"
#include "blockfile.h"
#include "cli.h"
#include "client.h"

#define KEYGEN_DEFAULT_OUT	"chorus.key"
#define KEYGEN_PSK_OUT		"network.key"

/* Write the whole buffer to a new file; -1 with errno. */
static int
keygen_write(const char *path, const uint8_t *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += n;
	}
	if (fsync(fd) == -1)
		goto fail;
	return close(fd);
fail:
	n = errno;
	close(fd);
	unlink(path);
	errno = n;
	return -1;
}

/* chorus keygen --show FILE: the ID, fingerprint and contact card. */
static int
keygen_show(const char *path)
{
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN], err[512];
	char card[BLOCK_CONTACT_STRLEN];
	struct identity ident;
	int rc;

	if (cli_load_identity(path, &ident, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorus keygen: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	identity_id_string(ident.ed_pub, id);
	identity_fingerprint(ident.ed_pub, fpr);
	rc = block_contact_card(&ident, card, sizeof(card));
	identity_wipe(&ident);
	if (rc == -1)
		return CLIENT_EXIT_FAILED;
	/* The card: what a contact needs to share a blocklist with us. */
	printf("id: %s\nfingerprint: %s\ncontact: %s\n", id, fpr, card);
	return CLIENT_EXIT_OK;
}

/* chorus keygen --psk: a new network key (64 hex digits), mode 0600. */
static int
keygen_psk(const char *out)
{
	uint8_t key[32];
	char err[512];
	int rc;

	if (RAND_priv_bytes(key, sizeof(key)) != 1)
		return CLIENT_EXIT_FAILED;
	rc = cli_write_key(out, key, err, sizeof(err));
	crypto_wipe(key, sizeof(key));
	if (rc == -1) {
		fprintf(stderr, "chorus keygen: %s\n", err);
		return CLIENT_EXIT_FAILED;
	}
	printf("network key written to %s\n", out);
	return CLIENT_EXIT_OK;
}

/* chorus keygen [--out FILE] | --psk --out FILE | --show FILE */
int
cmd_keygen(int argc, char *argv[])
{
	const char *out = NULL;
	uint8_t seed[32], xpriv[32], file[IDENTITY_FILE_LEN];
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN];
	struct identity ident;
	int i, psk = 0, rc = CLIENT_EXIT_FAILED;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--show") == 0 && i + 1 < argc)
			return keygen_show(argv[i + 1]);
		if (strcmp(argv[i], "--psk") == 0)
			psk = 1;
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--out=", 6) == 0)
			out = argv[i] + 6;
		else {
			fprintf(stderr, "usage: chorus keygen [--out FILE]\n"
			    "       chorus keygen --psk --out FILE\n"
			    "       chorus keygen --show FILE\n");
			return CLIENT_EXIT_USAGE;
		}
	}
	if (psk)
		return keygen_psk(out != NULL ? out : KEYGEN_PSK_OUT);
	if (out == NULL)
		out = KEYGEN_DEFAULT_OUT;
	if (RAND_priv_bytes(seed, sizeof(seed)) != 1 ||
	    RAND_priv_bytes(xpriv, sizeof(xpriv)) != 1 ||
	    identity_from_secrets(&ident, seed, xpriv) == -1 ||
	    identity_encode(&ident, file) == -1) {
		fprintf(stderr, "chorus keygen: cannot make keys\n");
		goto done;
	}
	if (keygen_write(out, file, sizeof(file)) == -1) {
		fprintf(stderr, "chorus keygen: %s: %s%s\n", out,
		    strerror(errno), errno == EEXIST ?
		    " (refusing to overwrite an identity)" : "");
		goto done;
	}
	identity_id_string(ident.ed_pub, id);
	identity_fingerprint(ident.ed_pub, fpr);
	printf("identity written to %s\nid: %s\nfingerprint: %s\n", out, id,
	    fpr);
	rc = CLIENT_EXIT_OK;
done:
	crypto_wipe(seed, sizeof(seed));
	crypto_wipe(xpriv, sizeof(xpriv));
	crypto_wipe(file, sizeof(file));
	identity_wipe(&ident);
	return rc;
}
