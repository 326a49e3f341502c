#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Check that user/'s stages include each other one way only.
#
# Every `#include "stage/file.h"` in user/<stage>/ is an edge from that
# stage to the other; util/ is a leaf and may be included by anyone. The
# stage graph must have no cycle (tsort finds one), and no module may
# include a header of a module that includes its own (the file-level
# version of the same rule; a private foo_int.h shared by one module's .c
# files counts as that module). Prints the offending edges and exits 1.
# Usage: tools/check-layers.sh [USER_DIR]
set -u
dir=${1:-$(dirname "$0")/../user}
cd "$dir" || exit 2

edges=$(mktemp)
trap 'rm -f "$edges" "$edges.mod"' EXIT
for f in */*.[ch] *.c; do
	from=${f%%/*}
	[ "$from" = "$f" ] && from=main
	mod=${f%.[ch]}
	mod=${mod%_int}
	grep -o '^#include "[a-z_]*/[a-z_]*\.h"' "$f" | sed 's/.*"\(.*\)\.h"/\1/' |
		while read -r to; do
			tstage=${to%%/*}
			tmod=${to%_int}
			[ "$tmod" != "$mod" ] && echo "$mod $tmod" >>"$edges.mod"
			[ "$tstage" = "$from" ] || [ "$tstage" = util ] && continue
			echo "$from $tstage"
		done
done | sort -u >"$edges"
touch "$edges.mod"

fail=0
if ! tsort "$edges" >/dev/null 2>&1; then
	echo "check-layers: the stages include each other in a cycle:" >&2
	tsort "$edges" 2>&1 >/dev/null | sed 's/^/  /' >&2
	fail=1
fi
if ! sort -u "$edges.mod" | tsort >/dev/null 2>&1; then
	echo "check-layers: modules include each other in a cycle:" >&2
	sort -u "$edges.mod" | tsort 2>&1 >/dev/null | sed 's/^/  /' >&2
	fail=1
fi
n=$(wc -l <"$edges")
if [ "$fail" -eq 0 ]; then
	echo "layers: 1 passed, 0 failed ($n stage edges, no cycle)"
else
	echo "layers: 0 passed, 1 failed"
fi
exit "$fail"
