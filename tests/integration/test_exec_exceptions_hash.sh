#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exceptions by hash (issue 14): an operator spares exactly one binary by
# its SHA-256, whatever it is called or wherever it runs. Here a copy of
# sleep named xmrig, which MW-MINER-001 kills by name in enforce mode, is
# excepted by its hash and keeps running; another xmrig with one byte more
# (another hash, same name) is still killed. The exec's judgement waits
# for the content worker's hash (~0.1 s), so the excepted one is never
# killed first; the other is killed once its hash is known not to match.
. "$(dirname "$0")/lib.sh"

need_jq() { command -v jq >/dev/null || skip "no jq"; }
need_jq
rules_copy
sleep_bin=$(readlink -f "$(command -v sleep)")
hash=$(sha256sum "$sleep_bin" | cut -d' ' -f1)
jq --arg h "$hash" '.rules |= map(if .id == "MW-MINER-001" then
	.exceptions = [{"field": "process.hash.sha256", "eq": $h}] else . end)' \
	"$T/rules/miners.json" >"$T/miners.json" && mv "$T/miners.json" "$T/rules/miners.json"
chmod 644 "$T/rules/miners.json"
mkdir -p "$T/a" "$T/b"
cp "$sleep_bin" "$T/a/xmrig"
cp "$sleep_bin" "$T/b/xmrig"
printf '\0' >>"$T/b/xmrig" # same program, another hash
[ "$(sha256sum "$T/b/xmrig" | cut -d' ' -f1)" != "$hash" ] || fail "copies hash the same"

mw_start --rules "$T/rules" --enforce || finish
"$T/a/xmrig" 4 &
apid=$!
"$T/b/xmrig" 4 &
bpid=$!
wait "$bpid"
brc=$?
wait "$apid"
arc=$?
[ "$brc" -eq 137 ] && ok "xmrig with another hash: killed (exit 137)" ||
	fail "xmrig with another hash: exit $brc, want 137"
[ "$arc" -eq 0 ] && ok "xmrig excepted by its hash: ran to its end" ||
	fail "xmrig excepted by its hash: exit $arc, want 0"
line=$(wait_for ".rule.id == \"MW-MINER-001\" and .event.kind == \"alert\" and .process.pid == $bpid" 5) ||
	fail "no MW-MINER-001 alert for the other hash"
[ -n "$line" ] && expect "$line" '.process.name == "xmrig" and .process.hash.sha256 != "'"$hash"'" and (.process.hash.sha256 | length) == 64' \
	"the alert names the other binary's hash"
line=$(wait_for ".event.action == \"kill\" and .process.pid == $bpid" 5) || fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .rule.id == "MW-MINER-001"' "kill reported"
[ "$(count_of ".rule.id == \"MW-MINER-001\" and .process.pid == $apid")" -eq 0 ] &&
	ok "no MW-MINER-001 for the excepted binary" || fail "the excepted binary was judged"
mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n 1)
expect "$line" '.minerwatch.counters.hash_waits >= 2 and .minerwatch.counters.hash_wait_full == 0' \
	"both judgements waited for the hash"
expect_valid_json
finish
