#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Real masscan (the incident's scanner) against a host in a test namespace:
# it sends its own frames through a packet socket, which no connect hook
# sees. An alert names masscan (MW-NET-005, MW-RECON-001); a renamed copy
# on a range is known by its command line (MW-RECON-002); nmap is a port
# scanner (MW-RECON-003).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need masscan
netns_new msrv || skip "cannot create a network namespace"
SRV=$NS
netns_new matk || skip "cannot create a network namespace"
ATK=$NS
ip -n "$SRV" link add mwv0 type veth peer name mwv1 netns "$ATK"
ip -n "$SRV" addr add 198.51.100.1/24 dev mwv0
ip -n "$ATK" addr add 198.51.100.2/24 dev mwv1
ip -n "$SRV" link set mwv0 up
ip -n "$ATK" link set mwv1 up
MAC=$(ip -n "$SRV" -j link show mwv0 | jq -r '.[0].address')

rules_copy
mw_start --rules "$T/rules" || finish
# The target is the other end of the veth; masscan needs its MAC as the
# "router" and its own source address, since the namespace has no route.
timeout 20 ip netns exec "$ATK" masscan 198.51.100.1 -p22,80,445 --rate 100 \
	-e mwv1 --adapter-ip 198.51.100.2 --router-mac "$MAC" --wait 0 \
	>"$T/masscan.out" 2>&1
rc=$?
if grep -q "libpcap" "$T/masscan.out"; then
	skip "masscan cannot load libpcap (libpcap0.8: tools/deps.sh test)"
fi
[ "$rc" -eq 0 ] && ok "masscan ran" || fail "masscan exit $rc: $(tail -n 2 "$T/masscan.out")"
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-005"' 5) || fail "no raw-socket alert"
if [ -n "$line" ]; then
	expect "$line" '.process.name == "masscan"' "names masscan"
	expect "$line" '.minerwatch.net.socket.family == "packet"' "a packet socket"
	expect "$line" '.destination.ip == "198.51.100.1"' "names the first target"
fi
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-005"')
[ "$n" -eq 1 ] && ok "reported once per process" || fail "$n raw-socket alerts"
wait_for '.event.kind == "alert" and .rule.id == "MW-RECON-001" and .process.name == "masscan"' 5 >/dev/null &&
	ok "masscan executed: MW-RECON-001" || fail "no MW-RECON-001 for masscan"

# Renamed (a campaign's payload name), on a range: known by its command
# line (MW-RECON-002) and its name (MW-MINER-007), not by being masscan.
mkdir -p "$T/bin"
cp "$(command -v masscan)" "$T/bin/dbused"
timeout 20 ip netns exec "$ATK" "$T/bin/dbused" 198.51.100.1/32 -p22 --rate 100 \
	-e mwv1 --adapter-ip 198.51.100.2 --router-mac "$MAC" --wait 0 \
	>"$T/renamed.out" 2>&1 || fail "renamed masscan: $(tail -n 2 "$T/renamed.out")"
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-RECON-002" and .process.name == "dbused"' 5) ||
	fail "no MW-RECON-002 for the renamed masscan on a range"
[ -n "$line" ] && expect "$line" '.event.severity >= 50' "mass-scan command line: severity 50 or more"
wait_for '.event.kind == "alert" and .rule.id == "MW-MINER-007" and .process.name == "dbused"' 5 >/dev/null &&
	ok "a campaign payload's name: MW-MINER-007" || fail "no MW-MINER-007 for dbused"

# nmap, a connect scan of three ports: a port scanner (MW-RECON-003, weak).
if command -v nmap >/dev/null; then
	timeout 30 ip netns exec "$ATK" nmap -n -Pn -sT -p22,80,445 198.51.100.1 \
		>"$T/nmap.out" 2>&1 || fail "nmap: $(tail -n 2 "$T/nmap.out")"
	line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-RECON-003" and .process.name == "nmap"' 5) ||
		fail "no MW-RECON-003 for nmap"
	[ -n "$line" ] && expect "$line" '.event.severity < 50' "a port scanner alone is weak (below 50)"
else
	log "nmap not installed (tools/deps.sh test): MW-RECON-003 not run"
fi
mw_stop
expect_valid_json
finish
