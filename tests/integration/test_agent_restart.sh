#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Enforcement survives a restart: with --pin-dir the kernel keeps killing
# deny-listed execs after the daemon got SIGTERM, the next daemon adopts
# the pinned state (and reports what happened meanwhile), --detach-all
# removes it. The per-run pin dir is removed at exit in any case.
. "$(dirname "$0")/lib_agent.sh"

agent_rules
mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/kdevtmpfsi"

mw_start --rules "$T/rules" --enforce --pin-dir "$PIN" || finish
line=$(wait_for '.event.action == "started"')
expect "$line" '.minerwatch.adopted == false' "first daemon starts fresh"
[ -e "$PIN/links/handle_exec" ] && [ -e "$PIN/maps/mw_deny_names" ] &&
	ok "programs and maps pinned under the pin dir" || fail "nothing pinned in $PIN"
old_prog=$(bpftool -j link show pinned "$PIN/links/handle_exec" | jq -r .prog_id)
mw_stop

# No daemon runs now: the pinned programs still kill.
bash -c "echo \$\$ > $T/pid; exec $T/bin/kdevtmpfsi $T/marker"
rc=$?
gap_pid=$(cat "$T/pid")
[ "$rc" -eq 137 ] && [ ! -e "$T/marker" ] && ok "killed while no daemon ran" ||
	fail "between daemons: exit $rc, marker $([ -e "$T/marker" ] && echo present || echo absent)"

mw_start --rules "$T/rules" --enforce --pin-dir "$PIN" || finish
line=$(wait_for '.event.action == "started"')
expect "$line" '.minerwatch.adopted == true' "new daemon adopted the pinned state"
# The kill in the gap waited in the pinned alert ring: reported now.
line=$(wait_for ".event.action == \"kill\" and .process.pid == $gap_pid") &&
	expect "$line" '.minerwatch.response.where == "kernel" and .event.outcome == "success"' \
		"the kill done between daemons is reported by the new one" ||
	fail "no report of the kill done between daemons"
# The pinned link is ours now; the old program is gone (freed after RCU).
new_prog=$(bpftool -j link show pinned "$PIN/links/handle_exec" | jq -r .prog_id)
for i in $(seq 1 30); do
	bpftool prog show id "$old_prog" >/dev/null 2>&1 || break
	sleep 0.1
done
[ "$new_prog" != "$old_prog" ] && ! bpftool prog show id "$old_prog" >/dev/null 2>&1 &&
	ok "old exec program replaced and gone (prog $old_prog -> $new_prog)" ||
	fail "old exec program $old_prog still loaded (pinned link now $new_prog)"

# And the adopted daemon enforces as usual, once.
bash -c "echo \$\$ > $T/pid; exec $T/bin/kdevtmpfsi $T/marker"
rc=$?
pid=$(cat "$T/pid")
[ "$rc" -eq 137 ] && ok "adopted daemon kills" || fail "adopted daemon: exit $rc"
wait_for ".event.action == \"kill\" and .process.pid == $pid" >/dev/null ||
	fail "no kill event from the adopted daemon"
sleep 0.5
n=$(count_of ".event.kind == \"alert\" and .process.pid == $pid")
[ "$n" -eq 1 ] && ok "one alert per exec (no double generation)" || fail "$n alerts for one exec"
mw_stop

"$MW_BIN" --detach-all --pin-dir "$PIN" >/dev/null && [ ! -e "$PIN" ] &&
	ok "--detach-all removes the pins" || fail "--detach-all left $PIN"
bash -c "exec $T/bin/kdevtmpfsi $T/marker"
rc=$?
[ "$rc" -eq 0 ] && [ -e "$T/marker" ] && ok "after --detach-all nothing kills" ||
	fail "after --detach-all: exit $rc"

# Pinned state of an incompatible build (a settings map of another size):
# loaded fresh, the pins replaced.
mkdir -p "$PIN/maps" "$PIN/links"
bpftool map create "$PIN/maps/mw_config_map" type array key 4 value 8 entries 1 name mw_config_map
mw_start --rules "$T/rules" --enforce --pin-dir "$PIN" || finish
line=$(wait_for '.event.action == "started"')
expect "$line" '.minerwatch.adopted == false' "incompatible pinned state not adopted"
grep -q 'incompatible build' "$ERR" && ok "and the operator is told" || fail "no message about the incompatible state"
vs=$(bpftool -j map show pinned "$PIN/maps/mw_config_map" | jq -r .bytes_value)
[ "$vs" = 24 ] && ok "pins replaced by this build's maps" || fail "pinned settings map value size $vs"
bash -c "exec $T/bin/kdevtmpfsi $T/marker-c"
rc=$?
[ "$rc" -eq 137 ] && ok "and it enforces" || fail "after replacing the pins: exit $rc"
mw_stop
expect_valid_json
finish
