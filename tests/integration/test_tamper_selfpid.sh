#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# "Is this us" is the daemon's tgid and its start time. After a crash with
# pinned programs (SIGKILL: no clean-up clears self_tgid) the kernel keeps
# killing; a process that gets the dead daemon's pid (clone3 set_tid, as a
# recycled pid would) and execs a deny-listed miner is killed too, not
# exempt as the daemon. The next daemon adopts and reports the kill.
. "$(dirname "$0")/lib_agent.sh"

agent_rules
mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/kdevtmpfsi"

mw_start --rules "$T/rules" --enforce --pin-dir "$PIN" || finish
dead=$MW_PID
line=$(wait_for '.event.action == "started"')
[ -n "$line" ] && expect "$line" ".minerwatch.self_tgid == $dead or (.minerwatch.self_tgid == null)" \
	"started (self_tgid $dead)"
kill -KILL "$dead"
wait "$dead" 2>/dev/null
MW_PID=
for i in $(seq 1 20); do
	kill -0 "$dead" 2>/dev/null || break
	sleep 0.1
done

# The dead daemon's pid, now for a miner.
"$MW_HELPERS/pidexec" "$dead" "$T/bin/kdevtmpfsi" "$T/marker"
rc=$?
if [ "$rc" -eq 3 ]; then
	skip "pid $dead was taken by another process before the test could reuse it"
fi
[ "$rc" -eq 137 ] && [ ! -e "$T/marker" ] &&
	ok "a miner with the crashed daemon's pid $dead is killed, not exempt" ||
	fail "miner under pid $dead: exit $rc, marker $([ -e "$T/marker" ] && echo present || echo absent)"
# Control: another pid is killed as well (the pinned programs are live).
bash -c "echo \$\$ > $T/pid; exec $T/bin/kdevtmpfsi $T/marker2"
rc=$?
[ "$rc" -eq 137 ] && ok "pinned programs kill with no daemon" || fail "control: exit $rc"

mw_start --rules "$T/rules" --enforce --pin-dir "$PIN" || finish
line=$(wait_for ".event.action == \"kill\" and .process.pid == $dead") &&
	expect "$line" '.minerwatch.response.where == "kernel" and .event.outcome == "success"' \
		"the kill under the reused pid is reported by the next daemon" ||
	fail "no report of the kill under pid $dead"
mw_stop
expect_valid_json
finish
