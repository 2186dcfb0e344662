#!/usr/bin/env bash
# Go-live check, step 3 of 3: anywhere, with inside.json and outside.json side by side. For each rule
# and target the judged finding replaces the skipped one; the verdict and the exit code (0 ready,
# 1 a finding fails the gate) are those of the combined report, written to go-live.html.
#   merge.sh
set -uo pipefail

mra-preflight merge inside.json outside.json --report html=go-live.html --report text
