#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# By-name operations through a symbolic link into a watched place: a cron
# file renamed into /etc/cron.d through a link to /etc/cron.d, to /etc, a
# relative link climbing with "..", and a link to such a link; a log
# removed through a link to /var/log. Each is reported under the real path
# (file.path / file.target_path), with the caller's string as
# minerwatch.file.seen_as / target_seen_as. A link replaced with
# `ln -sfn` (a new link renamed over it) is followed to its new place, one
# pointed away is forgotten, removing such a link is not removing the
# place, and a link into a place no rule watches raises nothing. The same
# holds when the link is made and used at once by one process, before the
# daemon can have read the link's record.
DNS_ETC_COPY=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish
D=$DNS_ROOT

dns_run '
D=$DNS_ROOT
for f in j1 j2 j3 j4 j5 j6; do echo "* * * * * root /tmp/x" > /etc/$f; done
ln -s /etc/cron.d "$D/c"
ln -s /etc "$D/e"
ln -s ../../../etc/cron.d "$D/rel"
ln -s "$D/e" "$D/e2"
ln -s /var/log "$D/l"
mkdir "$D/plain"
ln -s "$D/plain" "$D/p"
sleep 0.3 # the links reach the daemon before they are used
mv /etc/j1 "$D/c/viacron"
mv /etc/j2 "$D/e/cron.d/viaetc"
mv /etc/j3 "$D/rel/viarel"
mv /etc/j4 "$D/e2/cron.d/viachain"
mv /etc/j5 "$D/p/notwatched"
echo x > /var/log/wtmp
rm "$D/l/wtmp"
rm "$D/c" # the link itself: not the place it points to
# ln -sfn replaces a link by renaming a new one over it (a temporary name):
# the alias follows the rename; pointed away, the old one is forgotten.
ln -s "$D/plain" "$D/r"
ln -sfn /etc/cron.d "$D/r"
sleep 0.3
mv /etc/j6 "$D/r/viareplaced"
mkdir -p "$D/plain/cron.d"
ln -sfn "$D/plain" "$D/e"
sleep 0.3
# (renames within the new place: no copy across mounts)
echo "* * * * * root /tmp/x" > "$D/k1"
echo "* * * * * root /tmp/x" > "$D/k2"
mv "$D/k1" "$D/e/cron.d/repointed"
mv "$D/k2" "$D/e2/cron.d/repointedchain"
' || fail "scenario failed"

# Made and used at once, from one process (helpers/linkrace.c: the calls
# microseconds apart), before the daemon can have read the link: the
# kernel watches a new link until the daemon has judged it.
dns_run "L=$MW_HELPERS/linkrace U=$MW_HELPERS/uring_file"'
D=$DNS_ROOT
for f in f1 f2 f3 f4 f5; do echo "* * * * * root /tmp/x" > /etc/$f; done
echo "* * * * * root /tmp/x" > "$D/k3"
echo x > /var/log/btmp
mkdir -p "$D/plain2"
ln -s "$D/plain2" "$D/fr"
sleep 0.3
$L rename /etc/cron.d "$D/fc" /etc/f1 "$D/fc/fastcron" &&
$L unlink /var/log "$D/fl" "$D/fl/btmp" &&
$L replace /etc/cron.d "$D/fr" /etc/f2 "$D/fr/fastreplaced" &&
$L rename "$D/plain2" "$D/fp" "$D/k3" "$D/fp/fastplain" &&
$L again /etc/cron.d "$D/fa" /etc/f4 "$D/fa/fastagain" &&
$L rename "$D/plain2" "$D/fq" /etc/f5 "$D/fq/../../../../etc/cron.d/./dotty" || exit 1
# The same with io_uring only (a link made by IORING_OP_SYMLINKAT).
$U symlink /etc/cron.d "$D/uc" && $U rename /etc/f3 "$D/uc/uringcron"
' || fail "back-to-back scenario failed"


line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/viacron"' "rename through a link to /etc/cron.d")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/c/viacron\"" "the caller's string in target_seen_as"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/viaetc"' "rename through a link to /etc")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/e/cron.d/viaetc\"" "the caller's string in target_seen_as (link to /etc)"

expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/viarel"' "rename through a relative link climbing to /etc/cron.d" >/dev/null

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/viachain"' "rename through a link to a link to /etc")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/e2/cron.d/viachain\"" "the caller's string in target_seen_as (chain)"

line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/wtmp"' "rm wtmp through a link to /var/log")
[ -n "$line" ] && view "$line" ".minerwatch.file.seen_as == \"$D/l/wtmp\"" "the caller's string in seen_as (log)"

expect_alerts 0 '.file.path == "/etc/cron.d" and .event.action == "unlink"' "the link removed: no alert about /etc/cron.d"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/viareplaced"' "rename through a link replaced with ln -sfn")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/r/viareplaced\"" "the caller's string in target_seen_as (replaced link)"
expect_alerts 0 '(.file.target_path // "" | test("repointed"))' "links pointed away (and a link to such a link): no cron alert"
expect_alerts 0 '(.file.target_path // "" | endswith("notwatched"))' "a link into an unwatched place: no alert"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/fastcron"' "rename through a link made a moment before, back to back")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/fc/fastcron\"" "the caller's string in target_seen_as (back to back)"
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/btmp"' "rm btmp through a link to /var/log made a moment before")
[ -n "$line" ] && view "$line" ".minerwatch.file.seen_as == \"$D/fl/btmp\"" "the caller's string in seen_as (back to back)"
expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/fastreplaced"' "rename through a link re-pointed (rename over it) a moment before" >/dev/null
expect_alerts 0 '(.file.target_path // "" | endswith("fastplain"))' "a link made a moment before into an unwatched place: no alert"
expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/fastagain"' "rename through a link made, removed and made again at once" >/dev/null
expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/dotty"' "a path climbing out of a link made a moment before into cron.d (./ and ../ in it)" >/dev/null
line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/uringcron"' "io_uring: rename through a link made by io_uring")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"$D/uc/uringcron\"" "the caller's string in target_seen_as (io_uring)"

mw_stop
# Each new link's kernel watch ends once the daemon judged it, not when
# swept (5 s): none left at the last sweep, none expired, none refused.
expect "$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n 1)" \
	'.minerwatch.counters.file_links_pending == 0 and .minerwatch.counters.file_links_pending_expired == 0 and .minerwatch.counters.file_links_pending_full == 0' \
	"new links unwatched once judged (none left, expired or refused)"
expect_valid_json
finish
