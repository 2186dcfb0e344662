#!/usr/bin/env bash
# Installs everything the tests need and runs every test: Debian packages (BIND9, chrony,
# Chromium, coturn) when missing, npm dependencies, then build, typecheck, lint and the whole vitest suite.
# Ends with the plain line "N passed, N failed" taken from vitest's JSON reporter.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || missing+=(bind9)
command -v chronyd >/dev/null 2>&1 || [ -x /usr/sbin/chronyd ] || missing+=(chrony)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v turnserver >/dev/null 2>&1 || [ -x /usr/bin/turnserver ] || missing+=(coturn)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} ..."
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" || {
    echo "apt-get install ${missing[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
fi
npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p test-results
rm -f test-results/vitest.json
npm test -- --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?

if [ -f test-results/vitest.json ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));'
else
  # build, typecheck or lint failed before vitest ran
  echo "0 passed, 1 failed"
fi
exit $status
