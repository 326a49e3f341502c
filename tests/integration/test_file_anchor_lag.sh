#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The identity map follows a replaced watched directory at once, not at the
# next 1 s timer: three times, a prepared directory is renamed over
# /etc/cron.d and, 0.3 s later, the new cron.d is bind-mounted elsewhere
# and a cron file written through that mount. The walk meets only the
# bind's root, the new cron.d, so the write comes out as /etc/cron.d/NAME
# only when the map already has the new identity
# (file_sensor__anchors_due(): a refresh right after a rename record).
DNS_ETC_COPY=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

in_dns() { DNS_ROOT=$DNS_ROOT nsenter -t "$MW_PID" -m -- bash -c "$1"; }

# In the daemon's own namespace (private to this test, see file_ns_lib.sh):
# a rename there replaces what the daemon itself names /etc/cron.d.
in_dns '
[ "$(stat -f -c %T /etc/cron.d)" = tmpfs ] || exit 99
mkdir "$DNS_ROOT/cb"
for i in 1 2 3; do
	mkdir /etc/.prep$i
	mv -T /etc/.prep$i /etc/cron.d || exit 1
	sleep 0.3
	mount --bind /etc/cron.d "$DNS_ROOT/cb" || exit 1
	echo "* * * * * root /tmp/x$i" > "$DNS_ROOT/cb/soon$i"
	umount "$DNS_ROOT/cb"
	rm /etc/cron.d/soon$i # mv -T needs an empty cron.d
done
'
case $? in
0) ;;
99) fail "private mounts not in place: scenario not run" ;;
*) fail "scenario in the daemon namespace failed" ;;
esac

for i in 1 2 3; do
	line=$(expect_one_alert MW-PERSIST-001 ".file.path == \"/etc/cron.d/soon$i\"" "write 0.3 s after cron.d was replaced (round $i)")
	[ -n "$line" ] && expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/cb/soon$i\"" "round $i: caller's view in seen_as"
done

mw_stop
expect_valid_json
finish
