#!/bin/bash
# Runs one OVS autotest suite of a built tree and records each test.
#
# usage: utilities/run-testsuite.sh RESULTS TREE TARGET [TESTSUITEFLAGS...]
#
# TARGET is the make target (check, check-system-userspace, ...).  Failed
# tests are run once more (OVS's RECHECK), as OVS's own CI does for
# timing-sensitive system tests; a test that fails twice fails.  Appends
# "STATUS<TAB>NAME<TAB>LOG" lines to RESULTS.

. "$(dirname "$0")/common.sh"

results=$1 tree=$(cd "$2" && pwd) target=$3
shift 3
obj=$tree/_build
case $target in
    check) suite=testsuite ;;
    check-system-*) suite=system-${target#check-system-}-testsuite ;;
    *) die "unknown test target $target" ;;
esac
log=$LOG_DIR/check/$(basename "$tree")-$target.log
mkdir -p "$(dirname "$log")"

say "$(basename "$tree"): make $target TESTSUITEFLAGS='$*' (log: $log)"
# System tests create devices and routes in the namespace they run in: give
# them one of their own, so that the host's interfaces are never touched.
netns=
case $target in
    check-system-*)
        netns=ovs-check-$$
        ip netns add "$netns" || die "cannot create network namespace $netns"
        trap 'ip netns del "$netns" 2>/dev/null || true' EXIT
        ip -n "$netns" link set lo up
        ;;
esac
${netns:+ip netns exec "$netns"} \
    make -C "$obj" "$target" RECHECK=yes TESTSUITEFLAGS="$*" > "$log" 2>&1 &
make_pid=$!
if [ -n "${PROGRESS:-}" ]; then
    # Long suites: say how far they are, once a minute.
    while kill -0 $make_pid 2>/dev/null; do
        sleep 60 &
        wait $! || true
        say "$target: $(grep -cE '^ *[0-9]+: ' "$log" || true) tests done"
    done
fi
wait $make_pid || true

# Autotest prints "NUM: TITLE  ok|skipped (...)|FAILED (...)|expected
# failure"; on a recheck the later line of a test wins.
awk -v suite="$target" -v suite_file="$suite" -v dir="$obj/tests/$suite.dir" -v suitelog="$log" '
    match($0, /^ *[0-9]+: /) {
        num = $1; sub(/:$/, "", num)
        line = substr($0, RLENGTH + 1)
        if (line ~ / ok$/) { st = "PASS"; sub(/ +ok$/, "", line) }
        else if (line ~ /skipped \(/) { st = "SKIP"; sub(/ +skipped \(.*$/, "", line) }
        else if (line ~ /expected failure/) { st = "PASS"; sub(/ +expected failure.*$/, "", line) }
        else if (line ~ /FAILED \(/) { st = "FAIL"; sub(/ +FAILED \(.*$/, "", line) }
        else next
        status[num] = st; title[num] = line
        if (!(num in seen)) { seen[num] = 1; order[n++] = num }
    }
    END {
        for (i = 0; i < n; i++) {
            num = order[i]
            where = ""
            if (status[num] == "FAIL") {
                where = sprintf("%s/%03d/%s.log", dir, num, suite_file)
            }
            printf "%s\t%s %s: %s\t%s\n", status[num], suite, num, title[num], where
        }
        if (n == 0) { printf "FAIL\t%s: no test ran\t%s\n", suite, suitelog }
    }' "$log" >> "$results"
