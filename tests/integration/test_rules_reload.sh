#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A malformed rule file is refused with a message naming the problem, at
# start and on SIGHUP; after a refused reload the old rules keep working.
. "$(dirname "$0")/lib.sh"

rules_copy
mkdir -p "$T/bad"
cat >"$T/bad/bad.json" <<'JSON'
{"rules": [{"id": "BAD-1", "name": "typo", "event": "exec", "severity": 50,
  "mitre": {"techniques": ["T1496"]}, "action": "alert",
  "condition": {"field": "process.nmae", "eq": "x"}}]}
JSON
chmod 644 "$T/bad/bad.json"

msg=$("$MW_BIN" --check-rules "$T/bad/bad.json" 2>&1)
rc=$?
[ "$rc" -eq 3 ] && ok "--check-rules exits 3" || fail "--check-rules exit $rc"
echo "$msg" | grep -q "bad.json" && echo "$msg" | grep -q "BAD-1" && echo "$msg" | grep -q "process.nmae" &&
	ok "message names file, rule and field" || fail "message: $msg"
"$MW_BIN" --check-rules "$T/rules" >/dev/null 2>&1 && ok "default rules pass --check-rules" ||
	fail "default rules refused"

"$MW_BIN" --rules "$T/bad" >/dev/null 2>"$T/start.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "process.nmae" "$T/start.err" && ok "daemon refuses to start on bad rules" ||
	fail "start with bad rules: exit $rc"

mw_start --rules "$T/rules" || finish
cp "$T/bad/bad.json" "$T/rules/zz-bad.json"
kill -HUP "$MW_PID"
line=$(wait_for '.event.action == "rules_reload_failed"') || fail "no rules_reload_failed state event"
[ -n "$line" ] && expect "$line" '.minerwatch.error | test("process.nmae")' "reload error names the field"

mkdir -p "$T/.x"
cp "$MW_HELPERS/marker" "$T/.x/xmrig"
"$T/.x/xmrig" "$T/ran"
wait_for '.event.kind == "alert" and .rule.id == "MW-MINER-001"' >/dev/null &&
	ok "old rules still active after a refused reload" || fail "no alert after refused reload"

# A good reload takes effect: drop the miner rules, the same exec is quiet.
rm "$T/rules/zz-bad.json" "$T/rules/miners.json"
kill -HUP "$MW_PID"
wait_for '.event.action == "rules_reloaded"' >/dev/null && ok "good reload accepted" || fail "no rules_reloaded"
n=$(count_of '.rule.id == "MW-MINER-001"')
"$T/.x/xmrig" "$T/ran2"
sleep 1
[ "$(count_of '.rule.id == "MW-MINER-001"')" -eq "$n" ] && ok "removed rule no longer fires" ||
	fail "removed rule still fired"
mw_stop
finish
