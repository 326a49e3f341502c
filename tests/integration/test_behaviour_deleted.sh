#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A running program whose executable is deleted, with nothing put in its
# place (T1070.004, MW-BEH-003, from the behaviour sampler's readlink of
# /proc/PID/exe): a dropper deleting itself after start. A program whose
# executable is replaced while it runs, as a package upgrade does (new
# file renamed over the old), raises nothing.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || skip "jq not installed (tools/deps.sh test)"
mkdir -p "$T/.x" "$T/bin"
cp /bin/sleep "$T/.x/updater"
cp /bin/sleep "$T/bin/svc"
mw_start || finish
"$T/bin/svc" 30 &
SVC=$!
"$T/.x/updater" 30 &
UPD=$!
sleep 0.5
# An upgrade: the new version is written beside and renamed over.
cp /bin/sleep "$T/bin/svc.new" && mv -f "$T/bin/svc.new" "$T/bin/svc"
rm -f "$T/.x/updater"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-003\" and .process.pid == $UPD" 10) ||
	fail "no alert for the program whose executable was deleted"
if [ -n "$line" ]; then
	expect "$line" '.threat.technique.id | index("T1070.004") != null' "T1070.004"
	expect "$line" "[.minerwatch.behaviour.evidence[]] | index(\"exe_deleted_while_running\") != null" "evidence named"
	expect "$line" ".process.executable == \"$T/.x/updater\"" "names the executable it ran from"
fi
# The sampler looked at both in the same sweep: the upgrade raised nothing.
n=$(count_of ".event.kind == \"alert\" and (.rule.id | startswith(\"MW-BEH\")) and .process.pid == $SVC")
[ "$n" -eq 0 ] && ok "replaced executable (upgrade): no behaviour alert" || fail "$n behaviour alerts for the replaced executable"
kill "$SVC" "$UPD" 2>/dev/null
wait "$SVC" "$UPD" 2>/dev/null
mw_stop
expect_valid_json
finish
