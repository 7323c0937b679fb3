#!/usr/bin/env bash
# contrib/docker without a Docker engine: what can be checked is.
#  - compose.yaml: "docker-compose config -q" passes, and the file
#    describes three nodes of one private network (one network-id, one
#    network key made once, bootstrap through node1, own state volumes,
#    ports published as the nodes are configured);
#  - entrypoint.sh, run here on the built chorusd: CHORUS_* variables
#    become options, bad ones are refused with the variable's name, it
#    execs chorusd (SIGTERM to its PID stops the node), the health check;
#  - Dockerfile: every path it copies exists (in the source tree, or in
#    a "make install" with its configure directories), every package it
#    names exists, the runtime stage installs what chorusd and chorus
#    are linked with, EXPOSE matches the image's chorusd.conf;
#  - the three compose nodes, run from their compose environment through
#    the entrypoint in a network namespace with the compose addresses,
#    form their network.
# The test re-runs itself in a network namespace (the DHT binds every
# interface); without one, only the last part is skipped.
if [ -z "${CHORUS_DOCKER_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
	exec env CHORUS_DOCKER_NETNS=1 unshare -rn bash "$0" "$@"
fi
. "$top_srcdir/tests/integ/lib.sh"
NETNS=
if [ -n "${CHORUS_DOCKER_NETNS:-}" ] &&
    { ip link set lo up || ifconfig lo up; } 2>/dev/null; then
	NETNS=1
fi
plan 41

D="$top_srcdir/contrib/docker"
EP="$D/entrypoint.sh"
COMPOSE="$D/compose.yaml"

# skip_one DESCRIPTION REASON: one skipped test.
skip_one() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# results FILE N WHAT: TAP lines from a helper's N lines
# "ok|fail|skip<TAB>DESC<TAB>DETAIL" (its stderr in FILE.err); N failures
# if it did not write N lines.
results() {
	local st desc detail i
	if [ "$(grep -c . "$1")" != "$2" ]; then
		for i in $(seq "$2"); do ok 1 "$3 ($i)"; done
		cat "$1" "$1.err" | tail -20 | sed 's/^/#   /'
		return
	fi
	while IFS=$'\t' read -r st desc detail; do
		case $st in
		ok) ok 0 "$desc" ;;
		skip) skip_one "$desc" "$detail" ;;
		*) ok 1 "$desc"; echo "#   $detail" ;;
		esac
	done <"$1"
}

# $EPENV VAR=VALUE... ENTRYPOINT ARGS...: the entrypoint in a clean
# environment (no stray CHORUS_* variable), on the build tree's programs.
# A simple command, so that "... &" gives the entrypoint's own PID.
EPENV=(env -i PATH="$PATH" HOME="$T_DIR" CHORUSD="$CHORUSD" CHORUS="$CHORUS"
    CHORUSD_CONF="$T_DIR/no-such.conf" CHORUSD_DEFAULTS="$D/chorusd.conf")
ep() { "${EPENV[@]}" "$@"; }

# Processes to end at exit: the compose nodes, and children of an
# entrypoint that would not exec (which a SIGTERM would orphan).
NODE_PIDS=()
KIDS=()
cleanup_extra() {
	local p
	for p in "${NODE_PIDS[@]}" "${KIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
}
# kids PID: note PID's children.
kids() { KIDS+=($(ps -o pid= --ppid "$1" 2>/dev/null)); }

PYYAML=
python3 -c 'import yaml' 2>/dev/null && PYYAML=1

# --- compose.yaml ----------------------------------------------------------
mkdir -p "$T_DIR/compose"
if command -v docker-compose >/dev/null 2>&1; then
	(cd "$T_DIR" && env -u PUBLIC_IP docker-compose -f "$COMPOSE" config -q) \
	    >"$T_DIR/dc.out" 2>"$T_DIR/dc.err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T_DIR/dc.err" ]
	ok $? "docker-compose config -q accepts compose.yaml, with no warning"
	[ -s "$T_DIR/dc.err" ] && sed 's/^/#   /' "$T_DIR/dc.err" | head -20
	(cd "$T_DIR" && env -u PUBLIC_IP docker-compose -f "$COMPOSE" config) \
	    >"$T_DIR/compose.yaml" 2>/dev/null
else
	skip_one "docker-compose config -q accepts compose.yaml" \
	    "docker-compose is not installed"
	cp "$COMPOSE" "$T_DIR/compose.yaml"
fi

if [ -n "$PYYAML" ]; then
	env -u PUBLIC_IP python3 - "$T_DIR/compose.yaml" "$T_DIR/compose" \
	    >"$T_DIR/compose.res" 2>"$T_DIR/compose.res.err" <<'PY'
# Checks on the compose file (docker-compose's normalised output, or the
# file itself); writes each service's environment for the last part.
import ipaddress, json, os, re, sys

src, outdir = sys.argv[1], sys.argv[2]
res = []
def check(desc, cond, detail=""):
    res.append(("ok" if cond else "fail", desc, "" if cond else detail))

text = open(src).read()
# Without docker-compose: the ${VAR:-default} substitutions it would do.
text = re.sub(r"\$\{(\w+):?-([^}]*)\}", lambda m: os.environ.get(m.group(1), m.group(2)), text)
doc = __import__("yaml").safe_load(text)
svcs = doc.get("services", {})

def env(s):
    e = svcs[s].get("environment") or {}
    if isinstance(e, list):
        e = dict(x.split("=", 1) for x in e)
    return {k: "" if v is None else str(v) for k, v in e.items()}

def vols(s):
    out = []
    for v in svcs[s].get("volumes") or []:
        if isinstance(v, dict):
            out.append((v.get("source"), v.get("target"), bool(v.get("read_only"))))
        else:
            p = v.split(":")
            out.append((p[0], p[1], len(p) > 2 and "ro" in p[2].split(",")))
    return out

def ports(s):
    """(host_ip, published, target, proto), one per port."""
    out = []
    for p in svcs[s].get("ports") or []:
        if isinstance(p, dict):
            pub, tgt = str(p.get("published")), str(p.get("target"))
            ip, proto = p.get("host_ip", ""), p.get("protocol", "tcp")
        else:
            p, _, proto = str(p).partition("/")
            parts = p.rsplit(":", 2)
            ip = parts[0] if len(parts) == 3 else ""
            pub, tgt = parts[-2], parts[-1]
            proto = proto or "tcp"
        a = [int(x) for x in pub.split("-")]
        b = [int(x) for x in tgt.split("-")]
        pa, pb = list(range(a[0], a[-1] + 1)), list(range(b[0], b[-1] + 1))
        if len(pa) != len(pb):
            pb = [None] * len(pa)
        out += [(ip, x, y, proto) for x, y in zip(pa, pb)]
    return out

nodes = sorted(s for s in svcs if env(s).get("CHORUS_DHT") == "yes")
check("compose.yaml runs three DHT nodes", nodes == ["node1", "node2", "node3"],
      "DHT nodes: %s" % nodes)

# One private network: one network-id, one key file, made by a service
# the nodes wait for, in a volume they all mount read-only.
e = {s: env(s) for s in nodes}
ids = {e[s].get("CHORUS_NETWORK_ID") for s in nodes}
psk = {e[s].get("CHORUS_NETWORK_PSK_FILE") for s in nodes}
detail = "network ids %s, key files %s" % (ids, psk)
good = len(ids) == 1 and "" not in ids and None not in ids and len(psk) == 1 and None not in psk
if good:
    key = psk.pop()
    keydir = os.path.dirname(key)
    makers = [s for s in svcs
              if "keygen --psk --out %s" % key in " ".join(map(str, svcs[s].get("entrypoint") or svcs[s].get("command") or []))]
    good = len(makers) == 1
    detail = "services making %s: %s" % (key, makers)
    for s in nodes:
        kv = [v for v in vols(s) if v[1] == keydir]
        mk = [v for v in vols(makers[0]) if v[1] == keydir] if good else []
        dep = (svcs[s].get("depends_on") or {})
        dep = dep.get(makers[0], {}) if isinstance(dep, dict) and good else {}
        if not (kv and mk and kv[0][0] == mk[0][0] and kv[0][2]
                and dep.get("condition") == "service_completed_successfully"):
            good = False
            detail = "%s: key volume %s (maker's %s), depends_on %s" % (s, kv, mk, dep)
check("the nodes share one network-id and one network key, made once", good, detail)

# State: a named volume of its own per node, declared.
st = {s: [v[0] for v in vols(s) if v[1] == "/var/lib/chorus"] for s in nodes}
declared = set((doc.get("volumes") or {}).keys())
used = {v[0] for s in svcs for v in vols(s) if not v[0].startswith(("/", "."))}
check("each node keeps its state in a named volume of its own",
      all(len(st[s]) == 1 for s in nodes) and len({st[s][0] for s in nodes}) == 3
      and used <= declared, "state %s; volumes used %s, declared %s" % (st, used, declared))

# Bootstrap: every node but node1 reaches an earlier node's DHT port.
dht = {"%s:%s" % (e[s].get("CHORUS_LISTEN_ADDRESS"), e[s].get("CHORUS_DHT_PORT")): s for s in nodes}
boot = {s: e[s].get("CHORUS_BOOTSTRAP", "").split() for s in nodes}
check("node2 and node3 bootstrap through the other nodes' DHT addresses",
      not boot["node1"] and boot["node2"] and boot["node3"]
      and all(b in dht and dht[b] != s for s in nodes for b in boot[s])
      and any(dht.get(b) == "node1" for b in boot["node2"]),
      "bootstrap %s, DHT addresses %s" % (boot, dht))

# Ports: client port on UDP and TCP, the relay range exactly, the API on
# the host's loopback only; the same port inside and out; no clash.
bad = []
seen = {}
for s in nodes:
    p = ports(s)
    for ip, pub, tgt, proto in p:
        if pub != tgt:
            bad.append("%s: %s published as %s" % (s, tgt, pub))
        if (pub, proto) in seen:
            bad.append("%s: %s/%s also published by %s" % (s, pub, proto, seen[(pub, proto)]))
        seen[(pub, proto)] = s
    port = int(e[s].get("CHORUS_PORT", 0))
    http = int(e[s].get("CHORUS_HTTP_ADDRESS", ":0").rsplit(":", 1)[1])
    lo, hi = int(e[s].get("CHORUS_MIN_PORT", 0)), int(e[s].get("CHORUS_MAX_PORT", 0))
    want = {("", port, "udp"), ("", port, "tcp"), ("127.0.0.1", http, "tcp")}
    want |= {("", x, "udp") for x in range(lo, hi + 1)}
    got = {(ip, pub, proto) for ip, pub, tgt, proto in p}
    if got != want:
        bad.append("%s: published %d ports, want %d (missing %s, extra %s)" % (
            s, len(got), len(want), sorted(want - got)[:3], sorted(got - want)[:3]))
check("each node publishes its port, its relay range and its API on 127.0.0.1",
      not bad, "; ".join(bad))

# Addresses: each node listens on its fixed address on the compose network.
bad = []
for s in nodes:
    nets = svcs[s].get("networks") or {}
    addr = e[s].get("CHORUS_LISTEN_ADDRESS")
    ok_ = False
    for n, cfg in (nets.items() if isinstance(nets, dict) else []):
        if (cfg or {}).get("ipv4_address") == addr:
            subnets = [c.get("subnet") for c in
                       ((doc.get("networks") or {}).get(n) or {}).get("ipam", {}).get("config", [])]
            ok_ = any(ipaddress.ip_address(addr) in ipaddress.ip_network(x) for x in subnets if x)
    if not ok_:
        bad.append("%s: listen-address %s, networks %s" % (s, addr, nets))
check("each node listens on its fixed address in the compose network's subnet",
      not bad, "; ".join(bad))

for k in res:
    print("\t".join(k))

# For the last part: each node's environment, and the key maker's command
# (with "@VOL@NAME" for a volume's directory), one value a line.
if len(res) and res[1][0] == "ok":
    for s in nodes:
        with open(os.path.join(outdir, s + ".env"), "w") as f:
            for k, v in sorted(e[s].items()):
                for src_, tgt, _ in vols(s):
                    if v == tgt or v.startswith(tgt + "/"):
                        v = "@VOL@" + src_ + v[len(tgt):]
                f.write("%s=%s\n" % (k, v))
    cmd = svcs[makers[0]].get("entrypoint")
    with open(os.path.join(outdir, "netkey.cmd"), "w") as f:
        for w in cmd:
            for src_, tgt, _ in vols(makers[0]):
                w = w.replace(tgt, "@VOL@" + src_)
            f.write(w + "\n")
PY
	results "$T_DIR/compose.res" 6 "the compose checks"
else
	for d in "three DHT nodes" "one network-id and key" "state volumes" \
	    "bootstrap" "published ports" "fixed addresses"; do
		skip_one "compose.yaml: $d" "python3-yaml is not installed"
	done
fi

# --- entrypoint.sh -----------------------------------------------------------
check "entrypoint.sh is executable" test -x "$EP"

PORT=$(free_port)
HTTP_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
"${EPENV[@]}" CHORUS_STATE_DIR="$STATE" CHORUS_LISTEN_ADDRESS=127.0.0.1 \
    CHORUS_PORT="$PORT" CHORUS_TLS_PORT=0 CHORUS_HTTP_ADDRESS="127.0.0.1:$HTTP_PORT" \
    CHORUS_DASHBOARD_DIR="$top_srcdir/dashboard" CHORUS_LOG_LEVEL=debug \
    CHORUS_REGION= "$EP" >>"$LOG" 2>&1 &
PID=$!
up=1
for _ in $(seq 100); do
	curl -sf -o /dev/null "$BASE/api/v1/status" && { up=0; break; }
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
ok $up "the entrypoint starts chorusd; its API answers on CHORUS_HTTP_ADDRESS"
kids "$PID"
is "$(readlink "/proc/$PID/exe")" "$(readlink -f "$CHORUSD")" \
    "the entrypoint's PID is chorusd (exec)"
api /api/v1/status >"$T_DIR/status.json"
is "$(jq -r '[.listeners[] | select(.proto != "http") | .proto + " " + .address] | sort | join(",")' \
    "$T_DIR/status.json")" "tcp 127.0.0.1:$PORT,udp 127.0.0.1:$PORT" \
    "CHORUS_LISTEN_ADDRESS and CHORUS_PORT took effect"
is "$(api /api/v1/turn | jq -c .relay_ports)" '{"min":49152,"max":49251}' \
    "the image's chorusd.conf is read (its relay range)"
ep CHORUS_HTTP_ADDRESS="127.0.0.1:$HTTP_PORT" "$EP" healthcheck >/dev/null 2>&1
ok $? "healthcheck passes while the node runs"
contains "$LOG" "from the environment: .*CHORUS_PORT" "the log names the variables used"

kill -TERM "$PID"
wait_exit 10; ok $? "SIGTERM to the entrypoint's PID stops the node"
is "${STOP_RC:-none}" 0 "and it exits 0"
ep CHORUS_HTTP_ADDRESS="127.0.0.1:$HTTP_PORT" "$EP" healthcheck >"$T_DIR/hc.out" 2>&1
is $? 1 "healthcheck fails (1) when nothing answers"
ep CHORUS_HTTP_ADDRESS="0.0.0.0:$HTTP_PORT" CHORUS_TLS_PORT=0 \
    "$EP" healthcheck >"$T_DIR/hc.out" 2>&1
contains "$T_DIR/hc.out" "http://127\.0\.0\.1:$HTTP_PORT" \
    "healthcheck asks 127.0.0.1 when the API listens on 0.0.0.0"

# Bad variables stop it before chorusd runs, naming the variable.
ep CHORUS_HTTP_ADRESS=0.0.0.0:1 "$EP" >"$T_DIR/e1" 2>&1
[ $? -ne 0 ] && grep -q "CHORUS_HTTP_ADRESS" "$T_DIR/e1"
ok $? "an unknown CHORUS_ key is refused, naming the variable"
ep CHORUS_PORT=abc "$EP" >"$T_DIR/e2" 2>&1
[ $? -ne 0 ] && grep -q "CHORUS_PORT" "$T_DIR/e2" && grep -q '"abc"' "$T_DIR/e2"
ok $? "a bad value is refused with chorusd's reason and the variable"
ep CHORUS_AUTH_SECRET=s3cr3t-value "$EP" -t >"$T_DIR/e3" 2>&1
[ $? -ne 0 ] && grep -q "CHORUS_AUTH_SECRET" "$T_DIR/e3" && ! grep -q s3cr3t "$T_DIR/e3"
ok $? "a secret in the environment is refused, and not shown"

# Repeatable keys: one word, one option; "*" does not glob.
mkdir -p "$T_DIR/glob" && touch "$T_DIR/glob/a"
(cd "$T_DIR/glob" && ep CHORUS_BOOTSTRAP="n1.example:4222 n2.example:4223" \
    CHORUS_LISTEN_ADDRESS='*' CHORUS_REGION="eu west" "$EP" -t) >"$T_DIR/t.out" 2>&1
is "$(grep -E '^(bootstrap|listen-address|region) = ' "$T_DIR/t.out" | tr '\n' ,)" \
    "listen-address = 0.0.0.0,listen-address = ::,bootstrap = n1.example:4222,bootstrap = n2.example:4223,region = eu west," \
    "CHORUS_BOOTSTRAP=\"a b\" is two options, * stays *, other values whole"
conf_rep=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*CONF_F_REPEAT.*/\1/p' \
    "$top_srcdir/daemon/conf.c" | grep -vxE 'user|auth-secret' | sort | tr '\n' ' ')
ep_rep=$(sed -n 's/^REPEATABLE="\(.*\)"$/\1/p' "$EP" | tr ' ' '\n' | sort | tr '\n' ' ')
is "$ep_rep" "$conf_rep" "the entrypoint's repeatable keys are conf.c's (less secrets)"

# A file mounted at /etc/chorus/chorusd.conf replaces the image's.
printf 'region = mounted\n' >"$T_DIR/mounted.conf"
ep CHORUSD_CONF="$T_DIR/mounted.conf" "$EP" -t >"$T_DIR/m.out" 2>&1
grep -qx "region = mounted" "$T_DIR/m.out" &&
    grep -qx "http-address = 127.0.0.1:8440" "$T_DIR/m.out"
ok $? "a mounted chorusd.conf is read in place of the image's"
ep CHORUS_CONFIG="$T_DIR/mounted.conf" CHORUSD_CONF="$D/chorusd.conf" "$EP" -t >"$T_DIR/m2.out" 2>&1
grep -qx "region = mounted" "$T_DIR/m2.out" && grep -q "^chorus-entrypoint: configuration: $T_DIR/mounted.conf" "$T_DIR/m2.out"
ok $? "CHORUS_CONFIG names the file to read"

# chorusd's user commands get the variables (state-dir) before "user".
printf 'pw-of-alice\n' | ep CHORUS_STATE_DIR="$STATE" "$EP" user add alice >/dev/null 2>&1 &&
    ep CHORUS_STATE_DIR="$STATE" "$EP" user list 2>/dev/null >"$T_DIR/users"
grep -q "^alice realm=chorus" "$T_DIR/users"
ok $? "chorus-entrypoint user add/list work on the node's state directory"
is "$(ep "$EP" sh -c 'echo "$0 $1"' one two)" "one two" "other commands run as given"

# --- Dockerfile ----------------------------------------------------------------
# Install as the Dockerfile's build stage does: its configure directories.
# (The Dockerfile's lines joined, its comments left out.)
dirs=$(grep -v '^[[:space:]]*#' "$D/Dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' |
    grep -E '(^|[ /])configure ' | tr ' \t' '\n\n' |
    sed -n 's/^--\(prefix\|sysconfdir\|localstatedir\)=\([^ ]*\)$/\1=\2/p' | tr '\n' ' ')
# shellcheck disable=SC2086
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -C "$top_builddir" install \
    DESTDIR="$T_DIR/inst" $dirs >"$T_DIR/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(echo $dirs | wc -w)" = 3 ]
ok $? "make install DESTDIR=... $dirs (the Dockerfile's directories)"
[ $rc -eq 0 ] || tail -5 "$T_DIR/install.log" | sed 's/^/#   /'

python3 - "$top_srcdir" "$T_DIR/inst" "$CHORUSD" "$CHORUS" \
    >"$T_DIR/docker.res" 2>"$T_DIR/docker.res.err" <<'PY'
# Checks of the Dockerfile against the source tree, the installation and
# this Debian system's packages.  One result line per check.
import glob, json, os, re, shlex, subprocess, sys

top, inst, chorusd, chorus = sys.argv[1:5]
res = []
def check(desc, cond, detail=""):
    res.append(("ok" if cond else "fail", desc, "" if cond else detail))
def skip(desc, why):
    res.append(("skip", desc, why))
def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout

# Instructions: continuation lines joined, comments dropped.
instrs, cur = [], ""
for line in open(os.path.join(top, "contrib/docker/Dockerfile")):
    s = line.rstrip("\n")
    if s.strip().startswith("#") or (not cur and not s.strip()):
        continue
    if s.rstrip().endswith("\\"):
        cur += s.rstrip()[:-1] + " "
        continue
    cur += s
    if cur.strip():
        word, _, rest = cur.strip().partition(" ")
        instrs.append((word.upper(), rest.strip()))
    cur = ""

stages = []
for word, rest in instrs:
    if word == "FROM":
        w = rest.split()
        stages.append({"name": w[2] if len(w) == 3 and w[1].upper() == "AS" else None,
                       "base": w[0], "i": []})
    else:
        stages[-1]["i"].append((word, rest))
build, final = stages[0], stages[-1]

def runs(stage):
    for word, rest in stage["i"]:
        if word == "RUN":
            for seg in re.split(r"&&|;|\|\|", rest):
                yield shlex.split(seg)

def packages(stage):
    out = []
    for w in runs(stage):
        if "apt-get" in w and "install" in w[w.index("apt-get"):]:
            out += [x for x in w[w.index("install") + 1:] if not x.startswith("-")]
    return out

def copies(stage):
    for word, rest in stage["i"]:
        if word != "COPY":
            continue
        w = shlex.split(rest) if not rest.startswith("[") else json.loads(rest)
        flags = dict(x[2:].split("=", 1) for x in w if x.startswith("--"))
        w = [x for x in w if not x.startswith("--")]
        yield flags, w[:-1], w[-1]

def first(word, stage):
    for wd, rest in stage["i"]:
        if wd == word:
            return rest
    return None

conf = {}
destdir = None
for w in runs(build):
    if w and w[0].endswith("configure"):
        conf = dict(x[2:].split("=", 1) for x in w[1:] if "=" in x)
    if w[:2] == ["make", "install-strip"] or w[:2] == ["make", "install"]:
        destdir = dict(x.split("=", 1) for x in w[2:] if "=" in x).get("DESTDIR")
prefix = conf.get("prefix", "/usr/local")

# 1. Sources from the build context exist in the source tree.
missing = [s for st in stages for f, srcs, _ in copies(st) if "from" not in f
           for s in srcs if ".." in s or not os.path.exists(os.path.join(top, s))]
check("every COPY from the build context exists in the source tree",
      not missing, "missing: %s" % missing)

# 2. Sources from the build stage exist in the installation.
missing = []
for f, srcs, _ in copies(final):
    if "from" in f:
        for s in srcs:
            if f["from"] != build["name"] or not destdir or not s.startswith(destdir + "/") \
               or not os.path.exists(inst + s[len(destdir):]):
                missing.append(s)
check("every COPY --from=%s path exists after make install" % build["name"],
      not missing and destdir, "missing: %s (DESTDIR %s)" % (missing, destdir))

# 3. What the runtime stage runs and reads is what it copies.
def provided(path):
    for f, srcs, dest in copies(final):
        for s in srcs:
            base = inst + s[len(destdir):] if "from" in f else os.path.join(top, s)
            if path == dest and os.path.exists(base) or dest.endswith("/") and \
               path.startswith(dest) and os.path.exists(base + path[len(dest):]):
                return True
    return False
need = []
ent = json.loads(first("ENTRYPOINT", final) or "[null]")[0]
hc = (first("HEALTHCHECK", final) or "").partition("CMD")[2].strip()
hc = json.loads(hc)[0] if hc.startswith("[") else None
need += [ent, hc, prefix + "/share/chorus/dashboard/index.html"]
epdef = dict(re.findall(r'^: "\$\{(CHORUSD|CHORUS|CHORUSD_DEFAULTS):=([^}]*)\}"',
                        open(os.path.join(top, "contrib/docker/entrypoint.sh")).read(), re.M))
need += [epdef.get(k) for k in ("CHORUSD", "CHORUS", "CHORUSD_DEFAULTS")]
check("the runtime stage copies the entrypoint, health check, programs, "
      "defaults and dashboard", all(p and provided(p) for p in need),
      "not provided: %s" % [p for p in need if not (p and provided(p))])

# 4. Volume, user.
vol = json.loads(first("VOLUME", final) or "[]")
user = (first("USER", final) or "0").split(":")[0]
check("VOLUME is the state directory (localstatedir/lib/chorus), USER is a non-root uid",
      vol == [conf.get("localstatedir", "") + "/lib/chorus"] and user.isdigit() and user != "0",
      "VOLUME %s, localstatedir %s, USER %s" % (vol, conf.get("localstatedir"), user))

# 5. EXPOSE lists the ports of the image's chorusd.conf.
rc, out = run(chorusd, "-t", "-c", os.path.join(top, "contrib/docker/chorusd.conf"))
c = dict(l.split(" = ", 1) for l in out.splitlines() if " = " in l)
want = {(c["port"], "udp"), (c["port"], "tcp"), (c["tls-port"], "tcp"),
        (c["dht-port"], "udp"), (c["http-address"].rsplit(":", 1)[1], "tcp"),
        ("%s-%s" % (c["min-port"], c["max-port"]), "udp")} if rc == 0 else set()
got = set(tuple(x.split("/")) for x in (first("EXPOSE", final) or "").split())
check("EXPOSE lists the ports and relay range of the image's chorusd.conf",
      got == want and want, "EXPOSE %s, chorusd.conf %s" % (sorted(got), sorted(want)))

# 6. The build stage installs what scripts/dev builds with.
dev = re.search(r'PKGS_BUILD="([^"]*)"', open(os.path.join(top, "scripts/dev")).read())
dev = set(dev.group(1).split()) - {"libsystemd-dev"} if dev else {"scripts/dev: no PKGS_BUILD"}
check("the build stage installs scripts/dev's PKGS_BUILD (less libsystemd-dev)",
      dev <= set(packages(build)), "missing: %s" % sorted(dev - set(packages(build))))

# 7. Every package named exists in Debian 12.
named = packages(build) + packages(final)
lists = glob.glob("/var/lib/apt/lists/*_Packages*")
if not lists or run("sh", "-c", "command -v apt-cache")[0]:
    skip("every package the Dockerfile names exists", "no apt lists (apt-get update)")
else:
    found = re.findall(r"^Package: (\S+)", run("apt-cache", "show", "--no-all-versions", *named)[1], re.M)
    bad = sorted(set(named) - set(found))
    check("every package the Dockerfile names exists", not bad and named, "unknown: %s" % bad)

# 8, 9. Libraries: those chorusd and chorus name (NEEDED) come from the
# runtime stage's packages or the base image's; everything ldd loads is
# in the dependency closure of those.
# debian:bookworm-slim has libc6 (essential) and libsystemd0 (apt needs
# it); the image's chorusd is built without libsystemd, this one may not.
BASE = {"libc6", "libsystemd0"}
SAN = re.compile(r"^lib(a|ub|l|t|hwa)san\d+$")	# --enable-sanitizers builds
runtime = set(packages(final))

def pkg_of(path):
    real = os.path.realpath(path)
    for p in (path, real, re.sub(r"^/usr", "", real), "/usr" + path):
        rc, out = run("dpkg", "-S", p)
        if rc == 0:
            return {x.split(":")[0].strip() for x in out.split(": ", 1)[0].split(",")}
    return None

if run("sh", "-c", "command -v dpkg && command -v ldd")[0]:
    skip("chorusd's and chorus's libraries come from the runtime packages", "no dpkg or ldd")
    skip("every library ldd lists is in those packages' dependencies", "no dpkg or ldd")
else:
    libs, needed = {}, set()
    for b in (chorusd, chorus):
        for m in re.finditer(r"^\s*(\S+) => (/\S+)", run("ldd", b)[1], re.M):
            libs[m.group(1)] = m.group(2)
        rc, out = run("sh", "-c", "readelf -d '%s' 2>/dev/null || objdump -p '%s'" % (b, b))
        needed |= set(re.findall(r"(?:Shared library: \[|NEEDED\s+)([^\]\s]+)", out))
    pkgs = {so: pkg_of(p) for so, p in libs.items()}
    bad = ["%s (%s)" % (so, pkgs.get(so)) for so in sorted(needed)
           if so in libs and not (pkgs[so] and pkgs[so] & (runtime | BASE)
                                  or pkgs[so] and any(SAN.match(x) for x in pkgs[so]))]
    check("chorusd's and chorus's libraries come from the runtime packages",
          needed and not bad, "NEEDED %d; not installed: %s" % (len(needed), bad))
    if not lists:
        skip("every library ldd lists is in those packages' dependencies", "no apt lists")
    else:
        rc, out = run("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                      "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                      *sorted(runtime | BASE))
        closure = {l.strip() for l in out.splitlines() if not l.startswith(" ")}
        bad = ["%s (%s)" % (so, p) for so, p in sorted(pkgs.items(), key=lambda x: x[0])
               if not (p and (p & closure or any(SAN.match(x) for x in p)))]
        check("every library ldd lists is in those packages' dependencies",
              rc == 0 and len(libs) > 5 and not bad, "outside: %s" % bad)

for r in res:
    print("\t".join(r))
PY
results "$T_DIR/docker.res" 9 "the Dockerfile checks"

# --- the compose network, without Docker -----------------------------------------
# Each node as compose would run it: its environment through the
# entrypoint, on its compose address (added to the namespace's loopback),
# its volumes as directories.
N3="three compose nodes"
if [ -z "$NETNS" ]; then
	for d in "the netkey service makes the network key" "$N3 start" \
	    "$N3 form their network" "they publish their compose addresses"; do
		skip_one "$d" "no network namespace (unshare -rn)"
	done
elif [ ! -f "$T_DIR/compose/netkey.cmd" ]; then
	for d in "the netkey service makes the network key" "$N3 start" \
	    "$N3 form their network" "they publish their compose addresses"; do
		skip_one "$d" "compose.yaml was not parsed"
	done
else
	V="$T_DIR/vol"
	mkdir -p "$V" "$T_DIR/bin"
	ln -s "$CHORUS" "$T_DIR/bin/chorus"
	for v in $(sed -n 's/.*@VOL@\([A-Za-z0-9_-]*\).*/\1/p' "$T_DIR"/compose/*); do
		mkdir -p -m 700 "$V/$v"
	done
	mapfile -t cmd < <(sed "s|@VOL@|$V/|g" "$T_DIR/compose/netkey.cmd")
	PATH="$T_DIR/bin:$PATH" "${cmd[@]}" >/dev/null 2>&1 &&
	    PATH="$T_DIR/bin:$PATH" "${cmd[@]}" >/dev/null 2>&1
	key=$(sed -n "s|^CHORUS_NETWORK_PSK_FILE=@VOL@|$V/|p" "$T_DIR/compose/node1.env")
	[ -n "$key" ] && [ "$(stat -c %a "$key" 2>/dev/null)" = 600 ] &&
	    [ "$(tr -d '\n' <"$key" | wc -c)" = 64 ]
	ok $? "the netkey service makes the network key, and runs again harmlessly"

	started=0
	HPS=()
	want=
	for i in 1 2 3; do
		mapfile -t envs < <(sed "s|@VOL@|$V/|g" "$T_DIR/compose/node$i.env")
		addr=$(sed -n 's/^CHORUS_LISTEN_ADDRESS=//p' "$T_DIR/compose/node$i.env")
		ip addr add "$addr/32" dev lo 2>/dev/null
		"${EPENV[@]}" "${envs[@]}" CHORUS_STATE_DIR="$V/node$i-state" \
		    CHORUS_DASHBOARD_DIR="$top_srcdir/dashboard" CHORUS_LOG_LEVEL=debug \
		    "$EP" >"$T_DIR/node$i.log" 2>&1 &
		NODE_PIDS+=($!)
		hp=$(sed -n 's/^CHORUS_HTTP_ADDRESS=.*://p' "$T_DIR/compose/node$i.env")
		HPS+=("$hp")
		want="$want,$(sed -n 's/^CHORUS_REGION=//p' "$T_DIR/compose/node$i.env")=$addr"
		for _ in $(seq 50); do
			curl -sf -o /dev/null "http://127.0.0.1:$hp/api/v1/status" &&
			    { started=$((started + 1)); kids "$!"; break; }
			sleep 0.1
		done
	done
	is "$started" 3 "$N3 start from their compose environment"
	all=0
	for _ in $(seq 60); do
		all=1
		for hp in "${HPS[@]}"; do
			[ "$(curl -sf "http://127.0.0.1:$hp/api/v1/network/nodes" |
			    jq '.nodes | length')" = 3 ] || { all=0; break; }
		done
		[ $all = 1 ] && break
		sleep 0.5
	done
	ok $((1 - all)) "$N3 form their network: each holds the three descriptors"
	curl -sf "http://127.0.0.1:${HPS[2]}/api/v1/network/nodes" >"$T_DIR/nodes.json"
	is "$(jq -r '[.nodes[] | .region + "=" + .addresses[0].ip] | sort | join(",")' "$T_DIR/nodes.json")" \
	    "${want#,}" "they publish their compose addresses (region=address)"
	if [ "$T_FAIL" -ne 0 ]; then
		for i in 1 2 3; do tail -5 "$T_DIR/node$i.log" | sed "s/^/# node$i | /"; done
	fi
fi
finish
