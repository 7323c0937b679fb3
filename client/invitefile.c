/*
 * invitefile.c - invitations as text files (invitefile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "invitefile.h"

#define INVITE_TEXT_LEN	(sizeof(INVITE_TEXT_PREFIX) - 1 + \
	ENCODE_BASE64_LEN(RECORD_LEN))

int
invitefile_write(const char *path, const uint8_t raw[RECORD_LEN], char *err,
    size_t errlen)
{
	char text[INVITE_TEXT_LEN + 1];
	size_t pre = sizeof(INVITE_TEXT_PREFIX) - 1;
	ssize_t n;
	int fd, ok;

	memcpy(text, INVITE_TEXT_PREFIX, pre);
	if ((n = encode_base64(raw, RECORD_LEN, text + pre,
	    sizeof(text) - pre)) < 0) {
		snprintf(err, errlen, "cannot encode the invitation");
		return -1;
	}
	n += (ssize_t)pre;
	text[n++] = '\n';
	if (path == NULL)
		return fwrite(text, 1, (size_t)n, stdout) == (size_t)n &&
		    fflush(stdout) == 0 ? 0 : -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = write(fd, text, (size_t)n) == n;
	if (close(fd) == -1)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write the invitation", path);
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/* The text's record, checked; -1 with a message. */
static int
invitefile_parse(const char *path, char *text, const uint8_t me[32],
    uint8_t raw[RECORD_LEN], char *err, size_t errlen)
{
	size_t pre = sizeof(INVITE_TEXT_PREFIX) - 1, len;
	struct record rec;
	enum record_error e;

	len = strcspn(text, "\r\n");
	text[len] = '\0';
	if (len < pre || memcmp(text, INVITE_TEXT_PREFIX, pre) != 0 ||
	    encode_unbase64(text + pre, len - pre, raw, RECORD_LEN) !=
	    RECORD_LEN) {
		snprintf(err, errlen, "%s: not an invitation (a line "
		    "\"%s…\", from chorus invite)", path, INVITE_TEXT_PREFIX);
		return -1;
	}
	/* The node checks the signature and the signer's authority. */
	if ((e = record_peek(raw, RECORD_LEN, &rec)) != RECORD_OK) {
		snprintf(err, errlen, "%s: invalid invitation: %s", path,
		    record_strerror(e));
		return -1;
	}
	if (rec.kind != RECORD_INVITE) {
		snprintf(err, errlen, "%s: a room record, but no invitation",
		    path);
		return -1;
	}
	if (crypto_memeq(rec.target, me, 32) != 0) {
		snprintf(err, errlen, "%s: the invitation is for another "
		    "identity", path);
		return -1;
	}
	return 0;
}

int
invitefile_read(const char *path, const uint8_t me[32],
    uint8_t raw[RECORD_LEN], char *err, size_t errlen)
{
	char text[INVITE_TEXT_LEN + 64];
	size_t n;
	FILE *f;
	int rc;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	rc = ferror(f) ? -1 : 0;
	(void)fclose(f);
	if (rc == -1 || n == sizeof(text) - 1) {
		snprintf(err, errlen, "%s: not an invitation (%s)", path,
		    rc == -1 ? "cannot read it" : "too long");
		return -1;
	}
	text[n] = '\0';
	rc = invitefile_parse(path, text, me, raw, err, errlen);
	crypto_wipe(text, sizeof(text));
	return rc;
}
