#!/bin/bash
# Obtains the base: Debian's openvswitch-source package, unpacked into the
# cache, checked to be OVS 4.0.0, with a checksum manifest of the tree.
#
# The package comes through the Debian mirror this machine's apt already
# uses.  apt runs with a private state, list and cache directory, so the
# system's own apt configuration and package lists are left untouched.

. "$(dirname "$0")/common.sh"

deb=$BASE_DIR/${BASE_PACKAGE}_${BASE_VERSION}_all.deb

# A second run reuses the cache, after checking it is still intact.
if [ -f "$BASE_MANIFEST" ] && [ -d "$BASE_SRC" ]; then
    if (cd "$BASE_SRC" && sha256sum --quiet --strict -c "$BASE_MANIFEST") \
        >/dev/null 2>&1; then
        exit 0
    fi
    say "cached base in $BASE_SRC does not match its manifest; fetching again"
fi

# The mirror URI of the Debian archive, from the system's apt sources (both
# the one-line and the deb822 format).
mirror_uri() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        case $f in
            *.sources)
                awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++)
                                                  print $i }' "$f" ;;
            *)
                awk '$1 == "deb" { for (i = 2; i <= NF; i++)
                                     if ($i ~ /^[a-z]+:\/\//) { print $i;
                                                                 break } }' \
                    "$f" ;;
        esac
    done | grep -E '/debian/?$' | head -n 1
}

uri=$(mirror_uri)
[ -n "$uri" ] || die "no Debian mirror found in the system's apt sources"

apt_state=$CACHE_DIR/apt
mkdir -p "$apt_state/lists/partial" "$apt_state/archives/partial" "$BASE_DIR"
printf 'deb %s %s main\n' "$uri" "$BASE_SUITE" > "$apt_state/sources.list"
apt_opts=(-o "Dir::State=$apt_state" -o "Dir::State::Lists=$apt_state/lists"
          -o "Dir::State::status=/var/lib/dpkg/status"
          -o "Dir::Cache=$apt_state" -o "Dir::Cache::archives=$apt_state/archives"
          -o "Dir::Etc::SourceList=$apt_state/sources.list"
          -o "Dir::Etc::SourceParts=$apt_state/none"
          -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")

if [ ! -f "$deb" ]; then
    say "fetching $BASE_PACKAGE $BASE_VERSION from Debian $BASE_SUITE"
    apt-get -q "${apt_opts[@]}" update >"$apt_state/update.log" 2>&1 \
        || die "apt-get update for Debian $BASE_SUITE failed" \
               "(see $apt_state/update.log)"
    (cd "$BASE_DIR" &&
     apt-get -q "${apt_opts[@]}" download "$BASE_PACKAGE=$BASE_VERSION") \
        >"$apt_state/download.log" 2>&1 \
        || die "cannot get $BASE_PACKAGE version $BASE_VERSION from Debian" \
               "$BASE_SUITE: $(tail -n 1 "$apt_state/download.log")"
fi

say "unpacking $(basename "$deb")"
rm -rf "$BASE_SRC" "$BASE_DIR/unpack"
dpkg-deb -x "$deb" "$BASE_DIR/unpack" || die "cannot unpack $deb"
mv "$BASE_DIR/unpack/usr/src/openvswitch" "$BASE_SRC" \
    || die "$deb has no usr/src/openvswitch"
rm -rf "$BASE_DIR/unpack"

version=$(sed -n 's/.*AT_PACKAGE_VERSION\], *\[\([^]]*\)\].*/\1/p' \
          "$BASE_SRC/package.m4")
[ "$version" = "$BASE_OVS_VERSION" ] \
    || die "$deb holds OVS '$version', not $BASE_OVS_VERSION"

(cd "$BASE_SRC" && find . -type f -print0 | LC_ALL=C sort -z |
 xargs -0 sha256sum) > "$BASE_MANIFEST.tmp"
mv "$BASE_MANIFEST.tmp" "$BASE_MANIFEST"
say "base OVS $version ready in $BASE_SRC" \
    "($(wc -l < "$BASE_MANIFEST") files, manifest $BASE_MANIFEST)"
