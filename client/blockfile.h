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

#endif
