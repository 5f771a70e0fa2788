#!/bin/bash
# Configures and builds a work tree, out of tree in TREE/_build, with
# -Werror and ccache.
#
# usage: utilities/build.sh [TREE]   (default: build/ovs)
#
# Extra configure flags come from CONFIGURE_FLAGS (a sanitizer build, say);
# a tree configured with other flags is configured again.

. "$(dirname "$0")/common.sh"

tree=${1:-$TREE}
name=$(basename "$tree")
obj=$tree/_build
log=$LOG_DIR/build-$name.log

[ -f "$tree/configure.ac" ] || die "$tree is not a source tree (run 'make tree')"
"$TOP/utilities/deps.sh" build

# ccache: the stock and series trees share almost every object, so let them
# share cache entries although their paths differ.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
# shellcheck disable=SC2206
flags=(--enable-Werror "CC=ccache ${CC:-gcc}" PYTHON3=/usr/bin/python3
       ${CONFIGURE_FLAGS:-})

mkdir -p "$LOG_DIR" "$obj"
: > "$log"
step() {
    if ! "$@" >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "building $name failed at '$*' (full log: $log)"
    fi
}

if [ ! -f "$tree/configure" ]; then
    say "$name: boot.sh"
    step sh -c "cd '$tree' && ./boot.sh"
fi
if [ ! -f "$obj/Makefile" ] \
   || [ "$(cat "$obj/.configure-flags" 2>/dev/null)" != "${flags[*]}" ]; then
    say "$name: configure ${flags[*]}"
    rm -rf "$obj"
    mkdir -p "$obj"
    step sh -c 'cd "$0" && ../configure "$@"' "$obj" "${flags[@]}"
    echo "${flags[*]}" > "$obj/.configure-flags"
fi
say "$name: make -j$(jobs_count) (log: $log)"
step make -C "$obj" -j"$(jobs_count)"
say "$name: built in $obj"
