#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A block rule naming a destination port: in enforce mode the connect hook
# refuses the connection (EPERM) and reports the block; without --enforce
# the connection succeeds and the alert says what would have been done.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=$((20000 + $$ % 20000))
rules_copy
cat >"$T/rules/zz-test-block.json" <<JSON
{"rules": [{
  "id": "TEST-NET-BLOCK", "name": "test: block a port", "event": "net",
  "condition": {"field": "destination.port", "in": [$PORT]},
  "severity": 50, "mitre": {"techniques": ["T1496"]}, "action": "block"
}]}
JSON
bg "$MW_HELPERS/mwnet" listen 127.0.0.1 "$PORT" "$T/recv" 15 >"$T/listen"
wait_file "$T/listen" ready || fail "listener did not start"

mw_start --rules "$T/rules" || finish
out=$("$MW_HELPERS/mwnet" connect 127.0.0.1 "$PORT")
[ "$out" = connected ] && ok "detect mode: connect succeeds" || fail "detect mode: $out"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"TEST-NET-BLOCK\"") || fail "no alert in detect mode"
[ -n "$line" ] && expect "$line" ".destination.port == $PORT and .minerwatch.response.taken == false and .event.action == \"connect\"" "alert says it would block"
[ "$(count_of '.event.action == "block"')" -eq 0 ] && ok "no block act in detect mode" || fail "block act in detect mode"
mw_stop

mw_start --rules "$T/rules" --enforce || finish
out=$("$MW_HELPERS/mwnet" connect 127.0.0.1 "$PORT")
[ "$out" = EPERM ] && ok "enforce: connect fails with EPERM" || fail "enforce: $out, want EPERM"
line=$(wait_for ".event.action == \"block\" and .rule.id == \"TEST-NET-BLOCK\"") || fail "no block event"
if [ -n "$line" ]; then
	expect "$line" '.event.outcome == "success" and .minerwatch.response.where == "kernel"' "blocked in the kernel"
	expect "$line" ".destination.port == $PORT and .destination.ip == \"127.0.0.1\" and .process.name == \"mwnet\"" "names destination and process"
fi
# Another port is untouched.
out=$("$MW_HELPERS/mwnet" connect 127.0.0.1 "$((PORT + 1))")
[ "$out" = ECONNREFUSED ] && ok "other ports unaffected" || fail "other port: $out"
mw_stop
expect_valid_json
finish
