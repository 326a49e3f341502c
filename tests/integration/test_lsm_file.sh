#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Protected persistence files at lsm/file_open and the path hooks (BPF-LSM
# kernels; skipped elsewhere): with /var/spool/cron/crontabs/root and
# /etc/cron.d protected, appending a cron entry, truncating, removing,
# renaming over the crontab and dropping a new file into cron.d all fail
# with EPERM; reading still works and unprotected files are untouched.
# Runs in a private mount namespace with tmpfs over the real paths.
if [ -z "${MW_IN_NS:-}" ]; then
	exec unshare -m --propagation private env MW_IN_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

for d in /var/spool/cron /etc/cron.d; do
	mount -t tmpfs tmpfs $d || skip "cannot mount a tmpfs over $d (cron not installed?)"
done
mkdir -p /var/spool/cron/crontabs
echo '# m h dom mon dow command' >/var/spool/cron/crontabs/root
echo 'keep' >/var/spool/cron/crontabs/other
echo '# cron.d entry' >/etc/cron.d/existing

rules_copy
mw_start --rules "$T/rules" --enforce --protect-path /var/spool/cron/crontabs/root \
	--protect-path /etc/cron.d || finish
line=$(wait_for '.event.action == "started"')
if [ "$(printf '%s' "$line" | jq -r '.minerwatch.hooks.file_deny | type')" != array ]; then
	why=$(printf '%s' "$line" | jq -r '.minerwatch.hooks.lsm_unavailable // "no lsm/file_open"')
	[ "${MW_EXPECT_LSM:-0}" = 1 ] && { fail "this kernel should have BPF-LSM: $why"; finish; }
	mw_stop
	skip "file deny needs BPF-LSM: $why"
fi
CT=/var/spool/cron/crontabs/root

refused() { # DESCRIPTION COMMAND...: the command must fail with EPERM
	local d=$1 err
	shift
	err=$("$@" 2>&1) && { fail "$d: succeeded"; return; }
	case $err in
	*"Operation not permitted"*) ok "$d: EPERM" ;;
	*) fail "$d: $err" ;;
	esac
}
refused "append a cron entry" sh -c "echo '* * * * * /tmp/.x/miner' >> $CT"
refused "open-truncate the crontab" truncate -s 0 $CT
# truncate(2) by path, no open: lsm/path_truncate.
refused "truncate(2) the crontab" perl -e 'truncate($ARGV[0], 0) or die "$!\n"' $CT
refused "remove the crontab" rm -f $CT
# Write elsewhere in the same directory, then rename into place.
echo '* * * * * /tmp/.x/miner' >/var/spool/cron/crontabs/new
refused "rename over the crontab" perl -e 'rename($ARGV[0], $ARGV[1]) or die "$!\n"' \
	/var/spool/cron/crontabs/new $CT
refused "new file in /etc/cron.d" sh -c "echo x > /etc/cron.d/evil"
refused "edit a file in /etc/cron.d" sh -c "echo x >> /etc/cron.d/existing"
grep -q '^# m h dom' $CT && [ "$(wc -l <$CT)" -eq 1 ] && ok "crontab unchanged and readable" ||
	fail "crontab changed"
[ ! -e /etc/cron.d/evil ] && ok "no file created in cron.d" || fail "cron.d/evil exists"
echo more >>/var/spool/cron/crontabs/other && ok "unprotected file still writable" ||
	fail "unprotected file refused"

line=$(wait_for ".event.action == \"block\" and .file.path == \"$CT\" and .minerwatch.response.hook == \"lsm/file_open\"") ||
	fail "no block event for the crontab write"
if [ -n "$line" ]; then
	expect "$line" '.event.outcome == "success" and .event.category == ["file"]' "file block, success"
	expect "$line" '.minerwatch.response.refused == "write"' "says a write was refused"
fi
wait_for '.event.action == "block" and .file.path == "/etc/cron.d/evil"' >/dev/null &&
	ok "block event names the file refused in cron.d" || fail "no block event for cron.d/evil"
for h in path_truncate path_unlink path_rename; do
	wait_for ".event.action == \"block\" and .minerwatch.response.hook == \"lsm/$h\"" >/dev/null &&
		ok "block event from lsm/$h" || fail "no block event from lsm/$h"
done
mw_stop
expect_valid_json
finish
