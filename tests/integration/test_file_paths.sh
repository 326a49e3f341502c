#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# By-name paths that only match once normalized ("..", ".", "//") are not
# dropped by the kernel filter and come out normalized; a symlink pointing
# into a watched place is reported itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
for f in a b c d; do echo x > /var/log/$f.log; done
cd /root
rm ../var/log/a.log
rm /root/../var/log/b.log
rm /var/log/.//c.log
ln -s /var/log /root/lg
'
for f in a b c; do
	line=$(expect_one_alert MW-AF-002 ".file.path == \"/var/log/$f.log\"" "rm through an unnormalized path ($f)")
	if file_hooks_fentry; then # resolved from the dentry: nothing to normalize
		[ -n "$line" ] && expect "$line" '.minerwatch.file.path_source == "object"' "resolved from the object (kernel functions)"
	else
		[ -n "$line" ] && expect "$line" '.minerwatch.file.path_source == "name" and (.minerwatch.file.watch | index("unnormalized") != null)' "sent as unnormalized, reported normalized"
	fi
done
line=$(expect_one_alert MW-AF-003 '.file.path == "/root/lg"' "symlink to /var/log")
[ -n "$line" ] && expect "$line" '.event.action == "symlink" and .file.target_path == "/var/log"' "symlink and its target"

mw_stop
expect_valid_json
finish
