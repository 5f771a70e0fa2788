#!/bin/bash
# Reliability, scenario "netns": OVS reports what the kernel has, for stock
# and the series (see tests/reliability/netns.sh and
# Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" netns
