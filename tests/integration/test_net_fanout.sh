#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Outbound fan-out: one process connects to 200 addresses (port 445, as a
# worm would) inside a test namespace. One scan alert (at the threshold
# crossing) and one scan_end with the final counts, not 200 of either.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

netns_new fan || skip "cannot create a network namespace"
# Every address of the /24 is local to the namespace: connects are refused
# at once, nothing leaves it.
ip -n "$NS" route add local 198.51.100.0/24 dev lo

rules_copy
mw_start --rules "$T/rules" || finish
out=$(ip netns exec "$NS" "$MW_HELPERS/mwnet" fanout 198.51.100 200 445)
[ "$out" = "200 connects" ] && ok "200 connects made" || fail "fanout: $out"
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-004"' 8) || fail "no scan alert"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.net.hosts >= 32 and .minerwatch.net.hosts <= 200' "counts the hosts at the crossing"
	expect "$line" '.minerwatch.net.ports == 1 and .event.action == "scan"' "one port"
	expect "$line" '.process.name == "mwnet"' "names the process"
	expect "$line" '.threat.technique.id | index("T1046") != null' "MITRE T1046"
fi
line=$(wait_for '.event.action == "scan_end"' 5) || fail "no scan_end summary"
[ -n "$line" ] && expect "$line" '.minerwatch.net.hosts == 200 and .minerwatch.net.connections == 200' \
	"summary counts 200 hosts and connections"
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-004"')
[ "$n" -eq 1 ] && ok "one scan alert, not one per connect" || fail "$n scan alerts"
# (other rules may alert on processes of the machine: count ours; a
# checkout under /tmp also gets MW-NET-011's per-burst alert, also a scan)
n=$(count_of '.event.kind == "alert" and (.rule.id | startswith("MW-NET")) and .event.action != "scan"')
[ "$n" -eq 0 ] && ok "no per-connect network alerts" || fail "$n per-connect network alerts"
mw_stop
expect_valid_json
finish
