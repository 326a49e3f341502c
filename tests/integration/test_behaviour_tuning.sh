#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# CPU tuning as RandomX miners do it: an MSR device opened for writing and
# /proc/sys/vm/nr_hugepages written. Each alone is a weak T1496 alert
# (MW-BEH-010 at 40, MW-BEH-011 at 30); for a program run from a temp
# directory they add up (msr_or_hugepages + exe_in_temp_dir + no
# terminal) to a MW-BEH-001 behaviour alert.
#
# Nothing real is touched: in a private mount namespace /dev is a tmpfs
# holding a plain file at /dev/cpu/0/msr (no msr module needed), and a
# plain file is bind-mounted over /proc/sys/vm/nr_hugepages.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || skip "jq not installed (tools/deps.sh test)"
mkdir -p "$T/app"
cp /bin/bash "$T/app/worker"
echo 0 >"$T/nr_hugepages"
mw_start --events || finish
in_private_ns "
	mount -t tmpfs none /dev && mkdir -p /dev/cpu/0 && touch /dev/cpu/0/msr /dev/null &&
	mount --bind '$T/nr_hugepages' /proc/sys/vm/nr_hugepages &&
	exec '$T/app/worker' -c 'echo \$\$ >$T/w.pid; exec 3>/dev/cpu/0/msr; echo 128 >/proc/sys/vm/nr_hugepages; sleep 6; true'
" </dev/null || fail "the tuning script failed"
W=$(cat "$T/w.pid")
[ "$(cat "$T/nr_hugepages")" = 128 ] && ok "wrote the stand-in nr_hugepages" || fail "nr_hugepages stand-in not written"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-010\" and .process.pid == $W" 5) ||
	fail "no MSR alert"
[ -n "$line" ] && expect "$line" '.file.path == "/dev/cpu/0/msr" and .event.severity < 50 and (.threat.technique.id | index("T1496") != null)' "MSR write: weak T1496 alert"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-011\" and .process.pid == $W" 5) ||
	fail "no nr_hugepages alert"
[ -n "$line" ] && expect "$line" '.file.path == "/proc/sys/vm/nr_hugepages" and .event.severity < 50' "nr_hugepages write: weak alert"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-001\" and .process.pid == $W" 10) ||
	fail "no behaviour alert adding them up"
[ -n "$line" ] && expect "$line" '[.minerwatch.behaviour.evidence[]] | index("msr_or_hugepages") != null and index("exe_in_temp_dir") != null' "behaviour: evidence named"
mw_stop
expect_valid_json
finish
