# shellcheck shell=bash
# Shared by the tests of bench/rtnl/rtnl-probe: builds it (skipping the
# test when the tools to build it are missing) and reads its JSON.
# Expects TOP, skip() and fail() from the test.

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
