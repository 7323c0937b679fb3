#!/usr/bin/env bash
# tests/integ/systemd_unit.sh - etc/chorusd.service: systemd accepts it,
# its sandbox scores well, it has what the daemon needs (notify, watchdog,
# reload, check before start, drain on stop, the state directory, one
# capability), and the check it runs before a start passes a good
# configuration and stops a bad one.  No unit is started: systemd need
# not be PID 1.  As root, a non-root chorusd holding only the unit's
# capabilities is shown to bind a port below 1024 (in a network
# namespace of its own), and to fail without them.
. "$top_srcdir/tests/integ/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 ||
	skip_all "systemd-analyze not found"
plan 25

errf="$T_DIR/err"; out="$T_DIR/out"

# --- The unit under test ---------------------------------------------
# The one the build made and "make install" installs; if this build
# makes none (--without-systemdsystemunitdir), the same substitution here.
UNIT_SRC="$T_DIR/built.service"
if [ -f "$top_builddir/etc/chorusd.service" ]; then
	cp "$top_builddir/etc/chorusd.service" "$UNIT_SRC"
else
	sed -e 's|@sbindir@|/usr/sbin|g' -e 's|@sysconfdir@|/etc|g' \
	    -e 's|@pkgdatadir@|/usr/share/chorus|g' \
	    "$top_srcdir/etc/chorusd.service.in" >"$UNIT_SRC"
fi
! grep -nE '@[a-z_]+@' "$UNIT_SRC" >"$errf"
ok $? "every @dir@ of chorusd.service.in is filled in"
[ -s "$errf" ] && sed 's/^/#   | /' "$errf"

# systemd-analyze verify wants the programs to exist: point the Exec
# lines at the chorusd of this build.  The file keeps its name, which
# is what systemd goes by.
mkdir -p "$T_DIR/unit" "$T_DIR/typo"
UNIT="$T_DIR/unit/chorusd.service"
esc=$(printf '%s' "$CHORUSD" | sed 's/[#&\\]/\\&/g')
sed -E "s#^(Exec[A-Za-z]+=[-@:+!|]*)[^ ]*/chorusd( |\$)#\\1$esc\\2#" \
    "$UNIT_SRC" >"$UNIT"

# unit_get KEY: the values of KEY, one a line, in file order.
unit_get() { sed -n "s/^$1=//p" "$UNIT"; }

# --- 1. systemd accepts it --------------------------------------------
# verify exits 0 on an unknown or misspelt key and only says so on
# stderr, so stderr must be empty.  --man=no: the Documentation= man
# pages are not installed where the tests run.  SYSTEMD_LOG_LEVEL is
# pinned so that a debug level in the environment adds nothing; warnings
# (unknown keys) and errors (a missing program) still show.
analyze() { SYSTEMD_LOG_LEVEL=notice systemd-analyze --no-pager "$@"; }
analyze verify --man=no "$UNIT" >"$out" 2>"$errf"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$errf" ]
ok $? "systemd-analyze verify: exit 0, nothing on stderr"
[ -s "$errf" ] && sed 's/^/#   | /' "$errf"

# The same check must notice a misspelt sandboxing key here.
{ cat "$UNIT"; echo "[Service]"; echo "ProtectSytem=strict"; } \
    >"$T_DIR/typo/chorusd.service"
analyze verify --man=no "$T_DIR/typo/chorusd.service" >/dev/null 2>"$errf"
grep -q ProtectSytem "$errf"
ok $? "verify reports a misspelt key on stderr (the check above can fail)"

# --- 2. the sandbox ---------------------------------------------------
analyze security --offline=yes "$UNIT" >"$out" 2>"$errf"
sed 's/^/# /' "$out"
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p' \
    "$out")
diag "exposure: ${exposure:-not found}"
[ -n "$exposure" ] && awk -v x="$exposure" 'BEGIN { exit !(x <= 2.0) }'
ok $? "systemd-analyze security: overall exposure $exposure <= 2.0"

# --- 3. what the daemon needs -----------------------------------------
is "$(unit_get Type)" notify "Type=notify (READY=1 once listening)"
wd=$(systemd-analyze timespan "$(unit_get WatchdogSec)" 2>/dev/null |
    sed -n 's/^ *μs: //p')
[ -n "$wd" ] && [ "$wd" -gt 0 ]
ok $? "WatchdogSec is set (chorusd pings at half of it)"
unit_get ExecReload | grep -Eq '^[-@:+!|]*kill (-HUP|-s HUP|--signal HUP) \$MAINPID$'
ok $? "ExecReload sends SIGHUP to the main process"
is "$(unit_get DynamicUser)" yes "DynamicUser=yes"
is "$(unit_get CapabilityBoundingSet)" CAP_NET_BIND_SERVICE \
    "CapabilityBoundingSet is CAP_NET_BIND_SERVICE alone"
is "$(unit_get AmbientCapabilities)" CAP_NET_BIND_SERVICE \
    "AmbientCapabilities is CAP_NET_BIND_SERVICE alone"
[ -n "$(unit_get ConfigurationDirectory)" ]
ok $? "ConfigurationDirectory is set"

# The state directory systemd makes writable is the one chorusd uses.
sdir=$(unit_get StateDirectory)
start_cmd=$(unit_get ExecStart)
[ -n "$sdir" ] && case " $start_cmd " in
	*" --state-dir=%S/$sdir "*) true ;;
	*) false ;;
esac
ok $? "ExecStart passes --state-dir=%S/StateDirectory ($sdir)"

# The check before a start (and a reload) is the start's own command
# line plus --check-config, so it checks what will run.
pre_cmd=$(unit_get ExecStartPre)
is "$(printf '%s' "$pre_cmd" | sed 's/ --check-config / /')" "$start_cmd" \
    "ExecStartPre is ExecStart plus --check-config"
is "$(unit_get ExecReload | head -1)" "$pre_cmd" \
    "ExecReload checks the file the same way before the SIGHUP"

# Stop drains, and systemd waits longer than the daemon's default
# drain-timeout before it kills.
: >"$T_DIR/empty.conf"
"$CHORUSD" -t -c "$T_DIR/empty.conf" >"$T_DIR/defaults" 2>"$errf"
dflt() { sed -n "s/^$1 = //p" "$T_DIR/defaults"; }
is "$(unit_get KillSignal)" SIGUSR1 "KillSignal=SIGUSR1: systemctl stop drains"
drain=$(dflt drain-timeout | sed -n 's/^\([0-9][0-9]*\)s$/\1/p')
tstop=$(systemd-analyze timespan "$(unit_get TimeoutStopSec)" 2>/dev/null |
    sed -n 's/^ *μs: //p')
[ -n "$drain" ] && [ -n "$tstop" ] && [ "$tstop" -gt $((drain * 1000000)) ]
ok $? "TimeoutStopSec (${tstop:-?} us) > default drain-timeout (${drain:-?} s)"

# Enough descriptors for the default quotas: one relay socket per family
# for each allocation, TCP and TLS connections, HTTP clients, spare.
need=$(( 2 * $(dflt total-quota) + 2 * $(dflt max-tcp-connections) +
    $(dflt http-max-connections) + 64 ))
nofile=$(unit_get LimitNOFILE)
[ -n "$nofile" ] && [ "$nofile" -ge "$need" ] 2>/dev/null
ok $? "LimitNOFILE=${nofile:-unset} covers the default quotas ($need)"

# --- 4. the check before a start -------------------------------------
# ExecStartPre as systemd would run it: specifiers filled in (%S is
# /var/lib for a system service; here under $T_DIR), the prefix
# characters dropped, the test configuration in place of the default
# file.
unit_argv() {
	local line=$1 w
	line=$(printf '%s' "$line" | sed -e 's/^[-@:+!|]*//' \
	    -e "s|%S|$T_DIR/var/lib|g" -e "s|%E|$T_DIR/etc|g" -e 's|%%|%|g')
	ARGV=()
	for w in $line; do ARGV+=("$w"); done
}
write_conf
unit_argv "$pre_cmd"
case "${ARGV[*]}" in *%*) diag "unknown specifier in: ${ARGV[*]}" ;; esac
"${ARGV[@]}" -c "$CONF" >"$out" 2>"$errf"
ok $? "ExecStartPre passes a good configuration (exit 0)"
contains "$out" "^state-dir = $T_DIR/var/lib/$sdir\$" \
    "the unit's state directory overrides the file's"

printf 'port = 3478\nrelay-ip = not-an-address\n' >"$T_DIR/bad.conf"
"${ARGV[@]}" -c "$T_DIR/bad.conf" >"$out" 2>"$errf"
[ $? -ne 0 ]; ok $? "ExecStartPre fails a bad configuration, so no start"
contains "$errf" "^$T_DIR/bad.conf:2: " "the failure names file and line"

"${ARGV[@]}" -c "$CONF" --tls-port=5349 --tls-cert="$T_DIR/nope.pem" \
    --tls-key="$T_DIR/nope.key" >"$out" 2>"$errf"
[ $? -ne 0 ]; ok $? "ExecStartPre fails a TLS key it cannot load"

# --- 5. the unit's identity and capabilities, without systemd ---------
# A non-root chorusd holding only the unit's ambient capabilities, in a
# network namespace of its own (owned by the host's user namespace, as
# the service's is), binds port 443; without them it cannot.  Only as
# root, with unshare, setpriv and ip.
skip_n() {
	local i
	for i in $(seq "$1"); do
		T_N=$((T_N + 1))
		echo "ok $T_N # SKIP $2"
	done
}
CAPS=$(unit_get AmbientCapabilities | tr 'A-Z ' 'a-z,' | sed 's/cap_//g')
NOBODY=65534
cap_setup() {
	[ "$(id -u)" -eq 0 ] || { why="not root"; return 1; }
	for t in unshare setpriv ip; do
		command -v $t >/dev/null 2>&1 || { why="no $t"; return 1; }
	done
	unshare -n true 2>/dev/null || { why="unshare -n fails"; return 1; }
	chmod 0711 "$T_DIR" || return 1
	mkdir -p "$T_DIR/cap" && chown "$NOBODY:$NOBODY" "$T_DIR/cap" &&
	    chmod 0700 "$T_DIR/cap" || { why="cannot chown"; return 1; }
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
	    test -x "$CHORUSD" || { why="$CHORUSD not executable by $NOBODY";
	    return 1; }
	{
		echo "state-dir = $T_DIR/cap/state"
		echo "listen-address = 127.0.0.1"
		echo "port = 443"
		echo "tls-port = 0"
		echo "http-address = 127.0.0.1:8440"
		echo "log-level = debug"
	} >"$T_DIR/cap/conf"
	chown "$NOBODY:$NOBODY" "$T_DIR/cap/conf"
}
# cap_run SETPRIV-CAP-ARGS...: start chorusd as $NOBODY in a new network
# namespace; 0 once its API answers (CapEff then in $T_DIR/cap/capeff),
# 1 if it exits first, 2 if neither within 5 s.
cap_run() {
	unshare -n bash -s "$CHORUSD" "$T_DIR/cap" "$@" <<'EOF'
chorusd=$1 dir=$2; shift 2
ip link set lo up || exit 3
setpriv --reuid=65534 --regid=65534 --clear-groups "$@" \
    "$chorusd" -c "$dir/conf" >>"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 50); do
	if curl -sf -o /dev/null http://127.0.0.1:8440/api/v1/status; then
		grep '^CapEff' "/proc/$pid/status" >"$dir/capeff"
		kill -TERM "$pid"; wait "$pid"
		exit 0
	fi
	kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit 1; }
	sleep 0.1
done
kill -TERM "$pid"; wait "$pid"
exit 2
EOF
}
if cap_setup; then
	cap_run --inh-caps=-all,+"$CAPS" --ambient-caps=-all,+"$CAPS" \
	    --bounding-set=-all,+"$CAPS" --no-new-privs
	ok $? "non-root with the unit's capabilities ($CAPS) serves on port 443"
	is "$(awk '{ print $2 }' "$T_DIR/cap/capeff" 2>/dev/null)" \
	    0000000000000400 "it held CAP_NET_BIND_SERVICE and nothing else"
	: >"$T_DIR/cap/log"
	cap_run --inh-caps=-all --bounding-set=-all --no-new-privs
	[ $? -eq 1 ] && grep -q 'port 443: bind: Permission denied' \
	    "$T_DIR/cap/log"
	ok $? "without them it cannot bind port 443, says so and exits"
	if [ $T_FAIL -ne 0 ]; then
		sed 's/^/#   cap | /' "$T_DIR/cap/log" | tail -20
	fi
else
	skip_n 3 "capability check: $why"
fi
