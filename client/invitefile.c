/*
 * invitefile.c - invitations as text files (invitefile.h).
 */
#include <stdio.h>
#include <string.h>

#include "chorus/crypto.h"
#include "invitefile.h"
#include "textline.h"

int
invitefile_write(const char *path, const uint8_t raw[RECORD_LEN], char *err,
    size_t errlen)
{
	return textline_write(path, INVITE_TEXT_PREFIX, raw, RECORD_LEN, err,
	    errlen);
}

int
invitefile_read(const char *path, const uint8_t me[32],
    uint8_t raw[RECORD_LEN], char *err, size_t errlen)
{
	struct record rec;
	enum record_error e;
	ssize_t n;

	if ((n = textline_read(path, INVITE_TEXT_PREFIX, raw, RECORD_LEN, err,
	    errlen)) == -1)
		return -1;
	if (n != RECORD_LEN) {
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
