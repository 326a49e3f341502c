#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The started event names the hook chosen per sensor and enforcement, and
# what the kernel allowed (minerwatch.features); --version --verbose
# prints the same probe. On a kernel without BPF-LSM (6.18 here) the
# tracepoint path runs and deny falls back to the kill at exec.
. "$(dirname "$0")/lib.sh"

rules_copy
mw_start --rules "$T/rules" || finish
line=$(wait_for '.event.action == "started"') || fail "no started event"
expect "$line" '.minerwatch.hooks.exec == "tp_btf/sched_process_exec"' "exec sensor on tp_btf"
expect "$line" '.minerwatch.hooks.programs | index("tp_btf/sched_process_exec") != null' \
	"programs lists the exec tracepoint"
expect "$line" '.minerwatch.features.tp_btf == true' "features: tp_btf"
expect "$line" '.minerwatch.features | has("lsm") and has("fentry") and has("kprobe") and has("cgroup_sock_addr")' \
	"features: lsm, fentry, kprobe, cgroup_sock_addr probed"
lsm=$(printf '%s' "$line" | jq -r .minerwatch.features.lsm)
log "kernel $(printf '%s' "$line" | jq -r .minerwatch.features.kernel): lsm=$lsm fentry=$(printf '%s' "$line" | jq -r .minerwatch.features.fentry)"
if [ "$lsm" = true ]; then
	expect "$line" '.minerwatch.hooks.exec_deny == "lsm/bprm_check_security"' "exec deny on BPF-LSM"
	expect "$line" '.minerwatch.hooks.connect_deny == "lsm/socket_connect"' "connect deny on BPF-LSM"
	expect "$line" '.minerwatch.hooks.file_deny | index("lsm/file_open") != null' "file deny on BPF-LSM"
else
	expect "$line" '.minerwatch.hooks.exec_deny == "tp_btf+SIGKILL"' "exec deny falls back to the kill at exec"
	expect "$line" '.minerwatch.hooks.connect_deny == "none" and .minerwatch.hooks.file_deny == "none"' \
		"no connect/file deny without BPF-LSM"
	expect "$line" '.minerwatch.hooks.programs | map(startswith("lsm/")) | any | not' "no lsm/ program loaded"
	expect "$line" '(.minerwatch.hooks.lsm_unavailable | length) > 0' "says why BPF-LSM is off"
fi
if [ "${MW_EXPECT_LSM:-0}" = 1 ]; then
	expect "$line" '.minerwatch.features.lsm == true and .minerwatch.features.fentry == true' \
		"this kernel has BPF-LSM and fentry"
fi
mw_stop

v=$("$MW_BIN" --version --verbose 2>&1)
printf '%s\n' "$v" | head -n 1 | grep -q '^minerwatch ' && ok "--version --verbose prints the version" ||
	fail "--version --verbose: $(printf '%s' "$v" | head -n 1)"
printf '%s\n' "$v" | tail -n +2 | jq -e ".lsm == $lsm and .choice.exec == \"tp_btf/sched_process_exec\"" >/dev/null &&
	ok "--version --verbose prints the same probe" || fail "--version --verbose features differ"
expect_valid_json
finish
