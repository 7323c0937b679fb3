/*
 * state.c - the state directory: node identity key and admin token.
 *
 * Owns the files in the state directory other than the database: it makes
 * the directory (0700), creates node.key and admin.token on first start
 * and loads them afterwards.  Secret files are read without following
 * symbolic links and refused if group or others may access them; they are
 * written through a temporary file, fsync'd, and moved into place, so a
 * crash never leaves half a key behind.  An existing identity is never
 * replaced: a damaged one is refused with a message saying what to do.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "chorus/encode.h"
#include "chorus/identity.h"

#include "state.h"

#define STATE_TMP_SUFFIX	".tmp"
#define STATE_TOKEN_HEXLEN	(STATE_TOKEN_STRLEN - 1)
#define STATE_TOKEN_FILELEN	(STATE_TOKEN_HEXLEN + 1)	/* hex + '\n' */

/* What the operator can do about a damaged node.key. */
#define STATE_KEY_ADVICE						\
	"the node's identity key is damaged. Restore it from a backup; "	\
	"to start over with a NEW node identity, move the file away "	\
	"(the node id will change)."

static int	state_path(char *, size_t, const char *, const char *,
		    char *, size_t);
static long	state_read(const char *, const char *, void *, size_t, int *,
		    char *, size_t);
static int	state_write(const char *, const void *, size_t, int, char *,
		    size_t);
static int	state_sync_dir(const char *, char *, size_t);

/* Join dir and name into out, refusing a path that does not fit. */
static int
state_path(char *out, size_t outlen, const char *dir, const char *name,
    char *err, size_t errlen)
{
	int n;

	n = snprintf(out, outlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return 0;
}

/* Create dir and its missing parents (mode 0700); refuse an unsafe one. */
int
state_dir_open(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i, len;

	len = strlen(dir);
	if (len == 0) {
		snprintf(err, errlen, "state directory: empty path");
		return -1;
	}
	if (len >= sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	/* mkdir -p: each prefix ending before a '/', then the whole path. */
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create %s: %s", dir,
			    path, strerror(errno));
			return -1;
		}
		path[i] = dir[i];
	}
	/* stat, not lstat: a symbolic link to a directory is a fine choice. */
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: mode %04o lets other users write to "
		    "it; run: chmod 700 %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/*
 * Read path, which holds what (for messages), into buf (max bytes).
 * *toolong is set if the file holds more; the length returned is then
 * max.  -2 if there is no such file.
 */
static long
state_read(const char *path, const char *what, void *buf, size_t max,
    int *toolong, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *p = buf, extra;
	size_t off = 0;
	ssize_t n;
	long rc = -1;
	int fd;

	*toolong = 0;
	if (max > LONG_MAX) {
		snprintf(err, errlen, "%s: read limit too large", path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return -2;
		if (errno == ELOOP)
			snprintf(err, errlen, "%s: is a symbolic link; a secret "
			    "file must be a regular file", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: mode %04o is too open (other users "
		    "could read %s); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), what, path);
		goto fail;
	}
	for (;;) {
		/* Once buf is full, one more byte tells "exactly max" apart. */
		if (off < max)
			n = read(fd, p + off, max - off);
		else
			n = read(fd, &extra, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (off == max) {
			*toolong = 1;
			break;
		}
		off += (size_t)n;
	}
	rc = (long)off;
 fail:
	OPENSSL_cleanse(&extra, sizeof(extra));
	if (rc < 0)
		OPENSSL_cleanse(buf, max);
	close(fd);
	return rc;
}

/* Read a whole secret file of at most max bytes. */
long
state_read_secret(const char *path, void *buf, size_t max, char *err,
    size_t errlen)
{
	long n;
	int toolong;

	n = state_read(path, "a secret", buf, max, &toolong, err, errlen);
	if (n >= 0 && toolong) {
		OPENSSL_cleanse(buf, max);
		snprintf(err, errlen, "%s: larger than %zu bytes: not the file "
		    "chorusd expects here", path, max);
		return -1;
	}
	return n;
}

/* fsync the directory holding path, so a rename in it is durable. */
static int
state_sync_dir(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *slash;
	size_t len;
	int fd, rc = -1;

	if ((slash = strrchr(path, '/')) == NULL)
		len = 0;
	else
		len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= sizeof(dir)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if (len == 0) {
		memcpy(dir, ".", 2);
	} else {
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (fsync(fd) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
		goto fail;
	}
	rc = 0;
 fail:
	close(fd);
	return rc;
}

/*
 * Write buf to path.tmp (0600), fsync it and move it to path: rename(2)
 * if replace is set, else link(2), which fails rather than overwrite.
 */
static int
state_write(const char *path, const void *buf, size_t len, int replace,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const uint8_t *p = buf;
	size_t off = 0;
	ssize_t n;
	int fd = -1, made = 0, rc = -1;

	n = snprintf(tmp, sizeof(tmp), "%s" STATE_TMP_SUFFIX, path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* A stale one is left by a crash between create and rename. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	made = 1;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
		goto fail;
	}
	n = close(fd);
	fd = -1;
	if (n == -1) {
		snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	if (replace ? rename(tmp, path) : link(tmp, path)) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s: appeared while being created "
			    "(is another chorusd using this state directory?)",
			    path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (replace)
		made = 0;
	if (state_sync_dir(path, err, errlen) == -1)
		goto fail;
	rc = 0;
 fail:
	if (fd != -1)
		close(fd);
	if (made)
		unlink(tmp);
	return rc;
}

/* Write a file atomically (temp + fsync + rename), mode 0600. */
int
state_write_secret(const char *path, const void *buf, size_t len,
    char *err, size_t errlen)
{
	return state_write(path, buf, len, 1, err, errlen);
}

/* Like state_write_secret, but fail if path already exists. */
int
state_create_secret(const char *path, const void *buf, size_t len,
    char *err, size_t errlen)
{
	return state_write(path, buf, len, 0, err, errlen);
}

/* Make a new identity from fresh randomness and save it to path. */
static int
state_identity_create(const char *path, struct identity *id, char *err,
    size_t errlen)
{
	uint8_t ed_seed[CRYPTO_ED25519_SEED_LEN];
	uint8_t x_priv[CRYPTO_X25519_LEN];
	uint8_t file[IDENTITY_FILE_LEN];
	int rc = -1;

	if (RAND_priv_bytes(ed_seed, sizeof(ed_seed)) != 1 ||
	    RAND_priv_bytes(x_priv, sizeof(x_priv)) != 1) {
		snprintf(err, errlen, "%s: no randomness for a new key "
		    "(RAND_priv_bytes failed)", path);
		goto fail;
	}
	if (identity_from_secrets(id, ed_seed, x_priv) != 0 ||
	    identity_encode(id, file) != 0) {
		snprintf(err, errlen, "%s: cannot make a new identity "
		    "(OpenSSL failed)", path);
		goto fail;
	}
	if (state_create_secret(path, file, sizeof(file), err, errlen) == -1)
		goto fail;
	rc = 0;
 fail:
	OPENSSL_cleanse(ed_seed, sizeof(ed_seed));
	OPENSSL_cleanse(x_priv, sizeof(x_priv));
	OPENSSL_cleanse(file, sizeof(file));
	return rc;
}

/* Say why node.key (len bytes read) was refused and what to do. */
static void
state_identity_error(const char *path, enum identity_error e, long len,
    char *err, size_t errlen)
{
	switch (e) {
	case IDENTITY_ETRUNCATED:
		snprintf(err, errlen, "%s: truncated (%ld bytes, expected "
		    "%d): " STATE_KEY_ADVICE, path, len, IDENTITY_FILE_LEN);
		break;
	case IDENTITY_ETOOLONG:
		snprintf(err, errlen, "%s: too long (more than %d bytes): "
		    STATE_KEY_ADVICE, path, IDENTITY_FILE_LEN);
		break;
	case IDENTITY_EMAGIC:
		snprintf(err, errlen, "%s: not a chorus identity file: "
		    STATE_KEY_ADVICE, path);
		break;
	case IDENTITY_EVERSION:
		snprintf(err, errlen, "%s: written by a newer chorusd (unknown "
		    "identity file version); upgrade chorusd", path);
		break;
	case IDENTITY_EBINDING:
		snprintf(err, errlen, "%s: corrupt (the keys do not match "
		    "their signature): " STATE_KEY_ADVICE, path);
		break;
	default:
		snprintf(err, errlen, "%s: cannot load the identity key: %s",
		    path, identity_strerror(e));
		break;
	}
}

/* Load dir/node.key, or create it if there is no such file. */
int
state_identity_load(const char *dir, struct identity *id, int *created,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	uint8_t file[IDENTITY_FILE_LEN];
	enum identity_error e;
	long n;
	int toolong, rc = -1;

	*created = 0;
	if (state_path(path, sizeof(path), dir, STATE_KEY_FILE, err,
	    errlen) == -1)
		goto fail;
	n = state_read(path, "the node's secret key", file, sizeof(file),
	    &toolong, err, errlen);
	if (n == -2) {
		if (state_identity_create(path, id, err, errlen) == -1)
			goto fail;
		*created = 1;
	} else if (n < 0) {
		goto fail;
	} else if (toolong) {
		state_identity_error(path, IDENTITY_ETOOLONG, n, err, errlen);
		goto fail;
	} else if ((e = identity_decode(id, file, (size_t)n)) != IDENTITY_OK) {
		state_identity_error(path, e, n, err, errlen);
		goto fail;
	}
	rc = 0;
 fail:
	OPENSSL_cleanse(file, sizeof(file));
	if (rc == -1)
		OPENSSL_cleanse(id, sizeof(*id));
	return rc;
}

/* 0 if the n bytes of a token file are 64 lowercase hex digits [+ '\n']. */
static int
state_token_check(const char *file, long n)
{
	long i;

	if (n == STATE_TOKEN_FILELEN && file[STATE_TOKEN_HEXLEN] == '\n')
		n--;
	if (n != STATE_TOKEN_HEXLEN)
		return -1;
	for (i = 0; i < n; i++) {
		if ((file[i] < '0' || file[i] > '9') &&
		    (file[i] < 'a' || file[i] > 'f'))
			return -1;
	}
	return 0;
}

/* Make a new token and save it to path, followed by a newline. */
static int
state_token_create(const char *path, char token[STATE_TOKEN_STRLEN],
    char *err, size_t errlen)
{
	uint8_t raw[STATE_TOKEN_BYTES];
	char file[STATE_TOKEN_STRLEN];
	int rc = -1;

	if (RAND_priv_bytes(raw, sizeof(raw)) != 1) {
		snprintf(err, errlen, "%s: no randomness for a new token "
		    "(RAND_priv_bytes failed)", path);
		goto fail;
	}
	if (encode_hex(raw, sizeof(raw), token, STATE_TOKEN_STRLEN) !=
	    STATE_TOKEN_HEXLEN) {
		snprintf(err, errlen, "%s: cannot encode a new token", path);
		goto fail;
	}
	memcpy(file, token, STATE_TOKEN_HEXLEN);
	file[STATE_TOKEN_HEXLEN] = '\n';
	if (state_create_secret(path, file, STATE_TOKEN_FILELEN, err,
	    errlen) == -1)
		goto fail;
	rc = 0;
 fail:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(file, sizeof(file));
	return rc;
}

/* Load or create dir/admin.token (hex). */
int
state_token_load(const char *dir, char token[STATE_TOKEN_STRLEN],
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	char file[STATE_TOKEN_FILELEN];
	long n;
	int toolong, rc = -1;

	if (state_path(path, sizeof(path), dir, STATE_TOKEN_FILE, err,
	    errlen) == -1)
		goto fail;
	n = state_read(path, "the admin token", file, sizeof(file),
	    &toolong, err, errlen);
	if (n == -2) {
		if (state_token_create(path, token, err, errlen) == -1)
			goto fail;
	} else if (n < 0) {
		goto fail;
	} else if (toolong || state_token_check(file, n) == -1) {
		snprintf(err, errlen, "%s: is not a valid admin token (expected "
		    "%d lowercase hex digits); delete it to have a new one "
		    "made at the next start", path, STATE_TOKEN_HEXLEN);
		goto fail;
	} else {
		memcpy(token, file, STATE_TOKEN_HEXLEN);
		token[STATE_TOKEN_HEXLEN] = '\0';
	}
	rc = 0;
 fail:
	OPENSSL_cleanse(file, sizeof(file));
	if (rc == -1)
		OPENSSL_cleanse(token, STATE_TOKEN_STRLEN);
	return rc;
}

/* Hold an exclusive lock on dir/chorusd.lock for as long as fd is open. */
int
state_lock(const char *dir, int *fdp, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd;

	*fdp = -1;
	if (state_path(path, sizeof(path), dir, STATE_LOCK_FILE, err,
	    errlen) == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: another chorusd is already "
			    "running with this state directory", dir);
		else
			snprintf(err, errlen, "%s: flock: %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}
