#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make test: unit tests, the layering check, bounded fuzzing, integration tests (root), then the
# integration smoke set inside Debian's 6.1 kernel under qemu
# (MW_TEST_KERNELS="6.1 6.12" for more, "none" for none; skipped with a
# reason where qemu or the kernel cannot be had); one closing summary line.
set -u
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/run-unit.sh" "$@" | tee "$tmp/unit"
urc=${PIPESTATUS[0]}
# The stages of user/ include each other one way only.
"$here/../tools/check-layers.sh" "$here/../user" | tee "$tmp/layers"
lrc=${PIPESTATUS[0]}
"$here/fuzz/run.sh" "$build" "${FUZZ_SECONDS:-3}" | tee "$tmp/fuzz"
frc=${PIPESTATUS[0]}
"$here/integration/run.sh" "$bin" | tee "$tmp/int"
irc=${PIPESTATUS[0]}
krc=0
: >"$tmp/kern"
if [ "${MW_TEST_KERNELS:-6.1}" != none ]; then
	# shellcheck disable=SC2086
	"$here/../tools/kernel-matrix/run.sh" --smoke ${MW_TEST_KERNELS:-6.1} | tee "$tmp/kern"
	krc=${PIPESTATUS[0]}
fi

p=0 f=0
for part in unit layers fuzz int kern; do
	set -- $(sed -n 's/^[a-z]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$tmp/$part")
	p=$((p + ${1:-0}))
	f=$((f + ${2:-0}))
done
# A runner that failed without counting a failure still fails the total.
for rc in "$urc" "$lrc" "$frc" "$irc" "$krc"; do
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
done
echo "total: $p passed, $f failed"
[ "$urc" -eq 0 ] && [ "$lrc" -eq 0 ] && [ "$frc" -eq 0 ] && [ "$irc" -eq 0 ] && [ "$krc" -eq 0 ]
