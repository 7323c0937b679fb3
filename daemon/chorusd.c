/*
 * chorusd.c - the Chorus node daemon: command line and start-up.
 *
 * Parses the command line, builds the effective configuration (defaults,
 * then the file, then --key=value options), and either prints it
 * (--check-config), runs a subcommand on the state directory ("user",
 * cmd_user.c) or brings the node up and runs it.  chorusd always runs in
 * the foreground: systemd, Docker or a shell supervise it.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_user.h"
#include "conf.h"
#include "log.h"
#include "node.h"
#include "tls.h"

#define CHORUSD_DEFAULT_CONF	SYSCONFDIR "/chorus/chorusd.conf"
#define CHORUSD_MAX_OPTS	256

/* What the command line asked for. */
struct args {
	const char	*conf_path;
	int		 conf_explicit;
	int		 check;
	char		*opts[CHORUSD_MAX_OPTS];	/* "--key=value" */
	size_t		 nopts;
	char		**user_argv;	/* the words after "user", or NULL */
	int		 user_argc;
};

/* --help */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: chorusd [-ftVh] [-c FILE] [--state-dir DIR] [--KEY=VALUE ...]\n"
	    "       chorusd [-c FILE] [--state-dir DIR] [--KEY=VALUE ...] user add NAME\n"
	    "       chorusd [-c FILE] [--state-dir DIR] [--KEY=VALUE ...] user del NAME\n"
	    "       chorusd [-c FILE] [--state-dir DIR] [--KEY=VALUE ...] user list\n"
	    "\n"
	    "  -c, --config FILE     configuration file (default %s, if it exists)\n"
	    "  -f, --foreground      run in the foreground (always the case)\n"
	    "  -t, --check-config    check the configuration, print it and exit\n"
	    "  -V, --version         print the version and exit\n"
	    "  -h, --help            print this help and exit\n"
	    "\n"
	    "user add NAME reads the password from standard input (or asks twice\n"
	    "at a terminal) and stores the TURN keys for the configured realm;\n"
	    "user del NAME deletes them; user list shows the users.\n"
	    "\n"
	    "Every configuration key can be given as --KEY=VALUE or --KEY VALUE:\n",
	    CHORUSD_DEFAULT_CONF);
	conf_usage(f);
}

/* Record "--key=value" (or "--key value" joined), checking the key. */
static int
args_add_opt(struct args *a, const char *key, size_t keylen,
    const char *value)
{
	char name[128];
	char *opt;

	if (keylen >= sizeof(name))
		return -1;
	memcpy(name, key, keylen);
	name[keylen] = '\0';
	if (!conf_is_key(name)) {
		fprintf(stderr, "chorusd: unknown option --%s (see --help)\n",
		    name);
		return -1;
	}
	if (a->nopts == CHORUSD_MAX_OPTS) {
		fprintf(stderr, "chorusd: too many options\n");
		return -1;
	}
	if (asprintf(&opt, "--%s=%s", name, value) == -1)
		return -1;
	a->opts[a->nopts++] = opt;
	return 0;
}

/* One short-option cluster like "-ft"; "-c" takes the next word. */
static int
args_short(struct args *a, int argc, char *argv[], int *i)
{
	const char *p;

	for (p = argv[*i] + 1; *p != '\0'; p++) {
		switch (*p) {
		case 'f':
			break;
		case 't':
			a->check = 1;
			break;
		case 'V':
			printf("chorusd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case 'c':
			if (p[1] != '\0')
				a->conf_path = p + 1;
			else if (*i + 1 < argc)
				a->conf_path = argv[++*i];
			else
				return -1;
			a->conf_explicit = 1;
			return 0;
		default:
			fprintf(stderr, "chorusd: unknown option -%c\n", *p);
			return -1;
		}
	}
	return 0;
}

/* One long option; "--key value" takes the next word. */
static int
args_long(struct args *a, int argc, char *argv[], int *i)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);

	if (strcmp(arg, "foreground") == 0)
		return 0;
	if (strcmp(arg, "check-config") == 0) {
		a->check = 1;
		return 0;
	}
	if (strcmp(arg, "version") == 0) {
		printf("chorusd %s\n", PACKAGE_VERSION);
		exit(0);
	}
	if (strcmp(arg, "help") == 0) {
		usage(stdout);
		exit(0);
	}
	if (klen == 6 && strncmp(arg, "config", 6) == 0) {
		if (eq != NULL)
			a->conf_path = eq + 1;
		else if (*i + 1 < argc)
			a->conf_path = argv[++*i];
		else
			return -1;
		a->conf_explicit = 1;
		return 0;
	}
	if (eq != NULL)
		return args_add_opt(a, arg, klen, eq + 1);
	if (*i + 1 >= argc) {
		fprintf(stderr, "chorusd: --%s needs a value\n", arg);
		return -1;
	}
	return args_add_opt(a, arg, klen, argv[++*i]);
}

/* Parse argv into a; exits on --help/--version, -1 on a bad command line. */
static int
args_parse(struct args *a, int argc, char *argv[])
{
	struct stat st;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			if (args_long(a, argc, argv, &i) == -1)
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (args_short(a, argc, argv, &i) == -1)
				return -1;
		} else if (strcmp(argv[i], "user") == 0) {
			/* The rest is the subcommand's (cmd_user.c). */
			a->user_argv = argv + i + 1;
			a->user_argc = argc - i - 1;
			break;
		} else {
			fprintf(stderr, "chorusd: unexpected argument \"%s\"\n",
			    argv[i]);
			return -1;
		}
	}
	if (a->check && a->user_argv != NULL) {
		fprintf(stderr, "chorusd: -t and user do not go together\n");
		return -1;
	}
	/* The default file is optional; a file named with -c is not. */
	if (!a->conf_explicit && stat(CHORUSD_DEFAULT_CONF, &st) == 0)
		a->conf_path = CHORUSD_DEFAULT_CONF;
	return 0;
}

/*
 * -t: print the effective configuration; also load the TLS certificate
 * and key, so a file that would stop start-up (or be refused at SIGHUP)
 * is caught before the restart.  0, or 1 with the reason on stderr.
 */
static int
check_config(const struct conf *conf)
{
	struct ssl_ctx_st *ssl;
	char err[CONF_ERRLEN];

	if (conf->tls_cert != NULL && conf->tls_key != NULL &&
	    conf->tls_port != 0) {
		if ((ssl = tls_ctx_new(conf->tls_cert, conf->tls_key, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		tls_ctx_free(ssl);
	}
	conf_print(conf, stdout);
	return 0;
}

/* Free what args_parse() allocated. */
static void
args_free(struct args *a)
{
	size_t i;

	for (i = 0; i < a->nopts; i++)
		free(a->opts[i]);
	a->nopts = 0;
}

int
main(int argc, char *argv[])
{
	struct args a;
	struct conf *conf;
	struct node *node;
	char err[CONF_ERRLEN];
	int rc = 1;

	memset(&a, 0, sizeof(a));
	umask(077);
	if (args_parse(&a, argc, argv) == -1) {
		fprintf(stderr, "usage: chorusd [-ftVh] [-c FILE] "
		    "[--KEY=VALUE ...] [user add|del|list ...] (see --help)\n");
		args_free(&a);
		return 2;
	}
	conf = conf_load(a.conf_path, a.opts, a.nopts, err, sizeof(err));
	if (conf == NULL) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}
	if (a.check) {
		rc = check_config(conf);
		conf_free(conf);
		goto done;
	}
	log_init(conf->log_level, conf->log_addresses);
	if (a.user_argv != NULL) {
		rc = cmd_user(conf, a.user_argc, a.user_argv);
		conf_free(conf);
		goto done;
	}
	if ((node = node_new(conf, a.conf_path, a.opts, a.nopts, err,
	    sizeof(err))) == NULL) {
		conf_free(conf);
		log_error("%s", err);
		goto done;
	}
	rc = node_run(node);
	node_free(node);
done:
	args_free(&a);
	return rc;
}
