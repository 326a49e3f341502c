#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --enforce: a deny-listed program is killed in the kernel at exec, before
# its first instruction: the marker file it would create first never exists.
. "$(dirname "$0")/lib.sh"

rules_copy
mw_start --rules "$T/rules" --enforce || finish

mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/kdevtmpfsi"
bash -c "echo \$\$ > $T/pid; exec $T/bin/kdevtmpfsi $T/marker"
rc=$?
pid=$(cat "$T/pid")
[ "$rc" -eq 137 ] && ok "killed by SIGKILL (exit 137)" || fail "exit status $rc, want 137"
[ ! -e "$T/marker" ] && ok "marker absent: no instruction ran" || fail "marker exists: the program ran"

line=$(wait_for ".event.action == \"kill\" and .process.pid == $pid") || fail "no kill event"
if [ -n "$line" ]; then
	expect "$line" '.event.outcome == "success"' "kill outcome success"
	expect "$line" '.minerwatch.response.where == "kernel"' "killed in the kernel"
	expect "$line" '.rule.id == "MW-MINER-001"' "names the rule"
	expect "$line" ".process.executable == \"$T/bin/kdevtmpfsi\"" "names the process"
fi
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $pid and .rule.id == \"MW-MINER-001\"") ||
	fail "no alert"
[ -n "$line" ] && expect "$line" '.minerwatch.response.taken == true' "alert says the kill was taken"

# A #! script named like a miner: the kernel runs its interpreter, comm
# still names the script.
printf '#!/bin/sh\ntouch %s\n' "$T/marker2" >"$T/bin/xmrig"
chmod +x "$T/bin/xmrig"
"$T/bin/xmrig"
rc=$?
[ "$rc" -eq 137 ] && [ ! -e "$T/marker2" ] && ok "script named like a miner killed at exec" ||
	fail "script: exit $rc, marker2 $( [ -e "$T/marker2" ] && echo present || echo absent)"

# A renamed miner: no deny-listed name, but a miner command line. The
# userspace rule kills it through a pidfd (it runs briefly first).
cp "$MW_HELPERS/marker" "$T/bin/kworkerd"
"$T/bin/kworkerd" "$T/marker4" 10 --donate-level 1 &
upid=$!
wait "$upid"
rc=$?
[ "$rc" -eq 137 ] && ok "renamed miner killed from userspace (exit 137)" || fail "renamed miner: exit $rc"
line=$(wait_for ".event.action == \"kill\" and .process.pid == $upid") || fail "no userspace kill event"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.response.where == "userspace" and .event.outcome == "success"' \
		"userspace kill reported with success"
	expect "$line" '.rule.id | startswith("MW-MINER-")' "names a miner rule"
fi
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $upid") || fail "no alert for the renamed miner"
[ -n "$line" ] && expect "$line" '(.process.hash.sha256 | length) == 64' "alert carries the executable's sha256"

# Something benign with a similar shape runs untouched.
cp "$MW_HELPERS/marker" "$T/bin/benign"
"$T/bin/benign" "$T/marker3"
[ -e "$T/marker3" ] && ok "benign program unaffected" || fail "benign program did not run"

mw_stop
expect_valid_json
finish
