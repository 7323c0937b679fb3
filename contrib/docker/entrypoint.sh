#!/bin/sh
# entrypoint.sh - the Docker image's entry point, installed as
# /usr/local/bin/chorus-entrypoint.
#
# It runs chorusd with its configuration from a file and from CHORUS_*
# environment variables.  CHORUS_HTTP_ADDRESS=0.0.0.0:8440 becomes the
# option --http-address=0.0.0.0:8440: the key is the name after CHORUS_,
# in lower case, with "-" for "_".  Options override the file
# (chorusd(8)), so a variable wins over the file's line.
#
#   chorus-entrypoint [chorusd] [OPTION...]
#       check the configuration, then exec chorusd: it keeps this PID,
#       so SIGTERM (stop), SIGHUP (reload) and SIGUSR1 (drain) reach it
#   chorus-entrypoint user add|del|list [NAME]
#       chorusd's TURN user commands, on the same configuration
#   chorus-entrypoint healthcheck
#       exit 0 if the node's HTTP API answers (the image's HEALTHCHECK)
#   chorus-entrypoint COMMAND [ARG...]
#       run another command, such as chorus or sh
#
# The file is /etc/chorus/chorusd.conf if one is mounted there, else the
# image's defaults; CHORUS_CONFIG=FILE, or -c FILE among the arguments,
# names another.
#
# The rules for the variables:
#   - an unknown key stops the container with a message naming the
#     variable; so does any name not in upper case;
#   - a variable set to the empty string counts as unset (compose's
#     "${VAR:-}");
#   - for the keys that may be repeated (REPEATABLE below), the value is
#     split at white space, one option per word:
#     CHORUS_BOOTSTRAP="node1:4222 node2:4222" is two bootstrap lines;
#     other values are taken whole, blanks included;
#   - user and auth-secret are refused: as options their secrets would
#     show in the process list of the host.  Put them in the mounted file
#     (mode 0600), or add users with "chorus-entrypoint user add NAME".
#
# The entrypoint's own variables (not settings; the tests point them at a
# build tree):
#   CHORUSD           the chorusd binary, /usr/sbin/chorusd
#   CHORUS            the chorus client, /usr/bin/chorus
#   CHORUSD_CONF      the operator's file, /etc/chorus/chorusd.conf
#   CHORUSD_DEFAULTS  the image's defaults, /usr/share/chorus/docker/chorusd.conf
#
# POSIX sh (dash): no arrays, so the options are gathered one a line and
# split with IFS set to a newline; no value may hold a newline.
set -eu
set -f	# a value such as listen-address "*" must never glob

: "${CHORUSD:=/usr/sbin/chorusd}"
: "${CHORUS:=/usr/bin/chorus}"
: "${CHORUSD_CONF:=/etc/chorus/chorusd.conf}"
: "${CHORUSD_DEFAULTS:=/usr/share/chorus/docker/chorusd.conf}"

# The keys chorusd takes more than once (daemon/conf.c, CONF_F_REPEAT),
# less the secret ones.  tests/integ/docker.sh compares this list with
# conf.c.
REPEATABLE="listen-address relay-ip external-ip allowed-peer denied-peer bootstrap vouch deny-identity"
SECRET="user auth-secret"

NL='
'

msg() { printf 'chorus-entrypoint: %s\n' "$*" >&2; }
die() { msg "$@"; exit 2; }

# in_list WORD LIST: is WORD one of the blank-separated LIST?
in_list() {
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

case ${1-} in
healthcheck) mode=health; shift ;;
user) mode=user ;;
chorusd) mode=run; shift ;;
'' | -*) mode=run ;;
*) exec "$@" ;;
esac

[ -x "$CHORUSD" ] || die "$CHORUSD: no chorusd there (set CHORUSD)"
# Every key chorusd knows, from its --help ("  --state-dir=DIR  ...").
keys=$("$CHORUSD" --help | sed -n 's/^  --\([a-z0-9-]*\)=.*/\1/p' | tr '\n' ' ')
[ -n "$keys" ] || die "$CHORUSD --help lists no configuration keys"

# The CHORUS_* variables, as options one a line ($opts) and as
# "key VARIABLE" lines for error messages ($from).  env prints values
# that hold newlines over several lines, so a name is taken only if the
# shell has it set.
opts=
from=
names=
conf_env=
for name in $(env | sed -n 's/^\(CHORUS_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u); do
	eval "isset=\${$name+x} val=\${$name-}"
	[ -n "$isset" ] || continue
	case $name in
	*[!A-Z0-9_]*)
		die "$name: not a setting (the names are in upper case, such as CHORUS_HTTP_ADDRESS)" ;;
	esac
	key=$(printf '%s' "${name#CHORUS_}" | LC_ALL=C tr 'A-Z_' 'a-z-')
	if [ "$key" != config ] && ! in_list "$key" "$keys"; then
		case $name in
		CHORUS_SERVICE_* | CHORUS_PORT_*)
			# Kubernetes' variables for a Service named "chorus".
			msg "$name looks like a Kubernetes service link: set enableServiceLinks: false in the pod, or name the Service otherwise" ;;
		esac
		die "$name: chorusd has no setting \"$key\" (chorusd --help lists them)"
	fi
	[ -n "$val" ] || continue
	names="$names $name"
	if [ "$key" = config ]; then
		conf_env=$val
		continue
	fi
	if in_list "$key" "$SECRET"; then
		hint="put \"$key = ...\" in the configuration file (mode 0600)"
		[ "$key" != user ] ||
		    hint="$hint, or add the user with: chorus-entrypoint user add NAME"
		die "$name: not taken from the environment: as an option, the secret would show in the host's process list; $hint"
	fi
	if in_list "$key" "$REPEATABLE"; then
		for w in $val; do
			opts="$opts--$key=$w$NL"
		done
	else
		case $val in *"$NL"*) die "$name: the value holds a newline" ;; esac
		opts="$opts--$key=$val$NL"
	fi
	from="$from$key $name$NL"
done

if [ -n "${conf_env:-}" ]; then
	conf=$conf_env
elif [ -f "$CHORUSD_CONF" ]; then
	conf=$CHORUSD_CONF
else
	conf=$CHORUSD_DEFAULTS
fi

# explain ERRORS: after chorusd's message, which variable set each key
# it names.
explain() {
	printf '%s\n' "$1" >&2
	printf '%s' "$from" | while IFS=' ' read -r k n; do
		if printf '%s\n' "$1" | grep -Eq "(^|[^a-z-])$k([^a-z-]|\$)"; then
			msg "$k was set by the environment variable $n"
		fi
	done
}

rc=0
# Check the configuration (chorusd -t) before anything runs: the file,
# the variables and, to run the node, the arguments.  On success $out is
# the effective configuration.  $opts is split at newlines only.
IFS=$NL
# shellcheck disable=SC2086
if [ "$mode" = run ]; then
	out=$("$CHORUSD" -t -c "$conf" $opts "$@" 2>&1) || rc=$?
else
	out=$("$CHORUSD" -t -c "$conf" $opts 2>&1) || rc=$?
fi
if [ "$rc" -ne 0 ]; then
	explain "$out"
	msg "the configuration ($conf and the CHORUS_* variables) is not valid"
	exit "$rc"
fi
http=$(printf '%s\n' "$out" | sed -n 's/^http-address = //p')

case $mode in
health)
	case $http in
	0.0.0.0:*) http="127.0.0.1:${http#0.0.0.0:}" ;;
	'[::]:'*) http="[::1]:${http#'[::]:'}" ;;
	esac
	"$CHORUS" status "http://$http" >/dev/null || exit 1
	exit 0
	;;
user)
	# shellcheck disable=SC2086
	exec "$CHORUSD" -c "$conf" $opts "$@"
	;;
esac

msg "configuration: $conf${names:+; from the environment:$names}"
msg "HTTP API and dashboard on http://$http/ in the container (publish it on 127.0.0.1 only)"
# shellcheck disable=SC2086
exec "$CHORUSD" -c "$conf" $opts "$@"
