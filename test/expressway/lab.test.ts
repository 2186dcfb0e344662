import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/engine/catalog.js';
import { runScan } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/load.js';
import { LAB_EXPC_VERSION, LAB_EXPE_VERSION, expresswayLabPart } from '../../lab/expressway.js';
import { startLab, type Lab } from '../../lab/index.js';
import { findingFor, KNOWN_RULE_NAMES } from '../helpers/check.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab([expresswayLabPart]);
});
afterAll(async () => {
  await lab?.stop();
});

describe('the demo lab Expressway part', () => {
  it('serves the Expressway-C version over status.xml and leaves a mismatch for MRA-EXP-002', async () => {
    const catalog = await loadCatalog();
    const inventory = loadInventory(lab.inventoryPath, KNOWN_RULE_NAMES);
    const report = await runScan({ inventory, catalog, only: ['exp'], timeoutMs: 2000, env: { ...lab.env } });

    const exp001 = report.findings.filter((finding) => finding.ruleId === 'MRA-EXP-001');
    expect(findingFor(exp001, 'expc.example.com')).toMatchObject({
      status: 'pass',
      evidence: { version: LAB_EXPC_VERSION, source: 'status.xml', tlsVerification: 'on' },
    });
    expect(findingFor(exp001, 'expe.example.com')).toMatchObject({
      status: 'pass',
      evidence: { version: LAB_EXPE_VERSION, source: 'inventory' },
    });

    const exp002 = report.findings.filter((finding) => finding.ruleId === 'MRA-EXP-002');
    expect(findingFor(exp002, 'expc.example.com <-> expe.example.com')).toMatchObject({
      status: 'fail',
      severity: 'warning',
    });

    const password = lab.env.EXP_PASS ?? '';
    expect(password.length).toBeGreaterThan(10);
    expect(JSON.stringify(report)).not.toContain(password);
    expect(readFileSync(lab.inventoryPath, 'utf8')).not.toContain(password);
  });
});
