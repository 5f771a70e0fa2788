# shellcheck shell=bash
# Shared by the tests of bench/rtnl/rtnl-probe: builds it (skipping the
# test when the tools to build it are missing), checks that it works here,
# makes the test's namespace and reads the probe's JSON.  Expects TOP.

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

DIR=$TOP/bench/rtnl
PROBE=$DIR/rtnl-probe

[ "$(id -u)" = 0 ] || skip "needs root (BPF, namespaces)"
for tool in python3 ip; do
    command -v $tool >/dev/null || skip "$tool is missing"
done

build_log=${TMPDIR:-/tmp}/rtnl-probe-build.$$
if ! make -s -C "$DIR" >/dev/null 2>"$build_log"; then
    for tool in clang bpftool; do
        command -v $tool >/dev/null ||
            { rm -f "$build_log"; skip "no $tool to build rtnl-probe"; }
    done
    [ -f /usr/include/bpf/libbpf.h ] ||
        { rm -f "$build_log"; skip "no libbpf-dev to build rtnl-probe"; }
    cat "$build_log" >&2
    rm -f "$build_log"
    fail "cannot build $PROBE"
fi
rm -f "$build_log"

# jq-less JSON access: jget FILE PYTHON-EXPRESSION-ON-j
jget() {
    python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# probe OUT PROBE-OPTION... -- COMMAND...: run under the probe, JSON to OUT.
probe() {
    local out=$1
    shift
    "$PROBE" --json --output "$out" "$@" ||
        fail "rtnl-probe $*: exit status $?"
}

# The test's files, its background process (bg) and its namespace (ns)
# go away however it ends.
ns=
tmp=$(mktemp -d)
bg=
cleanup() {
    [ -n "$bg" ] && kill -KILL "$bg" 2>/dev/null
    [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# check_hook HOOK: skips the test when the probe cannot work here with
# HOOK, fails it when the check fails otherwise.
check_hook() {
    local rc
    "$PROBE" --hook "$1" --check >"$tmp/check" 2>&1
    rc=$?
    [ $rc = 77 ] && skip "$(tail -n1 "$tmp/check")"
    [ $rc = 0 ] || { cat "$tmp/check" >&2
                     fail "rtnl-probe --hook $1 --check: exit status $rc"; }
    cat "$tmp/check"
}

# make_namespace PREFIX: the namespace ns with the veth pair va/vb, and
# names of our own for the processes the probe must tell apart from
# everything else on the machine (comm is the name a program is run by):
# nl for tests/lib/getlink.py, ipn for ip, through a symlink in tmp.
make_namespace() {
    ns=$1-ns-$$
    ip netns add "$ns" || fail "cannot create namespace $ns"
    ip -n "$ns" link add va type veth peer name vb ||
        fail "cannot create veth in $ns"
    # shellcheck disable=SC2034 # used by the tests
    nl=$1nl$$
    ipn=$1ip$$
    ln -s "$(command -v ip)" "$tmp/$ipn"
}
