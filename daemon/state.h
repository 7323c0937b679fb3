/*
 * state.h - the state directory: identity key, admin token, database.
 *
 * On first start the directory (mode 0700) gets a fresh node identity
 * (node.key) and an admin token (admin.token), both mode 0600.  Later
 * starts load them.  A key file with open permissions, a truncated or
 * corrupt key is refused with a message naming the file and what to do:
 * an identity is never silently regenerated.
 */
#ifndef CHORUSD_STATE_H
#define CHORUSD_STATE_H

#include <stddef.h>

#include "chorus/identity.h"

#define STATE_KEY_FILE		"node.key"
#define STATE_TOKEN_FILE	"admin.token"
#define STATE_LOCK_FILE		"chorusd.lock"
#define STATE_TOKEN_BYTES	32		/* random bytes in a token */
#define STATE_TOKEN_STRLEN	65		/* hex, NUL included */

/*
 * Lock the state directory (flock on dir/chorusd.lock) so that a second
 * chorusd cannot use it at the same time; the lock lasts while *fd is open.
 */
int	state_lock(const char *dir, int *fd, char *err, size_t errlen);
/* Create dir (0700) if missing; refuse one others can write to. */
int	state_dir_open(const char *dir, char *err, size_t errlen);
/*
 * Load dir/node.key, or create it if there is no such file (*created set).
 * Uses RAND_priv_bytes for new keys.
 */
int	state_identity_load(const char *dir, struct identity *, int *created,
	    char *err, size_t errlen);
/* Load or create dir/admin.token (hex). */
int	state_token_load(const char *dir, char token[STATE_TOKEN_STRLEN],
	    char *err, size_t errlen);
/*
 * Read a whole secret file of at most max bytes, refusing modes that
 * give group or others any access.  Returns length or -1 with err.
 * -2 (err untouched) if the file does not exist.
 */
long	state_read_secret(const char *path, void *buf, size_t max,
	    char *err, size_t errlen);
/*
 * Write a file atomically, mode 0600: to path.tmp (a stale one is
 * removed first), fsync, rename over path, fsync the directory.
 */
int	state_write_secret(const char *path, const void *buf, size_t len,
	    char *err, size_t errlen);
/*
 * The same, but fails instead of replacing an existing path (link(2)
 * in place of rename(2)).  Used to create node.key and admin.token, so
 * that an identity on disk is never overwritten.
 */
int	state_create_secret(const char *path, const void *buf, size_t len,
	    char *err, size_t errlen);

#endif
