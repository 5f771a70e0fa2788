#!/bin/bash
# Creates (or brings up to date) a git work tree of the base with the
# series applied, one commit per patch.
#
# usage: utilities/make-tree.sh [--if-missing] [DIR [NPATCHES]]
#
# DIR defaults to build/ovs; NPATCHES limits how many patches of the series
# are applied (0 gives the stock tree).  The first commit, tagged 'base', is
# the base exactly as Debian ships it, less the files autotools regenerates.
#
# A tree with uncommitted edits, or with commits that are not in patches/,
# is left alone unless FORCE=1, which first saves them in a stash and a
# branch and says where.

. "$(dirname "$0")/common.sh"

if_missing=
if [ "${1:-}" = --if-missing ]; then
    if_missing=yes
    shift
fi
tree=${1:-$TREE}
limit=${2:-}

if [ -n "$if_missing" ] && [ -d "$tree/.git" ]; then
    exit 0
fi

"$TOP/utilities/get-base.sh"

# Lists, NUL-separated, the files of the base that belong in the base
# commit.
base_files() {
    local excludes=() pattern
    for pattern in $GENERATED_FILES; do
        excludes+=(-not -path "./$pattern")
    done
    (cd "$BASE_SRC" &&
     find . -type f -not -name Makefile.in "${excludes[@]}" -print0)
}

create_tree() {
    say "creating $tree from the base"
    rm -rf "$tree"
    mkdir -p "$tree"
    git -C "$tree" init -q -b main
    base_files | tar -C "$BASE_SRC" --null -T - -cf - | tar -C "$tree" -xf -
    git -C "$tree" add -A
    # shellcheck disable=SC2086
    git -C "$tree" rm -q --cached -- $UNTRACKED_BASE_FILES
    GIT_AUTHOR_NAME=$BASE_IDENT_NAME GIT_AUTHOR_EMAIL=$BASE_IDENT_EMAIL \
    GIT_COMMITTER_NAME=$BASE_IDENT_NAME GIT_COMMITTER_EMAIL=$BASE_IDENT_EMAIL \
    GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
        git -C "$tree" commit -q --no-verify \
            -m "Open vSwitch $BASE_OVS_VERSION ($BASE_PACKAGE $BASE_VERSION)."
    git -C "$tree" tag "$BASE_TAG"
}

# Build outputs live in _build/ (see build.sh); autotools writes the rest.
write_excludes() {
    local pattern
    {
        echo '/_build/'
        echo 'Makefile.in'
        echo '/autom4te.cache/'
        echo '*~'
        for pattern in $GENERATED_FILES $UNTRACKED_BASE_FILES; do
            echo "/$pattern"
        done
    } > "$tree/.git/info/exclude"
}

# Succeeds when the tree holds a commit whose patch is not, as exported, in
# patches/ (resetting the tree would lose it).
unexported_commits() {
    local tmp patch status=1
    [ "$(git -C "$tree" rev-list --count "$BASE_TAG..HEAD")" -gt 0 ] || return 1
    tmp=$(mktemp -d)
    "$TOP/utilities/export.sh" "$tree" "$tmp" >/dev/null
    for patch in "$tmp"/*.patch; do
        if ! cmp -s "$patch" "$PATCH_DIR/${patch##*/}"; then
            status=0
        fi
    done
    rm -rf "$tmp"
    return $status
}

if [ -d "$tree/.git" ] && git -C "$tree" rev-parse -q --verify \
        "refs/tags/$BASE_TAG" >/dev/null; then
    dirty=$(git -C "$tree" status --porcelain | head -n 20)
    unexported=
    if unexported_commits; then
        unexported=yes
    fi
    if [ -n "$dirty" ] || [ -n "$unexported" ]; then
        if [ "${FORCE:-}" != 1 ]; then
            [ -z "$dirty" ] || say "uncommitted changes in $tree:"$'\n'"$dirty"
            [ -z "$unexported" ] \
                || say "commits in $tree differ from patches/ (run 'make export')"
            die "refusing to reset $tree; commit and 'make export'," \
                "or run again with FORCE=1 to stash them"
        fi
        stamp=$(date -u +%Y%m%dT%H%M%SZ)
        git -C "$tree" branch -f "saved/$stamp" HEAD
        if [ -n "$dirty" ]; then
            git -C "$tree" stash push -q -u -m "make tree $stamp"
            say "saved uncommitted changes as stash 'make tree $stamp'"
        fi
        say "saved the previous commits as branch saved/$stamp"
    fi
    git -C "$tree" checkout -q -f -B main "$BASE_TAG"
else
    create_tree
fi
write_excludes

git -C "$tree" config user.name >/dev/null \
    || git -C "$tree" config user.name "OVS series harness"
git -C "$tree" config user.email >/dev/null \
    || git -C "$tree" config user.email "harness@localhost"

count=0
while read -r patch; do
    [ -n "$patch" ] || continue
    if [ -n "$limit" ] && [ "$count" -ge "$limit" ]; then
        break
    fi
    [ -f "$PATCH_DIR/$patch" ] || die "patches/series names $patch," \
                                      "which is not in patches/"
    if ! out=$(git -C "$tree" am -q --keep-cr --committer-date-is-author-date \
                   "$PATCH_DIR/$patch" 2>&1); then
        git -C "$tree" am --abort >/dev/null 2>&1 || true
        die "patch $patch does not apply:"$'\n'"$out"
    fi
    count=$((count + 1))
done < <(series_patches)
say "$tree: base + $count patch(es)"
