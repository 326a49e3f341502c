#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# CPU tuning as RandomX miners do it: an MSR device opened for writing,
# /proc/sys/vm/nr_hugepages written, and modprobe msr run (as a dry run,
# -n: nothing is loaded). The writes are weak T1496 alerts (MW-BEH-010 at
# 40, MW-BEH-011 at 30); modprobe msr alerts as MW-MINER-008 (kmod run as
# modprobe, as the sensor reports it on Debian). For a program run from a
# temp directory they add up (msr_or_hugepages + ran_mining_tool +
# exe_in_temp_dir + no terminal) to a MW-BEH-001 behaviour alert.
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
	exec '$T/app/worker' -c 'echo \$\$ >$T/w.pid; exec 3>/dev/cpu/0/msr; echo 128 >/proc/sys/vm/nr_hugepages; modprobe -n msr >/dev/null 2>&1; sleep 6; true'
" </dev/null || fail "the tuning script failed"
W=$(cat "$T/w.pid")
[ "$(cat "$T/nr_hugepages")" = 128 ] && ok "wrote the stand-in nr_hugepages" || fail "nr_hugepages stand-in not written"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-010\" and .process.pid == $W" 5) ||
	fail "no MSR alert"
[ -n "$line" ] && expect "$line" '.file.path == "/dev/cpu/0/msr" and .event.severity < 50 and (.threat.technique.id | index("T1496") != null)' "MSR write: weak T1496 alert"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-011\" and .process.pid == $W" 5) ||
	fail "no nr_hugepages alert"
[ -n "$line" ] && expect "$line" '.file.path == "/proc/sys/vm/nr_hugepages" and .event.severity < 50' "nr_hugepages write: weak alert"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-MINER-008\" and .process.parent.pid == $W" 5) ||
	fail "no alert for modprobe msr"
[ -n "$line" ] && expect "$line" '.process.executable == "/usr/bin/kmod" or .process.name == "modprobe"' "modprobe msr: as the sensor reports it"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-001\" and .process.pid == $W and ([.minerwatch.behaviour.evidence[]] | index(\"ran_mining_tool\") != null)" 10) ||
	fail "no behaviour alert adding them up"
[ -n "$line" ] && expect "$line" '([.minerwatch.behaviour.evidence[]] | index("msr_or_hugepages") != null and index("exe_in_temp_dir") != null) and .minerwatch.behaviour.score >= 50' "behaviour: evidence named"
mw_stop
expect_valid_json
finish
