#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Rule exceptions name system programs by where they live, not by a name
# alone: a program run from /tmp by the real /usr/bin/make is a build step
# (MW-EXEC-003 excepted); the same program under a copy named "make" in
# /tmp is not, and alerts.
. "$(dirname "$0")/lib.sh"

command -v make >/dev/null || skip "no make"
rules_copy
mkdir -p "$T/bin" "$T/b"
cp "$MW_HELPERS/marker" "$T/b/step1"
cp "$MW_HELPERS/marker" "$T/b/step2"
cp "$(command -v bash)" "$T/bin/make"
printf 'all:\n\t%s %s\n' "$T/b/step1" "$T/ran1" >"$T/b/Makefile"

# A copy named make (bash under that name) runs the other step. Started
# detached before the daemon (setsid -f: its parent is gone, the daemon
# learns it from /proc with init as its parent), so that a real make this
# test runs under ('make test' in CI) is not among its ancestors: that one
# would rightly except it. It waits for the daemon before the step.
setsid -f "$T/bin/make" -c "for i in \$(seq 1 300); do [ -e '$T/go' ] && break; sleep 0.1; done; '$T/b/step2' '$T/ran2'; true" \
	</dev/null >/dev/null 2>&1
for i in $(seq 1 50); do
	[ "$(pgrep -f "^$T/bin/make -c" | head -n 1)" ] && break
	sleep 0.1
done
fpid=$(pgrep -f "^$T/bin/make -c" | head -n 1)
[ -n "$fpid" ] && [ "$(awk '{print $4}' "/proc/$fpid/stat")" = 1 ] && ok "the fake make runs detached (parent: init)" ||
	fail "the fake make is not detached (pid ${fpid:-none})"
mw_start --rules "$T/rules" || finish
# The real make runs the step through its shell.
make -s -C "$T/b" >/dev/null || fail "make failed"
touch "$T/go"
for i in $(seq 1 50); do
	[ -e "$T/ran2" ] && break
	sleep 0.1
done
[ -e "$T/ran1" ] && [ -e "$T/ran2" ] && ok "both steps ran" || fail "a step did not run"
line=$(wait_for ".rule.id == \"MW-EXEC-003\" and .process.executable == \"$T/b/step2\"") ||
	fail "no MW-EXEC-003 for the step run by a fake make in $T/bin"
[ -n "$line" ] && expect "$line" '.process.parent.name == "make" and (.process.parent.executable | startswith("/tmp/"))' \
	"the alert names the fake make as the parent"
sleep 1
n=$(count_of ".rule.id == \"MW-EXEC-003\" and .process.executable == \"$T/b/step1\"")
[ "$n" -eq 0 ] && ok "the step of /usr/bin/make is excepted" || fail "$n alerts for the real make's step"
mw_stop
expect_valid_json
finish
