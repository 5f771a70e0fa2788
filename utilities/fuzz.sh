#!/bin/bash
# Fuzzes rtnetlink_parse(), the parser of the link and address
# notifications that the series' netdev-linux relies on, with libFuzzer,
# ASan and UBSan.  Fails on any crash or sanitizer report; prints how many
# inputs ran.
#
# usage: utilities/fuzz.sh
#   FUZZ_SECONDS  how long to run (default 60)
#   FUZZ_RUNS     how many inputs to run instead (no time limit then)
#
# The tree is build/ovs-fuzz, the series built with coverage for libFuzzer;
# the target is tests/fuzz/rtnetlink-parse-target.c, its seeds real kernel
# messages in tests/fuzz/corpus-rtnetlink/ (tests/fuzz/make-corpus.py).

. "$(dirname "$0")/common.sh"

tree=$BUILD_DIR/ovs-fuzz
obj=$tree/_build
out=$LOG_DIR/fuzz
fuzzer=$obj/rtnetlink-parse-fuzzer

"$TOP/utilities/deps.sh" build fuzz
# The series as patches/ has it now, not as an earlier run left the tree,
# which nobody edits (FORCE: an older series there is no work to keep).
FORCE=1 "$TOP/utilities/make-tree.sh" "$tree"

# The whole library gets libFuzzer's coverage instrumentation (no libFuzzer
# main yet: that comes with the target).  Flags in CC, one -fsanitize each:
# see check-asan.sh.  No -Werror: clang's -Wthread-safety warns on
# lib/netdev-linux.c, which gcc, the compiler of 'make build', does not.
san='-fsanitize=fuzzer-no-link -fsanitize=address -fsanitize=undefined'
CC="clang $san -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
CONFIGURE_FLAGS=--disable-Werror "$TOP/utilities/build.sh" "$tree"

# Link the target against the static library, with the libraries that
# libtool recorded it needs (libopenvswitch.la is a shell fragment).
dependency_libs=$(. "$obj/lib/libopenvswitch.la" && echo "$dependency_libs")
# shellcheck disable=SC2086
clang -fsanitize=fuzzer -fsanitize=address -fsanitize=undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1 \
    -Wall -Wextra -Werror -Wno-unused-parameter \
    -I"$obj" -I"$tree/include" -I"$obj/include" -I"$tree/lib" -I"$obj/lib" \
    "$TOP/tests/fuzz/rtnetlink-parse-target.c" \
    "$obj/lib/.libs/libopenvswitch.a" $dependency_libs -o "$fuzzer"

# New inputs go to a working corpus kept between runs; the seeds in the
# repository are only read.  Crashing inputs are saved in $out.
rm -rf "$out"
mkdir -p "$out" "$obj/fuzz-corpus"
if [ -n "${FUZZ_RUNS:-}" ]; then
    limit=-runs=$FUZZ_RUNS
else
    limit=-max_total_time=${FUZZ_SECONDS:-60}
fi
say "fuzzing rtnetlink_parse() ($limit, log: $out/fuzz.log)"
status=0
"$fuzzer" "$limit" -print_final_stats=1 -artifact_prefix="$out/" \
    "$obj/fuzz-corpus" "$TOP/tests/fuzz/corpus-rtnetlink" \
    > "$out/fuzz.log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) sec.*/\1/p' "$out/fuzz.log")
crashes=$(find "$out" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
              -o -name 'oom-*' | wc -l)
if [ $status -ne 0 ] || [ "$crashes" -ne 0 ]; then
    grep -m 30 -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]|^artifact' \
        "$out/fuzz.log" >&2 || tail -n 30 "$out/fuzz.log" >&2
    echo "fuzz: FAILED (exit $status, $crashes crashing inputs in $out," \
         "${execs:-?} executions)"
    exit 1
fi
echo "fuzz: rtnetlink_parse: ${execs:-?} executions in ${secs:-?} s, no crash"
