#!/bin/bash
# Installs, with apt, the Debian packages a job needs and that are missing.
#
# usage: utilities/deps.sh GROUP...   (GROUP: build, test, bench, fuzz)
#
# Says what it installs; does nothing when everything is there already.

. "$(dirname "$0")/common.sh"

pkgs_build='build-essential autoconf automake libtool pkg-config ccache
    git python3 libssl-dev libcap-ng-dev'
# What OVS's system tests look for: without ethtool, for one, the interface
# speed and veth peer tests skip.
pkgs_test='iproute2 ethtool tcpdump netcat-openbsd iptables nftables lftp
    curl wget iputils-ping iputils-arping ndisc6 procps psmisc kmod bc
    python3-scapy python3-netaddr python3-packaging python3-pyftpdlib
    python3-pyparsing python3-pytest libnl-3-dev libnl-route-3-dev'
pkgs_bench='libnl-3-dev libnl-route-3-dev clang llvm libbpf-dev bpftool
    libelf-dev zlib1g-dev gnuplot-nox valgrind'
pkgs_fuzz='clang llvm libclang-rt-14-dev'

wanted=
for group in "$@"; do
    case $group in
        build) wanted="$wanted $pkgs_build" ;;
        test) wanted="$wanted $pkgs_test" ;;
        bench) wanted="$wanted $pkgs_bench" ;;
        fuzz) wanted="$wanted $pkgs_fuzz" ;;
        *) die "unknown package group '$group' (build, test, bench, fuzz)" ;;
    esac
done

missing=
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) || true
    if [ "$status" != installed ]; then
        case " $missing " in
            *" $pkg "*) ;;
            *) missing="$missing $pkg" ;;
        esac
    fi
done
[ -n "$missing" ] || exit 0

[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root to install)"
say "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || die "could not install:$missing"
