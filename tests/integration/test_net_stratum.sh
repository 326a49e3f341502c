#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Stratum on an unusual port: a fake pool on loopback receives an
# XMRig-style login. Detect mode: one alert naming the method, process and
# destination. Enforce mode: the kernel cuts the flow before the login
# leaves (the pool receives nothing) and the process is killed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=$((20000 + $$ % 20000))
rules_copy
mkdir -p "$T/bin"
# A neutral name: this is about the protocol, not the program's name.
cp "$MW_HELPERS/mwnet" "$T/bin/worker"

mw_start --rules "$T/rules" || finish
bg "$MW_HELPERS/mwnet" listen 127.0.0.1 "$PORT" "$T/pool1" 8 >"$T/listen1"
wait_file "$T/listen1" ready || fail "fake pool did not start"
"$T/bin/worker" stratum 127.0.0.1 "$PORT" >"$T/w1" &
wpid=$!
wait "$wpid"
grep -q reply "$T/w1" && ok "detect mode: the pool answered" || fail "detect mode: no reply ($(cat "$T/w1"))"
grep -q '"method":"login"' "$T/pool1" && ok "detect mode: login reached the pool" || fail "login did not reach the pool"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-003\"") || fail "no stratum alert"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.net.stratum.method == "login"' "names the stratum method"
	expect "$line" "(.minerwatch.net.stratum.agent | startswith(\"XMRig/\"))" "names the miner agent"
	expect "$line" ".process.pid == $wpid and .process.name == \"worker\"" "names the process"
	expect "$line" ".destination.ip == \"127.0.0.1\" and .destination.port == $PORT" "names the destination"
	expect "$line" '.network.protocol == "stratum" and .network.transport == "tcp"' "network fields"
	expect "$line" '.minerwatch.response.taken == false' "detect mode: kill not taken"
fi
sleep 0.5
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-003"')
[ "$n" -eq 1 ] && ok "exactly one stratum alert" || fail "$n stratum alerts, want 1"
mw_stop

mw_start --rules "$T/rules" --enforce || finish
PORT2=$((PORT + 1))
bg "$MW_HELPERS/mwnet" listen 127.0.0.1 "$PORT2" "$T/pool2" 8 >"$T/listen2"
wait_file "$T/listen2" ready || fail "fake pool did not start"
bash -c "echo \$\$ > $T/wpid; exec $T/bin/worker stratum 127.0.0.1 $PORT2" >"$T/w2" 2>/dev/null
rc=$?
wpid=$(cat "$T/wpid")
[ "$rc" -eq 137 ] && ok "enforce: worker killed (exit 137)" || fail "enforce: worker exit $rc, want 137"
sleep 0.3
[ ! -s "$T/pool2" ] && ok "enforce: the login never reached the pool" || fail "enforce: pool received: $(head -c 80 "$T/pool2")"
line=$(wait_for ".event.action == \"block\" and .process.pid == $wpid") || fail "no block event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .minerwatch.response.where == "kernel" and .rule.id == "MW-NET-003"' "flow cut in the kernel"
line=$(wait_for ".event.action == \"kill\" and .process.pid == $wpid") || fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success"' "kill reported"
mw_stop
expect_valid_json
finish
