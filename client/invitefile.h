/*
 * invitefile.h - an invitation to a room (an INVITE record, chorus
 * invite) as a one-line text file: "chorus-invite1:" and the 186 record
 * bytes in base64, doc/PROTOCOL.md "Invitations".
 */
#ifndef CHORUS_INVITEFILE_H
#define CHORUS_INVITEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/record.h"

#define INVITE_TEXT_PREFIX	"chorus-invite1:"

/* Write the text to path (mode 0600, a new file) or stdout (NULL). */
int	invitefile_write(const char *path, const uint8_t raw[RECORD_LEN],
	    char *err, size_t errlen);
/*
 * Read path: an INVITE record for me (its signature is the node's to
 * check); -1 with a message naming the file otherwise.
 */
int	invitefile_read(const char *path, const uint8_t me[32],
	    uint8_t raw[RECORD_LEN], char *err, size_t errlen);

#endif
