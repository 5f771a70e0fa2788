#!/bin/bash
# Reliability, scenario "dbrestart": OVS reports what the kernel has after
# ovsdb-server restarts, for stock and the series (see
# tests/reliability/dbrestart.sh and Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" dbrestart
