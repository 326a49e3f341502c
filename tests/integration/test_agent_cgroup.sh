#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --cgroup: the daemon sees the processes of a test cgroup (and its
# children) and not the others; the filter is in the kernel, so the rest
# is counted as scope_filtered and never crosses the ring buffer.
. "$(dirname "$0")/lib_agent.sh"

[ -n "$CG2" ] || skip "no cgroup v2 mount"
agent_rules
agent_cgroup scope || finish
cg=$AGENT_CG
agent_cgroup scope/child || finish
mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/mw-inside"
cp "$MW_HELPERS/marker" "$T/bin/mw-outside"
cp "$MW_HELPERS/marker" "$T/bin/mw-nested"

# A "miner" already running outside the scope when the daemon starts: the
# start-up judgement of running processes (learned from /proc, which no
# kernel filter scopes) must leave it alone. Detect mode: it is not ours.
cp /bin/sleep "$T/bin/xmrig"
"$T/bin/xmrig" 60 &
outside_pid=$!
mw_start --rules "$T/rules" --events --cgroup "$cg" --control "$T/ctl.sock" || finish
line=$(wait_for '.event.action == "started"')
expect "$line" ".minerwatch.cgroup == \"$cg\"" "started names the scope"

# A shell moved into the cgroup runs the inside program; another stays out.
bash -c "echo \$\$ > $cg/cgroup.procs && exec $T/bin/mw-inside $T/m1"
bash -c "echo \$\$ > $cg/child/cgroup.procs && exec $T/bin/mw-nested $T/m2"
"$T/bin/mw-outside" "$T/m3"

wait_for '.event.action == "exec" and .process.name == "mw-inside"' >/dev/null &&
	ok "exec inside the cgroup seen" || fail "exec inside the cgroup not seen"
wait_for '.event.action == "exec" and .process.name == "mw-nested"' >/dev/null &&
	ok "exec in a child cgroup seen" || fail "exec in a child cgroup not seen"
sleep 0.5
n=$(count_of '.process.name == "mw-outside"')
[ "$n" -eq 0 ] && ok "exec outside the cgroup not reported" || fail "$n events of the outside exec"
n=$(count_of '.event.kind == "event" and .process.name != "mw-inside" and .process.name != "mw-nested" and .process.name != "bash"')
[ "$n" -eq 0 ] && ok "no other process of the host reported" || fail "$n events from outside the scope"

status=$("$MW_BIN" --status --control "$T/ctl.sock")
expect "$status" '.minerwatch.counters.scope_filtered > 0' "--status counts what the kernel filtered out"
expect "$status" '.event.action == "status" and .minerwatch.counters.rules == 2' "--status answers with the counters"
mode=$(stat -c %a "$T/ctl.sock")
[ "$mode" = 600 ] && ok "control socket is 0600" || fail "control socket mode $mode"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MW_BIN" --status --control "$T/ctl.sock" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && ok "--status refused to a non-root user" || fail "non-root --status got: $out"

n=$(count_of ".process.pid == $outside_pid")
[ "$n" -eq 0 ] && ok "a process running outside the scope at start is not judged" ||
	fail "$n lines about the running process outside the scope"
kill "$outside_pid" 2>/dev/null
wait "$outside_pid" 2>/dev/null

mw_stop
expect_valid_json
finish
