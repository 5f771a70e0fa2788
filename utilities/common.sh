# Shared settings for the harness scripts.  Sourced, not executed.
#
# Every path is derived from the top of the repository so that the scripts
# work from any current directory and from a fresh clone.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The base release.  The series is developed and tested against exactly
# this Debian source package and nothing else.
BASE_PACKAGE=openvswitch-source
BASE_VERSION=${BASE_VERSION:-4.0.0-2}
BASE_SUITE=unstable
BASE_OVS_VERSION=4.0.0

CACHE_DIR=${CACHE_DIR:-$TOP/.cache}
BASE_DIR=$CACHE_DIR/base
BASE_SRC=$BASE_DIR/src
BASE_MANIFEST=$BASE_DIR/MANIFEST.sha256

BUILD_DIR=${BUILD_DIR:-$TOP/build}
TREE=${TREE:-$BUILD_DIR/ovs}
STOCK_TREE=${STOCK_TREE:-$BUILD_DIR/ovs-stock}
PATCH_DIR=${PATCH_DIR:-$TOP/patches}
SERIES=$PATCH_DIR/series
LOG_DIR=${LOG_DIR:-$BUILD_DIR/logs}

# The base commit is made with a fixed identity and date so that its hash,
# and therefore every 'make tree', is reproducible.
BASE_TAG=base
BASE_IDENT_NAME="Debian $BASE_PACKAGE"
BASE_IDENT_EMAIL="$BASE_PACKAGE@debian.invalid"
BASE_DATE="2026-09-08T17:29:00Z"

# Files that autotools and the build regenerate.  They are shipped in the
# source package but kept out of the base commit, so that a patch touching
# an automake.mk or a .at file does not leave the work tree dirty.
GENERATED_FILES='
configure
aclocal.m4
config.h.in
build-aux/compile
build-aux/config.guess
build-aux/config.sub
build-aux/depcomp
build-aux/install-sh
build-aux/ltmain.sh
build-aux/missing
m4/libtool.m4
m4/ltoptions.m4
m4/ltsugar.m4
m4/ltversion.m4
m4/lt~obsolete.m4
tests/testsuite
tests/*testsuite
tests/*testsuite.tmp
'

# Files of the base that are copied into the work tree but not tracked in
# it.  OVS's own source checks (check-echo-n and friends) grep every tracked
# file of a git tree, and Debian's changelog quotes what they look for.
UNTRACKED_BASE_FILES='
debian/changelog
'

say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Prints the patch file names of the series, in order, without comments.
series_patches() {
    [ -f "$SERIES" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$SERIES" | grep -v '^$' || true
}

jobs_count() { nproc 2>/dev/null || echo 2; }

# usage: report_failures RESULTS
# Lists the failed tests of a results file ("STATUS<TAB>NAME<TAB>LOG") with
# their logs, then the end of the first three logs: where only this output
# survives (CI), that is what tells why.  The daemons' log dumps ("> ...")
# are left out.
report_failures() {
    grep -q '^FAIL' "$1" || return 0
    echo "Failed tests (logs):"
    awk -F '\t' '$1 == "FAIL" { printf "  %s\n      %s\n", $2, $3 }' "$1"
    awk -F '\t' '$1 == "FAIL" && $3 != "" { print $3 }' "$1" \
        | head -n 3 | while read -r log; do
            echo "--- end of $log"
            grep -v '^> ' "$log" | tail -n 25
        done
}
