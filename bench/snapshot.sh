#!/bin/bash
# Copies the programs of a built OVS tree that a benchmark run needs, with
# the layout of a tree (what bench/lib/sandbox.sh and bench/run-point.sh
# use), so that a rebuild of the tree during the benchmark neither changes
# nor breaks the runs.
#
# usage: bench/snapshot.sh OVS_TREE DEST
#
# DEST gets _build/{vswitchd,ovsdb,utilities}/..., vswitchd/vswitch.ovsschema,
# COMMIT (the tree's HEAD) and SERIES (its commits after the tag "base",
# one "hash subject" a line).  Prints DEST.

set -eu

[ $# = 2 ] || { echo "usage: $0 OVS_TREE DEST" >&2; exit 2; }
src=$1 dst=$2
rm -rf "$dst"
for prog in vswitchd/ovs-vswitchd ovsdb/ovsdb-server ovsdb/ovsdb-tool \
            utilities/ovs-vsctl utilities/ovs-appctl; do
    mkdir -p "$dst/_build/${prog%/*}"
    cp "$src/_build/$prog" "$dst/_build/$prog"
    "$dst/_build/$prog" --version > /dev/null || {
        echo "$0: $src/_build/$prog does not run (being rebuilt?)" >&2
        exit 1
    }
done
mkdir -p "$dst/vswitchd"
cp "$src/vswitchd/vswitch.ovsschema" "$dst/vswitchd/"
git -C "$src" rev-parse HEAD > "$dst/COMMIT"
git -C "$src" log --format='%h %s' base..HEAD > "$dst/SERIES" 2> /dev/null \
    || : > "$dst/SERIES"
echo "$dst"
