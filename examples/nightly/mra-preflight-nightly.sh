#!/usr/bin/env bash
# Nightly MRA readiness scan of one deployment. The previous night's report is the baseline, so only
# findings that are new since then fail the run (exit 1) and alert; last night's problems are
# reported as "unchanged" and do not. Installed as /usr/local/bin/mra-preflight-nightly by the
# systemd recipe and the container image.
#
#   mra-preflight-nightly INVENTORY STATE_DIR [more `mra-preflight check` flags]
#
# STATE_DIR/runs/<UTC time>/ holds each night's reports (the last 30 are kept), STATE_DIR/latest
# points at the newest, STATE_DIR/baseline.json is the report the next night compares with.
# Exit codes are those of `mra-preflight check`: 0 nothing new, 1 new findings, 2 the scan could not
# start (inventory, secrets). After exit 2 the baseline is left as it was.
set -uo pipefail

usage="usage: mra-preflight-nightly INVENTORY STATE_DIR [check flags...]"
inventory=${1:?$usage}
state=${2:?$usage}
shift 2
keep=${MRA_PREFLIGHT_KEEP_RUNS:-30}

run="$state/runs/$(date -u +%Y%m%dT%H%M%S.%NZ)"
mkdir -p "$run" || exit 2

baseline=()
[ -f "$state/baseline.json" ] && baseline=(--baseline "$state/baseline.json")

mra-preflight check -i "$inventory" "${baseline[@]}" --write-baseline "$run/next-baseline.json" \
  --report text --report json="$run/report.json" --report html="$run/report.html" \
  --report junit="$run/report.junit.xml" "$@"
status=$?

if [ "$status" -le 1 ] && [ -f "$run/next-baseline.json" ]; then
  mv "$run/next-baseline.json" "$state/baseline.json"
  ln -sfn "runs/$(basename "$run")" "$state/latest"
fi

# Retention: the newest $keep runs.
find "$state/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n "-$keep" | xargs -r rm -rf --
exit "$status"
