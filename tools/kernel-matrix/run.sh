#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh [--smoke|--full] [SERIES...]: run the integration tests inside
# Debian's own kernels (default: 6.1 6.12) under qemu, using the binary
# and BPF object built once on this host (build/minerwatch, against the
# committed vmlinux.h). Prints one result line per kernel and a closing
#   kernels: N passed, N failed, N skipped
# A kernel that cannot be fetched or booted here (no qemu, no archive) is
# skipped with the reason, never failed.
#   --smoke  exec/kill/deny, started hooks, connect and file deny, the
#            file sensor (ssh keys; on kernel functions: io_uring, ia32)
#            (default)
#   --full   every tests/integration/test_*.sh
# Env: MW_KM_TESTS (a regex of test names: runs those instead),
#      MW_KCACHE (kernel cache, default /var/cache/minerwatch-kernels),
#      MW_KTIMEOUT (seconds per guest, default 900: 6.12 under TCG needs ~700 for the smoke set),
#      MW_KSILENCE (seconds without guest output before it counts as hung, default 240).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
set_re='^test_(started_hooks|exec_alert|exec_kill|exec_deny|lsm_connect|lsm_file|file_ssh|file_fentry|deny_rules)$'
case ${1:-} in
--smoke) shift ;;
--full) set_re='.'; shift ;;
esac
[ -z "${MW_KM_TESTS:-}" ] || set_re=$MW_KM_TESTS
[ $# -gt 0 ] || set -- 6.1 6.12
pass=0 fail=0 skipped=0

skip_all() {
	for s in "$@"; do echo "kernel $s: SKIP ($reason)"; done
	echo "kernels: 0 passed, 0 failed, $# skipped"
	exit 0
}
reason=
if ! command -v qemu-system-x86_64 >/dev/null; then
	reason="qemu-system-x86_64 not installed (tools/deps.sh kernels)"
elif ! command -v busybox >/dev/null; then
	reason="busybox-static not installed (tools/deps.sh kernels)"
elif [ "$(id -u)" -ne 0 ]; then
	reason="needs root (the guest runs the tests as root over a 9p root)"
elif [ ! -x "$root/build/minerwatch" ]; then
	reason="build/minerwatch not built"
fi
[ -z "$reason" ] || skip_all "$@"

for series in "$@"; do
	start=$(date +%s)
	kdir=$("$here/fetch.sh" "$series" 2>"$root/build/kernel-$series.fetch.log")
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "kernel $series: SKIP (fetch: $(tail -n 1 "$root/build/kernel-$series.fetch.log"))"
		skipped=$((skipped + 1))
		continue
	fi
	job=$(mktemp -d /tmp/mw-km.XXXXXX)
	chmod 755 "$job"
	cat >"$job/job.sh" <<JOB
cd $root
export MW_EXPECT_LSM=1 MW_TESTS='$set_re'
bash tests/integration/run.sh $root/build/minerwatch
JOB
	"$here/boot.sh" "$kdir" "$job" "${MW_KTIMEOUT:-900}"
	rc=$?
	# A guest that went silent (boot.sh stops it after MW_KSILENCE s)
	# or timed out with no test failed (seen: RCU stall warnings in the
	# serial log from the first minutes, the emulated CPUs starved) is
	# booted once more, its logs kept in build/; a failed test is never
	# retried.
	if [ "$rc" -eq 124 ] && ! grep -q '^FAIL ' "$job/console.log" 2>/dev/null; then
		echo "kernel $series: guest hung after: $(grep -E '^(PASS|SKIP) ' "$job/console.log" 2>/dev/null | tail -n 1); rcu stalls: $(grep -c 'rcu.*stall' "$job/serial.log" 2>/dev/null); booting it once more (logs: build/kernel-$series.hung.*)"
		cp "$job/console.log" "$root/build/kernel-$series.hung.console.log" 2>/dev/null
		cp "$job/serial.log" "$root/build/kernel-$series.hung.serial.log" 2>/dev/null
		rm -f "$job/console.log" "$job/serial.log" "$job/rc"
		"$here/boot.sh" "$kdir" "$job" "${MW_KTIMEOUT:-900}"
		rc=$?
	fi
	secs=$(($(date +%s) - start))
	kver=$(cat "$job/uname" 2>/dev/null || cat "$kdir/version")
	log=$root/build/kernel-$kver.log
	cp "$job/console.log" "$log" 2>/dev/null || : >"$log"
	summary=$(grep '^integration:' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
		echo "kernel $kver: PASS (${summary#integration: }; lsm=$(cat "$job/lsm" 2>/dev/null); ${secs}s)"
		pass=$((pass + 1))
	else
		echo "kernel $kver: FAIL (rc $rc; ${summary:-no summary}; ${secs}s; log $log)"
		grep -E '^(FAIL|PASS|SKIP) |FAIL:' "$log" | head -n 30 | sed 's/^/    /'
		[ -s "$log" ] || tail -n 20 "$job/serial.log" 2>/dev/null | sed 's/^/    /'
		fail=$((fail + 1))
	fi
	grep -E '^(PASS|SKIP|FAIL) ' "$log" | sed "s/^/    [$kver] /"
	rm -rf "$job"
done
echo "kernels: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
