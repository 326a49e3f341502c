#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The content worker's settings as config keys and options, and a digest
# that outlives the verdict cache:
# - --check-config accepts content, content_max_size_mb, content_cache,
#   content_workers and content_unpack, and refuses bad values naming the
#   key (exit 6); bad command-line values exit 2 naming the option;
# - "content_cache": 16 from the config file: a hash-listed program is
#   killed and denied by inode; 200 other programs then take the cache's
#   slots; the same inode under another name, killed in the kernel, still
#   alerts with its SHA-256;
# - "content": false: no hash, no YARA, the hash-listed program runs.
. "$(dirname "$0")/lib.sh"

rules_copy
mkdir -p "$T/bin" "$T/other" "$T/many"
cp "$MW_HELPERS/marker" "$T/bin/report-gen"
ln "$T/bin/report-gen" "$T/other/cleanup-task"
hash=$(sha256sum "$T/bin/report-gen" | cut -d' ' -f1)
cat >"$T/rules/zz-test-hash.json" <<JSON
{"lists": {"test_bad_sha256": ["$hash"]},
 "rules": [{"id": "MW-TEST-HASH", "name": "test: known-bad hash", "event": "exec",
   "severity": 90, "mitre": {"tactic": "Impact", "techniques": ["T1496"]},
   "action": "kill", "condition": {"field": "process.hash.sha256", "in": "@test_bad_sha256"}}]}
JSON
chmod 644 "$T/rules/zz-test-hash.json"

# config FILE JSON: a config file the daemon accepts (root, 0644).
config() { printf '%s\n' "$2" >"$1" && chmod 644 "$1"; }

# --- --check-config ---------------------------------------------------------
config "$T/good.json" "{\"rules\": \"$T/rules\", \"content\": true, \"content_max_size_mb\": 32,
 \"content_cache\": 16, \"content_workers\": 2, \"content_unpack\": false}"
out=$("$MW_BIN" --config "$T/good.json" --check-config 2>&1)
rc=$?
[ "$rc" -eq 0 ] && echo "$out" | grep -q "content scanning on ([0-9]* YARA rules, files up to 32 MiB, 16 cached verdicts, 2 workers, packed images not scanned)" &&
	ok "--check-config accepts and reports the content keys" || fail "--check-config good: exit $rc: $out"
for bad in '"content_cache": 8|content_cache.: 8 is out of range 16-1048576' \
	'"content_workers": 0|content_workers.: 0 is out of range 1-16' \
	'"content_max_size_mb": "64M"|content_max_size_mb.: must be an integer' \
	'"content": "off"|content.: must be true or false'; do
	config "$T/bad.json" "{${bad%%|*}}"
	out=$("$MW_BIN" --config "$T/bad.json" --check-config 2>&1)
	rc=$?
	[ "$rc" -eq 6 ] && echo "$out" | grep -q "${bad#*|}" && ok "refused: ${bad%%|*}" ||
		fail "bad ${bad%%|*}: exit $rc: $out"
done
out=$("$MW_BIN" --no-config --content-workers 99 --check-rules "$T/rules" 2>&1)
rc=$?
[ "$rc" -eq 2 ] && echo "$out" | grep -q -- "--content-workers: '99' is not a whole number in 1-16" &&
	ok "bad --content-workers: exit 2, named" || fail "bad --content-workers: exit $rc: $out"
out=$("$MW_BIN" --no-config --content-max-size 0 --check-rules "$T/rules" 2>&1)
[ $? -eq 2 ] && echo "$out" | grep -q -- "--content-max-size" && ok "bad --content-max-size: exit 2" ||
	fail "bad --content-max-size: $out"

# --- the digest outlives the verdict cache ----------------------------------
config "$T/small.json" '{"content_cache": 16}'
mw_start --config "$T/small.json" --rules "$T/rules" --enforce || finish
"$T/bin/report-gen" "$T/m1" 10
rc=$?
[ "$rc" -eq 137 ] && ok "hash-listed program killed" || fail "hash-listed program: exit $rc"
line=$(wait_for ".event.action == \"deny_file\" and .file.path == \"$T/bin/report-gen\"") || fail "no deny_file"
[ -n "$line" ] && expect "$line" ".event.outcome == \"success\" and .file.hash.sha256 == \"$hash\"" "inode denied"
# 200 distinct files through a 16-slot cache: the denied file's slot is
# taken ((15/16)^200 ~ 2e-6 that it survives).
printf '#include <stdlib.h>\nint main(int c, char **v){return c > 1 ? atoi(v[1]) : 0;}\n' >"$T/n.c"
cc -O2 -o "$T/n" "$T/n.c" || fail "cannot build the filler program"
for i in $(seq 0 199); do cp "$T/n" "$T/many/$i"; done
for i in $(seq 0 199); do "$T/many/$i"; done
wait_for ".event.action == \"stopped\" or (.process.executable == \"$T/many/199\")" 3 >/dev/null # best effort
sleep 1 # the worker has judged them (about 1 ms each)
lsm=$(jq -r 'select(.event.action == "started") | .minerwatch.features.lsm' "$OUT" | head -n1)
if [ "$lsm" = true ]; then want=126; else want=137; fi # EPERM at bprm_check, or killed
"$T/other/cleanup-task" "$T/m2"
rc=$?
[ "$rc" -eq "$want" ] && [ ! -e "$T/m2" ] && ok "same inode, other name: stopped in the kernel" ||
	fail "hard link: exit $rc (want $want)"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-TEST-HASH\" and .process.executable == \"$T/other/cleanup-task\"") ||
	fail "no hash-rule alert for the kernel kill"
[ -n "$line" ] && expect "$line" ".process.hash.sha256 == \"$hash\" and .file.hash.sha256 == \"$hash\"" \
	"kernel kill's alert carries the hash after the cache was churned"
mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n1)
[ -n "$line" ] && expect "$line" '.minerwatch.counters.content.scanned >= 200' "the filler programs were scanned"

# --- "content": false ------------------------------------------------------------
rm -rf "$T/bin" && mkdir -p "$T/bin" && cp "$MW_HELPERS/marker" "$T/bin/report-gen2"
config "$T/off.json" '{"content": false}'
mw_start --config "$T/off.json" --rules "$T/rules" --enforce --events || finish
line=$(jq -c 'select(.event.action == "started")' "$OUT" | head -n1)
[ -n "$line" ] && expect "$line" '.minerwatch.yara_rules == 0' "started: no YARA rules loaded"
"$T/bin/report-gen2" "$T/m3"
rc=$?
"$T/n" # a later exec: its event means the one before was handled
wait_for ".event.action == \"exec\" and .process.executable == \"$T/n\"" >/dev/null
[ "$rc" -eq 0 ] && [ -e "$T/m3" ] && [ "$(count_of '.event.action == "content"')" -eq 0 ] &&
	ok "content off: hash-listed program runs, no content verdict" || fail "content off: exit $rc"
mw_stop
expect_valid_json
finish
