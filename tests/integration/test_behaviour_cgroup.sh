#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# CPU by cgroup: a cgroup that keeps a core busy through many short
# processes, none of which lives long enough to be busy itself
# (model/cgroup_cpu.c). In a cgroup of our own below the cgroup2 mount:
# - a spawner script in a hidden temp dir starting ~1 s busy loops (copies
#   of bash in the same dir) one after another, two at a time: MW-BEH-001 within 30 s
#   with the evidence cgroup_cpu_busy and the cgroup's path;
# - the same shape of benign work (sha256sum runs from a plain bash loop)
#   in another cgroup: scored (cgroup_cpu_busy) but below 50, no alert.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need jq
CGM=$(awk '$9 == "cgroup2" && $4 == "/" {print $5; exit}' /proc/self/mountinfo)
[ -n "$CGM" ] || skip "no cgroup2 mount"
CG1=$CGM/mw-test-beh-$$
CG2=$CGM/mw-test-benign-$$
mkdir "$CG1" "$CG2" || skip "cannot create a cgroup under $CGM"
cg_cleanup() {
	local cg p
	for cg in "$CG1" "$CG2"; do
		[ -d "$cg" ] || continue
		for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		sleep 0.2
		rmdir "$cg" 2>/dev/null
	done
}
trap 'net_cleanup; cg_cleanup; cleanup' EXIT

# cg_wait JQ_CONDITION TIMEOUT_S: like wait_for, on the lines naming a
# cgroup only (--events makes the whole output large), by the clock.
cg_wait() {
	local end=$(($(date +%s) + $2)) line
	while [ "$(date +%s)" -le "$end" ]; do
		line=$(grep -F '"cgroup_cpu_busy"' "$OUT" | jq -c "select($1)" 2>/dev/null | head -n 1)
		[ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
		sleep 0.5
	done
	return 1
}

mkdir -p "$T/.c"
cp /bin/bash "$T/.c/burn"
# Two streams, as a miner runs one per core (and so that the cgroup gets
# its core on a machine other tests keep busy).
cat >"$T/.c/run.sh" <<SH
#!/bin/bash
burn() {
	for i in \$(seq 1 40); do
		'$T/.c/burn' -c 'e=\$((\$(date +%s%N) + 900000000)); while [ \$(date +%s%N) -lt \$e ]; do :; done'
	done
}
burn & burn
wait
SH
chmod +x "$T/.c/run.sh"
truncate -s 200M "$T/zero.img" # sparse: reading it costs CPU, not disk

mw_start --events || finish
start=$(date +%s)
bg timeout 40 bash -c "echo \$\$ >'$CG1/cgroup.procs'; exec '$T/.c/run.sh'"
line=$(cg_wait ".event.kind == \"alert\" and .rule.id == \"MW-BEH-001\"" 32) ||
	fail "no behaviour alert for the busy cgroup within 30 s"
secs=$(($(date +%s) - start))
if [ -n "$line" ]; then
	ok "busy cgroup: alert after ${secs}s"
	expect "$line" ".minerwatch.behaviour.cgroup.path == \"/${CG1#$CGM/}\"" "names the cgroup"
	expect "$line" '.minerwatch.behaviour.cgroup.cpu_pct >= 75 and .minerwatch.behaviour.score >= 50' "CPU and score"
	expect "$line" '[.minerwatch.behaviour.evidence[]] | index("exe_in_hidden_dir") != null and index("cpu_busy") == null' "evidence: the hidden dir, not one busy process"
	expect "$line" ".process.executable == \"$T/.c/burn\" or .process.executable == \"/usr/bin/bash\" or .process.executable == \"/bin/bash\"" "the stand-in is the spawner or a burner"
fi
n=$(grep -F '"cgroup_cpu_busy"' "$OUT" | jq -c 'select(.event.kind == "alert" and .rule.id == "MW-BEH-001")' | wc -l)
[ "$n" -eq 1 ] && ok "one alert for the busy run" || fail "$n alerts for one busy run"
cg_cleanup
mkdir "$CG2"

# Benign: sha256sum runs one after another, from a plain bash loop.
bg timeout 26 bash -c "echo \$\$ >'$CG2/cgroup.procs'; for i in \$(seq 1 200); do sha256sum '$T/zero.img' >/dev/null; done"
line=$(cg_wait ".event.action == \"behaviour\" and .minerwatch.behaviour.cgroup.path == \"/${CG2#$CGM/}\"" 30) ||
	log "the benign cgroup was never busy long enough to be scored (machine busy?)"
[ -n "$line" ] && expect "$line" '.minerwatch.behaviour.score < 50' "benign cgroup: scored below 50 ($(printf '%s' "$line" | jq -c .minerwatch.behaviour.evidence))"
n=$(count_of ".event.kind == \"alert\" and (.rule.id // \"\" | startswith(\"MW-BEH\")) and .minerwatch.behaviour.cgroup.path == \"/${CG2#$CGM/}\"")
[ "$n" -eq 0 ] && ok "no behaviour alert for the benign cgroup" || fail "$n behaviour alerts for benign work"
mw_stop
cg_cleanup
expect_valid_json
finish
