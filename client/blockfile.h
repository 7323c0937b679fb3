/*
 * blockfile.h - the user's blocklist file (chorus block; chorus join
 * --blocklist): one ID per line, "ID" (mute only: the node stops
 * forwarding its audio to us) or "ID report" (the block also counts
 * toward the ID's standing on the nodes we use); '#' starts a comment.
 * Kept mode 0600: whom a user blocks is nobody else's business.
 */
#ifndef CHORUS_BLOCKFILE_H
#define CHORUS_BLOCKFILE_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/identity.h"
#include "rclient.h"

#define BLOCKFILE_MAX	1024	/* the node keeps as many per session */

/*
 * Read path into *b (sorted, no duplicates; arrays allocated, free with
 * blockfile_free).  A missing file is an empty list.  0, or -1 with err
 * naming the file and line.
 */
int	blockfile_read(const char *path, struct rclient_blocks *b, char *err,
	    size_t errlen);
/* Write b to path atomically, mode 0600; 0 or -1 with err. */
int	blockfile_write(const char *path, const struct rclient_blocks *b,
	    char *err, size_t errlen);
void	blockfile_free(struct rclient_blocks *);
/* Index of id in b, or -1. */
long	blockfile_find(const struct rclient_blocks *, const uint8_t *id);
/* Add id with flags, or set the flags of an ID listed; 0, or -1 (full). */
int	blockfile_add(struct rclient_blocks *, const uint8_t *id,
	    uint8_t flags);
/*
 * The default list: $CHORUS_BLOCKLIST, else $XDG_CONFIG_HOME/chorus/
 * blocklist, else ~/.config/chorus/blocklist (its directory made,
 * 0700); in buf (len bytes) unless the environment names it; NULL if
 * there is no HOME.
 */
const char *blockfile_default(char *buf, size_t len);

/*
 * block_share.c: chorus block export | import (argv[1] is the verb),
 * and the contact card chorus keygen --show prints.
 */
#define BLOCK_CONTACT_PREFIX	"chorus-contact1:"
#define BLOCK_CONTACT_STRLEN	200
int	block_share_main(int argc, char *argv[]);
int	block_contact_card(const struct identity *, char *out, size_t outlen);

#endif
