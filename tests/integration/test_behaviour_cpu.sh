#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Behaviour: weak signals add up (sensors/behaviour_sensor.c,
# model/cpu.c, respond/score.c, rules/behaviour.json).
#
# - A busy loop whose content matches nothing (a copy of bash spinning),
#   run from a hidden temp directory by a cron-like parent (a copy of bash
#   named cron): a MW-BEH-001 alert naming the evidence within 30 s.
# - Benign CPU work in the right places: sha256sum of a big file, gzip of
#   it under the cron-like parent, make -j2 of this project: no behaviour
#   alert (sha256sum and gzip are scored, below 50).
# - Weak alone: a program from a temp dir connecting to a pool port alerts
#   at 25 (MW-NET-001) and scores below 50. Together (the same with a
#   config.json holding "pools" beside it): MW-BEH-001.
# - Enforce: the busy loop with a miner config beside it scores 100 and
#   MW-BEH-002 kills it; the one without stays alive (an alert only).
#
# One daemon, enforcing, for all of it (benign work killed would show as
# an alert too); the benign work runs side by side, one process per core.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need jq
rules_copy
# The pool-port rule without its private-range exception: the pool is
# on loopback in a namespace of ours.
jq '(.rules[] | select(.id == "MW-NET-001") | .exceptions) = []' "$T/rules/network.json" >"$T/nj" &&
	mv "$T/nj" "$T/rules/network.json" && chmod 644 "$T/rules/network.json"
mkdir -p "$T/sbin" "$T/.cache/x" "$T/.cache/y" "$T/app1" "$T/app2"
cp /bin/bash "$T/sbin/cron"
cp /bin/bash "$T/.cache/x/kworkerd"
cp /bin/bash "$T/.cache/y/kworkerd"
cp /bin/bash "$T/app1/worker"
cp /bin/bash "$T/app2/worker"
printf '{"donate-level": 1, "pools": [{"url": "127.0.0.1:3333"}]}\n' >"$T/app2/config.json"
cp "$T/app2/config.json" "$T/.cache/y/config.json"
truncate -s 20G "$T/big.img" # sparse: reading it costs CPU, not disk
netns_new beh || skip "cannot create a network namespace"
export MINERWATCH_NET_LOOPBACK=1 # report connects to loopback

mw_start --rules "$T/rules" --events --enforce || finish
bg ip netns exec "$NS" "$MW_HELPERS/mwnet" listen 127.0.0.1 3333 "$T/pool" 60 >"$T/listen"
wait_file "$T/listen" ready || fail "fake pool did not start"

# Weak alone, then together: connect to the pool port and stay a while;
# meanwhile benign CPU work, bounded, one process per core.
jobs=
for w in 1 2; do
	ip netns exec "$NS" "$T/app$w/worker" -c \
		"echo \$\$ >'$T/w$w.pid'; exec 3<>/dev/tcp/127.0.0.1/3333; sleep 6; true" </dev/null &
	jobs="$jobs $!"
done
timeout 20 bash -c "echo \$\$ >'$T/sha.pid'; exec sha256sum '$T/big.img'" >/dev/null 2>&1 &
jobs="$jobs $!"
timeout 20 "$T/sbin/cron" -c "bash -c \"echo \\\$\\\$ >'$T/gz.pid'; exec gzip -c '$T/big.img'\" >/dev/null; true" 2>/dev/null
wait $jobs
W1=$(cat "$T/w1.pid")
W2=$(cat "$T/w2.pid")
SHA=$(cat "$T/sha.pid")
GZ=$(cat "$T/gz.pid")
timeout 180 make -j2 -C "$MW_ROOT" BUILD="$T/build" "$T/build/minerwatch" >"$T/make.out" 2>&1 ||
	log "make -j2 did not finish: $(tail -n 3 "$T/make.out" | tr '\n' ' ')"

# The stealthy miner: a busy loop from a hidden temp dir, started by cron.
start=$(date +%s)
bg timeout 45 "$T/sbin/cron" -c "bash -c \"echo \\\$\\\$ >'$T/busy.pid'; exec '$T/.cache/x/kworkerd' -c 'while :; do :; done'\"; true"
wait_file "$T/busy.pid" . 5 || fail "busy loop did not start"
BUSY=$(cat "$T/busy.pid")
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-001\" and .process.pid == $BUSY" 30) ||
	fail "no behaviour alert for the busy loop within 30 s"
secs=$(($(date +%s) - start))
if [ -n "$line" ]; then
	ok "busy loop: behaviour alert after ${secs}s"
	expect "$line" '.minerwatch.behaviour.score >= 50 and .event.severity >= 50' "busy loop: score and severity"
	expect "$line" '[.minerwatch.behaviour.evidence[]] | (index("cpu_busy") != null and index("started_by_cron") != null and index("exe_in_hidden_dir") != null)' "busy loop: evidence named"
	expect "$line" '.threat.technique.id | index("T1496") != null' "busy loop: T1496"
	expect "$line" '.minerwatch.behaviour.cpu.pct >= 75 and .minerwatch.behaviour.cpu.busy_s >= 15' "busy loop: CPU numbers"
fi
kill -0 "$BUSY" 2>/dev/null && ok "no config, score below 80: alerted, not killed" ||
	fail "the busy loop without a config is gone: $(jq -c "select(.event.action == \"kill\" and .process.pid == $BUSY) | .rule.id" "$OUT")"
kill "$BUSY" 2>/dev/null

# Enforce: busy + hidden temp dir + miner config + cron: killed. One
# busy loop at a time: each wants a core, the test's jq polling the other.
bg timeout 45 "$T/sbin/cron" -c "bash -c \"echo \\\$\\\$ >'$T/busy2.pid'; exec '$T/.cache/y/kworkerd' -c 'while :; do :; done'\"; true"
wait_file "$T/busy2.pid" . 5 || fail "busy loop with a config did not start"
BUSY2=$(cat "$T/busy2.pid")
line=$(wait_for ".event.action == \"kill\" and .process.pid == $BUSY2" 30) || fail "enforce: busy miner-like loop not killed"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .rule.id == "MW-BEH-002"' "enforce: killed by MW-BEH-002"
sleep 0.3
kill -0 "$BUSY2" 2>/dev/null && fail "enforce: still running" || ok "enforce: gone"

# Weak alone: the pool-port alert at 25 and a score below 50, no more.
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-001\" and .process.pid == $W1" 1) ||
	fail "no pool-port alert for the temp-dir worker"
[ -n "$line" ] && expect "$line" '.event.severity < 50' "pool port alone: severity below 50"
line=$(wait_for ".event.kind == \"event\" and .event.action == \"behaviour\" and .process.pid == $W1" 1) ||
	fail "the temp-dir worker on a pool port was not scored"
[ -n "$line" ] && expect "$line" '.minerwatch.behaviour.score < 50 and ([.minerwatch.behaviour.evidence[]] | index("pool_port") != null and index("exe_in_temp_dir") != null)' "temp dir + pool port: scored below 50"
n=$(count_of ".event.kind == \"alert\" and .event.severity >= 50 and .process.pid == $W1")
[ "$n" -eq 0 ] && ok "weak signals alone: no alert at 50 or more" || fail "weak signals alone: $n alerts at >= 50"
# Together: with a miner config beside it.
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-001\" and .process.pid == $W2" 1) ||
	fail "no behaviour alert for temp dir + pool port + config"
[ -n "$line" ] && expect "$line" '[.minerwatch.behaviour.evidence[]] | (index("miner_config") != null and index("pool_port") != null and index("exe_in_temp_dir") != null)' "together: evidence named"

# Benign: no behaviour alert for any of it.
n=$(count_of ".event.kind == \"alert\" and (.rule.id // \"\" | startswith(\"MW-BEH\")) and .process.pid != $BUSY and .process.pid != $BUSY2 and .process.pid != $W2")
[ "$n" -eq 0 ] && ok "no behaviour alert for sha256sum, gzip under cron, make -j2" ||
	fail "$n behaviour alerts for benign work: $(jq -c 'select(.event.kind == "alert" and (.rule.id // "" | startswith("MW-BEH"))) | [.process.name, .minerwatch.behaviour]' "$OUT" | head -3)"
for p in "sha256sum:$SHA" "gzip:$GZ"; do
	line=$(jq -c "select(.event.action == \"behaviour\" and .process.pid == ${p#*:})" "$OUT" | tail -n 1)
	if [ -n "$line" ]; then
		expect "$line" '.minerwatch.behaviour.score < 50' "${p%%:*}: scored below 50 ($(printf '%s' "$line" | jq -c .minerwatch.behaviour.evidence))"
	else
		log "${p%%:*} was never busy long enough to be scored (machine busy?)"
	fi
done
mw_stop
expect_valid_json
finish
