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
chmod 755 "$T/rules"; chmod 644 "$T/rules/deny.json"
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

mw_stop
expect_valid_json
finish
