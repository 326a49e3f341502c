#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# File output rotation under load: many events through --events into a file
# output with a small max_size; every rotated file is valid gzip and every
# line arrives exactly once across the rotations.
. "$(dirname "$0")/lib_agent.sh"

N=600
agent_rules
mkdir -p "$T/log"
mw_start --rules "$T/rules" --events --spool-dir "$T/spool" \
	--output stdout --output "file:$T/log/ev.json?max_size=32k&keep=1000" || finish

for i in $(seq 1 $N); do /bin/true "mw-rot-$i"; done
n=$(wait_file_count "$OUT" '.event.action == "exec" and (.process.args[1] // "" | startswith("mw-rot-"))' $N 30)
[ "$n" -eq $N ] && ok "daemon saw all $N execs" || fail "daemon saw $n of $N execs"
mw_stop

gz=("$T"/log/ev.json.*.gz)
[ "${#gz[@]}" -ge 5 ] && ok "${#gz[@]} rotated files" || fail "only ${#gz[@]} rotated files"
bad=0
for f in "${gz[@]}"; do gzip -t "$f" 2>/dev/null || { bad=$((bad + 1)); log "not valid gzip: $f"; }; done
[ "$bad" -eq 0 ] && ok "every rotated file is valid gzip" || fail "$bad invalid gzip files"

{ zcat "${gz[@]}"; cat "$T/log/ev.json"; } >"$T/all.json"
if jq -e . "$T/all.json" >/dev/null 2>&1; then ok "every line of every file is JSON"; else fail "a line was cut or mixed"; fi
jq -r 'select(.event.action == "exec") | .process.args[1] // empty | select(startswith("mw-rot-"))' \
	"$T/all.json" | sort >"$T/seen"
total=$(wc -l <"$T/seen")
uniq=$(sort -u "$T/seen" | wc -l)
[ "$total" -eq $N ] && [ "$uniq" -eq $N ] && ok "all $N lines once across rotations" ||
	fail "across rotations: $total lines, $uniq distinct, want $N"
lines_out=$(wc -l <"$T/all.json")
lines_std=$(wc -l <"$OUT")
[ "$lines_out" -eq "$lines_std" ] && ok "file output has every line stdout has ($lines_out)" ||
	fail "file output $lines_out lines, stdout $lines_std"
finish
