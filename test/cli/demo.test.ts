import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/types.js';
import { schemaProblems } from '../../src/inventory/validate.js';
import { runCli } from '../helpers/cli.js';

describe('mra-preflight demo', () => {
  it('scans the embedded lab, exits 0 and writes a report.json that validates against the schema', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mra-demo-'));
    const result = await runCli(['demo', '--out', out], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const file = join(out, 'report.json');
    expect(result.stdout).toContain(file);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(schemaProblems('report.schema.json', report, file)).toEqual([]);
    // The lab carries deliberate faults: the demo shows passes and fails.
    expect(report.summary.pass).toBeGreaterThan(0);
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.findings.length).toBe(
      report.summary.pass + report.summary.fail + report.summary.inconclusive + report.summary.skipped,
    );
    for (const name of ['report.json', 'lab-inventory.yaml']) expect(existsSync(join(out, name)), name).toBe(true);
    // The lab is gone afterwards: its temporary folder was removed.
    const inventory = readFileSync(join(out, 'lab-inventory.yaml'), 'utf8');
    expect(inventory).toContain('domains');
  }, 180_000);

  it('prints the report paths relative to the working folder when they are under it (npm start)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mra-demo-cwd-'));
    const result = await runCli(['demo'], { cwd, timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const listed = result.stdout
      .split('Reports:\n')[1]!
      .trim()
      .split('\n')
      .map((line) => line.trim());
    expect(listed).toContain('mra-preflight-report/report.html');
    expect(listed).toContain('mra-preflight-report/report.json');
    for (const path of listed) expect(existsSync(join(cwd, path)), path).toBe(true);
  }, 180_000);
});
