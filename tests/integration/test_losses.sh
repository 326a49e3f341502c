#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Losses are never lost: a sink that is down with a tiny queue and spool
# drops lines during an exec storm; every drop is reported in events_lost
# state events (minerwatch.lost.output) that add up to the stopped event's
# output_dropped, the kernel rings' losses (each ring apart) add up the
# same way, and every state event still reaches the sink that works.
. "$(dirname "$0")/lib.sh"

STORM=$MW_HELPERS/storm
rules_copy
mw_start --rules "$T/rules" --events --spool-dir "$T/spool" --output stdout \
	--output "unix:$T/nobody.sock?queue=1k&spool=16k" || finish
"$STORM" exec 3 /bin/true >"$T/e.out"
log "storm: $(cat "$T/e.out")"
mw_stop

stopped=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT" | tail -n 1)
[ -n "$stopped" ] || { fail "no stopped counters"; finish; }
sum() { jq -s "[.[] | select(.event.action == \"events_lost\") | .minerwatch.lost.$1] | add // 0" "$OUT"; }
for k in output:output_dropped events:events_lost alerts:alerts_lost findings:findings_lost; do
	got=$(sum "${k%%:*}")
	want=$(printf '%s' "$stopped" | jq ".${k#*:}")
	[ "$got" = "$want" ] && ok "lost.${k%%:*} reported in full ($got = ${k#*:})" ||
		fail "lost.${k%%:*}: reported $got, ${k#*:} is $want"
done
expect "$stopped" '.output_dropped > 0' "the dead sink dropped lines"
expect "$stopped" '.emit_failed == 0' "no document lost before the outputs"
n=$(count_of '.event.kind == "state" and .event.action == "events_lost"')
[ "$n" -gt 0 ] && ok "$n events_lost state events on stdout" || fail "no events_lost state event"
expect_valid_json
finish
