import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import type { Report } from '../../src/engine/types.js';
import { runCli } from '../helpers/cli.js';

/**
 * The reports as the built CLI writes them for an offline CI gate: a committed CUCM export with a
 * warning-severity fault (MRA-CUCM-008, video 384 kbps) and an Expressway-E host name that fails
 * at error severity (MRA-DNS-007).
 */
function inventory(expe: string): string {
  return [
    'domains: [example.com]',
    'nodes:',
    '  - { fqdn: cucm-pub.example.com, ip: 10.1.1.10, role: cucm-publisher }',
    '  - { fqdn: expc.example.com, ip: 10.1.1.30, role: expressway-c, version: X15.0.1 }',
    `  - { fqdn: ${expe}, ip: 203.0.113.30, role: expressway-e, version: X15.0.1 }`,
    'cucm:',
    '  snapshot: exports/cucm-snapshot.json',
    '  mraDevicePools: [MRA_DP]',
    '',
  ].join('\n');
}

const ONLY = ['--only', 'MRA-DNS-007,MRA-CUCM-008'];

describe('reports written by `check` (built CLI)', () => {
  let dir: string;
  const check = (...args: string[]) =>
    runCli(['check', '-i', 'mra-preflight.yaml', '--offline', ...ONLY, ...args], { cwd: dir });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mra-cli-reports-'));
    writeFileSync(join(dir, 'mra-preflight.yaml'), inventory('expe_1.example.com'));
    // The inventory names exports/cucm-snapshot.json relative to itself.
    mkdirSync(join(dir, 'exports'));
    copyFileSync(
      join(PACKAGE_ROOT, 'fixtures', 'cucm', 'faults', 'cucm-008-video-384.json'),
      join(dir, 'exports', 'cucm-snapshot.json'),
    );
  });

  it('prints the summary and the verdict to stderr when every report goes to a file, and nothing to stdout', async () => {
    const run = await check('--report', 'json=out/report.json', '--report', 'html=out/report.html', '--quiet');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('wrote '))).toHaveLength(2);
    expect(run.stderr).toContain('Summary: ');
    expect(run.stderr).toContain('failures by severity: 1 error, 1 warning, 0 info');
    expect(lines.at(-1)).toBe('NOT READY: 1 error-severity failure');
    // The HTML names the JSON written beside it for what it does not show.
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('NOT READY');
  });

  it('keeps stdout exactly the report a pipe asked for, the summary on stderr', async () => {
    const run = await check('--report', 'json', '--quiet');
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary.verdict).toBe('not-ready');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('NOT READY: 1 error-severity failure');
    const text = await check('--report', 'text', '--quiet');
    expect(text.stderr).not.toContain('Summary:');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('NOT READY: 1 error-severity failure');
    expect(text.stdout.split('\n')[0]).toBe('Fix first: 2 changes resolve 2 failures, errors first');
  });

  it('JUnit fails what the gate fails: the warning only with --fail-on warning', async () => {
    const failures = (file: string): number =>
      Number(/<testsuites\b[^>]*\bfailures="(\d+)"/.exec(readFileSync(join(dir, file), 'utf8'))![1]);
    const strict = await check('--report', 'junit=error.xml');
    const lenient = await check('--report', 'junit=warning.xml', '--fail-on', 'warning');
    expect([strict.code, lenient.code]).toEqual([1, 1]);
    expect(failures('error.xml')).toBe(1);
    expect(failures('warning.xml')).toBe(2);
    expect(readFileSync(join(dir, 'error.xml'), 'utf8')).toMatch(
      /<skipped message="\[warning fail, below --fail-on error\] /,
    );
  });

  it('SARIF names the inventory relative to the working directory, never by an absolute path', async () => {
    await check('--report', 'sarif=report.sarif');
    const text = readFileSync(join(dir, 'report.sarif'), 'utf8');
    expect(text).not.toContain('file://');
    expect(text).not.toContain(dir);
    const run = (JSON.parse(text) as { runs: Array<Record<string, unknown>> }).runs[0]!;
    expect(run.originalUriBaseIds).toMatchObject({ INVENTORYROOT: { uri: './', uriBaseId: '%SRCROOT%' } });
    expect(run.artifacts).toEqual([
      expect.objectContaining({ location: { uri: 'mra-preflight.yaml', uriBaseId: 'INVENTORYROOT' } }),
    ]);
  });

  it('a baseline run reports new, unchanged and fixed in every format', async () => {
    await check('--report', 'json=night1.json');
    // The next night the Expressway-E has a valid name: one failure fixed, one unchanged, none new.
    writeFileSync(join(dir, 'mra-preflight.yaml'), inventory('expe.example.com'));
    try {
      const run = await check(
        '--baseline',
        'night1.json',
        '--report',
        'json=night2.json',
        '--report',
        'sarif=night2.sarif',
        '--report',
        'junit=night2.xml',
        '--report',
        'html=night2.html',
        '--report',
        'text=night2.txt',
      );
      expect(run.code, run.stderr).toBe(0);
      const expected = { file: 'night1.json', new: 0, unchanged: 1, fixed: 1 };
      expect((JSON.parse(readFileSync(join(dir, 'night2.json'), 'utf8')) as Report).summary.baseline).toEqual(expected);
      const sarif = JSON.parse(readFileSync(join(dir, 'night2.sarif'), 'utf8')) as {
        runs: Array<{ properties: { baseline: unknown; verdict: string } }>;
      };
      expect(sarif.runs[0]!.properties).toMatchObject({ baseline: expected, verdict: 'ready' });
      const junit = readFileSync(join(dir, 'night2.xml'), 'utf8');
      expect(junit).toContain('<property name="fixedSinceBaseline" value="1"/>');
      expect(junit).toContain('<property name="verdict" value="ready"/>');
      expect(readFileSync(join(dir, 'night2.html'), 'utf8')).toContain('0 new since baseline, 1 unchanged, 1 fixed');
      const text = readFileSync(join(dir, 'night2.txt'), 'utf8');
      expect(text).toContain('0 new since baseline, 1 unchanged, 1 fixed (baseline night1.json)');
      expect(text.trimEnd().split('\n').at(-1)).toBe('READY: no error-severity failure; 1 lower-severity failure');
    } finally {
      writeFileSync(join(dir, 'mra-preflight.yaml'), inventory('expe_1.example.com'));
    }
  });
});
