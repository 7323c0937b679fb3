#!/usr/bin/env bash
# The node network: six nodes bootstrap into a private DHT network on
# loopback, inside a network namespace this test makes (OpenDHT binds
# every interface: nothing can leave the namespace), publish their signed
# descriptors and find each other; a node of another network-id stays
# apart.  Each node keeps the verified descriptors in SQLite.
. "$top_srcdir/tests/integ/netns.sh"
plan 15

N=6
NODE_REGION=test-
node_up() { net_node "$1" "$2" "$CHORUSD" "${3:-}"; }
nodes() { net_get "$1" /api/v1/network/nodes; }

node_up 1 testnet; ok $? "node 1 starts its DHT"
for i in $(seq 2 $N); do node_up $i testnet "127.0.0.1:$DHT1" || break; done
ok $? "nodes 2-$N start and bootstrap through node 1"
node_up 7 othernet "127.0.0.1:$DHT1"; ok $? "a node of another network starts"

# Each node must come to hold all six descriptors.
all=0
for _ in $(seq 120); do
	all=1
	for i in $(seq $N); do
		[ "$(nodes $i | jq '.nodes | length')" = $N ] || { all=0; break; }
	done
	[ $all = 1 ] && break
	sleep 0.5
done
ok $((1 - all)) "every node found all $N nodes of its network"
for i in 1 $N; do
	nodes $i >"$T_DIR/nodes$i"
	fpr=$(net_get $i /api/v1/status | jq -r .node.fingerprint)
	is "$(jq -r '.nodes[] | select(.self) | .fingerprint' "$T_DIR/nodes$i")" "$fpr" \
	    "node $i lists itself once, with its own fingerprint"
done
is "$(jq -r '[.nodes[].region] | sort | join(",")' "$T_DIR/nodes1")" \
    "test-1,test-2,test-3,test-4,test-5,test-6" "descriptors carry each node's region"
is "$(jq '[.nodes[] | select(.region == "test-7")] | length' "$T_DIR/nodes1")" 0 \
    "the other network's node is not listed"
for _ in $(seq 40); do
	[ "$(nodes 7 | jq '.nodes | length')" = 1 ] && break
	sleep 0.25
done
sleep 2	# time for anything of the other network to arrive, if it could
is "$(nodes 7 | jq '[.nodes[] | .region] | join(",")')" '"test-7"' \
    "and it sees only itself"
is "$(jq '[.records.accepted] | .[0] > 0' "$T_DIR/nodes1")" true "records were verified and accepted"
is "$(sqlite3 "$T_DIR/n1/state/chorus.db" 'SELECT count(*) FROM netrecs WHERE kind = 1')" $N \
    "node 1 keeps the $N descriptors in SQLite"
is "$(jq '[.nodes[] | .addresses[0].ip] | unique | .[0]' "$T_DIR/nodes1")" '"127.0.0.1"' \
    "descriptors name the nodes' own addresses"

# A node on a wildcard address publishes its external-ip, and says so
# when it has none to publish rather than publishing nothing silently.
NODE_LISTEN='*' NODE_CONF="external-ip = 192.0.2.7" node_up 8 wild
for _ in $(seq 40); do
	[ "$(nodes 8 | jq '.nodes | length')" = 1 ] && break
	sleep 0.25
done
is "$(nodes 8 | jq -c '[.nodes[0].addresses[] | .ip] | unique')" '["192.0.2.7"]' \
    "a wildcard listener publishes external-ip"
NODE_LISTEN='*' node_up 9 wild2
sleep 1
is "$(nodes 9 | jq '.nodes | length')" 0 "no external-ip: no descriptor"
contains "$T_DIR/n9/log" "no address to publish: .*set external-ip" \
    "and the log says what to set"
finish
