#!/usr/bin/env bash
# Go-live check, step 2 of 3: from a host outside the enterprise network (a cloud VM, a CI runner:
# see outside-github-actions.yml), as a Jabber client on the Internet sees the deployment: the public
# DNS view (MRA-DNS-002, MRA-DNS-003) and the edge rules (Expressway-E ports, its certificate, the
# edge configuration, TURN). The other rules are skipped here ("needs the internal vantage").
# Writes outside.json. Use the same inventory as inside.sh.
#   outside.sh [INVENTORY]
set -uo pipefail
inventory=${1:-mra-preflight.yaml}

mra-preflight check -i "$inventory" --vantage external --report json=outside.json --report text
