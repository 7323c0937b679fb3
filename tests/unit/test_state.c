/*
 * test_state.c - the state directory: a node key and admin token made on
 * first start and loaded unchanged later; open modes, symbolic links,
 * damaged keys and bad tokens refused, and never rewritten.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/state.h"
#include "../tap.h"

#define ERRLEN		512
#define FILE_MAX	4096

static char	base[PATH_MAX];		/* the mkdtemp directory */

/* Format a path into out, which must hold it (PATH_MAX). */
static void __attribute__((format(printf, 2, 3)))
pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		abort();
}

/* Remove one entry of the temporary tree (nftw callback). */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path);
}

/* Write len bytes to path, replacing it, and give it mode. */
static void
put_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd == -1 || write(fd, buf, len) != (ssize_t)len ||
	    fchmod(fd, mode) == -1 || close(fd) == -1) {
		perror(path);
		abort();
	}
}

/* Read path into buf; the length, or -1. */
static long
get_file(const char *path, void *buf, size_t max)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, max);
	close(fd);
	return n;
}

/* Creating the directory with its parents, and refusing unsafe ones. */
static void
test_dir(const char *dir)
{
	char err[ERRLEN], path[PATH_MAX];

	tap_is_int(state_dir_open(dir, err, sizeof(err)), 0,
	    "dir: made with its parents");
	tap_is_int(tap_file_mode(dir), 0700, "dir: mode 0700");
	tap_is_int(state_dir_open(dir, err, sizeof(err)), 0,
	    "dir: existing one accepted");

	pathf(path, "%s/open", base);
	mkdir(path, 0700);
	chmod(path, 0777);
	tap_ok(state_dir_open(path, err, sizeof(err)) == -1 &&
	    tap_has(err, "mode 0777 lets other users write") &&
	    tap_has(err, "run: chmod 700 "), "dir: mode 0777 refused");
	chmod(path, 0720);
	tap_is_int(state_dir_open(path, err, sizeof(err)), -1,
	    "dir: group-writable refused");
	chmod(path, 0755);
	tap_is_int(state_dir_open(path, err, sizeof(err)), 0,
	    "dir: 0755 accepted (others cannot write)");

	pathf(path, "%s/plain", base);
	put_file(path, "x", 1, 0600);
	tap_ok(state_dir_open(path, err, sizeof(err)) == -1 &&
	    tap_has(err, "not a directory"), "dir: a file refused");
}

/* First start makes a key; the second loads the same one. */
static void
test_identity_create(const char *dir, uint8_t orig[IDENTITY_FILE_LEN + 1])
{
	struct identity a, b;
	char err[ERRLEN], path[PATH_MAX];
	int created = -1;

	pathf(path, "%s/%s", dir, STATE_KEY_FILE);
	tap_ok(state_identity_load(dir, &a, &created, err, sizeof(err)) == 0,
	    "key: made on first start");
	tap_is_int(created, 1, "key: created = 1");
	tap_is_int(tap_file_mode(path), 0600, "key: mode 0600");
	tap_is_int(get_file(path, orig, IDENTITY_FILE_LEN + 1),
	    IDENTITY_FILE_LEN, "key: file length");
	created = -1;
	tap_ok(state_identity_load(dir, &b, &created, err, sizeof(err)) == 0,
	    "key: loaded on second start");
	tap_is_int(created, 0, "key: created = 0");
	tap_is_mem(b.ed_pub, a.ed_pub, sizeof(a.ed_pub), "key: same ed_pub");
	tap_is_mem(b.x_pub, a.x_pub, sizeof(a.x_pub), "key: same x_pub");
	tap_is_mem(b.ed_seed, a.ed_seed, sizeof(a.ed_seed), "key: same seed");
	pathf(path, "%s/%s.tmp", dir, STATE_KEY_FILE);
	tap_is_int(access(path, F_OK), -1, "key: no temporary file left");
	identity_wipe(&a);
	identity_wipe(&b);
}

/* Load dir's key expecting refusal with a message containing what. */
static void
refused(const char *dir, const char *what, const char *name)
{
	struct identity id;
	char err[ERRLEN];
	int created = -1;

	memset(err, 0, sizeof(err));
	tap_ok(state_identity_load(dir, &id, &created, err, sizeof(err)) ==
	    -1 && created == 0 && tap_has(err, what), "%s: refused, \"%s\"",
	    name, what);
}

/* Damaged, open or replaced keys are refused and left as they are. */
static void
test_identity_refused(const char *dir, const uint8_t orig[IDENTITY_FILE_LEN])
{
	uint8_t bad[IDENTITY_FILE_LEN + 8], after[IDENTITY_FILE_LEN + 8];
	char path[PATH_MAX], other[PATH_MAX];

	pathf(path, "%s/%s", dir, STATE_KEY_FILE);
	chmod(path, 0644);
	refused(dir, "mode 0644 is too open", "key 0644");
	refused(dir, "run: chmod 600 ", "key 0644");
	chmod(path, 0640);
	refused(dir, "chmod 600", "key 0640");
	chmod(path, 0600);

	put_file(path, orig, 40, 0600);
	refused(dir, "truncated (40 bytes, expected 136)", "key truncated");
	refused(dir, "move the file away", "key truncated");
	tap_ok(get_file(path, after, sizeof(after)) == 40 &&
	    memcmp(after, orig, 40) == 0, "key truncated: file not rewritten");

	memcpy(bad, orig, IDENTITY_FILE_LEN);
	bad[20] ^= 0x01;	/* in the Ed25519 seed */
	put_file(path, bad, IDENTITY_FILE_LEN, 0600);
	refused(dir, "corrupt (the keys do not match their signature)",
	    "key seed flipped");
	tap_ok(get_file(path, after, sizeof(after)) == IDENTITY_FILE_LEN &&
	    memcmp(after, bad, IDENTITY_FILE_LEN) == 0,
	    "key seed flipped: file not rewritten");
	memcpy(bad, orig, IDENTITY_FILE_LEN);
	bad[IDENTITY_FILE_LEN - 1] ^= 0x80;	/* in the binding */
	put_file(path, bad, IDENTITY_FILE_LEN, 0600);
	refused(dir, "corrupt", "key binding flipped");

	memcpy(bad, orig, IDENTITY_FILE_LEN);
	memset(bad + IDENTITY_FILE_LEN, 0, 8);
	put_file(path, bad, IDENTITY_FILE_LEN + 1, 0600);
	refused(dir, "too long", "key one byte long");
	put_file(path, bad, sizeof(bad), 0600);
	refused(dir, "too long", "key 8 bytes long");
	bad[0] = 'X';
	put_file(path, bad, IDENTITY_FILE_LEN, 0600);
	refused(dir, "not a chorus identity file", "key bad magic");

	/* A symbolic link is refused even to a good key with a good mode. */
	pathf(other, "%s/elsewhere.key", base);
	put_file(other, orig, IDENTITY_FILE_LEN, 0600);
	unlink(path);
	if (symlink(other, path) == -1)
		abort();
	refused(dir, "symbolic link", "key symlink");
	unlink(path);
	mkdir(path, 0700);
	refused(dir, "not a regular file", "key directory");
	rmdir(path);

	put_file(path, orig, IDENTITY_FILE_LEN, 0600);
}

/* The generic secret reader and writer. */
static void
test_secret_io(const char *dir)
{
	char err[ERRLEN], path[PATH_MAX], tmp[PATH_MAX], buf[16];

	pathf(path, "%s/secret", dir);
	pathf(tmp, "%s/secret.tmp", dir);
	strcpy(err, "untouched");
	tap_is_int(state_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
	    -2, "secret: missing file is -2");
	tap_is_str(err, "untouched", "secret: err untouched when missing");

	put_file(tmp, "stale", 5, 0644);
	tap_is_int(state_write_secret(path, "0123456789abcdef", 16, err,
	    sizeof(err)), 0, "secret: written over a stale .tmp");
	tap_is_int(tap_file_mode(path), 0600, "secret: mode 0600");
	tap_is_int(access(tmp, F_OK), -1, "secret: .tmp gone");
	tap_is_int(state_read_secret(path, buf, 16, err, sizeof(err)), 16,
	    "secret: exactly max bytes read");
	tap_is_mem(buf, "0123456789abcdef", 16, "secret: content");
	tap_ok(state_read_secret(path, buf, 15, err, sizeof(err)) == -1 &&
	    tap_has(err, "larger than 15 bytes"), "secret: max + 1 refused");
	tap_is_int(state_write_secret(path, "new", 3, err, sizeof(err)), 0,
	    "secret: replaced");
	tap_is_int(state_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 3, "secret: new length");
	tap_ok(state_create_secret(path, "x", 1, err, sizeof(err)) == -1 &&
	    tap_has(err, "appeared while being created"),
	    "secret: create refuses to replace");
	tap_is_int(state_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 3, "secret: create left it alone");
	tap_is_int(access(tmp, F_OK), -1, "secret: .tmp gone after refusal");
}

/* Load a token expecting refusal of the content written first. */
static void
token_refused(const char *dir, const char *content, const char *name)
{
	char err[ERRLEN], path[PATH_MAX], token[STATE_TOKEN_STRLEN];

	pathf(path, "%s/%s", dir, STATE_TOKEN_FILE);
	put_file(path, content, strlen(content), 0600);
	tap_ok(state_token_load(dir, token, err, sizeof(err)) == -1 &&
	    tap_has(err, "is not a valid admin token") &&
	    tap_has(err, "delete it to have a new one made at the next start"),
	    "token %s: refused", name);
}

/* The admin token: made, reloaded, and bad ones refused. */
static void
test_token(const char *dir)
{
	char err[ERRLEN], path[PATH_MAX], file[128];
	char a[STATE_TOKEN_STRLEN], b[STATE_TOKEN_STRLEN];
	const char *good =
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	size_t i;
	long n;

	pathf(path, "%s/%s", dir, STATE_TOKEN_FILE);
	tap_is_int(state_token_load(dir, a, err, sizeof(err)), 0,
	    "token: made on first start");
	tap_is_int(strlen(a), 64, "token: 64 characters");
	for (i = 0; i < 64 && strchr("0123456789abcdef", a[i]) != NULL; i++)
		;
	tap_is_int(i, 64, "token: lowercase hex");
	tap_is_int(tap_file_mode(path), 0600, "token: mode 0600");
	n = get_file(path, file, sizeof(file));
	tap_ok(n == 65 && memcmp(file, a, 64) == 0 && file[64] == '\n',
	    "token: file is the token and a newline");
	tap_is_int(state_token_load(dir, b, err, sizeof(err)), 0,
	    "token: loaded again");
	tap_is_str(b, a, "token: same token");

	put_file(path, good, 64, 0600);
	tap_ok(state_token_load(dir, b, err, sizeof(err)) == 0 &&
	    strcmp(b, good) == 0, "token: no newline accepted");

	token_refused(dir, "hello\n", "short");
	token_refused(dir, "", "empty");
	token_refused(dir,
	    "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\n",
	    "upper case");
	token_refused(dir,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
	    "63 digits");
	token_refused(dir,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n\n",
	    "two newlines");
	token_refused(dir,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0",
	    "65 digits");
	token_refused(dir,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", "96 digits");
	tap_ok(get_file(path, file, sizeof(file)) == 96,
	    "token: bad file not rewritten");

	put_file(path, good, 64, 0604);
	tap_ok(state_token_load(dir, b, err, sizeof(err)) == -1 &&
	    tap_has(err, "chmod 600"), "token: mode 0604 refused");
}

/* Run every test in a fresh temporary directory, then remove it. */
int
main(void)
{
	uint8_t orig[IDENTITY_FILE_LEN + 1];
	char dir[PATH_MAX];
	const char *t;

	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	pathf(base, "%s/test_state.XXXXXX", t);
	if (mkdtemp(base) == NULL) {
		perror(base);
		return 1;
	}
	pathf(dir, "%s/a/b/state", base);

	test_dir(dir);
	test_identity_create(dir, orig);
	test_identity_refused(dir, orig);
	test_secret_io(dir);
	test_token(dir);

	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
