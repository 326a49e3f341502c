#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A miner that daemonizes like xmrig -B: the program a kill rule matches
# forks (no exec) and exits before it is judged, and the fork runs on. In
# enforce mode the fork is judged as its parent: killed, and the act
# reported under the same rule (also two forks deep, as a double-fork
# daemon does). Detect mode kills nothing.
. "$(dirname "$0")/lib.sh"

rules_copy
mkdir -p "$T/bin"
# A neutral name: the rule that matches is the --donate-level one.
cp "$MW_HELPERS/forker" "$T/bin/worker"

# run_forker DEPTH: start it, print the pid of the fork that stays. The
# pid of the program itself is left in $T/parent.
run_forker() {
	rm -f "$T/child"
	# (stdout away: the fork would hold the caller's $(...) open 20 s)
	"$T/bin/worker" "$T/child" 20 "$1" --donate-level 1 >/dev/null 2>&1 &
	echo $! >"$T/parent"
	wait $! 2>/dev/null
	for i in $(seq 1 50); do
		[ -s "$T/child" ] && break
		sleep 0.1
	done
	cat "$T/child" 2>/dev/null
}

# gone PID: true when it ended within 5 s.
gone() {
	for i in $(seq 1 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

mw_start --rules "$T/rules" --enforce || finish
for depth in 1 2; do
	child=$(run_forker "$depth")
	if [ -z "$child" ]; then
		# Judged and killed before it could fork: the kill came first,
		# which is the better outcome, and there is no fork to judge.
		parent=$(cat "$T/parent")
		wait_for ".event.action == \"kill\" and .process.pid == $parent and .rule.id == \"MW-MINER-003\"" 5 >/dev/null &&
			ok "depth $depth: killed before it forked" ||
			fail "depth $depth: no fork pid and no kill of $parent"
		continue
	fi
	if gone "$child"; then
		ok "depth $depth: the fork of the judged miner was killed"
	else
		fail "depth $depth: fork $child still runs"
		kill -KILL "$child" 2>/dev/null
	fi
	line=$(wait_for ".event.action == \"kill\" and .process.pid == $child" 5) ||
		fail "depth $depth: no kill event for the fork"
	[ -n "$line" ] && expect "$line" \
		'.event.outcome == "success" and .rule.id == "MW-MINER-003" and (.minerwatch.response.inherited_from | length) == 16' \
		"depth $depth: reported under the parent's rule, naming it"
done
mw_stop

# Detect mode: alert only, the fork runs on.
mw_start --rules "$T/rules" || finish
child=$(run_forker 1)
[ -n "$child" ] || fail "detect: no fork pid"
wait_for '.event.kind == "alert" and .rule.id == "MW-MINER-003"' 5 >/dev/null || fail "detect: no alert"
if [ -n "$child" ]; then
	sleep 0.5
	kill -0 "$child" 2>/dev/null && ok "detect mode: the fork runs on" || fail "detect mode: the fork was killed"
	kill -KILL "$child" 2>/dev/null
fi
[ "$(count_of '.event.action == "kill"')" -eq 0 ] && ok "no kill in detect mode" || fail "a kill in detect mode"
mw_stop
expect_valid_json
finish
