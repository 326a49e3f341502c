#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A process started before the daemon is known (seeded from /proc) and shows
# up as the parent, with its lineage, when its child misbehaves later.
. "$(dirname "$0")/lib.sh"

rules_copy
mkfifo "$T/go"
mkdir -p "$T/.hidden"
cp "$MW_HELPERS/marker" "$T/.hidden/minerd"
# The parent: a shell with a recognisable command line, waiting for us.
bash -c "read x < $T/go; $T/.hidden/minerd $T/ran; true" mw-lineage-parent &
parent=$!

mw_start --rules "$T/rules" || finish
echo go >"$T/go"
wait "$parent"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-MINER-001\" and .process.parent.pid == $parent") ||
	fail "no alert naming pre-existing parent $parent"
if [ -n "$line" ]; then
	expect "$line" '.process.parent.executable == "/usr/bin/bash" or .process.parent.executable == "/bin/bash"' "parent executable"
	expect "$line" '.process.parent.args[-1] == "mw-lineage-parent"' "parent args from /proc"
	expect "$line" "(.minerwatch.ancestry[0].pid == $parent)" "ancestry starts at the parent"
	expect "$line" "(.minerwatch.ancestry | map(.pid) | index($$)) != null" "ancestry reaches the test shell"
	expect "$line" '.process.parent.entity_id == .minerwatch.ancestry[0].entity_id' "parent entity id consistent"
fi
mw_stop
finish
