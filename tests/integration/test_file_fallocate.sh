#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log lines destroyed in place with fallocate(2): --punch-hole (the range
# becomes NULs, the size stays) and --collapse-range (the range is cut
# out) on logs raise MW-AF-008 with the real path, the mode and the sizes;
# a plain preallocation (--keep-size) raises nothing. /var/log is a
# directory of the test's own, on ext4 here (tmpfs, as in the kernel-matrix
# guests, cannot collapse: that half is then skipped, said in the log).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

command -v fallocate >/dev/null || skip "fallocate(1) needed (util-linux)"
file_rules_copy
mw_start --rules "$T/rules" || finish

mkdir -p "$T/logfs"
# tmpfs (a guest's /tmp) punches holes but cannot collapse a range.
collapse=1
[ "$(stat -f -c %T "$T/logfs")" = tmpfs ] && collapse=0
ns_run '
mount --bind '"$T"'/logfs /var/log
for f in auth.log syslog kern.log; do head -c 65536 /dev/urandom | base64 -w 76 > /var/log/$f; done
sleep 0.2
fallocate --keep-size --offset 0 --length 1048576 /var/log/kern.log || echo prealloc >> '"$T"'/bad
fallocate --punch-hole --offset 4096 --length 8192 /var/log/auth.log || echo punch >> '"$T"'/bad
if [ '"$collapse"' = 1 ] && ! fallocate --collapse-range --offset 4096 --length 8192 /var/log/syslog; then
	echo collapse >> '"$T"'/bad
fi
'
[ -e "$T/bad" ] && fail "fallocate failed: $(cat "$T/bad" | tr '\n' ' ') (filesystem: $(stat -f -c %T "$T/logfs"))"

line=$(expect_one_alert MW-AF-008 '.file.path == "/var/log/auth.log"' "fallocate --punch-hole on a log")
[ -n "$line" ] && {
	expect "$line" '.event.action == "punch-hole" and .process.name == "fallocate"' "punch-hole by fallocate"
	expect "$line" '.threat.technique.id == ["T1070.002"]' "technique T1070.002"
	expect "$line" '.minerwatch.file.size_before == .minerwatch.file.size_after' "size unchanged by a hole"
}
if [ "$collapse" = 0 ]; then
	log "collapse-range not checked: $T is on tmpfs"
else
	line=$(expect_one_alert MW-AF-008 '.file.path == "/var/log/syslog"' "fallocate --collapse-range on a log")
	[ -n "$line" ] && {
		expect "$line" '.event.action == "collapse-range" and .threat.technique.id == ["T1070.002"]' "collapse-range, T1070.002"
		expect "$line" '.minerwatch.file.size_before - .minerwatch.file.size_after == 8192' "8192 bytes cut"
	}
fi
# The preallocation came first: had it raised anything, it is here by now.
n=$(count_of '.event.kind == "alert" and .file.path == "/var/log/kern.log"')
[ "$n" -eq 0 ] && ok "preallocation (--keep-size): no alert" || fail "$n alerts for a preallocation"

mw_stop
expect_valid_json
finish
