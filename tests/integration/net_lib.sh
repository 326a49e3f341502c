#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# net_lib.sh - network namespaces for the network sensor's tests, sourced
# after lib.sh. Namespaces are named after the test and its pid, and
# removed on exit together with the processes started in them (by pid).
# Only addresses inside these namespaces (or loopback) are ever targets.

NETNS=()
NET_PIDS=()

net_cleanup() {
	local p n
	for p in "${NET_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${NET_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	NET_PIDS=()
	for n in "${NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	NETNS=()
}

# Run lib.sh's cleanup after ours (the daemon sees the namespaces go).
trap 'net_cleanup; cleanup' EXIT

# netns_new NAME: a fresh namespace mw-NAME-PID with lo up, its name in
# $NS (not printed: a $(...) subshell would lose the cleanup record).
netns_new() {
	NS="mw-$1-$$"
	ip netns add "$NS" || return 1
	NETNS+=("$NS")
	ip -n "$NS" link set lo up
}

# bg CMD...: start CMD in the background, remember its pid for cleanup.
# CMD must be a program (ip netns exec execs its command: same pid), not a
# shell function, so that the pid we end is the process itself.
bg() {
	"$@" &
	NET_PIDS+=($!)
}

# wait_file FILE PATTERN [TIMEOUT_S]: until FILE has a line matching.
wait_file() {
	local i
	for i in $(seq 1 $((${3:-5} * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

need() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (tools/deps.sh test)"
}
