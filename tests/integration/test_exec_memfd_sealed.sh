#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Sealed-memfd self-clones (runc's runc_cloned:*, a sandbox's sealed-<hex>)
# stay below severity 50, at start (seen in /proc) and at exec; the name is
# never enough: the same name unsealed, a sealed memfd named otherwise and a
# sealed one run by a non-root user still raise MW-EXEC-005 (severity 80).
. "$(dirname "$0")/lib.sh"

rules_copy
name=sealed-0123456789ab
# Running before the daemon starts: judged from /proc at start.
"$MW_HELPERS/fdexec" sealed "$name" /bin/sleep 30 &
spid=$!
"$MW_HELPERS/fdexec" named "$name" /bin/sleep 30 &
upid=$!
sleep 0.3

mw_start --rules "$T/rules" || finish
line=$(wait_for ".process.pid == $spid and .event.kind == \"alert\" and .rule.id == \"MW-EXEC-008\"") ||
	fail "sealed memfd running at start: no MW-EXEC-008"
[ -n "$line" ] && expect "$line" '.event.action == "running" and .event.severity < 50 and .minerwatch.process.memfd_sealed == true' \
	"sealed memfd at start: low severity, memfd_sealed from F_GET_SEALS"
line=$(wait_for ".process.pid == $upid and .rule.id == \"MW-EXEC-005\"") ||
	fail "unsealed memfd named $name running at start: no MW-EXEC-005"
[ -n "$line" ] && expect "$line" '.event.severity == 80 and (.minerwatch.process.memfd_sealed // false) == false' \
	"unsealed memfd at start: MW-EXEC-005, not marked sealed"

# Executed while the daemon runs: the exec sensor reads the seals.
"$MW_HELPERS/fdexec" sealed "$name" "$MW_HELPERS/marker" "$T/ran1" &
p1=$!
"$MW_HELPERS/fdexec" named "$name" "$MW_HELPERS/marker" "$T/ran2" &
p2=$!
"$MW_HELPERS/fdexec" sealed mw-payload "$MW_HELPERS/marker" "$T/ran3" &
p3=$!
chmod 755 "$T"
setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$MW_HELPERS/fdexec" sealed "$name" "$MW_HELPERS/marker" /dev/null &
p4=$!
wait "$p1" "$p2" "$p3" "$p4"
line=$(wait_for ".process.pid == $p1 and .rule.id == \"MW-EXEC-008\"") ||
	fail "sealed exec: no MW-EXEC-008"
[ -n "$line" ] && expect "$line" '.minerwatch.process.memfd_sealed == true and .event.severity < 50' \
	"sealed exec: memfd_sealed from the kernel, severity < 50"
for p in $p2 $p3 $p4; do
	wait_for ".process.pid == $p and .rule.id == \"MW-EXEC-005\"" >/dev/null &&
		ok "pid $p (unsealed, other name or non-root): MW-EXEC-005" ||
		fail "pid $p: no MW-EXEC-005"
done
sleep 1
for p in $spid $p1; do
	[ "$(count_of ".process.pid == $p and .event.kind == \"alert\" and .event.severity >= 50")" -eq 0 ] &&
		ok "sealed clone pid $p: nothing of severity 50+" ||
		fail "sealed clone pid $p alerted at 50+"
done
kill "$spid" "$upid" 2>/dev/null
wait "$spid" "$upid" 2>/dev/null
mw_stop
finish
