import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knownRuleNames } from '../../src/cli/check.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { runScan } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/load.js';
import { axlLabPart, LAB_AXL_PASSWORD_ENV } from '../../lab/axl.js';
import { startLab } from '../../lab/index.js';

describe('the lab AXL part', () => {
  it('serves the lab cluster over verified HTTPS; the CUCM rules read it live and the password stays out', async () => {
    const lab = await startLab([axlLabPart]);
    try {
      const catalog = await loadCatalog();
      const inventory = loadInventory(lab.inventoryPath, knownRuleNames(catalog));
      expect(inventory.cucm.axl).toMatchObject({ version: '15.0', usernameEnv: 'AXL_USER', passwordEnv: 'AXL_PASS' });
      expect(readFileSync(inventory.cucm.axl!.caFile!, 'utf8')).toContain('BEGIN CERTIFICATE');
      const report = await runScan({
        inventory,
        catalog,
        only: ['cucm'],
        timeoutMs: 2000,
        env: { ...process.env, ...lab.env },
      });
      const axl = report.findings.find((finding) => finding.ruleId === 'MRA-CUCM-001')!;
      expect(axl).toMatchObject({ status: 'pass', target: 'Cisco AXL Web Service on cucm-pub.example.com' });
      expect(report.findings.filter((finding) => finding.messageId === 'needUnavailable')).toEqual([]);
      expect(report.findings.some((finding) => finding.area === 'cucm' && finding.status === 'fail')).toBe(true);
      const password = lab.env[LAB_AXL_PASSWORD_ENV]!;
      expect(password.length).toBeGreaterThan(10);
      expect(JSON.stringify(report)).not.toContain(password);
      expect(readFileSync(lab.inventoryPath, 'utf8')).not.toContain(password);
    } finally {
      await lab.stop();
    }
  });
});
