/*
 * cmd_user.c - "chorusd user add|del|list": the long-term TURN users in
 * the node's database.
 *
 * Owns the subcommand: reading a password (a line on standard input, or
 * typed twice with echo off when that is a terminal), checking the name,
 * turning name, realm and password into the keys RFC 8489 §9.2.2 defines
 * and storing those, never the password, which is wiped as soon as the
 * keys are made.  The password is read with read(2), not stdio, so no
 * copy of it stays behind in a stdio buffer.
 *
 * The database is opened as a second connection next to a running
 * chorusd; the state lock is not taken (WAL and the busy timeout make
 * concurrent use safe), so users can be managed without a restart.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "chorus/stun.h"
#include "chorus/turn_auth.h"

#include "cmd_user.h"
#include "conf.h"
#include "state.h"
#include "store.h"

#define CMD_USER_DEFAULT_REALM	"chorus"	/* conf->realm not set */
#define CMD_USER_PW_BUF		(TURN_AUTH_MAX_PASSWORD + 1)
#define CMD_USER_ERRLEN		1024
#define CMD_USER_MD5_LEN	16
#define CMD_USER_SHA256_LEN	32

/* Signals that would leave the terminal without echo, if not caught. */
static const int cmd_user_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU
};
#define CMD_USER_NSIGNALS	\
	(sizeof(cmd_user_signals) / sizeof(cmd_user_signals[0]))

/* The signal that interrupted a password prompt, 0 if none. */
static volatile sig_atomic_t cmd_user_signal;

/* Why a password could not be read (for the message). */
enum cmd_user_read {
	CMD_USER_READ_OK = 0,
	CMD_USER_READ_EOF,		/* nothing before end of file */
	CMD_USER_READ_TOOLONG,
	CMD_USER_READ_ERROR,		/* errno set */
	CMD_USER_READ_INTERRUPTED,
};

/* Note the signal; read(2) then fails with EINTR (no SA_RESTART). */
static void
cmd_user_catch(int sig)
{
	cmd_user_signal = sig;
}

/* Print the subcommand's usage; the exit status for a usage error. */
static int
cmd_user_usage(void)
{
	fprintf(stderr, "usage: chorusd [-c FILE] [--state-dir DIR] user add "
	    "NAME\n"
	    "       chorusd [-c FILE] [--state-dir DIR] user del NAME\n"
	    "       chorusd [-c FILE] [--state-dir DIR] user list\n");
	return CMD_USER_EXIT_USAGE;
}

/*
 * One line from fd into buf[size] with read(2), one byte at a time so
 * nothing past the newline is consumed: NUL-terminated, newline dropped.
 * End of file ends a last line without a newline.
 */
static enum cmd_user_read
cmd_user_getline(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		if ((n = read(fd, &c, 1)) == -1) {
			if (errno == EINTR && cmd_user_signal == 0)
				continue;
			buf[len] = '\0';
			return errno == EINTR ? CMD_USER_READ_INTERRUPTED :
			    CMD_USER_READ_ERROR;
		}
		if (n == 0 || c == '\n')
			break;
		if (len + 1 >= size) {
			buf[len] = '\0';
			return CMD_USER_READ_TOOLONG;
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	c = 0;
	if (n == 0 && len == 0)
		return CMD_USER_READ_EOF;
	return CMD_USER_READ_OK;
}

/*
 * Prompt on stderr and read a line from the terminal on stdin with echo
 * off.  A signal restores the terminal first, then takes its course.
 */
static enum cmd_user_read
cmd_user_prompt(const char *prompt, char *buf, size_t size)
{
	struct sigaction sa, old[CMD_USER_NSIGNALS];
	struct termios term, noecho;
	enum cmd_user_read rc;
	size_t i;
	int sig;

	if (tcgetattr(STDIN_FILENO, &term) == -1)
		return CMD_USER_READ_ERROR;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cmd_user_catch;
	sigemptyset(&sa.sa_mask);
	cmd_user_signal = 0;
	for (i = 0; i < CMD_USER_NSIGNALS; i++)
		sigaction(cmd_user_signals[i], &sa, &old[i]);
	noecho = term;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho) == -1)
		rc = CMD_USER_READ_ERROR;
	else
		rc = cmd_user_getline(STDIN_FILENO, buf, size);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &term);
	fputc('\n', stderr);
	for (i = 0; i < CMD_USER_NSIGNALS; i++)
		sigaction(cmd_user_signals[i], &old[i], NULL);
	if ((sig = cmd_user_signal) != 0) {
		cmd_user_signal = 0;
		raise(sig);		/* with the caller's disposition */
		rc = CMD_USER_READ_INTERRUPTED;
	}
	return rc;
}

/*
 * The password for name into pw[CMD_USER_PW_BUF]: one line of stdin, or
 * typed twice at a terminal.  Refuses an empty one and control
 * characters (OpaqueString, RFC 8265 §4.2, disallows them, and a stray
 * CR from a DOS file would otherwise make a key no client matches).
 * -1 with a message printed.
 */
static int
cmd_user_password(const char *name, char pw[CMD_USER_PW_BUF])
{
	char again[CMD_USER_PW_BUF], prompt[STORE_USER_NAME_MAX + 32];
	enum cmd_user_read r;
	size_t i;
	int rc = -1;

	if (isatty(STDIN_FILENO)) {
		snprintf(prompt, sizeof(prompt), "Password for %s: ", name);
		if ((r = cmd_user_prompt(prompt, pw, CMD_USER_PW_BUF)) ==
		    CMD_USER_READ_OK)
			r = cmd_user_prompt("Again: ", again, sizeof(again));
		if (r == CMD_USER_READ_OK && strcmp(pw, again) != 0) {
			fprintf(stderr, "chorusd: the passwords differ\n");
			goto done;
		}
	} else
		r = cmd_user_getline(STDIN_FILENO, pw, CMD_USER_PW_BUF);
	switch (r) {
	case CMD_USER_READ_OK:
		break;
	case CMD_USER_READ_EOF:
		fprintf(stderr, "chorusd: no password on standard input\n");
		goto done;
	case CMD_USER_READ_TOOLONG:
		fprintf(stderr, "chorusd: the password is longer than %d "
		    "bytes\n", TURN_AUTH_MAX_PASSWORD);
		goto done;
	case CMD_USER_READ_ERROR:
		fprintf(stderr, "chorusd: reading the password: %s\n",
		    strerror(errno));
		goto done;
	case CMD_USER_READ_INTERRUPTED:
		fprintf(stderr, "chorusd: interrupted\n");
		goto done;
	}
	if (pw[0] == '\0') {
		fprintf(stderr, "chorusd: empty password refused\n");
		goto done;
	}
	for (i = 0; pw[i] != '\0'; i++) {
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			fprintf(stderr, "chorusd: the password holds a control "
			    "character\n");
			goto done;
		}
	}
	rc = 0;
 done:
	OPENSSL_cleanse(again, sizeof(again));
	if (rc == -1)
		OPENSSL_cleanse(pw, CMD_USER_PW_BUF);
	return rc;
}

/*
 * A name chorusd accepts: 1 to STORE_USER_NAME_MAX printable ASCII
 * characters, no space and no ':', which separates name from realm in
 * the key input and from the expiry in REST usernames.  ASCII keeps the
 * RFC's OpaqueString step (RFC 8489 §9.2.2) the identity.
 */
static int
cmd_user_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == ':' ||
		    i >= STORE_USER_NAME_MAX)
			break;
	if (i > 0 && name[i] == '\0')
		return 1;
	fprintf(stderr, "chorusd: bad user name: it must be 1 to %d printable "
	    "ASCII characters, without ':' or white space\n",
	    STORE_USER_NAME_MAX);
	return 0;
}

/* Open the database in the state directory; NULL with a message. */
static struct store *
cmd_user_open(const struct conf *conf)
{
	char err[CMD_USER_ERRLEN], path[PATH_MAX];
	struct store *st;
	int n;

	if (state_dir_open(conf->state_dir, err, sizeof(err)) == -1) {
		fprintf(stderr, "chorusd: %s\n", err);
		return NULL;
	}
	n = snprintf(path, sizeof(path), "%s/%s", conf->state_dir, STORE_FILE);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "chorusd: %s: path too long\n",
		    conf->state_dir);
		return NULL;
	}
	if ((st = store_open(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "chorusd: %s\n", err);
	return st;
}

/* user add NAME: make the keys from a password and store them. */
static int
cmd_user_add(struct store *st, const char *realm, const char *name)
{
	uint8_t md5[TURN_AUTH_KEY_MAX], sha256[TURN_AUTH_KEY_MAX];
	uint8_t userhash[STORE_USER_HASH_LEN];
	char pw[CMD_USER_PW_BUF];
	struct store_user old;
	int rc = CMD_USER_EXIT_FAILED, existed;

	if (cmd_user_password(name, pw) == -1)
		goto done;
	/* RFC 8489 §9.2.2: key = H(username ":" realm ":" password) */
	if (turn_auth_key(STUN_PASSWORD_MD5, name, realm, pw, md5) !=
	    CMD_USER_MD5_LEN ||
	    turn_auth_key(STUN_PASSWORD_SHA256, name, realm, pw, sha256) !=
	    CMD_USER_SHA256_LEN ||
	    turn_auth_userhash(name, realm, userhash) == -1) {
		fprintf(stderr, "chorusd: user %s: cannot make the keys (a "
		    "realm or password too long?)\n", name);
		goto done;
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	existed = store_user_get(st, name, &old) == 0;
	OPENSSL_cleanse(&old, sizeof(old));
	if (store_user_put(st, name, realm, md5, sha256, userhash,
	    (int64_t)time(NULL)) == -1) {
		fprintf(stderr, "chorusd: user %s: cannot store the keys\n",
		    name);
		goto done;
	}
	printf("user %s added (realm %s)\n", name, realm);
	if (existed)
		fprintf(stderr, "chorusd: user %s: its earlier keys are "
		    "replaced\n", name);
	rc = CMD_USER_EXIT_OK;
 done:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(md5, sizeof(md5));
	OPENSSL_cleanse(sha256, sizeof(sha256));
	return rc;
}

/* user del NAME */
static int
cmd_user_del(struct store *st, const char *name)
{
	switch (store_user_del(st, name)) {
	case 1:
		printf("user %s deleted\n", name);
		return CMD_USER_EXIT_OK;
	case 0:
		fprintf(stderr, "chorusd: user %s: no such user\n", name);
		return CMD_USER_EXIT_FAILED;
	default:
		fprintf(stderr, "chorusd: user %s: cannot delete it\n", name);
		return CMD_USER_EXIT_FAILED;
	}
}

/* Print one user for "user list" (store_user_list callback). */
static int
cmd_user_print(const struct store_user *u, void *arg)
{
	const char *realm = arg;
	char when[32];
	struct tm tm;
	time_t t = (time_t)u->created;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)u->created);
	printf("%s realm=%s created=%s\n", u->name, u->realm, when);
	/* The realm is hashed into the keys (RFC 8489 §9.2.2). */
	if (strcmp(u->realm, realm) != 0)
		fprintf(stderr, "chorusd: user %s: keys were made for realm "
		    "%s; re-add the user to use it with realm %s\n", u->name,
		    u->realm, realm);
	return 0;
}

/* chorusd user add NAME | del NAME | list */
int
cmd_user(const struct conf *conf, int argc, char *argv[])
{
	const char *realm = CMD_USER_DEFAULT_REALM;
	struct store *st = NULL;
	int rc = CMD_USER_EXIT_FAILED;

	if (conf->realm != NULL && conf->realm[0] != '\0')
		realm = conf->realm;
	if (argc == 2 && strcmp(argv[0], "add") == 0) {
		if (!cmd_user_name_ok(argv[1]))
			return CMD_USER_EXIT_FAILED;
		if ((st = cmd_user_open(conf)) != NULL)
			rc = cmd_user_add(st, realm, argv[1]);
	} else if (argc == 2 && strcmp(argv[0], "del") == 0) {
		if ((st = cmd_user_open(conf)) != NULL)
			rc = cmd_user_del(st, argv[1]);
	} else if (argc == 1 && strcmp(argv[0], "list") == 0) {
		if ((st = cmd_user_open(conf)) != NULL) {
			if (store_user_list(st, cmd_user_print,
			    (void *)realm) == 0)
				rc = CMD_USER_EXIT_OK;
			else
				fprintf(stderr, "chorusd: cannot list the "
				    "users\n");
		}
	} else
		return cmd_user_usage();
	store_close(st);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "chorusd: standard output: %s\n",
		    strerror(errno));
		rc = CMD_USER_EXIT_FAILED;
	}
	return rc;
}
