#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A `deny` rule in --enforce: where BPF-LSM loads, the exec fails with
# EPERM at lsm/bprm_check_security and the program never starts; where it
# does not (6.18 here), the kill at exec stands in and the block event says
# so (minerwatch.response.fallback "kill"). Either way the marker the
# program would create first never exists.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/rules" "$T/bin"
cat >"$T/rules/deny.json" <<'JSON'
{"rules": [{
  "id": "T-DENY-1", "name": "Denied test program", "event": "exec",
  "condition": {"field": "process.name", "in": ["mw-denied", "mw-denied.sh"]},
  "severity": 90, "mitre": {"techniques": ["T1496"]}, "action": "deny"
}]}
JSON
# A program judged by its content (a kill rule on its SHA-256): its own
# bytes, so the other copies of marker are not listed.
{ cat "$MW_HELPERS/marker"; printf 'mw-hash-listed'; } >"$T/bin/hashed"
chmod 755 "$T/bin/hashed"
mkdir -p "$T/other" && ln "$T/bin/hashed" "$T/other/renamed"
hash=$(sha256sum "$T/bin/hashed" | cut -d' ' -f1)
cat >"$T/rules/hash.json" <<JSON
{"lists": {"t_bad_sha256": ["$hash"]},
 "rules": [{"id": "T-HASH-1", "name": "test: hash-listed", "event": "exec",
   "severity": 90, "mitre": {"techniques": ["T1496"]}, "action": "kill",
   "condition": {"field": "process.hash.sha256", "in": "@t_bad_sha256"}}]}
JSON
chmod 755 "$T/rules"; chmod 644 "$T/rules/deny.json" "$T/rules/hash.json"
mw_start --rules "$T/rules" --enforce || finish

started=$(wait_for '.event.action == "started"')
deny_hook=$(printf '%s' "$started" | jq -r '.minerwatch.hooks.exec_deny')
lsm=$(printf '%s' "$started" | jq -r '.minerwatch.features.lsm')
log "exec_deny hook: $deny_hook (features.lsm $lsm)"
if [ "$lsm" = true ]; then
	[ "$deny_hook" = lsm/bprm_check_security ] && ok "started names lsm/bprm_check_security" ||
		fail "BPF-LSM available but exec_deny is $deny_hook"
else
	[ "$deny_hook" = "tp_btf+SIGKILL" ] && ok "started names the tracepoint fallback" ||
		fail "no BPF-LSM but exec_deny is $deny_hook"
fi
[ "${MW_EXPECT_LSM:-0}" = 1 ] && [ "$lsm" != true ] && fail "this kernel should have BPF-LSM"

cp "$MW_HELPERS/marker" "$T/bin/mw-denied"
out=$("$MW_HELPERS/try_exec" "$T/bin/mw-denied" "$T/marker")
rc=$?
pid_line=
if [ "$lsm" = true ]; then
	[ "$rc" -eq 101 ] && [ "$out" = EPERM ] && ok "execve failed with EPERM" ||
		fail "try_exec: exit $rc, '$out' (want EPERM, 101)"
	line=$(wait_for '.event.action == "block" and .rule.id == "T-DENY-1"') || fail "no block event"
	if [ -n "$line" ]; then
		expect "$line" '.event.outcome == "success"' "block outcome success"
		expect "$line" '.minerwatch.response.where == "kernel"' "refused in the kernel"
		expect "$line" '.minerwatch.response.hook == "lsm/bprm_check_security"' "names the LSM hook"
		expect "$line" '(.minerwatch.response.fallback // "") == ""' "no fallback"
		expect "$line" ".process.executable == \"$T/bin/mw-denied\"" "names the refused program"
		expect "$line" '(.process.hash.sha256 | length) == 64' "carries the refused file's sha256"
	fi
else
	[ "$rc" -eq 137 ] && ok "killed at exec (exit 137)" || fail "exit $rc, want 137"
	line=$(wait_for '.event.action == "block" and .rule.id == "T-DENY-1"') || fail "no block event"
	if [ -n "$line" ]; then
		expect "$line" '.event.outcome == "success"' "block outcome success"
		expect "$line" '.minerwatch.response.fallback == "kill"' "says it fell back to kill"
		expect "$line" '.minerwatch.response.where == "kernel"' "killed in the kernel"
		expect "$line" ".process.executable == \"$T/bin/mw-denied\"" "names the program"
	fi
fi
[ ! -e "$T/marker" ] && ok "marker absent: the program never ran" || fail "marker exists: the program ran"
line=$(wait_for '.event.kind == "alert" and .rule.id == "T-DENY-1"') || fail "no alert"
[ -n "$line" ] && expect "$line" '.minerwatch.response.action == "deny" and .minerwatch.response.taken == true' \
	"alert says deny was taken"

# A #! script named like a denied program: refused (or killed) too.
printf '#!/bin/sh\ntouch %s\n' "$T/marker2" >"$T/bin/mw-denied.sh"
chmod +x "$T/bin/mw-denied.sh"
out=$("$MW_HELPERS/try_exec" "$T/bin/mw-denied.sh")
rc=$?
if [ "$lsm" = true ]; then want=101; else want=137; fi
[ "$rc" -eq "$want" ] && [ ! -e "$T/marker2" ] && ok "script refused/killed (exit $rc)" ||
	fail "script: exit $rc (want $want), marker2 $([ -e "$T/marker2" ] && echo present || echo absent)"

# The caller of a refused exec lives on: the shell goes on after it.
out=$(bash -c "$T/bin/mw-denied $T/marker3 2>/dev/null; echo alive")
if [ "$lsm" = true ]; then
	[ "$out" = alive ] && ok "caller survives a refused exec" || fail "caller: '$out'"
fi

# Anything else runs untouched.
cp "$MW_HELPERS/marker" "$T/bin/benign"
"$MW_HELPERS/try_exec" "$T/bin/benign" "$T/marker4" >/dev/null
[ -e "$T/marker4" ] && ok "benign program unaffected" || fail "benign program did not run"

# A file killed for its content is denied by inode: where BPF-LSM is
# attached its next exec, under another name, fails with EPERM at
# lsm/bprm_check_security (nothing of it runs, no process), and the
# refusal names the file's SHA-256; elsewhere it is killed at exec.
"$T/bin/hashed" "$T/marker5" 10
rc=$?
[ "$rc" -eq 137 ] && ok "hash-listed program killed (exit 137)" || fail "hash-listed: exit $rc"
wait_for ".event.action == \"deny_file\" and .file.path == \"$T/bin/hashed\" and .event.outcome == \"success\"" >/dev/null &&
	ok "its inode is denied" || fail "no deny_file for the hash-listed program"
out=$("$MW_HELPERS/try_exec" "$T/other/renamed" "$T/marker6")
rc=$?
if [ "$lsm" = true ]; then
	[ "$rc" -eq 101 ] && [ "$out" = EPERM ] && ok "same inode, other name: execve failed with EPERM" ||
		fail "same inode: exit $rc, '$out' (want EPERM, 101)"
	line=$(wait_for ".event.action == \"block\" and .rule.id == \"T-HASH-1\"") || fail "no block event for the inode"
	[ -n "$line" ] && expect "$line" ".minerwatch.response.hook == \"lsm/bprm_check_security\" and
		.process.executable == \"$T/other/renamed\" and .process.hash.sha256 == \"$hash\"" \
		"refused at bprm_check_security, named with its SHA-256"
else
	[ "$rc" -eq 137 ] && ok "same inode, other name: killed at exec" || fail "same inode: exit $rc, want 137"
fi
[ ! -e "$T/marker6" ] && ok "the denied inode never ran" || fail "marker6 exists: the denied inode ran"

mw_stop
expect_valid_json
finish
