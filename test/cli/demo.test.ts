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
});
