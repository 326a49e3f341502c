#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Sidecar: the daemon runs in the pod's pid namespace (unshare --pid
# --mount-proc) scoped to the pod's cgroup (--cgroup). The kernel names
# processes by host pid; kills and /proc look-ups must use the pod's. A
# process started in the pod with --donate-level (a userspace kill rule)
# is killed; before, both kills failed with "No such process".
. "$(dirname "$0")/lib.sh"

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG2" ] || skip "no cgroup v2 mount"
CG=$CG2/mw-test-$$-sidecar
mkdir "$CG" || skip "cannot create a cgroup under $CG2"
trap 'cleanup; rmdir "$CG" 2>/dev/null' EXIT

rules_copy
mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/worker"
cat >"$T/pod.sh" <<SH
echo \$\$ >"$CG/cgroup.procs"
"$MW_BIN" --no-config --stats-interval 0 --rules "$T/rules" --enforce --cgroup "$CG" >"$OUT" 2>"$ERR" &
d=\$!
for i in \$(seq 1 300); do grep -q '"action":"started"' "$OUT" && break; sleep 0.1; done
echo \$\$ >"$T/podpid"
timeout 30 "$T/bin/worker" "$T/ran" 20 --donate-level 1
echo \$? >"$T/rc"
kill -TERM \$d
wait \$d
SH
timeout 90 unshare --pid --fork --mount-proc bash "$T/pod.sh"
grep -q '"action":"started"' "$OUT" || fail "the daemon did not start in the pod's pid namespace"
rc=$(cat "$T/rc" 2>/dev/null)
[ "$rc" = 137 ] && ok "the pod's miner was killed (exit 137)" || fail "worker exit '$rc', want 137"
line=$(jq -c 'select(.event.action == "kill" and .rule.id == "MW-MINER-003")' "$OUT" | head -n 1)
[ -n "$line" ] || fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and (.process.vpid | type) == "number"' \
	"kill reported as a success, with the pod's pid as process.vpid"
expect_valid_json
finish
