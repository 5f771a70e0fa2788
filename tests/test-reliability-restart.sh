#!/bin/bash
# Reliability, scenario "restart": OVS reports what the kernel has, for stock
# and the series (see tests/reliability/restart.sh and
# Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" restart
