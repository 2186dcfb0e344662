import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Report } from '../src/engine/types.js';
import { generateSnapshot } from './snapshot.js';

/**
 * SPEC 8.10, issue 21: 50,000 failing MRA endpoints (MRA-CUCM-006 reports one finding per
 * failing endpoint, so 50,049 findings in all) written in every report format at most 500 MB RSS.
 * The built CLI runs `check --offline` on a generated 100,000-phone cluster where every MRA
 * endpoint has a non-compliant profile, once per format and once with all five, each in its own
 * child process whose peak RSS the preloaded rss-reporter records at exit: what a user's process
 * reaches, engine included.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RSS_REPORTER = join(ROOT, 'dist', 'bench', 'rss-reporter.js');
const FORMATS = ['text', 'json', 'html', 'sarif', 'junit'] as const;

export const WORST_CASE_RSS_TARGET_MB = 500;

export interface WorstCaseRun {
  /** The formats written in this run. */
  formats: readonly string[];
  wallMs: number;
  peakRssMb: number;
  /** Size of each report written, in MB. */
  sizesMb: Record<string, number>;
  exitCode: number | null;
}

export interface WorstCaseFigures {
  phones: number;
  findings: number;
  failing: number;
  runs: WorstCaseRun[];
}

async function runCheck(dir: string, inventory: string, formats: readonly string[]): Promise<WorstCaseRun> {
  const rssFile = join(dir, `rss-${formats.join('-')}.json`);
  const paths = Object.fromEntries(formats.map((format) => [format, join(dir, `report-${formats.length}.${format}`)]));
  const args = [
    '--import',
    RSS_REPORTER,
    CLI,
    'check',
    '-i',
    inventory,
    '--offline',
    '--quiet',
    ...formats.flatMap((format) => ['--report', `${format}=${paths[format]}`]),
  ];
  const began = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, MRA_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 2) process.stderr.write(stderr);
      resolve(code);
    });
  });
  const wallMs = performance.now() - began;
  const { maxRssKb } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number };
  const sizesMb = Object.fromEntries(
    formats.map((format) => [format, statSync(paths[format]!).size / (1024 * 1024)] as const),
  );
  return { formats, wallMs, peakRssMb: maxRssKb / 1024, sizesMb, exitCode };
}

export async function worstCaseReports(): Promise<WorstCaseFigures> {
  const phones = 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-bench-reports-'));
  try {
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(generateSnapshot(phones, 1)));
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(
      inventory,
      stringify({
        domains: ['example.com'],
        cucm: { snapshot: 'snapshot.json', mraDevicePools: ['MRA_DP', 'MRA_DP2'] },
      }),
    );
    const runs: WorstCaseRun[] = [];
    for (const format of FORMATS) runs.push(await runCheck(dir, inventory, [format]));
    runs.push(await runCheck(dir, inventory, FORMATS));
    const report = JSON.parse(readFileSync(join(dir, 'report-5.json'), 'utf8')) as Report;
    return {
      phones,
      findings: report.findings.length,
      failing: report.findings.filter((finding) => finding.ruleId === 'MRA-CUCM-006' && finding.status === 'fail')
        .length,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section `npm run bench` prints. */
export async function printWorstCaseReports(out: (line?: string) => void): Promise<void> {
  const figures = await worstCaseReports();
  out(
    `6. Worst case: ${figures.failing.toLocaleString('en-US')} failing MRA endpoints (${figures.findings.toLocaleString('en-US')} findings, ${figures.phones.toLocaleString('en-US')}-phone snapshot), built CLI, one process per run`,
  );
  for (const run of figures.runs) {
    const label = run.formats.length === FORMATS.length ? 'all five' : run.formats[0]!;
    const sizes = Object.values(run.sizesMb).reduce((sum, size) => sum + size, 0);
    const verdict = run.peakRssMb <= WORST_CASE_RSS_TARGET_MB ? 'ok' : 'OVER';
    out(
      `   ${label.padEnd(9)} peak RSS ${run.peakRssMb.toFixed(0).padStart(5)} MB (target <= ${WORST_CASE_RSS_TARGET_MB} MB: ${verdict})   wall ${Math.round(run.wallMs)} ms   written ${sizes.toFixed(1)} MB   exit ${run.exitCode}`,
    );
  }
}

// `node dist/bench/reports.js`: this section alone (npm run bench runs it with the others).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await printWorstCaseReports((line = '') => process.stdout.write(`${line}\n`));
}
