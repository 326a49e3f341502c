#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One intrusion, one incident id, and the restart by persistence.
#
# With the daemon enforcing, an attacker's shell drops a real XMRig
# renamed into a hidden temp directory (config.json beside it, no
# arguments, one thread, a fake pool on loopback in a network namespace
# with only lo), writes a root cron entry that fetches it again and runs
# it, and runs it. The miner is killed. Then "cron" (a copy of bash named
# cron, running the crontab's command as cron would) brings it back:
# MW-INC-001 (restart by cron, T1053.003) names the cron file and the
# miner is killed again. So does a unit's ExecStart (MW-INC-002) and an
# init script (MW-INC-003). Every finding of the chain (the drop, the cron
# write, the miner's alerts, the kills, the restart) carries one
# minerwatch.incident.id; an unrelated drop gets another; the incident's
# state summary at exit counts the kills and the restart.
#
# The cron file is on a tmpfs in a private mount namespace
# (file_ns_lib.sh); the miner's directory is the test's own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"
. "$(dirname "$0")/xmrig_lib.sh"

need jq
need python3
export MW_XMRIG_CACHE=${MW_XMRIG_CACHE:-/var/tmp/mw-xmrig-cache}
XMRIG_CACHE=$MW_XMRIG_CACHE
xmrig_fetch

PORT=3333
CRON=/var/spool/cron/crontabs/root
MINER=$T/.x/kworker
rules_copy
mkdir -p "$T/srv" "$T/sbin"
cp "$XMRIG" "$T/srv/kworker" # the attacker's server, as a local file
xmrig_config "$T/srv/config.json" "127.0.0.1:$PORT"
cp /bin/bash "$T/sbin/cron" # runs the crontab's command as cron would
netns_new inc || skip "cannot create a network namespace"
bg ip netns exec "$NS" python3 "$MW_ROOT/tests/integration/helpers/fakepool.py" \
	--port "$PORT" --log "$T/pool.log" --timeout 90
mw_start --rules "$T/rules" --enforce || finish

# in_ns SCRIPT: bash SCRIPT in the pool's network namespace and a private
# mount namespace made from the daemon's (its tmpfs cron spool).
in_ns() {
	ip netns exec "$NS" nsenter -t "$MW_PID" -m -- \
		unshare -m --propagation private bash -c "$1"
}

# The attacker's shell: drop, persist, run.
in_ns "
	mountpoint -q /var/spool/cron || exit 99
	echo \$\$ >'$T/attacker.pid'
	mkdir -p '$T/.x'
	cp '$T/srv/kworker' '$MINER'
	cp '$T/srv/config.json' '$T/.x/config.json'
	echo '* * * * * cp $T/srv/kworker $MINER; cd $T/.x && ./kworker' > $CRON
	cd '$T/.x' && timeout 40 ./kworker >'$T/m1.out' 2>&1
	echo \$? >'$T/m1.rc'
"
[ $? -ne 99 ] || fail "the cron spool is not a private mount: not run"
[ "$(cat "$T/m1.rc" 2>/dev/null)" = 137 ] && ok "the miner was killed (exit 137)" ||
	fail "miner exit $(cat "$T/m1.rc" 2>/dev/null), want 137 ($(tail -n 3 "$T/m1.out" | tr '\n' ' '))"
kill1=$(wait_for ".event.action == \"kill\" and .process.executable == \"$MINER\" and .event.outcome == \"success\"" 10) ||
	fail "no kill event for the miner"
# The first kill may be the stratum rule's, before the content verdict
# quarantines the file: cron comes back a minute later, after it, and so
# does this test (a restart copied in before the quarantine would be
# moved away under it).
wait_for ".event.action == \"quarantine\" and .file.path == \"$MINER\" and .event.outcome == \"success\"" 15 >/dev/null ||
	fail "the miner was not quarantined"

# Cron brings it back.
in_ns "
	cmd=\$(sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* [^ ]* //p' $CRON)
	timeout 40 '$T/sbin/cron' -c \"\$cmd; true\" >'$T/m2.out' 2>&1
	echo \$? >'$T/m2.rc'
"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-INC-001\"" 15) ||
	fail "no restart-by-persistence alert"
if [ -n "$line" ]; then
	expect "$line" ".process.executable == \"$MINER\" and .process.parent.name == \"cron\"" "restart: the miner, started by cron"
	expect "$line" ".minerwatch.incident.restart.via == \"cron\" and .minerwatch.incident.restart.persistence_file == \"$CRON\"" "restart: names the cron file"
	expect "$line" '(.threat.technique.id | index("T1053.003") != null) and .event.severity >= 90' "restart: T1053.003, severity 90"
	expect "$line" '.minerwatch.incident.restart.killed_at != null' "restart: when it was killed"
fi
wait_for ".event.action == \"kill\" and .process.executable == \"$MINER\" and .process.parent.name == \"cron\"" 15 >/dev/null &&
	ok "the restarted miner was killed again" || fail "the restarted miner was not killed"
wait_for ".event.kind == \"alert\" and .rule.id == \"MW-EXEC-002\" and .process.executable == \"$MINER\"" 5 >/dev/null &&
	ok "a hidden-directory program started by cron: MW-EXEC-002" || fail "no MW-EXEC-002 for the cron-started miner"

# A unit's ExecStart brings it back ("systemd": a copy of bash by that
# name, the miner its child), then an init script (/etc/init.d/ on a
# tmpfs of a private mount namespace). Each fetches the miner again first,
# as the cron line does: the kill quarantined it.
cp /bin/bash "$T/sbin/systemd"
in_ns "
	cd '$T/.x' && timeout 40 '$T/sbin/systemd' -c 'cp $T/srv/kworker $MINER; ./kworker; true' >'$T/m3.out' 2>&1
"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-INC-002\" and .process.executable == \"$MINER\"" 15) ||
	fail "no MW-INC-002 for the restart by systemd"
[ -n "$line" ] && expect "$line" '.minerwatch.incident.restart.via == "systemd" and .process.parent.name == "systemd"' \
	"restart by systemd: via systemd, its child"
# Its kill (and quarantine) done before the next restart fetches it again.
wait_for ".event.action == \"kill\" and .process.executable == \"$MINER\" and .process.parent.name == \"systemd\"" 15 >/dev/null ||
	fail "the miner restarted by systemd was not killed"
wait_for ".event.action == \"quarantine\" and .file.path == \"$MINER\" and .process.parent.name == \"systemd\"" 15 >/dev/null ||
	fail "the miner restarted by systemd was not quarantined"
in_ns "
	mount -t tmpfs mwinit /etc/init.d && mountpoint -q /etc/init.d || exit 99
	printf '#!/bin/sh\ncp %s %s\ncd %s && ./kworker\ntrue\n' '$T/srv/kworker' '$MINER' '$T/.x' >/etc/init.d/mwkworker
	chmod +x /etc/init.d/mwkworker
	timeout 40 /etc/init.d/mwkworker start >'$T/m4.out' 2>&1
"
[ $? -ne 99 ] || fail "/etc/init.d is not a private mount: the rc restart not run"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-INC-003\" and .process.executable == \"$MINER\"" 15) ||
	fail "no MW-INC-003 for the restart by an init script: $(tr '\n' ' ' <"$T/m4.out" 2>/dev/null | tail -c 300)"
[ -n "$line" ] && expect "$line" '.minerwatch.incident.restart.via == "rc" and .event.severity >= 90' \
	"restart by an init script: via rc, severity 90"

# An unrelated drop by the test itself: another incident.
mkdir -p "$T/.other"
cp /bin/true "$T/.other/tool"
other=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-DROP-002\" and .file.path == \"$T/.other/tool\"" 10) ||
	fail "no drop alert for the unrelated file"
mw_stop

# One incident across the chain.
chain=".minerwatch.incident.id != null and (.event.kind == \"alert\" or .event.action == \"kill\") and
	(.process.executable == \"$MINER\" or (.file.path // \"\") == \"$MINER\" or (.file.path // \"\") == \"$CRON\")"
jq -c "select($chain) | [.rule.id, .event.action, .process.name, .file.path, .minerwatch.incident.id]" "$OUT" >"$T/chain"
ids=$(jq -r "select($chain) | .minerwatch.incident.id" "$OUT" | sort -u)
n_ids=$(printf '%s\n' "$ids" | grep -c .)
[ "$n_ids" = 1 ] && ok "one incident id across $(wc -l <"$T/chain") findings ($ids)" ||
	fail "the chain spans $n_ids incidents: $(cat "$T/chain")"
for what in "MW-DROP-002:the drop" "T1053.003:the cron write" "MW-INC-001:the restart"; do
	grep -q "${what%%:*}" <(jq -c "select($chain) | [.rule.id, .threat.technique.id]" "$OUT") &&
		ok "${what#*:} is in the incident" || fail "${what#*:} is not among the incident's findings"
done
[ "$(jq -c "select($chain and .event.action == \"kill\")" "$OUT" | wc -l)" -ge 2 ] &&
	ok "both kills are in the incident" || fail "the kills are not both in the incident"
[ -n "$other" ] && expect "$other" ".minerwatch.incident.id != \"$ids\" and .minerwatch.incident.id != null" "an unrelated drop is another incident"
sum=$(jq -c "select(.event.kind == \"state\" and .event.action == \"incident\" and .minerwatch.incident.id == \"$ids\")" "$OUT" | tail -n 1)
if [ -n "$sum" ]; then
	expect "$sum" '.minerwatch.incident.kills >= 2 and .minerwatch.incident.restarts >= 1 and .event.severity >= 90' "summary: kills, restart, severity"
	expect "$sum" ".minerwatch.incident.persistence_files | index(\"$CRON\") != null" "summary: names the cron file"
	expect "$sum" '.event.start != null and .event.end != null and (.threat.technique.id | index("T1053.003") != null)' "summary: start, end, techniques"
else
	fail "no incident summary state event"
fi
expect_valid_json
finish
