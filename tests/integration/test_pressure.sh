#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Pressure: the one alert that matters arrives during a flood; a process
# repeating the same offence yields one alert plus one summary with the
# count, not a flood of alerts; losses, if any, are reported, never silent.
. "$(dirname "$0")/lib.sh"

STORM=$MW_HELPERS/storm
rules_copy
mw_start --rules "$T/rules" --aggregate-window 2 || finish

# 1. Floods of irrelevant work (file writes, read-only opens, execs) with a
#    miner exec in the middle.
mkdir -p "$T/flood"
"$STORM" write 4 "$T/flood" >"$T/w.out" &
w=$!
"$STORM" read 4 /etc/hostname >"$T/r.out" &
r=$!
"$STORM" exec 4 /bin/true >"$T/e.out" &
e=$!
sleep 2
mkdir -p "$T/.m"
cp "$MW_HELPERS/marker" "$T/.m/xmrig"
"$T/.m/xmrig" "$T/ran" &
mpid=$!
wait "$mpid" "$w" "$r" "$e"
log "storms: write $(cat "$T/w.out"); read $(cat "$T/r.out"); exec $(cat "$T/e.out")"
wait_for ".event.kind == \"alert\" and .rule.id == \"MW-MINER-001\" and .process.pid == $mpid" 10 >/dev/null &&
	ok "alert arrived in the middle of the floods" || fail "alert lost in the flood"

# 2. One process, same offence 300 times (it re-execs itself from a hidden
#    directory): one alert now, one summary with the count after the window.
cp "$MW_HELPERS/reexec" "$T/.m/reexec"
"$T/.m/reexec" 299 &
rpid=$!
wait "$rpid"
line=$(wait_for ".minerwatch.aggregate != null and .process.pid == $rpid and .rule.id == \"MW-EXEC-001\"" 10) ||
	fail "no aggregate summary"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.aggregate.count == 300' "summary counts all 300 execs"
	expect "$line" '.event.kind == "alert"' "summary is an alert"
fi
n=$(count_of ".event.kind == \"alert\" and .process.pid == $rpid and .rule.id == \"MW-EXEC-001\"")
[ "$n" -eq 2 ] && ok "one alert plus one summary ($n lines)" || fail "$n alert lines for one process, want 2"

mw_stop
# Lost records, if any, were reported as state events with counts.
lost=$(jq -s '[.[] | select(.event.action == "stopped")][0].minerwatch.counters.events_lost' "$OUT")
reported=$(jq -s '[.[] | select(.event.action == "events_lost") | .minerwatch.lost.events] | add // 0' "$OUT")
[ "$lost" = "$reported" ] && ok "lost events all reported ($lost)" || fail "lost $lost but reported $reported"
expect_valid_json
finish
