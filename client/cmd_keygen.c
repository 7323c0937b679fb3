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
#include "client.h"

#define KEYGEN_DEFAULT_OUT	"chorus.key"

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

/* chorus keygen [--out FILE] */
int
cmd_keygen(int argc, char *argv[])
{
	const char *out = KEYGEN_DEFAULT_OUT;
	uint8_t seed[32], xpriv[32], file[IDENTITY_FILE_LEN];
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN];
	struct identity ident;
	int i, rc = CLIENT_EXIT_FAILED;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--out=", 6) == 0)
			out = argv[i] + 6;
		else {
			fprintf(stderr, "usage: chorus keygen [--out FILE]\n");
			return CLIENT_EXIT_USAGE;
		}
	}
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
