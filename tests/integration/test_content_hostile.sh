#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile executables never hang or crash the content worker; each is
# reported unscanned with the reason: a 4 GiB sparse file (over the size
# cap, counted), a truncated ELF that still runs, a FIFO put at the
# executable's path, a file renamed over it right after the exec. The
# worker keeps judging afterwards.
. "$(dirname "$0")/lib.sh"

rules_copy
mkdir -p "$T/bin"
mw_start --rules "$T/rules" --events || finish

# unscanned PID REASON_REGEX DESCRIPTION [ALT_ACTION]: the verdict for pid.
verdict_of() {
	wait_for ".process.pid == $1 and (.event.action == \"content_unscanned\" or .event.action == \"content\")" 10
}

# A 4 GiB sparse executable: never read, reported over the size cap.
cp "$MW_HELPERS/marker" "$T/bin/sparse"
truncate -s 4G "$T/bin/sparse"
"$T/bin/sparse" "$T/m1" &
pid=$!
wait $pid
line=$(verdict_of $pid) || fail "no verdict for the sparse file"
[ -n "$line" ] && expect "$line" '.event.action == "content_unscanned" and .event.reason == "over the size cap" and .file.size == 4294967296' \
	"4 GiB sparse file: unscanned, over the size cap"

# A truncated ELF that still runs: every segment is there, the section
# header table is cut off (a partial copy).
end=$(python3 - "$MW_HELPERS/marker" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', b, 32)
ent, num = struct.unpack_from('<HH', b, 54)
print(max(off + fs for t, _, off, _, _, fs, _, _ in
          (struct.unpack_from('<IIQQQQQQ', b, phoff + i * ent) for i in range(num)) if t == 1))
PY
)
head -c "$end" "$MW_HELPERS/marker" >"$T/bin/cut"
chmod +x "$T/bin/cut"
"$T/bin/cut" "$T/m2" &
pid=$!
wait $pid
[ -e "$T/m2" ] && ok "the truncated ELF ran" || fail "the truncated ELF did not run"
line=$(verdict_of $pid) || fail "no verdict for the truncated ELF"
[ -n "$line" ] && expect "$line" '.event.action == "content_unscanned" and (.event.reason | test("truncated ELF")) and (.file.hash.sha256 | length) == 64' \
	"truncated ELF: unscanned with the reason, still hashed"

# A FIFO at the executable's path: opened non-blocking, refused as not a
# regular file (or, if the worker reached the running image first, read
# through /proc/PID/exe). Either way an answer, no hang.
cp "$MW_HELPERS/selfreplace" "$T/bin/fifo-self"
"$T/bin/fifo-self" fifo "$T/bin/fifo-self" &
pid=$!
wait $pid
[ -p "$T/bin/fifo-self" ] || fail "the helper did not leave a FIFO"
line=$(verdict_of $pid) || fail "no verdict for the FIFO case: worker stuck?"
if [ -n "$line" ]; then
	if [ "$(printf '%s' "$line" | jq -r .event.action)" = content_unscanned ]; then
		expect "$line" '.event.reason | test("not a regular file")' "FIFO at the exe path: unscanned, not a regular file"
	else
		log "FIFO case: the worker read the running image first (scanned)"
		expect "$line" '.minerwatch.content.scanned == true' "FIFO case judged from the running image"
	fi
fi

# Another file renamed over the executable right after its exec.
cp "$MW_HELPERS/selfreplace" "$T/bin/swap-self"
"$T/bin/swap-self" replace "$T/bin/swap-self" &
pid=$!
wait $pid
line=$(verdict_of $pid) || fail "no verdict for the replaced file"
if [ -n "$line" ]; then
	if [ "$(printf '%s' "$line" | jq -r .event.action)" = content_unscanned ]; then
		# Replaced before the read, or while it ran (the rename moved the
		# read file's ctime): either way unscanned, with that reason.
		expect "$line" '.event.reason | test("replaced|changed during the scan")' "replaced file: unscanned, replaced or changed"
	else
		log "replace case: the worker read the running image first (scanned)"
		expect "$line" '.minerwatch.content.scanned == true' "replace case judged from the running image"
	fi
fi

# The worker still answers, and the daemon lives.
cp "$MW_HELPERS/marker" "$T/bin/after"
"$T/bin/after" "$T/m3" &
pid=$!
wait $pid
line=$(verdict_of $pid) || fail "no verdict after the hostile files"
[ -n "$line" ] && expect "$line" '.minerwatch.content.scanned == true' "a normal file is scanned afterwards"
kill -0 "$MW_PID" 2>/dev/null && ok "daemon alive" || fail "daemon died"

mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n1)
[ -n "$line" ] && expect "$line" '.minerwatch.counters.content.size_cap >= 1 and .minerwatch.counters.content.unscanned >= 2' \
	"stopped counters: size cap hit and unscanned files counted"
expect_valid_json
finish
