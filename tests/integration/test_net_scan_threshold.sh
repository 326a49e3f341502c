#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scan alerts come when the fan-out threshold is crossed, while the scan
# still runs, not when its window closes; the final counts follow as a
# scan_end event. In enforce mode a scanner run from a temp or hidden path
# is killed at the crossing (MW-NET-011): a paced connect scan from /tmp/.x,
# and the real masscan copied to a hidden temp directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

netns_new scan || skip "cannot create a network namespace"
# Every address of the /24 is local to the namespace: refused at once.
ip -n "$NS" route add local 198.51.100.0/24 dev lo
SCAN_NS=$NS
now_ms() { date +%s%3N; }

rules_copy
mw_start --rules "$T/rules" || finish
# 100 hosts, one every 50 ms: the 32-host threshold falls ~1.6 s in, the
# scan ends ~5 s in and its window 1.5 s later.
t0=$(now_ms)
ip netns exec "$SCAN_NS" "$MW_HELPERS/mwnet" slowscan 198.51.100 100 445 50 >"$T/scan1.out" &
spid=$!
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-004\" and .process.pid == $spid" 8) ||
	fail "no scan alert"
t1=$(now_ms)
if [ -n "$line" ]; then
	kill -0 "$spid" 2>/dev/null && ok "alert while the scan still runs ($((t1 - t0)) ms after its start)" ||
		fail "alert only after the scan ended ($((t1 - t0)) ms)"
	[ $((t1 - t0)) -lt 4000 ] && ok "alert within 4 s of the first connect" || fail "alert $((t1 - t0)) ms after the start"
	expect "$line" '.minerwatch.net.hosts >= 32 and .minerwatch.net.hosts < 100 and .event.action == "scan"' \
		"alert carries the counts at the crossing"
fi
wait "$spid"
[ "$(cat "$T/scan1.out")" = "100 connects" ] && ok "detect mode: the scan ran to its end" || fail "scan: $(cat "$T/scan1.out")"
line=$(wait_for ".event.action == \"scan_end\" and .process.pid == $spid" 6) || fail "no scan_end summary"
[ -n "$line" ] && expect "$line" '.minerwatch.net.hosts == 100 and .minerwatch.net.connections == 100 and .event.kind == "event"' \
	"summary with the final counts when the window ends"
n=$(count_of ".rule.id == \"MW-NET-004\" and .process.pid == $spid")
[ "$n" -eq 1 ] && ok "one scan alert for the burst" || fail "$n scan alerts"
mw_stop

# Enforce: the same paced scan from a hidden temp directory is killed at
# the crossing.
mkdir -p "$T/.x"
cp "$MW_HELPERS/mwnet" "$T/.x/mwnet"
mw_start --rules "$T/rules" --enforce || finish
ip netns exec "$SCAN_NS" "$T/.x/mwnet" slowscan 198.51.100 100 445 50 >"$T/scan2.out" &
kpid=$!
wait "$kpid"
rc=$?
[ "$rc" -eq 137 ] && ok "scanner from $T/.x killed (exit 137)" || fail "scanner from a temp dir: exit $rc, $(cat "$T/scan2.out")"
line=$(wait_for ".event.action == \"kill\" and .process.pid == $kpid" 5) || fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .rule.id == "MW-NET-011"' "killed by MW-NET-011"

# Real masscan, copied to a hidden temp directory, through a packet socket.
if command -v masscan >/dev/null; then
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
	cp "$(command -v masscan)" "$T/.x/masscan"
	# 2000 ports at 100 packets/s: 20 s unless stopped.
	timeout 25 ip netns exec "$ATK" "$T/.x/masscan" 198.51.100.1 -p1-2000 --rate 100 \
		-e mwv1 --adapter-ip 198.51.100.2 --router-mac "$MAC" --wait 0 \
		>"$T/masscan.out" 2>&1 &
	mpid=$!
	line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-011\" and .process.name == \"masscan\"" 10) ||
		fail "no MW-NET-011 for masscan from $T/.x"
	line=$(wait_for ".event.action == \"kill\" and .rule.id == \"MW-NET-011\" and .process.name == \"masscan\"" 5) ||
		fail "masscan not killed"
	[ -n "$line" ] && expect "$line" '.event.outcome == "success"' "masscan from a hidden temp dir killed"
	wait "$mpid"
	rc=$?
	grep -q libpcap "$T/masscan.out" && fail "masscan cannot load libpcap (libpcap0.8: tools/deps.sh test)"
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ok "masscan ended early (exit $rc)" || fail "masscan ran on (exit $rc)"
else
	log "masscan not installed (tools/deps.sh test): its part skipped"
fi
mw_stop
expect_valid_json
finish
