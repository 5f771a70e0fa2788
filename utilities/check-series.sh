#!/bin/bash
# 'make check-series': every prefix of the series builds with -Werror and
# passes a quick test subset, so that the series bisects.  Reports the
# first patch that breaks.
#
# Works in its own tree, build/ovs-bisect, checking out one commit after
# the other so that each build is incremental.
#
# CHECK_SERIES_FROM=N starts at patch N (the earlier prefixes are taken as
# checked), to check what was added to a series that passed before.

. "$(dirname "$0")/common.sh"

QUICK_UNIT=${QUICK_UNIT:--k netlink -k ovs_router}
QUICK_SYSTEM=${QUICK_SYSTEM:--k interface -k netdev-linux-events}
tree=$BUILD_DIR/ovs-bisect
from=${CHECK_SERIES_FROM:-1}
[[ $from =~ ^[1-9][0-9]*$ ]] \
    || die "CHECK_SERIES_FROM must be a patch number, not '$from'"
export LOG_DIR=$LOG_DIR/bisect

"$TOP/utilities/deps.sh" build test
FORCE=1 "$TOP/utilities/make-tree.sh" "$tree" >/dev/null
mapfile -t commits < <(git -C "$tree" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || { say "the series is empty"; exit 0; }

[ "$from" -le ${#commits[@]} ] \
    || die "CHECK_SERIES_FROM=$from, but the series has ${#commits[@]} patches"

n=0
for commit in "${commits[@]}"; do
    n=$((n + 1))
    [ $n -ge "$from" ] || continue
    subject=$(git -C "$tree" log -1 --format=%s "$commit")
    say "[$n/${#commits[@]}] $subject"
    git -C "$tree" checkout -q "$commit"
    results=$LOG_DIR/results-$n.tsv
    mkdir -p "$LOG_DIR"
    : > "$results"
    if ! "$TOP/utilities/build.sh" "$tree"; then
        die "patch $n ($subject) does not build"
    fi
    # shellcheck disable=SC2086
    "$TOP/utilities/run-testsuite.sh" "$results" "$tree" check \
        -j$(($(jobs_count) * 2)) $QUICK_UNIT
    # shellcheck disable=SC2086
    "$TOP/utilities/run-testsuite.sh" "$results" "$tree" \
        check-system-userspace $QUICK_SYSTEM
    if grep -q '^FAIL' "$results"; then
        awk -F '\t' '$1 == "FAIL" { printf "  %s\n      %s\n", $2, $3 }' \
            "$results" >&2
        die "patch $n ($subject) fails tests"
    fi
done
git -C "$tree" checkout -q main
say "prefixes $from to ${#commits[@]} of the series build and pass"
