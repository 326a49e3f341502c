#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - shared helpers for integration tests. Each test_*.sh sources it,
# starts the real daemon, triggers real behaviour and asserts on the JSON
# lines the daemon wrote.
#
# Safety: one daemon at a time (a machine-wide flock, so checkouts in
# parallel worktrees serialize too); file scenarios in private mount
# namespaces; we end only the processes we started.

set -u
MW_LOCK=/run/lock/minerwatch-integration.lock
# Serialize integration tests machine-wide: run this test again under
# flock -o, which holds the lock in its own process and closes it for the
# test, so nothing the test leaves behind can keep holding it. (run.sh
# takes the lock the same way and sets MW_LOCKED.)
if [ -z "${MW_LOCKED:-}" ]; then
	exec env MW_LOCKED=1 flock -o -w 1200 "$MW_LOCK" bash "$0" "$@"
fi
MW_BIN=${MW_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/minerwatch}
MW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MW_HELPERS=${MW_HELPERS:-$MW_ROOT/build/tests/helpers}
T=$(mktemp -d /tmp/mw-it.XXXXXX)
chmod 755 "$T"
OUT=$T/out.json
ERR=$T/err.txt
MW_PID=
TEST_NAME=$(basename "$0" .sh)

log() { printf '  [%s] %s\n' "$TEST_NAME" "$*" >&2; }
# A failure is written to $T/fails, not kept in a variable: a check run
# inside $(...) (line=$(expect_one_alert ...)) is a subshell, whose
# variables never come back.
fail() {
	log "FAIL: $*"
	echo "$*" >>"$T/fails"
}
# Did anything fail so far, subshells included?
failed() { [ -s "$T/fails" ]; }
ok() { log "ok: $*"; }
skip() { log "SKIP: $*"; cleanup; exit 77; }

cleanup() {
	if [ -n "$MW_PID" ] && kill -0 "$MW_PID" 2>/dev/null; then
		kill -TERM "$MW_PID" 2>/dev/null
		wait "$MW_PID" 2>/dev/null
	fi
	MW_PID=
	if failed && [ -f "$ERR" ]; then
		log "daemon stderr (last lines):"
		tail -n 15 "$ERR" >&2
	fi
	# MW_KEEP_OUT=DIR keeps each test's JSON output (every daemon run of
	# it) for a look afterwards and for run.sh's ECS check.
	keep_out
	if [ -n "${MW_KEEP_OUT:-}" ] && [ -f "$T/kept.json" ]; then
		mkdir -p "$MW_KEEP_OUT" &&
			cp "$T/kept.json" "$MW_KEEP_OUT/$TEST_NAME.json"
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# A private copy of the default rules (tests may edit it; mode 0644/0755).
rules_copy() {
	mkdir -p "$T/rules"
	cp "$MW_ROOT"/rules/*.json "$T/rules/"
	cp -r "$MW_ROOT"/rules/yara "$T/rules/"
	chmod 755 "$T/rules" "$T/rules/yara"
	chmod 644 "$T/rules"/*.json "$T/rules"/yara/*
}

# Append what the last daemon run wrote to $T/kept.json (MW_KEEP_OUT).
keep_out() {
	[ -n "${MW_KEEP_OUT:-}" ] && [ -s "$OUT" ] && cat "$OUT" >>"$T/kept.json"
	return 0
}

# mw_start [daemon args...]: start the daemon, wait for its started event.
# The machine's config file is ignored unless a test passes --config.
# Quarantine (enforce mode) only ever takes files from the test's own
# directory, into it.
mw_start() {
	keep_out
	: >"$OUT"
	"$MW_BIN" --no-config --stats-interval 0 --quarantine-dir "$T/quarantine" \
		--quarantine-under "$T" "$@" >"$OUT" 2>"$ERR" &
	MW_PID=$!
	local i
	for i in $(seq 1 300); do
		if grep -q '"action":"started"' "$OUT" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$MW_PID" 2>/dev/null; then
			fail "daemon exited before starting"
			cat "$ERR" >&2
			MW_PID=
			return 1
		fi
		sleep 0.1
	done
	fail "daemon did not report started within 30 s"
	return 1
}

# mw_stop: SIGTERM, expect exit 0 and a stopped event.
mw_stop() {
	local rc
	[ -n "$MW_PID" ] || return 0
	kill -TERM "$MW_PID"
	wait "$MW_PID"
	rc=$?
	MW_PID=
	[ "$rc" -eq 0 ] || fail "daemon exited with $rc on SIGTERM"
	grep -q '"action":"stopped"' "$OUT" || fail "no stopped state event"
}

# wait_for JQ_CONDITION [TIMEOUT_S]: print the first line matching, or fail.
wait_for() {
	local cond=$1 timeout=${2:-10} i n line
	n=$((timeout * 10))
	for i in $(seq 1 "$n"); do
		line=$(jq -c "select($cond)" "$OUT" 2>/dev/null | head -n 1)
		if [ -n "$line" ]; then
			printf '%s\n' "$line"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# count_of JQ_CONDITION: number of lines matching now.
count_of() {
	jq -c "select($1)" "$OUT" 2>/dev/null | wc -l
}

# expect LINE JQ_BOOL_EXPR DESCRIPTION: assert on one JSON line.
expect() {
	if [ "$(printf '%s' "$1" | jq -r "$2" 2>/dev/null)" = "true" ]; then
		ok "$3"
	else
		fail "$3 (jq: $2)"
		printf '%s\n' "$1" | jq -c . >&2 2>/dev/null || printf '%s\n' "$1" >&2
	fi
}

# Every line the daemon wrote must be valid JSON.
expect_valid_json() {
	if jq -e . "$OUT" >/dev/null 2>&1; then
		ok "every output line is valid JSON"
	else
		fail "output has invalid JSON"
	fi
}

# in_private_ns SCRIPT: run bash SCRIPT in a private mount namespace.
in_private_ns() {
	unshare -m --propagation private bash -c "$1"
}

finish() {
	if failed; then
		exit 1
	fi
	exit 0
}

# finding RULE JQ_COND WHAT: the first line of $OUT (a triage or daemon
# output) with that rule.id where JQ_COND holds: ok and printed, or a failure.
finding() {
	local line
	line=$(jq -c "select(.rule.id == \"$1\" and ($2))" "$OUT" | head -n 1)
	if [ -n "$line" ]; then
		ok "$1: $3"
		printf '%s\n' "$line"
	else
		fail "no $1 finding: $3 (jq: $2)"
	fi
}
