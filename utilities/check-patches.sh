#!/bin/bash
# Series hygiene: every patch in patches/series exists, carries a
# Signed-off-by and passes the base's utilities/checkpatch.py.
#
# usage: utilities/check-patches.sh RESULTS
#
# Appends one "STATUS<TAB>NAME<TAB>LOG" line per check to RESULTS.

. "$(dirname "$0")/common.sh"

results=$1
"$TOP/utilities/get-base.sh"
logdir=$LOG_DIR/check/patches
rm -rf "$logdir"
mkdir -p "$logdir"

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }

while read -r patch; do
    log=$logdir/$patch.log
    if [ ! -f "$PATCH_DIR/$patch" ]; then
        echo "patches/series names $patch, which is not in patches/" > "$log"
        record FAIL "patch $patch: exists" "$log"
        continue
    fi
    if grep -q '^Signed-off-by: .\+ <.\+@.\+>' "$PATCH_DIR/$patch"; then
        record PASS "patch $patch: Signed-off-by" ""
    else
        echo "$patch has no Signed-off-by line" > "$log"
        record FAIL "patch $patch: Signed-off-by" "$log"
    fi
    if (cd "$BASE_SRC" && /usr/bin/python3 utilities/checkpatch.py \
            "$PATCH_DIR/$patch") > "$log" 2>&1; then
        record PASS "patch $patch: checkpatch" ""
    else
        record FAIL "patch $patch: checkpatch" "$log"
    fi
done < <(series_patches)
