import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineRule, type CheckFinding } from '../../src/checks/rule.js';
import { applyBaseline, baselineFindings } from '../../src/engine/baseline.js';
import { gateExitCode } from '../../src/engine/summary.js';
import type { Report } from '../../src/engine/types.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { runCli } from '../helpers/cli.js';
import { testScan } from '../helpers/check.js';

/** A nightly scan in miniature: an offline inventory whose MRA-DNS-007 findings the test controls. */
function inventoryYaml(nodes: Array<{ fqdn: string; ip: string; role: string }>): string {
  return [
    'domains: [example.com]',
    'nodes:',
    ...nodes.map((node) => `  - { fqdn: ${node.fqdn}, ip: ${node.ip}, role: ${node.role} }`),
    '',
  ].join('\n');
}

const EXPE_BAD = { fqdn: 'expe_1.example.com', ip: '203.0.113.30', role: 'expressway-e' };
const CUCM_GOOD = { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' };
const CUCM_BAD = { fqdn: '1cucm-sub.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' };

describe('baseline with the built CLI (check --baseline / --write-baseline)', () => {
  it('exits 0 when nothing new failed and 1 when one new failure appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mra-baseline-'));
    const inventory = join(dir, 'mra-preflight.yaml');
    const scan = (...extra: string[]): ReturnType<typeof runCli> =>
      runCli(['check', '-i', inventory, '--offline', '--only', 'MRA-DNS-007', '--quiet', ...extra], { cwd: dir });

    writeFileSync(inventory, inventoryYaml([EXPE_BAD, CUCM_GOOD]));
    const first = await scan('--report', `json=${join(dir, 'first.json')}`);
    expect(first.code, first.stderr).toBe(1);

    // The same deployment the next night: the accepted failure no longer fails the gate.
    const second = await scan(
      '--baseline',
      join(dir, 'first.json'),
      '--write-baseline',
      join(dir, 'second.json'),
      '--report',
      `html=${join(dir, 'second.html')}`,
    );
    expect(second.code, second.stderr).toBe(0);
    const secondReport = JSON.parse(readFileSync(join(dir, 'second.json'), 'utf8')) as Report;
    expect(secondReport.summary.baseline).toEqual({ file: join(dir, 'first.json'), new: 0, unchanged: 1, fixed: 0 });
    expect(readFileSync(join(dir, 'second.html'), 'utf8')).toContain('0 new since baseline');

    // A node added with a bad name: one new failure, exit 1, against the baseline --write-baseline wrote.
    writeFileSync(inventory, inventoryYaml([EXPE_BAD, CUCM_GOOD, CUCM_BAD]));
    const third = await scan(
      '--baseline',
      join(dir, 'second.json'),
      '--report',
      'text',
      '--report',
      `json=${join(dir, 'third.json')}`,
      '--report',
      `sarif=${join(dir, 'third.sarif')}`,
    );
    expect(third.code, third.stderr).toBe(1);
    expect(third.stdout).toContain('1 new since baseline, 1 unchanged');
    const thirdReport = JSON.parse(readFileSync(join(dir, 'third.json'), 'utf8')) as Report;
    const fresh = thirdReport.findings.filter((finding) => finding.baselineState === 'new');
    expect(fresh.map((finding) => finding.target)).toEqual([CUCM_BAD.fqdn]);
    const sarif = JSON.parse(readFileSync(join(dir, 'third.sarif'), 'utf8')) as {
      runs: Array<{
        results: Array<{
          baselineState: string;
          suppressions: unknown[];
          locations: Array<{ logicalLocations: Array<{ name: string }> }>;
        }>;
      }>;
    };
    const suppressed = sarif.runs[0]!.results.filter((result) => result.suppressions.length > 0);
    expect(suppressed.map((result) => result.locations[0]!.logicalLocations[0]!.name)).toEqual([EXPE_BAD.fqdn]);

    // Fixing the old failure and leaving the new one: still 1, the new one is what alerts.
    writeFileSync(inventory, inventoryYaml([CUCM_GOOD, CUCM_BAD]));
    expect((await scan('--baseline', join(dir, 'second.json'))).code).toBe(1);
    writeFileSync(inventory, inventoryYaml([CUCM_GOOD]));
    expect((await scan('--baseline', join(dir, 'second.json'))).code).toBe(0);
  });

  it('exits 2 with the file named when the baseline is not a JSON report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mra-baseline-'));
    writeFileSync(join(dir, 'mra-preflight.yaml'), inventoryYaml([CUCM_GOOD]));
    writeFileSync(join(dir, 'not-a-report.json'), '{"findings": 3}');
    const result = await runCli(['check', '--offline', '--only', 'MRA-DNS-007', '--baseline', 'not-a-report.json'], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not-a-report.json');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('baseline with the engine API (runScan + applyBaseline + gateExitCode)', () => {
  // A stand-in check whose findings the test dictates, run under a real catalog id.
  type Id = 'bad' | 'good' | 'unsure';
  const scripted = (findings: CheckFinding<Id>[]) =>
    defineRule({
      meta: {
        id: 'MRA-EXP-001',
        slug: 'scripted',
        area: 'exp',
        severity: 'error',
        title: 'scripted findings',
        vantage: 'internal',
        needs: [],
        scope: 'targets of the test',
        messages: {
          bad: 'Target {target} is bad.',
          good: 'Target {target} is fine.',
          unsure: 'Target {target} did not answer.',
        },
      },
      run: async () => findings,
    });
  const scan = (findings: CheckFinding<Id>[]): Promise<Report> =>
    testScan(scripted(findings), { inventory: { domains: ['example.com'] }, offline: true });
  const bad = (target: string): CheckFinding<Id> => ({ target, status: 'fail', messageId: 'bad', args: { target } });
  const good = (target: string): CheckFinding<Id> => ({ target, status: 'pass', messageId: 'good', args: { target } });
  const asBaseline = (report: Report, file = 'last-night.json') => ({
    file,
    findings: baselineFindings(JSON.parse(renderJson(report))),
  });

  it('gates only on findings that are new since the baseline', async () => {
    const first = await scan([bad('a'), bad('b'), good('c')]);
    expect(gateExitCode(first)).toBe(1);

    const same = applyBaseline(await scan([bad('a'), bad('b'), good('c')]), asBaseline(first));
    expect(same.summary.baseline).toEqual({ file: 'last-night.json', new: 0, unchanged: 2, fixed: 0 });
    expect(same.findings.map((finding) => finding.baselineState)).toEqual(['unchanged', 'unchanged', undefined]);
    expect(gateExitCode(same)).toBe(0);

    const worse = applyBaseline(await scan([bad('a'), bad('b'), bad('c')]), asBaseline(first));
    expect(worse.summary.baseline).toMatchObject({ new: 1, unchanged: 2, fixed: 0 });
    expect(worse.findings.find((finding) => finding.baselineState === 'new')?.target).toBe('c');
    expect(gateExitCode(worse)).toBe(1);
    expect(renderHtml(worse)).toContain('1 new since baseline');
    expect(
      JSON.parse(renderSarif(worse)).runs[0].results.filter(
        (result: { suppressions: unknown[] }) => result.suppressions.length > 0,
      ),
    ).toHaveLength(2);
  });

  it('counts a baseline failure the run no longer reports as fixed', async () => {
    const first = await scan([bad('a'), bad('b')]);
    const better = applyBaseline(await scan([good('a'), bad('b')]), asBaseline(first));
    expect(better.summary.baseline).toEqual({ file: 'last-night.json', new: 0, unchanged: 1, fixed: 1 });
  });

  it('treats a new inconclusive finding as new (it gates unless inconclusive is allowed)', async () => {
    const first = await scan([bad('a')]);
    const next = applyBaseline(
      await scan([bad('a'), { target: 'd', status: 'inconclusive', messageId: 'unsure', args: { target: 'd' } }]),
      asBaseline(first),
    );
    expect(next.summary.baseline).toMatchObject({ new: 1, unchanged: 1 });
    expect(gateExitCode(next)).toBe(1);
    expect(gateExitCode(next, 'error', true)).toBe(0);
  });

  it('keys on rule, target and message: the same target failing differently is new', async () => {
    const first = await scan([bad('a')]);
    const next = applyBaseline(
      await scan([{ target: 'a', status: 'inconclusive', messageId: 'unsure', args: { target: 'a' } }]),
      asBaseline(first),
    );
    expect(next.findings[0]?.baselineState).toBe('new');
    expect(gateExitCode(next)).toBe(1);
  });
});
