#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A real XMRig as an attacker runs it: copied under an ordinary name, no
# arguments (pool, wallet and options in the config.json beside it), mining
# over TLS on port 443 to a pool whose name comes from /etc/hosts (no DNS
# packet), and a TLS client that names the pool in its ClientHello.
#
# - openssl s_client -servername POOL: the server name is reported as
#   tls.client.server_name and matched against the pool-domain list
#   (MW-NET-009, T1496).
# - XMRig 6.16 sends no server name (SNI came in XMRig 6.18): the name is
#   the one the miner's own hosts file gives the address
#   (destination.domain, minerwatch.net.domain_source "hosts"), matched
#   against the same list (MW-NET-010, T1496): an alert in detect mode, the
#   miner killed in enforce mode.
# - XMRig mining to the pool's address (no name anywhere), default rules:
#   the behaviour half (busy, miner config beside it) raises T1496.
#
# Runs in a network namespace with only lo; /etc/hosts is a bind mount in
# a private mount namespace (the real file is never touched); the miner
# has one thread and a timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/xmrig_lib.sh"

need jq
need openssl
need python3
export MW_XMRIG_CACHE=${MW_XMRIG_CACHE:-/var/tmp/mw-xmrig-cache}
XMRIG_CACHE=$MW_XMRIG_CACHE
xmrig_fetch

POOL=eu.pool.mw-test-mining.example
rules_copy
# The test's pool name is a pool-domain entry, as supportxmr.com is.
jq '.lists.pool_domains += ["*.mw-test-mining.example"]' "$T/rules/network.json" >"$T/nj" &&
	mv "$T/nj" "$T/rules/network.json" && chmod 644 "$T/rules/network.json"
netns_new tls || skip "cannot create a network namespace"
xmrig_tls_cert "$T" "$POOL" || skip "openssl cannot make a certificate"
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$POOL" >"$T/hosts"
mkdir -p "$T/opt/sync"
cp "$XMRIG" "$T/opt/sync/dbus-sync" # an ordinary name
xmrig_config "$T/opt/sync/config.json" "$POOL:443" 1

# run_miner TAG: start the miner in the namespace with the hosts file,
# its pid in $T/TAG.pid, its output in $T/TAG.out.
run_miner() {
	bg timeout 60 ip netns exec "$NS" unshare -m --propagation private \
		bash -c "mount --bind '$T/hosts' /etc/hosts && echo \$\$ >'$T/$1.pid' && cd / && exec '$T/opt/sync/dbus-sync'" \
		>"$T/$1.out" 2>&1
	wait_file "$T/$1.pid" . 5 || fail "$1: miner did not start"
	MINER=$(cat "$T/$1.pid")
}

start_pool() {
	: >"$T/$1.log"
	bg ip netns exec "$NS" python3 "$MW_ROOT/tests/integration/helpers/fakepool.py" \
		--port 443 --tls "$T/pool.crt" "$T/pool.key" --log "$T/$1.log" --timeout 60
	sleep 0.5
}

# Detect mode: alert, the miner keeps mining (the pool sees its login).
mw_start --rules "$T/rules" || finish
start_pool pool1
# A client that sends the server name (SNI), through the same hosts file.
timeout 5 ip netns exec "$NS" unshare -m --propagation private bash -c \
	"mount --bind '$T/hosts' /etc/hosts && echo \$\$ >'$T/sc.pid' && exec openssl s_client -servername $POOL -connect $POOL:443" \
	</dev/null >"$T/sc.out" 2>&1
SC=$(cat "$T/sc.pid")
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-009\" and .process.pid == $SC" 10) ||
	fail "no pool-SNI alert for openssl s_client"
if [ -n "$line" ]; then
	expect "$line" ".tls.client.server_name == \"$POOL\"" "SNI reported as tls.client.server_name"
	expect "$line" '.threat.technique.id | index("T1496") != null' "SNI alert: T1496"
	expect "$line" '.destination.port == 443 and .network.protocol == "tls" and .tls.version_protocol == "tls"' "SNI alert: port and protocol"
	expect "$line" '(.minerwatch.net.tls.ja4 | test("^t1[23]d[0-9]{4}"))' "SNI alert: a JA4-style fingerprint"
fi
run_miner m1
wait_file "$T/pool1.log" login 30 && ok "detect: XMRig logged in to the TLS pool" ||
	fail "detect: no login over TLS ($(tail -n 5 "$T/m1.out" | tr '\n' ' '))"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-010\" and .process.pid == $MINER" 15) ||
	fail "no pool alert for the XMRig TLS flow"
if [ -n "$line" ]; then
	expect "$line" ".destination.domain == \"$POOL\" and .minerwatch.net.domain_source == \"hosts\"" "pool name from the miner's hosts file"
	expect "$line" '.tls.client.server_name == null' "XMRig 6.16 sends no server name"
	expect "$line" '.threat.technique.id | index("T1496") != null' "T1496"
	expect "$line" '.process.name == "dbus-sync" and .destination.port == 443 and .network.protocol == "tls"' "names the process and the port"
	expect "$line" '(.minerwatch.net.tls.ja4 | test("^t13i[0-9]{4}00_"))' "a JA4-style fingerprint (no SNI, no ALPN)"
	expect "$line" '.minerwatch.response.taken == false' "detect mode: not killed"
fi
kill -0 "$MINER" 2>/dev/null && ok "detect: the miner still runs" || fail "detect: the miner is gone"
kill "$MINER" 2>/dev/null
mw_stop
net_cleanup
netns_new tls2 || fail "netns"

# Enforce mode: the same miner is killed at its ClientHello. Without the
# content worker, which would kill this XMRig by its bytes first
# (MW-CONTENT-001, test_content_xmrig): this is the network path's kill.
mw_start --rules "$T/rules" --enforce --no-content || finish
start_pool pool2
run_miner m2
line=$(wait_for ".event.action == \"kill\" and .process.pid == $MINER" 30) || fail "enforce: no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .rule.id == "MW-NET-010"' "enforce: killed by the pool-name rule"
sleep 0.5
kill -0 "$MINER" 2>/dev/null && fail "enforce: the miner still runs" || ok "enforce: the miner is gone"
mw_stop
net_cleanup
netns_new tls3 || fail "netns"

# No name at all (the pool by address, default rules): the behaviour half
# still catches it, busy with a miner config beside it.
xmrig_config "$T/opt/sync/config.json" "127.0.0.1:443" 1
# Enforce mode above may have quarantined the binary after a content
# kill (the default rules scan content): run a fresh copy.
cp "$XMRIG" "$T/opt/sync/dbus-sync"
mw_start --rules "$MW_ROOT/rules" || finish
start_pool pool3
run_miner m3
line=$(wait_for ".event.kind == \"alert\" and (.rule.id | startswith(\"MW-BEH\")) and .process.pid == $MINER" 40) ||
	fail "no behaviour alert for XMRig mining to an address"
[ -n "$line" ] && expect "$line" '([.minerwatch.behaviour.evidence[]] | index("cpu_busy") != null and index("miner_config") != null) and (.threat.technique.id | index("T1496") != null)' "behaviour alert: busy, miner config, T1496"
n=$(count_of '.event.kind == "alert" and (.rule.id == "MW-NET-009" or .rule.id == "MW-NET-010")')
[ "$n" -eq 0 ] && ok "no pool name to match: no name alert" || fail "$n pool-name alerts without a name"
kill "$MINER" 2>/dev/null
mw_stop
expect_valid_json
finish
