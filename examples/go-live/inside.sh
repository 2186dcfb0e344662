#!/usr/bin/env bash
# Go-live check, step 1 of 3: from a host inside the enterprise network. It sees the internal DNS
# view, the CUCM and IM&P nodes, Expressway-C and the AXL API; the EDGE rules are skipped here
# ("needs --vantage external"). Writes inside.json; the secrets the inventory names (AXL_USER,
# AXL_PASS, ...) come from the environment.
#   inside.sh [INVENTORY]
set -uo pipefail
inventory=${1:-mra-preflight.yaml}

mra-preflight check -i "$inventory" --vantage internal --report json=inside.json --report text
