#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A program named like a miner, run from a hidden directory (as in the
# incident's /root/.bashtemp), raises alerts with pid, executable, args,
# parent and technique id. Detect mode: it runs, nothing is killed.
. "$(dirname "$0")/lib.sh"

rules_copy
mw_start --rules "$T/rules" || finish

# /root is a tmpfs in a private mount namespace: the real path, nothing kept.
in_private_ns "
	mount -t tmpfs tmpfs /root
	mkdir /root/.bashtemp
	cp '$MW_HELPERS/marker' /root/.bashtemp/xmrig
	cd /root/.bashtemp
	bash -c 'echo \$\$ > $T/pid; exec ./xmrig $T/ran --threads 2'
"
pid=$(cat "$T/pid")

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-MINER-001\" and .process.pid == $pid") ||
	fail "no known-miner alert for pid $pid"
if [ -n "$line" ]; then
	expect "$line" '.process.executable == "/root/.bashtemp/xmrig"' "executable resolved to the absolute path"
	expect "$line" '.process.name == "xmrig"' "process.name"
	expect "$line" ".process.args == [\"./xmrig\", \"$T/ran\", \"--threads\", \"2\"]" "process.args"
	expect "$line" '.process.working_directory == "/root/.bashtemp"' "working directory"
	expect "$line" '.process.parent.name == "bash"' "parent is the bash that exec'd... its parent"
	expect "$line" '(.process.parent.pid | type) == "number"' "parent pid"
	expect "$line" '.threat.technique.id | index("T1496") != null' "technique T1496"
	expect "$line" '.event.severity >= 70' "high severity"
	expect "$line" '.minerwatch.response.action == "kill" and .minerwatch.response.taken == false' \
		"detect mode says what it would have done"
	expect "$line" '(.process.entity_id | length) == 16' "entity id"
	expect "$line" '.process.user.id == "0"' "user id"
fi
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-EXEC-001\" and .process.pid == $pid") ||
	fail "no hidden-directory alert"
[ -n "$line" ] && expect "$line" '.threat.technique.id | length > 0' "hidden-dir alert has technique ids"
[ -f "$T/ran" ] && ok "detect mode let the program run" || fail "program did not run in detect mode"
[ "$(count_of '.event.action == "kill"')" -eq 0 ] && ok "no kill in detect mode" || fail "a kill in detect mode"

mw_stop
expect_valid_json
finish
