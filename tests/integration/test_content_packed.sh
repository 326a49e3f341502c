#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A real UPX-packed XMRig, as Kinsing, 8220 and TeamTNT ship theirs. The
# file shows only the packer; the worker scans the running image once the
# unpacker is done and finds the miner there. Enforce mode:
# - packed XMRig under a neutral name in an ordinary directory (not temp,
#   not hidden, not world-writable): killed by MW-CONTENT-001 on the
#   signatures of its unpacked image, its inode denied in the kernel;
# - the same packed bytes from /tmp under a hidden name: the packer rule
#   and the miner signatures both named, killed;
# - a packed benign program in the ordinary directory: its image is
#   scanned too, no signature, no alert, it runs to its end (issue 13: a
#   packed program is judged by its place, not killed for being packed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/xmrig_lib.sh"

need python3
xmrig_fetch
upx_fetch
xmrig_packed
rules_copy
netns_new upx || skip "cannot create a network namespace"
PORT=3461 # nothing listens: the network rules cannot beat the content verdict

# An ordinary directory, not under the checkout or $T (both may be in /tmp).
D=$(mktemp -d /var/lib/mw-content-packed.XXXXXX) && chmod 755 "$D" || fail "no directory under /var/lib"
trap 'rm -rf "$D"; net_cleanup; cleanup' EXIT

# A benign program UPX 3.94 can pack and run: static, one code segment
# layout (UPX 3.94's stub predates binutils' separate-code default).
cc -O2 -static -Wl,-z,noseparate-code -o "$D/report-tool" "$MW_ROOT/tests/integration/helpers/marker.c" &&
	"$UPX" -q "$D/report-tool" >/dev/null 2>&1 || fail "cannot build and pack the benign program"
grep -q 'UPX!' "$D/report-tool" && ok "benign program packed" || fail "benign program not packed"

# run_miner PATH SECONDS: bounded, in the namespace, from its dir.
run_miner() {
	(cd "$(dirname "$1")" && exec ip netns exec "$NS" timeout "$2" "$1" >"$1.log" 2>&1)
}
mkdir -p "$D/svc"
cp "$XMRIG_UPX" "$D/svc/syncd"
xmrig_config "$D/svc/config.json" "127.0.0.1:$PORT"
mkdir -p "$T/.cache"
cp "$XMRIG_UPX" "$T/.cache/update"
xmrig_config "$T/.cache/config.json" "127.0.0.1:$PORT"

mw_start --rules "$T/rules" --enforce --events || finish

# --- packed benign program, ordinary directory: runs, no alert ------------
"$D/report-tool" "$T/m1" 3 # alive while its image is read
rc=$?
[ "$rc" -eq 0 ] && [ -e "$T/m1" ] && ok "packed benign program ran to its end" ||
	fail "packed benign program: exit $rc"
line=$(wait_for ".event.action == \"content\" and .process.executable == \"$D/report-tool\"" 10) ||
	fail "no content verdict for the packed benign program"
[ -n "$line" ] && expect "$line" '.minerwatch.content.packed == true and .minerwatch.content.unpacked == true and
	(.minerwatch.process.signatures | length) == 0' "packed benign program: its image scanned, no signature"
[ "$(count_of ".event.kind == \"alert\" and .process.executable == \"$D/report-tool\"")" -eq 0 ] &&
	ok "packed benign program raised no alert" || fail "packed benign program raised an alert"

# --- packed XMRig, ordinary directory, neutral name -------------------------
exe="$D/svc/syncd"
run_miner "$exe" 20
rc=$?
[ "$rc" -eq 137 ] && ok "packed XMRig in $D killed (exit 137)" || fail "packed XMRig in $D: exit $rc"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-CONTENT-001\" and .process.executable == \"$exe\"") ||
	fail "no content alert for the packed XMRig"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.process.signatures | index("MW_Miner_XMRig_Algorithms") != null' \
		"alert names the miner signature found in the unpacked image"
	expect "$line" '.minerwatch.process.signatures | index("MW_Packer_UPX_Suspicious_Place") == null' \
		"no packer-place signature: the directory is ordinary"
	expect "$line" ".minerwatch.content.packed == true and .minerwatch.content.unpacked == true and
		.process.hash.sha256 == \"$XMRIG_UPX_SHA256\"" "alert: packed, unpacked, the packed file's SHA-256"
	log "packed 3 MB XMRig: verdict $(printf '%s' "$line" | jq .minerwatch.content.latency_ms) ms after exec"
fi
line=$(wait_for ".event.action == \"deny_file\" and .file.path == \"$exe\"") || fail "no deny_file"
[ -n "$line" ] && expect "$line" '.event.outcome == "success"' "its inode is denied in the kernel"
lsm=$(jq -r 'select(.event.action == "started") | .minerwatch.features.lsm' "$OUT" | head -n1)
if [ "$lsm" = true ]; then want=126; else want=137; fi # EPERM at bprm_check, or killed
run_miner "$exe" 20
rc=$?
[ "$rc" -eq "$want" ] && [ ! -s "$exe.log" ] && ok "second exec stopped in the kernel before its first instruction" ||
	fail "second exec: exit $rc, log $(head -c 100 "$exe.log" 2>/dev/null)"

# --- the same bytes from /tmp under a hidden name: packer and miner ---------
exe="$T/.cache/update"
run_miner "$exe" 20
rc=$?
[ "$rc" -eq 137 ] && ok "packed XMRig in a hidden temp directory killed" || fail "packed XMRig in $T: exit $rc"
line=$(wait_for ".event.kind == \"alert\" and (.rule.id | startswith(\"MW-CONTENT\")) and .process.executable == \"$exe\"") ||
	fail "no content alert for the packed XMRig in $T"
[ -n "$line" ] && expect "$line" '(.minerwatch.process.signatures | index("MW_Packer_UPX_Suspicious_Place") != null) and
	(.minerwatch.process.signatures | index("MW_Miner_XMRig_Algorithms") != null)' \
	"alert names both the packer in its place and the miner inside"
mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n1)
[ -n "$line" ] && expect "$line" '.minerwatch.counters.content.unpacked >= 2' "stopped counters: images scanned"
expect_valid_json
finish
