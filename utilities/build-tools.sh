#!/bin/bash
# Builds the benchmark and test tools (C programs on libnl and libbpf).

. "$(dirname "$0")/common.sh"

"$TOP/utilities/deps.sh" bench test
for dir in bench tests; do
    if [ -f "$TOP/$dir/Makefile" ]; then
        make -C "$TOP/$dir" -j"$(jobs_count)"
    fi
done
