#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lib_agent.sh - helpers of the agent tests (test_agent_*.sh), on top of
# lib.sh: rules of their own, a per-run bpffs pin dir and test cgroups,
# all removed at exit whatever happened.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIN=/sys/fs/bpf/mw-test-$$
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
AGENT_CGROUPS=()
AGENT_PIDS=()

agent_cleanup() {
	local p cg
	for p in "${AGENT_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	cleanup
	# Pins outlive the daemon by design: remove them on purpose.
	if [ -d "$PIN" ]; then
		"$MW_BIN" --detach-all --pin-dir "$PIN" >/dev/null ||
			echo "could not remove $PIN" >&2
	fi
	# Deepest first; anything still inside goes back to the root.
	for ((i = ${#AGENT_CGROUPS[@]} - 1; i >= 0; i--)); do
		cg=${AGENT_CGROUPS[$i]}
		[ -d "$cg" ] || continue
		while read -r p; do
			echo "$p" >"$CG2/cgroup.procs" 2>/dev/null
		done <"$cg/cgroup.procs"
		rmdir "$cg" 2>/dev/null || echo "could not remove $cg" >&2
	done
}
trap agent_cleanup EXIT

# A rule file of the tests' own: kill two miner names, alert on a program
# run from a hidden directory.
agent_rules() {
	mkdir -p "$T/rules"
	cat >"$T/rules/agent.json" <<'JSON'
{
  "rules": [
    {
      "id": "MW-TEST-KILL",
      "name": "Test miner name",
      "description": "A name from the test's deny list.",
      "event": "exec",
      "condition": {"field": "process.name", "in": ["kdevtmpfsi", "xmrig"]},
      "severity": 90,
      "mitre": {"tactic": "Impact", "techniques": ["T1496"]},
      "action": "kill"
    },
    {
      "id": "MW-TEST-HIDDEN",
      "name": "Program run from a hidden directory",
      "description": "Executable under a dot directory, named as the tests name it.",
      "event": "exec",
      "condition": {"all": [
        {"field": "process.executable", "contains": "/."},
        {"field": "process.name", "prefix": "mw-hostile"}
      ]},
      "severity": 70,
      "mitre": {"tactic": "Defense Evasion", "techniques": ["T1564.001"]},
      "action": "alert"
    }
  ]
}
JSON
	chmod -R a+rX "$T/rules"
}

# agent_cgroup PATH: create a cgroup (PATH relative to the cgroup2 mount,
# prefixed per run), removed at exit; its full path is left in $AGENT_CG.
# Not in a $(...): the list of what to remove lives in this shell.
agent_cgroup() {
	AGENT_CG=$CG2/mw-test-$$-$1
	[ -n "$CG2" ] || { echo "no cgroup2 mount" >&2; return 1; }
	mkdir "$AGENT_CG" || return 1
	AGENT_CGROUPS+=("$AGENT_CG")
}

# wait_file_lines FILE JQ_COND N [TIMEOUT_S]: wait until N lines of FILE
# match; prints the count reached.
wait_file_count() {
	local f=$1 cond=$2 n=$3 timeout=${4:-10} i c=0
	for i in $(seq 1 $((timeout * 10))); do
		c=$(jq -c "select($cond)" "$f" 2>/dev/null | wc -l)
		[ "$c" -ge "$n" ] && break
		sleep 0.1
	done
	printf '%s\n' "$c"
}
