#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run every tests/integration/test_*.sh (root required); one summary line.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
export MW_BIN=${1:-$dir/../../build/minerwatch}
MW_BIN=$(readlink -f "$MW_BIN")
pass=0 fail=0 skipped=0
# Every test's JSON output is kept (lib.sh's cleanup copies it) so that
# ecs_check.py can judge every line at the end: the ECS test.
keep_tmp=
if [ -z "${MW_KEEP_OUT:-}" ]; then
	keep_tmp=$(mktemp -d /tmp/mw-it-out.XXXXXX)
	export MW_KEEP_OUT=$keep_tmp
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (they load BPF programs)" >&2
	exit 1
fi
for t in "$dir"/test_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "${MW_TESTS:-}" ] && ! echo "$name" | grep -qE "$MW_TESTS" && continue
	start=$(date +%s)
	# The lock lives in flock's own process (-o: not inherited by the
	# test), so a process a test leaves behind cannot hold it.
	MW_LOCKED=1 flock -o -w 1200 /run/lock/minerwatch-integration.lock bash "$t"
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $name" ;;
	*) fail=$((fail + 1)); echo "FAIL $name (${secs}s)" ;;
	esac
done
# ecs_fields: every field outside minerwatch.* of every line above is an
# ECS 8.11 field with ECS's type.
if ls "$MW_KEEP_OUT"/*.json >/dev/null 2>&1; then
	if python3 "$dir/ecs_check.py" "$MW_KEEP_OUT"; then
		pass=$((pass + 1)); echo "PASS ecs_fields"
	else
		fail=$((fail + 1)); echo "FAIL ecs_fields"
	fi
fi
[ -n "$keep_tmp" ] && rm -rf "$keep_tmp"
echo "integration: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
