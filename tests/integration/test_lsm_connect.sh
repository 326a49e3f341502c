#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Connect deny at lsm/socket_connect (BPF-LSM kernels; skipped elsewhere):
# a connect to a denied pool address or port fails with EPERM before any
# packet leaves, and a block event names the destination; other
# destinations behave as before (nothing listens: ECONNREFUSED). Targets
# are loopback addresses only.
. "$(dirname "$0")/lib.sh"

rules_copy
mw_start --rules "$T/rules" --enforce --deny-connect 127.0.0.2 \
	--deny-connect 127.3.0.0/16 --deny-connect :14444 || finish
line=$(wait_for '.event.action == "started"')
if [ "$(printf '%s' "$line" | jq -r .minerwatch.hooks.connect_deny)" != lsm/socket_connect ]; then
	why=$(printf '%s' "$line" | jq -r '.minerwatch.hooks.lsm_unavailable // "no lsm/socket_connect"')
	[ "${MW_EXPECT_LSM:-0}" = 1 ] && { fail "this kernel should have BPF-LSM: $why"; finish; }
	mw_stop
	skip "connect deny needs BPF-LSM: $why"
fi
ip link set lo up 2>/dev/null
C=$MW_HELPERS/try_connect

out=$("$C" 127.0.0.2 3333); rc=$?
[ "$rc" -eq 1 ] && [ "$out" = EPERM ] && ok "connect to a denied address: EPERM" || fail "127.0.0.2: $out ($rc)"
out=$("$C" 127.3.4.5 80); rc=$?
[ "$rc" -eq 1 ] && ok "connect into a denied prefix: EPERM" || fail "127.3.4.5: $out ($rc)"
out=$("$C" 127.0.0.9 14444); rc=$?
[ "$rc" -eq 1 ] && ok "connect to a denied port: EPERM" || fail "port 14444: $out ($rc)"
out=$("$C" 127.0.0.9 3333); rc=$?
[ "$rc" -eq 2 ] && ok "other destination untouched ($out)" || fail "127.0.0.9:3333: $out ($rc)"

line=$(wait_for '.event.action == "block" and .destination.ip == "127.0.0.2"') || fail "no block event"
if [ -n "$line" ]; then
	expect "$line" '.destination.port == 3333 and .event.outcome == "success"' "block names port, success"
	expect "$line" '.minerwatch.response.hook == "lsm/socket_connect"' "names the hook"
	expect "$line" '.process.name == "try_connect"' "names the process"
fi
wait_for '.event.action == "block" and .destination.port == 14444' >/dev/null ||
	fail "no block event for the port"
[ "$(count_of '.event.action == "block" and .destination.ip == "127.0.0.9" and .destination.port == 3333')" -eq 0 ] &&
	ok "no block event for the allowed connect" || fail "allowed connect reported as blocked"
mw_stop
expect_valid_json

# Detect mode: the connect goes on; an alert says what would be refused.
mw_start --rules "$T/rules" --deny-connect 127.0.0.2 || finish
out=$("$C" 127.0.0.2 3333); rc=$?
[ "$rc" -eq 2 ] && ok "detect mode: connect not refused ($out)" || fail "detect mode: $out ($rc)"
line=$(wait_for '.event.kind == "alert" and .event.action == "block" and .destination.ip == "127.0.0.2"') ||
	fail "detect mode: no alert"
[ -n "$line" ] && expect "$line" '.minerwatch.response.taken == false and (.event.outcome // "") == ""' \
	"detect mode: alert says not taken"
mw_stop
expect_valid_json
finish
