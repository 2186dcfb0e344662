// @ts-check
import { readdirSync } from 'node:fs';
import process from 'node:process';

/**
 * Mutation testing (issue 22): StrykerJS changes one operator, literal or condition at a time in the
 * rule modules, the engine and the domain code, and runs the tests that reach that line; a change no
 * test notices is a wrong verdict the suite would let through. `npm run mutate` runs it folder by
 * folder (scripts/mutate.mjs) and prints the score of each (scripts/mutation-score.mjs).
 */

const REPORT = process.env.MUTATE_REPORT ?? 'mutation';

/**
 * The tests that import the mutated folders in-process and judge verdicts. Left out, so that a
 * run fits in a few hours on two busy cores (each mutant reruns the tests that reach it, and these
 * reach nearly every line of their folder):
 * - test/hardening, test/fuzz, test/axl/secrets.test.ts: robustness against slow hostile peers and
 *   thousands of generated inputs (typed failures in time, bounded memory, no secrets); the rule
 *   tests judge the same code directly;
 * - test/cucm/large-snapshot.test.ts (10,000-phone clusters, a speed and size test) and
 *   test/cert/path-property.test.ts (thousands of generated chains against OpenSSL): seconds per
 *   run; the path validation vectors cover the same conditions one by one;
 * - MUTATE_LEAVE_OUT=file,... leaves out more (a failing test stops Stryker's first run);
 * - the built-CLI tests (test/cli, examples, package install), which run dist/ in a child process
 *   mutants never reach; the probe tests but PROBE_TESTS below (src/probes is mutated only in its
 *   NTP and DNS judging modules); the report renderers with their Chromium screenshots (src/report
 *   is not mutated); test/inventory (src/inventory, not mutated).
 */
const TEST_FOLDERS = [
  'test/checks',
  'test/engine',
  'test/cucm',
  'test/cert',
  'test/expressway',
  'test/edge',
  'test/lab',
  'test/axl',
];
const LEFT_OUT = new Set([
  // Module mocks (vi.mock of node:fs and of the services) leak into the other files of a worker
  // without module isolation, which the mutation run turns off (stryker.vitest.config.ts).
  'test/engine/catalog-load.test.ts',
  'test/engine/run-services.test.ts',
  'test/axl/secrets.test.ts',
  'test/cucm/large-snapshot.test.ts',
  'test/cert/path-property.test.ts',
  ...(process.env.MUTATE_LEAVE_OUT ?? '').split(',').filter(Boolean),
]);
const testFilesUnder = (folder) =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return testFilesUnder(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
/**
 * Probe tests that judge what the mutated modules decide: edge configurations (src/edge), and the
 * NTP and DNS reply judging (src/probes/ntp-packet.ts, dns-answer.ts: codec, outcomes, CNAME chains).
 */
const PROBE_TESTS = [
  'test/probes/edge-config.test.ts',
  'test/probes/ntp.test.ts',
  'test/probes/dns.test.ts',
  'test/probes/dns-codec.test.ts',
  'test/probes/dns-hostile.test.ts',
  'test/probes/dns-answer.test.ts',
  'test/probes/ntp-packet.test.ts',
];
const TEST_FILES = [...TEST_FOLDERS.flatMap(testFilesUnder), ...PROBE_TESTS]
  .filter((file) => !LEFT_OUT.has(file))
  .sort();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Rule modules are loaded by the catalog through a dynamic import of their path, which Vite's
  // import graph (--related) cannot follow: the test files are chosen below instead.
  vitest: { configFile: 'stryker.vitest.config.ts', related: false },
  // Each mutant runs only the tests that executed its line in the first (instrumented) run.
  coverageAnalysis: 'perTest',
  // A static mutant sits in code that runs when a module loads (a rule's `meta`, message tables):
  // testing one means reloading every module and running every test, an hour per hundred mutants on
  // two cores. The message texts are pinned by the catalog and docs tests instead; Stryker counts
  // these mutants as "ignored", outside the score.
  ignoreStatic: true,
  mutate: [
    'src/checks/**/*.ts',
    'src/engine/**/*.ts',
    'src/cucm/**/*.ts',
    'src/cert/**/*.ts',
    'src/expressway/**/*.ts',
    'src/edge/**/*.ts',
    // NTP and DNS reply judging; the sockets around them (ntp.ts, dns.ts) are not mutated.
    'src/probes/ntp-packet.ts',
    'src/probes/dns-answer.ts',
    // Declarations only: types and the message table, nothing to mutate that a test could observe.
    '!src/engine/types.ts',
  ],
  testFiles: TEST_FILES,
  // Two cores shared with other work: two test runners (`npm run mutate -- --concurrency 1` for one).
  concurrency: 2,
  // Tests start real peers (BIND, chronyd, TLS and AXL servers) and wait for probe timeouts, so a
  // mutant's run can take seconds longer than the baseline on a busy machine before it is a hang.
  timeoutMS: 15_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  tempDirName: '.tmp/stryker',
  // dist/catalog.json stays: the catalog test compares it with the sources (npm run mutate builds first).
  ignorePatterns: [
    '/.tmp',
    '/dist/*',
    '!/dist/catalog.json',
    '/mra-preflight-report',
    '/coverage',
    '/.cache',
    '/test-results',
    '/docs/*.png',
  ],
  reporters: ['progress', 'json', 'html'],
  // scripts/mutate.mjs runs one folder at a time and names each folder's report.
  jsonReporter: { fileName: `.tmp/mutation/${REPORT}.json` },
  htmlReporter: { fileName: `.tmp/mutation/${REPORT}.html` },
  thresholds: { high: 85, low: 70, break: null },
  cleanTempDir: 'always',
};
