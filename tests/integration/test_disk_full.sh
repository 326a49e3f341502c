#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A full disk is survivable: a file sink and a spool on a 256 KiB tmpfs
# (mounted in this test's private mount namespace) run out of space during
# an exec storm with every exec reported. The daemon keeps reading the
# rings (no kernel loss), counts the refused writes (output_nospace), says
# so once a minute per failure, not once per write, and stops cleanly;
# stdout, on a disk with room, still gets every state event.
if [ -z "${MW_PRIVATE_NS:-}" ]; then
	exec env MW_PRIVATE_NS=1 unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

STORM=$MW_HELPERS/storm
mkdir -p "$T/full"
mount -t tmpfs -o size=256k,mode=0755 mw-full "$T/full" || skip "cannot mount a tmpfs"
df_cleanup() {
	cleanup_rc=$?
	umount "$T/full" 2>/dev/null
	cleanup
	exit $cleanup_rc
}
trap df_cleanup EXIT

rules_copy
mw_start --rules "$T/rules" --events --spool-dir "$T/full/spool" --output stdout \
	--output "file:$T/full/ev.log?max_size=32k&keep=3" \
	--output "unix:$T/nobody.sock?queue=1k&spool=1m" || finish
"$STORM" exec 4 /bin/true >"$T/e.out"
log "storm: $(cat "$T/e.out")"
log "tmpfs: $(df -k "$T/full" | tail -n 1)"
mw_stop

stopped=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT" | tail -n 1)
[ -n "$stopped" ] || { fail "no stopped counters"; finish; }
log "counters: $(printf '%s' "$stopped" | jq -c '{events_lost, output_written, output_dropped, output_errors, output_nospace, output_sync_errors}')"
expect "$stopped" '.events_lost == 0 and .alerts_lost == 0' "no kernel record lost"
expect "$stopped" '.output_nospace > 10' "writes refused for a full disk are counted"
expect "$stopped" '.output_sync_errors == 0' "fdatasync failures reported (none on tmpfs)"
n=$(grep -c 'No space left on device' "$ERR")
[ "$n" -ge 1 ] && [ "$n" -le 6 ] && ok "full disk logged $n times, not per write" ||
	fail "full disk logged $n times"
n=$(count_of '.event.action == "exec" and .process.name == "true"')
[ "$n" -gt 100 ] && ok "stdout kept reporting ($n storm execs)" || fail "only $n storm execs on stdout"
expect_valid_json
finish
