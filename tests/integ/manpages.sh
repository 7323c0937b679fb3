#!/usr/bin/env bash
# The manual pages and the sample configuration against the programs.
#
# - mandoc -T lint -W warning finds nothing in chorusd(8), chorusd.conf(5)
#   and chorus(1).
# - The keys chorusd knows are the ones its --help prints from the
#   parser's own table ("  --KEY=VALUE  help (default: ...)" lines; -t
#   leaves out lists that are empty, so it cannot be the source).  The
#   same set, no more and no less, is documented in chorusd.conf(5), where
#   ".It Cm KEY" starts a key's entry and marks nothing else, and in
#   etc/chorusd.conf, where a line "# KEY = VALUE" (commented out) or
#   "KEY = VALUE" shows a key and no prose line has that form.
# - Each entry of chorusd.conf(5) states its default on one line
#   "Default: VALUE" (or "Default:" and VALUE as the next line's macro
#   argument).  "none" means no default: chorusd -t prints no such key.  A
#   path starting with a placeholder in capitals (LOCALSTATEDIR/...)
#   matches an effective path with the same ending.  Every other VALUE,
#   given as --KEY=VALUE, must leave chorusd -t's output unchanged.
# - chorusd(8) and chorus(1) name every command and option that
#   chorusd --help and chorus --help print, and chorusd(8) every route of
#   the HTTP API's table in daemon/http.c, and every metric family a
#   running node serves on /metrics.
. "$top_srcdir/tests/integ/lib.sh"
plan 13

MAN5="$top_srcdir/man/chorusd.conf.5"
MAN8="$top_srcdir/man/chorusd.8"
MAN1="$top_srcdir/man/chorus.1"
SAMPLE="$top_srcdir/etc/chorusd.conf"
HTTP_C="$top_srcdir/daemon/http.c"

# skip_one DESCRIPTION REASON: a TAP line skipped with its reason.
skip_one() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# sets_equal WANT GOT WHAT: ok if the two sorted lists match; the names
# in only one of them are printed.
sets_equal() {
	local only_want only_got
	only_want=$(comm -23 "$1" "$2")
	only_got=$(comm -13 "$1" "$2")
	[ -z "$only_want" ] && [ -z "$only_got" ]
	ok $? "$3"
	for k in $only_want; do diag "  missing: $k"; done
	for k in $only_got; do diag "  not a key chorusd knows: $k"; done
}

# --- 1-3: mandoc ----------------------------------------------------------
for page in "$MAN8" "$MAN5" "$MAN1"; do
	name=${page##*/}
	if ! command -v mandoc >/dev/null 2>&1; then
		skip_one "mandoc -T lint -W warning $name" "mandoc not installed"
		continue
	fi
	mandoc -T lint -W warning "$page" >"$T_DIR/lint" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T_DIR/lint" ]
	ok $? "mandoc -T lint -W warning $name is clean"
	[ -s "$T_DIR/lint" ] && sed 's/^/#   /' "$T_DIR/lint"
done

# --- 4: the keys, from the binary -----------------------------------------
: >"$T_DIR/empty.conf"
"$CHORUSD" --help >"$T_DIR/help" 2>&1
sed -n 's/^  --\([a-z0-9-]*\)=.*/\1/p' "$T_DIR/help" | sort -u >"$T_DIR/keys"
# Always -c: without it chorusd would read the installed file, if any.
"$CHORUSD" -t -c "$T_DIR/empty.conf" >"$T_DIR/base" 2>&1
base_rc=$?
sed -n 's/^\([a-z0-9-]*\) = .*/\1/p' "$T_DIR/base" | sort -u >"$T_DIR/t-keys"
[ -s "$T_DIR/keys" ] && [ $base_rc -eq 0 ] && [ -s "$T_DIR/t-keys" ] &&
    [ -z "$(comm -13 "$T_DIR/keys" "$T_DIR/t-keys")" ]
ok $? "chorusd --help lists the keys, and every key -t prints is among them"
diag "$(wc -l <"$T_DIR/keys") keys"

# --- 5-6: the same keys in the page and the sample -------------------------
sed -n 's/^\.It Cm \([a-z0-9-]*\).*/\1/p' "$MAN5" | sort -u >"$T_DIR/man-keys"
sets_equal "$T_DIR/keys" "$T_DIR/man-keys" \
    "chorusd.conf(5) documents every key chorusd knows, and no other"
sed -n -e 's/^# \([a-z][a-z0-9-]*\) = .*/\1/p' \
    -e 's/^\([a-z][a-z0-9-]*\) = .*/\1/p' "$SAMPLE" | sort -u \
    >"$T_DIR/sample-keys"
sets_equal "$T_DIR/keys" "$T_DIR/sample-keys" \
    "etc/chorusd.conf shows every key chorusd knows, and no other"

# --- 7-9: the defaults the page states --------------------------------------
# "KEY VALUE" per entry, or "KEY !reason" when the entry is malformed.  An
# entry runs from its ".It Cm KEY" to the next .It of its own list, or the
# .El, .Ss or .Sh that ends it; nested lists are skipped over.
awk '
function close_entry() {
	if (key != "") {
		if (n == 0) print key, "!states no default";
		else if (n > 1) print key, "!states " n " defaults";
		else print key, val;
	}
	key = "";
}
function take(s) {
	sub(/^\.[A-Z][a-z][a-z]? /, "", s);	# a leading macro: .Pa, .Cm
	split(s, w, /[ \t]+/);
	s = w[1];
	sub(/[.,;:]$/, "", s);
	val = s;
}
/^\.Bl/ { depth++; next }
/^\.El/ { if (key != "" && depth == kdepth) close_entry(); depth--; next }
/^\.S[hs]/ { close_entry(); next }
/^\.It/ {
	if (key != "" && depth == kdepth) close_entry();
	if ($0 ~ /^\.It Cm [a-z0-9-]+/) {
		key = $3; kdepth = depth; n = 0; val = ""; want_next = 0;
	}
	next
}
key == "" { next }
want_next { want_next = 0; take($0); next }
/^Default:/ {
	n++;
	rest = $0; sub(/^Default:[ \t]*/, "", rest);
	if (rest == "") want_next = 1; else take(rest);
}
END { close_entry() }
' "$MAN5" >"$T_DIR/man-defaults"

grep ' !' "$T_DIR/man-defaults" >"$T_DIR/bad-entries"
[ ! -s "$T_DIR/bad-entries" ] && [ -s "$T_DIR/man-defaults" ]
ok $? "each key in chorusd.conf(5) states exactly one default"
sed 's/^/#   /' "$T_DIR/bad-entries"

# "none" and placeholder paths are checked here; the rest become options.
opts=()
bad=0
while read -r k v; do
	case $v in
	'!'*) continue ;;
	none)
		if grep -q "^$k = " "$T_DIR/base"; then
			diag "  $k: the page says none, chorusd -t prints" \
			    "$(grep "^$k = " "$T_DIR/base" | head -1)"
			bad=$((bad + 1))
		fi ;;
	[A-Z]*/*)
		suffix=/${v#*/}
		got=$(sed -n "s/^$k = //p" "$T_DIR/base" | head -1)
		case $got in
		/*"$suffix") ;;
		*)	diag "  $k: the page says $v, chorusd -t prints '$got'"
			bad=$((bad + 1)) ;;
		esac ;;
	*)
		if ! grep -q "^$k = " "$T_DIR/base"; then
			diag "  $k: the page says $v, chorusd -t prints none"
			bad=$((bad + 1))
		fi
		opts+=("--$k=$v") ;;
	esac
done <"$T_DIR/man-defaults"
[ $bad -eq 0 ]
ok $? "chorusd.conf(5): keys without a default, and default paths, are as chorusd -t prints them"

"$CHORUSD" -t -c "$T_DIR/empty.conf" "${opts[@]}" >"$T_DIR/stated" 2>&1
rc=$?
[ ${#opts[@]} -gt 0 ] && [ $rc -eq 0 ] && cmp -s "$T_DIR/base" "$T_DIR/stated"
ok $? "chorusd.conf(5): each stated default, given as --KEY=VALUE, changes nothing in chorusd -t (${#opts[@]} keys)"
if [ $rc -ne 0 ]; then
	sed 's/^/#   /' "$T_DIR/stated" | head -5
elif ! cmp -s "$T_DIR/base" "$T_DIR/stated"; then
	diff "$T_DIR/base" "$T_DIR/stated" | sed -n 's/^[<>]/#  &/p'
fi

# --- 10-12: --help texts and routes in the pages ------------------------------
# has PAGE ERE: 1 if a line of PAGE matches.
has() { grep -Eq -- "$2" "$1"; }
END_W='([^A-Za-z0-9_-]|$)'

missing=
nopt=0
# Options: "  -c, --config FILE" lines and every --word outside the key
# table (whose lines start with "  --KEY=").  mdoc writes --config as
# "Fl -config".
for s in $(sed -n 's/^  -\([A-Za-z]\), --.*/\1/p' "$T_DIR/help"); do
	nopt=$((nopt + 1))
	has "$MAN8" "Fl $s$END_W" || missing="$missing -$s"
done
for l in $(grep -v '^  --[a-z0-9-]*=' "$T_DIR/help" |
    grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	has "$MAN8" "Fl ${l#-}$END_W" || missing="$missing $l"
done
# Subcommands: the lower-case words after "chorusd" on the usage lines,
# once the [optional] parts are gone ("user add NAME" gives "user add").
while read -r cmd; do
	[ -n "$cmd" ] || continue
	has "$MAN8" "Cm $cmd$END_W" || missing="$missing '$cmd'"
done < <(grep -E '^(usage: |  +)chorusd ' "$T_DIR/help" |
    sed -e 's/\[[^]]*\]//g' -e 's/^.*chorusd //' |
    awk '{ c = ""; for (i = 1; i <= NF && $i ~ /^[a-z]+$/; i++)
	c = c (c == "" ? "" : " ") $i; print c }' | sort -u)
[ $nopt -gt 0 ] && [ -z "$missing" ]
ok $? "chorusd(8) names every option and subcommand of chorusd --help"
[ -z "$missing" ] || diag "  not in chorusd.8:$missing"

missing=
"$CHORUS" --help >"$T_DIR/chelp" 2>&1
ncmd=0
while read -r cmd; do
	[ -n "$cmd" ] || continue
	ncmd=$((ncmd + 1))
	has "$MAN1" "Cm $cmd$END_W" || missing="$missing '$cmd'"
done < <(sed -n 's/^  chorus //p' "$T_DIR/chelp" | sed 's/\[[^]]*\]//g' |
    awk '{ c = ""; for (i = 1; i <= NF && $i ~ /^[a-z]+$/; i++)
	c = c (c == "" ? "" : " ") $i; print c }' | sort -u)
for l in $(grep -o -- '--[a-z][a-z0-9-]*' "$T_DIR/chelp" | sort -u) \
    --help --version; do
	has "$MAN1" "Fl ${l#-}$END_W" || missing="$missing $l"
done
[ $ncmd -gt 0 ] && [ -z "$missing" ]
ok $? "chorus(1) names every command and option of chorus --help ($ncmd commands)"
[ -z "$missing" ] || diag "  not in chorus.1:$missing"

# Routes: { "METHOD", "PATH", ... } rows of http_routes[].  A path ending
# in "/" takes one more segment; the page writes it "Ic GET /path/ Ns Ar x".
missing=
nroutes=0
while read -r method path; do
	nroutes=$((nroutes + 1))
	re=$(printf '%s' "$path" | sed 's/[.[\*^$]/\\&/g')
	case $path in
	*/) has "$MAN8" "Ic $method $re( |$)" ;;
	*)  has "$MAN8" "Ic $method $re([^A-Za-z0-9/_-]|$)" ;;
	esac || missing="$missing '$method $path'"
done < <(sed -n 's/^[[:space:]]*{[[:space:]]*"\(GET\|POST\|PUT\|DELETE\)",[[:space:]]*"\(\/[^"]*\)".*/\1 \2/p' \
    "$HTTP_C")
[ $nroutes -gt 0 ] && [ -z "$missing" ]
ok $? "chorusd(8) documents every route of daemon/http.c ($nroutes routes)"
[ -z "$missing" ] || diag "  not in chorusd.8:$missing"

# Metric families: the "# TYPE" lines of a running node's /metrics (the
# node network's families need dht = yes and are not checked here).
missing=
nfam=0
write_conf
if start; then
	api /metrics >"$T_DIR/metrics"
	for f in $(sed -n 's/^# TYPE \([a-z_:]*\) .*/\1/p' "$T_DIR/metrics"); do
		nfam=$((nfam + 1))
		has "$MAN8" "Li $f$END_W" || missing="$missing $f"
	done
fi
[ $nfam -gt 0 ] && [ -z "$missing" ]
ok $? "chorusd(8) names every metric family of /metrics ($nfam families)"
[ -z "$missing" ] || diag "  not in chorusd.8:$missing"
