#!/bin/bash
# Reliability, scenario "flags": OVS reports what the kernel has, for stock
# and the series (see tests/reliability/flags.sh and
# Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" flags
