#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The real XMRig 6.16.0, as attackers run it: copied to an ordinary name,
# started with no arguments, its pool (on an unusual port, a fake pool in
# a namespace with only lo) in the config.json beside it. Detect mode: a
# T1496 alert naming the matched signatures and the hash, from a fresh scan
# (its latency is logged; the 200 ms goal is measured by
# tools/bench/content-latency, not asserted here). Enforce mode: killed; the same inode under another name dies
# in the kernel before its first instruction; a copy under a new name is
# killed again by content; the binary is quarantined with a manifest and
# `minerwatch --restore` puts it back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/xmrig_lib.sh"

need python3
xmrig_fetch
rules_copy
netns_new xmrig || skip "cannot create a network namespace"
PORT=3457
bg ip netns exec "$NS" python3 "$MW_ROOT/tests/integration/helpers/fakepool.py" \
	--port $PORT --log "$T/pool.log" --timeout 120

# install_miner DIR NAME: XMRig as DIR/NAME, config.json beside it.
install_miner() {
	mkdir -p "$1"
	cp "$XMRIG" "$1/$2"
	xmrig_config "$1/config.json" "127.0.0.1:$PORT"
}

# run_miner PATH SECONDS: run it bounded inside the namespace, from its dir.
run_miner() {
	(cd "$(dirname "$1")" && exec ip netns exec "$NS" timeout "$2" "$1" >"$1.log" 2>&1)
}

# --- detect mode: it mines, and is named --------------------------------
install_miner "$T/opt/sysmon" sysmon-agent
mw_start --rules "$T/rules" || finish
run_miner "$T/opt/sysmon/sysmon-agent" 15 &
mpid=$!
exe="$T/opt/sysmon/sysmon-agent"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-CONTENT-001\" and .process.executable == \"$exe\"" 15) ||
	fail "no content alert for the renamed XMRig"
if [ -n "$line" ]; then
	expect "$line" '.threat.technique.id | index("T1496") != null' "alert is T1496"
	expect "$line" '.minerwatch.process.signatures | index("MW_Miner_XMRig_Algorithms") != null' \
		"alert names the matched signature"
	expect "$line" ".process.hash.sha256 == \"$XMRIG_SHA256\"" "alert carries the SHA-256"
	expect "$line" '.process.args_count == 1' "started with no arguments"
	expect "$line" '.minerwatch.content.cached == false and .minerwatch.content.latency_ms > 0' \
		"the verdict is a fresh scan with its latency"
	# A time, not a pass/fail: a loaded machine would make it flaky.
	log "fresh 9 MB verdict $(printf '%s' "$line" | jq .minerwatch.content.latency_ms) ms after exec"
fi
line=$(wait_for ".rule.id == \"MW-CONTENT-002\" and .process.executable == \"$exe\"" 5) ||
	fail "no known-hash alert"
wait_file "$T/pool.log" login 20 && ok "the miner logged in to the pool on port $PORT (detect mode lets it run)" ||
	fail "the miner never reached the pool"
# $mpid is timeout (the subshell and ip exec'd into it): it passes the
# TERM on to the miner, its only child.
kill "$mpid" 2>/dev/null
wait "$mpid" 2>/dev/null
mw_stop

# --- enforce mode -------------------------------------------------------------
# No pool listens now: the miner never logs in, so the network rules (a
# stratum login is cut and killed) cannot beat the content verdict to it.
PORT=3458
install_miner "$T/srv/app" dbus-session-helper
exe="$T/srv/app/dbus-session-helper"
mkdir -p "$T/srv/other"
ln "$exe" "$T/srv/other/logrotate-agent" # the same inode under another name
mtime=$(stat -c %Y "$exe")
mw_start --rules "$T/rules" --enforce || finish
run_miner "$exe" 20
rc=$?
[ "$rc" -eq 137 ] && ok "renamed XMRig killed (exit 137)" || fail "renamed XMRig: exit $rc"
line=$(wait_for ".event.action == \"kill\" and .process.executable == \"$exe\" and .rule.id == \"MW-CONTENT-001\"") ||
	fail "no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success"' "kill succeeded"
line=$(wait_for ".event.action == \"deny_file\" and .file.path == \"$exe\"") || fail "no deny_file"
[ -n "$line" ] && expect "$line" ".event.outcome == \"success\" and .file.hash.sha256 == \"$XMRIG_SHA256\"" \
	"its inode is denied in the kernel"
line=$(wait_for ".event.action == \"quarantine\" and .file.path == \"$exe\"") || fail "no quarantine event"
id=
if [ -n "$line" ]; then
	expect "$line" ".event.outcome == \"success\" and .file.hash.sha256 == \"$XMRIG_SHA256\"" "quarantined"
	id=$(printf '%s' "$line" | jq -r .minerwatch.quarantine.id)
	stored=$(printf '%s' "$line" | jq -r .minerwatch.quarantine.path)
	manifest=$(printf '%s' "$line" | jq -r .minerwatch.quarantine.manifest)
	[ ! -e "$exe" ] && ok "original path is gone" || fail "original still at $exe"
	[ "$(stat -c %a "$stored" 2>/dev/null)" = 0 ] && ok "quarantined file has mode 0000" ||
		fail "quarantined file mode $(stat -c %a "$stored" 2>&1)"
	[ "$(stat -c %a "$T/quarantine")" = 700 ] && ok "quarantine directory is root-only" ||
		fail "quarantine dir mode $(stat -c %a "$T/quarantine")"
	jq -e ".original_path == \"$exe\" and .sha256 == \"$XMRIG_SHA256\" and .mode == \"0755\" and .uid == 0 and
		.mtime_ns > 0 and .rule_id == \"MW-CONTENT-001\"" "$manifest" >/dev/null &&
		ok "manifest: path, owner, mode, times, SHA-256, rule" || fail "manifest: $(cat "$manifest")"
fi

# The same inode under another name: the kernel stops it at exec.
# Where BPF-LSM is attached a denied inode's exec fails with EPERM (the
# shell's 126, a "block" event); elsewhere it is killed at exec (137).
lsm=$(jq -r 'select(.event.action == "started") | .minerwatch.features.lsm' "$OUT" | head -n1)
if [ "$lsm" = true ]; then want=126 act=block; else want=137 act=kill; fi
run_miner "$T/srv/other/logrotate-agent" 20
rc=$?
[ "$rc" -eq "$want" ] && ok "hard link stopped ($act, exit $rc)" || fail "hard link: exit $rc (want $want)"
[ ! -s "$T/srv/other/logrotate-agent.log" ] && ok "it printed nothing: no instruction ran" ||
	fail "it ran: $(head -c 200 "$T/srv/other/logrotate-agent.log")"
line=$(wait_for ".event.action == \"$act\" and .process.executable == \"$T/srv/other/logrotate-agent\"") ||
	fail "no $act event for the hard link"
[ -n "$line" ] && expect "$line" '.minerwatch.response.where == "kernel" and .rule.id == "MW-CONTENT-001"' \
	"killed in the kernel at exec by identity"

# A copy under a new name is a new inode: caught again by its content.
install_miner "$T/var/cache/kupdate" kworker-sync
run_miner "$T/var/cache/kupdate/kworker-sync" 20
rc=$?
[ "$rc" -eq 137 ] && ok "copy under a new name killed (exit 137)" || fail "new copy: exit $rc"
wait_for ".event.kind == \"alert\" and .rule.id == \"MW-CONTENT-001\" and .process.executable == \"$T/var/cache/kupdate/kworker-sync\"" >/dev/null &&
	ok "the copy was caught by content" || fail "no content alert for the copy"
mw_stop

# --- restore ----------------------------------------------------------------
if [ -n "$id" ]; then
	"$MW_BIN" --restore "$id" --quarantine-dir "$T/quarantine" >"$T/restore.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && ok "--restore $id exits 0" || fail "--restore: exit $rc: $(cat "$T/restore.out")"
	[ "$(sha256sum <"$exe" 2>/dev/null | cut -d' ' -f1)" = "$XMRIG_SHA256" ] &&
		[ "$(stat -c %a "$exe")" = 755 ] && [ "$(stat -c %Y "$exe")" = "$mtime" ] &&
		ok "restored with its content, mode and mtime" || fail "restored file differs"
	[ ! -e "$stored" ] && [ ! -e "$manifest" ] && ok "quarantine entry removed" || fail "quarantine entry left"
	"$MW_BIN" --restore "$id" --quarantine-dir "$T/quarantine" >/dev/null 2>&1 &&
		fail "a second restore succeeded" || ok "a second restore is refused"
fi
expect_valid_json
finish
