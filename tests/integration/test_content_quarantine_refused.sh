#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Quarantine that cannot be done is reported, with why, and undone: a
# hash-listed program on a read-only file system, and one whose path is
# busy (a mount point), are killed and denied by inode, but reported as
# not quarantined and left where they were. The daemon runs in a private
# mount namespace that holds both places; nothing outside $T is touched.
. "$(dirname "$0")/lib.sh"

rules_copy
cp "$MW_HELPERS/marker" "$T/tool"
printf 'extra' >>"$T/tool" # its own hash, not the shared helper's
hash=$(sha256sum "$T/tool" | cut -d' ' -f1)
cat >"$T/rules/zz-test-hash.json" <<JSON
{"lists": {"test_bad_sha256": ["$hash"]},
 "rules": [{"id": "MW-TEST-HASH", "name": "test: known-bad hash", "event": "exec",
   "severity": 90, "mitre": {"tactic": "Impact", "techniques": ["T1496"]},
   "action": "kill", "condition": {"field": "process.hash.sha256", "in": "@test_bad_sha256"}}]}
JSON
chmod 644 "$T/rules/zz-test-hash.json"
mkdir -p "$T/ro" "$T/busy"
cp "$T/tool" "$T/busy/tool"

# The daemon starts inside a private mount namespace: $T/ro a read-only
# tmpfs holding a copy, $T/busy/tool bind-mounted onto itself.
REAL_BIN=$MW_BIN
cat >"$T/mw-ns.sh" <<SH
#!/bin/bash
mount -t tmpfs -o size=8m tmpfs "$T/ro" || exit 90
cp "$T/tool" "$T/ro/tool" && mount -o remount,ro "$T/ro" || exit 91
mount --bind "$T/busy/tool" "$T/busy/tool" || exit 92
exec "$REAL_BIN" "\$@"
SH
printf '#!/bin/bash\nexec unshare -m --propagation private "%s" "$@"\n' "$T/mw-ns.sh" >"$T/mw-wrap.sh"
chmod 755 "$T/mw-ns.sh" "$T/mw-wrap.sh"
MW_BIN=$T/mw-wrap.sh # mw_start runs it; unshare and the script exec into the daemon
mw_start --rules "$T/rules" --enforce || finish

# run PATH: exec it inside the daemon's mount namespace (nsenter by pid).
run_in_ns() {
	nsenter -t "$MW_PID" -m "$1" "$T/marker-$(basename "$(dirname "$1")")" 10 &
	local p=$!
	wait $p
	echo $?
}

for where in ro busy; do
	rc=$(run_in_ns "$T/$where/tool")
	[ "$rc" -eq 137 ] && ok "$where: hash-listed program killed" || fail "$where: exit $rc"
	line=$(wait_for ".event.action == \"quarantine\" and .file.path == \"$T/$where/tool\"") ||
		fail "$where: no quarantine event"
	[ -n "$line" ] || continue
	expect "$line" '.event.outcome == "failure"' "$where: reported as not quarantined"
	case $where in
	ro) expect "$line" '.minerwatch.quarantine.reason | test("Read-only file system")' "ro: the reason says read-only" ;;
	busy) expect "$line" '.minerwatch.quarantine.reason | test("busy")' "busy: the reason says busy" ;;
	esac
	nsenter -t "$MW_PID" -m test -x "$T/$where/tool" && ok "$where: the file was left in place" ||
		fail "$where: the file is gone"
	wait_for ".event.action == \"deny_file\" and .file.path == \"$T/$where/tool\" and .event.outcome == \"success\"" >/dev/null &&
		ok "$where: still denied by inode" || fail "$where: no deny_file"
done
[ -z "$(ls -A "$T/quarantine" 2>/dev/null)" ] && ok "nothing left in the quarantine directory" ||
	fail "quarantine dir holds: $(ls "$T/quarantine")"
mw_stop
expect_valid_json
finish
