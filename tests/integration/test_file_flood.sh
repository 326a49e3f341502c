#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Floods cannot hide a finding: root truncating /var/log/auth.log and a
# user rewriting a shell startup file it owns (/root/.bashrc, on this
# test's tmpfs /root: MW-PERSIST-007 counts startup files in the homes of
# /etc/passwd's accounts, and root's is the one every host has), each N times in a tight loop, while a
# third process writes /etc/cron.d/miner. The repeats are folded in the
# kernel (bpf/fold.bpf.h), so the cron write gets through, and each flood
# is reported with its exact count (minerwatch.aggregate.count == N, kernel
# folds and the drain at exit included); nothing is lost, and the drops
# are counted by cause.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

LOOP=$MW_HELPERS/fileloop
[ -x "$LOOP" ] || skip "build the helpers (make build/tests/helpers/fileloop)"
N=${MW_FLOOD_N:-200000}
file_rules_copy
# One aggregate window over the whole run: each flood ends as one alert
# plus one summary whose count is the whole flood.
mw_start --rules "$T/rules" --aggregate-window 600 || finish

ns_run '
cp '"$LOOP"' "$NS/fileloop"; chmod 755 "$NS" "$NS/fileloop"
chmod 755 /root; echo "# rc" > /root/.bashrc; chown 1000:1000 /root/.bashrc
seq 1 100 > /var/log/auth.log
mkdir -p /etc/cron.d
"$NS/fileloop" trunc '"$N"' /var/log/auth.log > '"$T"'/root.out &
r=$!
setpriv --reuid 1000 --regid 1000 --clear-groups "$NS/fileloop" trunc '"$N"' /root/.bashrc > '"$T"'/user.out &
u=$!
echo $r > '"$T"'/root.pid; echo $u > '"$T"'/user.pid
sleep 0.3
# The finding that must not be lost, from a third process, mid-flood.
bash -c "echo \"* * * * * root /tmp/.x/xmrig\" > /etc/cron.d/miner; echo \$\$ > '"$T"'/cron.pid"
wait $r; echo $? > '"$T"'/root.rc
wait $u; echo $? > '"$T"'/user.rc
'
log "floods: root $(cat "$T/root.out") user $(cat "$T/user.out") (ops, seconds)"
[ "$(cat "$T/root.rc")" = 0 ] && [ "$(cat "$T/user.rc")" = 0 ] || fail "a flood did not complete"
rpid=$(cat "$T/root.pid"); upid=$(cat "$T/user.pid"); cpid=$(cat "$T/cron.pid")

line=$(expect_one_alert MW-PERSIST-001 ".file.path == \"/etc/cron.d/miner\" and .process.pid == $cpid" "cron write during the floods")
[ -n "$line" ] && expect "$line" '.threat.technique.id == ["T1053.003"]' "technique T1053.003"

mw_stop
# Each flood: one alert at once, one summary at exit with the exact count.
sum=$(jq -c "select(.rule.id == \"MW-AF-001\" and .process.pid == $rpid and .minerwatch.aggregate.window_seconds != null)" "$OUT")
[ -n "$sum" ] && expect "$sum" ".minerwatch.aggregate.count == $N and .file.path == \"/var/log/auth.log\"" "root's $N truncations counted exactly" ||
	fail "no summary for root's truncations"
[ -n "$sum" ] && expect "$sum" '.threat.technique.id == ["T1070.002"]' "technique T1070.002"
sum=$(jq -c "select(.rule.id == \"MW-PERSIST-007\" and .process.pid == $upid and .minerwatch.aggregate.window_seconds != null)" "$OUT")
[ -n "$sum" ] && expect "$sum" ".minerwatch.aggregate.count == $N and .file.path == \"/root/.bashrc\" and .process.user.id == \"1000\"" "the user's $N rewrites counted exactly" ||
	fail "no summary for the user's rewrites"
n=$(count_of ".event.kind == \"alert\" and (.process.pid == $rpid or .process.pid == $upid)")
[ "$n" -eq 4 ] && ok "two alerts and two summaries for 2x$N operations" || fail "$n alert lines for the floods, want 4"

st=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT")
log "counters: $(printf '%s' "$st" | jq -c '{file_sent, file_folded, file_lost, file_unreadable, file_fold_untracked, alerts_lost}')"
expect "$st" ".file_folded >= $((2 * N - 200))" "the kernel folded the repeats (file_folded)"
expect "$st" '.file_lost == 0 and .file_fold_untracked == 0' "no file record lost, every repeat named"
expect "$st" ".file_sent < 200" "a few records crossed the ring for 2x$N operations"
expect_valid_json
finish
