#!/bin/bash
# Reliability, scenario "overflow": OVS reports what the kernel has, for stock
# and the series (see tests/reliability/overflow.sh and
# Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" overflow
