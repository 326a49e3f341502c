#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run each libFuzzer target for a bounded time from its committed seed
# corpus (tests/fuzz/corpus/<target>); a crash fails the run and leaves the
# input in build/fuzz/ (commit it to the corpus as a regression case).
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]
set -u
build=$1
secs=${2:-${FUZZ_SECONDS:-20}}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	t=${name#fuzz_}
	work=$build/fuzz/corpus-$t
	mkdir -p "$work"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$build/fuzz/$t-" -print_final_stats=1 \
		"$work" "$here/corpus/$t" >"$build/fuzz/$t.log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS fuzz $t ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz/$t.log" | grep -o '[0-9]*$') runs in ${secs}s)"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz $t: see $build/fuzz/$t.log"
		tail -n 30 "$build/fuzz/$t.log"
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
