#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make test: unit tests, integration tests, then the integration smoke set
# inside Debian's 6.1 kernel under qemu (MW_TEST_KERNELS="6.1 6.12" for
# more, "none" for none; skipped with a reason where qemu or the kernel
# cannot be had); one closing summary line.
set -u
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
"$here/run-unit.sh" "$@" | tee /tmp/mw-unit.$$
urc=${PIPESTATUS[0]}
"$here/integration/run.sh" "$bin" | tee /tmp/mw-int.$$
irc=${PIPESTATUS[0]}
krc=0
: >/tmp/mw-k.$$
if [ "${MW_TEST_KERNELS:-6.1}" != none ]; then
	# shellcheck disable=SC2086
	"$here/../tools/kernel-matrix/run.sh" --smoke ${MW_TEST_KERNELS:-6.1} | tee /tmp/mw-k.$$
	krc=${PIPESTATUS[0]}
fi
up=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' /tmp/mw-unit.$$)
ip=$(sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' /tmp/mw-int.$$)
kp=$(sed -n 's/^kernels: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' /tmp/mw-k.$$)
rm -f /tmp/mw-unit.$$ /tmp/mw-int.$$ /tmp/mw-k.$$
set -- $up $ip $kp
p=$(( ${1:-0} + ${3:-0} + ${5:-0} )); f=$(( ${2:-0} + ${4:-0} + ${6:-0} ))
[ "$urc" -ne 0 ] && [ "${2:-0}" -eq 0 ] && f=$((f + 1))
[ "$irc" -ne 0 ] && [ "${4:-0}" -eq 0 ] && f=$((f + 1))
[ "$krc" -ne 0 ] && [ "${6:-0}" -eq 0 ] && f=$((f + 1))
echo "total: $p passed, $f failed"
[ "$urc" -eq 0 ] && [ "$irc" -eq 0 ] && [ "$krc" -eq 0 ]
