#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A miner already running when the agent starts (installed on a host that is
# already compromised) is judged from /proc at start and, in enforce mode,
# killed; a benign long-running process is left alone.
. "$(dirname "$0")/lib.sh"

rules_copy
mkdir -p "$T/.bashtemp"
cp "$MW_HELPERS/marker" "$T/.bashtemp/xmrig"
"$T/.bashtemp/xmrig" "$T/ran" 60 --donate-level 1 &
mpid=$!
cp "$MW_HELPERS/marker" "$T/benign"
"$T/benign" "$T/ran2" 60 &
bpid=$!
sleep 0.3

mw_start --rules "$T/rules" --enforce || finish
wait "$mpid"
rc=$?
[ "$rc" -eq 137 ] && ok "running miner killed at start (exit 137)" || fail "running miner: exit $rc"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $mpid and .rule.id == \"MW-MINER-001\"") ||
	fail "no alert for the running miner"
if [ -n "$line" ]; then
	expect "$line" '.event.action == "running"' "alert says the process was already running"
	expect "$line" '.minerwatch.process.seen_at_start == true' "seen_at_start"
	expect "$line" ".process.executable == \"$T/.bashtemp/xmrig\"" "executable from /proc"
	expect "$line" '.process.args | index("--donate-level") != null' "args from /proc"
fi
line=$(wait_for ".event.action == \"kill\" and .process.pid == $mpid") || fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .minerwatch.response.where == "userspace"' \
	"kill reported, from userspace"
kill -0 "$bpid" 2>/dev/null && ok "benign process untouched" || fail "benign process died"
[ "$(count_of ".process.pid == $bpid and .event.kind == \"alert\" and .event.severity >= 50")" -eq 0 ] && ok "no alert of severity 50+ for the benign process" ||
	fail "benign process alerted"
kill "$bpid"
wait "$bpid" 2>/dev/null
mw_stop
finish
