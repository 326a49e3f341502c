#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An open/write/close storm on unwatched files crosses the ring buffer not
# once: the file sensor's counters show every open considered and dropped
# in the kernel, and --events shows no record from the storm's process.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" --events || finish

N=3000
mkdir -p "$T/storm"
bash -c '
echo $$ > "$1/storm.pid"
i=0
while [ $i -lt "$2" ]; do
	echo "$i" > "$1/storm/f$((i % 16))"
	echo "$i" >> "$1/storm/g$((i % 16))"
	i=$((i + 1))
done
' storm "$T" "$N"
pid=$(cat "$T/storm.pid")
sleep 0.5
mw_stop

st=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT")
seen=$(printf '%s' "$st" | jq '.file_seen')
filtered=$(printf '%s' "$st" | jq '.file_filtered')
sent=$(printf '%s' "$st" | jq '.file_sent')
log "counters: file_seen=$seen file_filtered=$filtered file_sent=$sent"
[ "$seen" -ge $((2 * N)) ] && ok "the sensor saw the storm's $((2 * N)) opens" || fail "file_seen $seen < $((2 * N))"
[ "$filtered" -ge $((2 * N)) ] && ok "the kernel dropped them" || fail "file_filtered $filtered < $((2 * N))"
# (The content worker's verdict on an executable names it in file.path
# too: it is not a file-sensor record.)
n=$(jq -c "select(.file.path != null and ((.event.action // \"\") | startswith(\"content\") | not) and .process.pid == $pid)" "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "no record from the storm crossed the ring buffer" || fail "$n records from the storm"
# Whatever did cross (other processes writing watched files) was reported.
n=$(jq -c 'select(.event.kind == "event" and .file.path != null and ((.event.action // "") | startswith("content") | not))' "$OUT" | wc -l)
[ "$n" -eq "$sent" ] && ok "file_sent ($sent) equals the file events reported" || fail "file_sent $sent, file events $n"
[ "$sent" -lt 10 ] && ok "fewer than 10 file records in all" || fail "$sent file records for a storm on unwatched files"

expect_valid_json
finish
