#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run every tests/integration/test_*.sh (root required); one summary line.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
export MW_BIN=${1:-$dir/../../build/minerwatch}
MW_BIN=$(readlink -f "$MW_BIN")
pass=0 fail=0 skipped=0
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
echo "integration: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
