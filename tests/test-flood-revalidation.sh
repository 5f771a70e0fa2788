#!/bin/bash
# bench/flood-revalidation.sh measures what it says: on a few ports, the
# flooding flows it asks for are installed, each round is one revalidation
# counted by the daemon, nothing is left behind, and under callgrind it
# counts instructions.  Counts only: its CPU times are for the benchmark,
# not for an assertion.

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SERIES_TREE=${SERIES_TREE:-$TOP/build/ovs}

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"

value() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$TOP/bench/flood-revalidation.sh" "$SERIES_TREE" 3 2 4 > "$out" 2>/dev/null &
pid=$!
wait $pid || fail "flood-revalidation.sh failed"
line=$(cat "$out")
echo "$line"
[ "$(value flows "$line")" -ge 6 ] || fail "expected at least 6 flows"
[ "$(value revalidations "$line")" = 4 ] || fail "expected 4 revalidations"
[ -n "$(value cpu_ms_per_revalidation "$line")" ] || fail "no CPU time"

if ip netns list | grep -q "^ovs-flood-$pid\b"; then
    fail "a namespace of the benchmark was left behind"
fi

# Under callgrind it also counts the instructions of the retranslations.
line=$(FLOOD_CALLGRIND=1 "$TOP/bench/flood-revalidation.sh" "$SERIES_TREE" \
           3 2 2 2>/dev/null) \
    || fail "flood-revalidation.sh under callgrind failed"
echo "$line"
[ "$(value revalidations "$line")" = 2 ] \
    || fail "expected 2 revalidations under callgrind"
[ "$(value instructions_per_revalidation "$line")" -gt 0 ] \
    || fail "no instructions counted"

# Bad input is refused with a usage message, before anything starts.
for args in "$SERIES_TREE 0" "$SERIES_TREE 3 x" "$SERIES_TREE 300"; do
    # shellcheck disable=SC2086
    "$TOP/bench/flood-revalidation.sh" $args > /dev/null 2>&1
    [ $? = 2 ] || fail "arguments '$args' were not refused"
done
echo "PASS"
