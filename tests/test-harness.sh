#!/bin/bash
# The harness keeps its promises: a stable export, a broken patch stopped
# with its name, a patch without Signed-off-by caught, a missing base
# version named, and uncommitted work never silently thrown away.

set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
U=$TOP/utilities
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Exporting the tree that 'make tree' made reproduces patches/ exactly.
"$U/make-tree.sh" --if-missing
"$U/export.sh" "$TOP/build/ovs" "$tmp/export" 2>/dev/null
diff -r "$tmp/export" "$TOP/patches" || fail "export differs from patches/"
echo "ok: export of an unchanged tree reproduces patches/"

# 2. A patch that does not apply stops 'make tree' with its name.
cp -r "$TOP/patches" "$tmp/patches"
cat > "$tmp/patches/9999-broken.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@example.org>
Date: Thu, 1 Jan 2026 00:00:00 +0000
Subject: [PATCH] test: Broken.

Signed-off-by: Test <test@example.org>
---
 lib/does-not-exist.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/lib/does-not-exist.c b/lib/does-not-exist.c
--- a/lib/does-not-exist.c
+++ b/lib/does-not-exist.c
@@ -1 +1,2 @@
 x
+y
PATCH
echo 9999-broken.patch >> "$tmp/patches/series"
if PATCH_DIR=$tmp/patches "$U/make-tree.sh" "$tmp/tree" > "$tmp/out" 2>&1
then
    fail "a broken patch applied"
fi
grep -q 'patch 9999-broken.patch does not apply' "$tmp/out" \
    || fail "message does not name the patch: $(cat "$tmp/out")"
grep -q 'does-not-exist.c' "$tmp/out" \
    || fail "git's message is missing: $(cat "$tmp/out")"
echo "ok: a broken patch stops 'make tree' with its name"

# 3. Hygiene catches a patch without Signed-off-by.
sed -i '/^Signed-off-by/d' "$tmp/patches/9999-broken.patch"
PATCH_DIR=$tmp/patches LOG_DIR=$tmp/logs \
    "$U/check-patches.sh" "$tmp/results" 2>/dev/null
grep -q $'^FAIL\tpatch 9999-broken.patch: Signed-off-by' "$tmp/results" \
    || fail "missing Signed-off-by not reported"
echo "ok: a patch without Signed-off-by fails hygiene"

# 4. Uncommitted work in a tree is not thrown away by 'make tree'.
echo "/* work in progress */" >> "$tmp/tree/lib/netdev-linux.c"
if PATCH_DIR=$TOP/patches "$U/make-tree.sh" "$tmp/tree" > "$tmp/out" 2>&1
then
    fail "make tree reset a tree with uncommitted changes"
fi
grep -q 'refusing to reset' "$tmp/out" || fail "no refusal message"
grep -q 'work in progress' "$tmp/tree/lib/netdev-linux.c" \
    || fail "the uncommitted change is gone"
FORCE=1 "$U/make-tree.sh" "$tmp/tree" > "$tmp/out" 2>&1 \
    || fail "FORCE=1 did not reset: $(cat "$tmp/out")"
git -C "$tmp/tree" stash list | grep -q 'make tree' \
    || fail "FORCE=1 did not stash the change"
echo "ok: uncommitted work is refused, and stashed with FORCE=1"

# 5. A version that Debian does not have is named in the error.
if BASE_VERSION=0.0.0-0 CACHE_DIR=$tmp/cache "$U/get-base.sh" \
        > "$tmp/out" 2>&1; then
    fail "a non-existent base version was obtained"
fi
grep -q 'version 0.0.0-0' "$tmp/out" \
    || fail "error does not name the version: $(cat "$tmp/out")"
echo "ok: an unavailable base version is named in the error"
