#!/bin/bash
# Reliability, scenario "identity": OVS reports what the kernel has, for stock
# and the series (see tests/reliability/identity.sh and
# Documentation/testing.rst).
exec "$(dirname "$0")/reliability/run.sh" identity
