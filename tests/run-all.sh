#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make test: unit tests, then integration tests; one closing summary line.
set -u
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
"$here/run-unit.sh" "$@" | tee /tmp/mw-unit.$$
urc=${PIPESTATUS[0]}
"$here/integration/run.sh" "$bin" | tee /tmp/mw-int.$$
irc=${PIPESTATUS[0]}
up=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' /tmp/mw-unit.$$)
ip=$(sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' /tmp/mw-int.$$)
rm -f /tmp/mw-unit.$$ /tmp/mw-int.$$
set -- $up $ip
p=$(( ${1:-0} + ${3:-0} )); f=$(( ${2:-0} + ${4:-0} ))
[ "$urc" -ne 0 ] && [ "${2:-0}" -eq 0 ] && f=$((f + 1))
[ "$irc" -ne 0 ] && [ "${4:-0}" -eq 0 ] && f=$((f + 1))
echo "total: $p passed, $f failed"
[ "$urc" -eq 0 ] && [ "$irc" -eq 0 ]
