import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import type { Finding } from '../../src/engine/types.js';
import { testCheck } from '../helpers/check.js';
import { AXL_ENV, AXL_PASSWORD, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

/**
 * Every rule that reads the CUCM configuration, judged on a configuration collected live from the
 * HTTPS AXL lab server (not read from a snapshot file): a compliant cluster passes it, and the
 * cluster of its fault fixture fails it with the message that names the fault. The rules come
 * from the registry, so a new CUCM rule needs a fault fixture here too.
 */
const FAULTS = join(PACKAGE_ROOT, 'fixtures', 'cucm', 'faults');
const COMPLIANT = join(PACKAGE_ROOT, 'fixtures', 'cucm', 'compliant.json');
const catalog = await loadCatalog();
// MRA-CERT-005 reads the CUCM configuration too; its live test is with the certificate tests.
const RULES = catalog.entries
  .filter((entry) => entry.area === 'cucm' || entry.id === 'MRA-NTP-004')
  .map((entry) => entry.id);

/** fixtures/cucm/faults/cucm-008-video-384.json is the fault of MRA-CUCM-008. */
const faultOf = (ruleId: string): string | undefined =>
  readdirSync(FAULTS).find((file) => file.startsWith(`${ruleId.replace(/^MRA-/, '').toLowerCase()}-`));

/** The message each fault fixture must fail its rule with. */
const FAULT_MESSAGE: Record<string, string> = {
  'MRA-CUCM-002': 'notEncrypted',
  'MRA-CUCM-003': 'notTls',
  'MRA-CUCM-004': 'notFqdn',
  'MRA-CUCM-005': 'tftpEncrypted',
  'MRA-CUCM-006': 'notCompliant',
  'MRA-CUCM-007': 'noDateTimeGroup',
  'MRA-CUCM-008': 'tooLow',
  'MRA-CUCM-009': 'iceIncomplete',
  'MRA-CUCM-010': 'deniesMra',
  'MRA-CUCM-011': 'outOfRange',
  'MRA-CUCM-012': 'ilsMissing',
  'MRA-CUCM-013': 'cannotRegister',
  'MRA-NTP-004': 'noReference',
};

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

const NODES = [{ fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' }];

async function live(ruleId: string, cluster: CucmSnapshot, serverOptions = {}): Promise<Finding[]> {
  axl = await startTestAxl(cluster, serverOptions);
  const findings = await testCheck(ruleId, {
    inventory: {
      domains: ['example.com'],
      nodes: NODES,
      clusters: 2,
      cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] },
    },
    env: AXL_ENV,
    timeoutMs: 3000,
  });
  expect(JSON.stringify(findings)).not.toContain(AXL_PASSWORD);
  return findings;
}

const read = (file: string): CucmSnapshot => JSON.parse(readFileSync(file, 'utf8')) as CucmSnapshot;
const summary = (findings: Finding[]): string[] => findings.map((finding) => `${finding.status} ${finding.messageId}`);

describe('each CUCM rule and MRA-NTP-004, live over AXL', () => {
  it('covers every rule that reads the CUCM configuration', () => {
    expect(RULES).toContain('MRA-CUCM-001');
    expect(RULES).toContain('MRA-NTP-004');
    const judged = RULES.filter((id) => id !== 'MRA-CUCM-001');
    const unnamed = judged.filter((id) => !(id in FAULT_MESSAGE));
    expect(unnamed, 'rules without the message their fault fixture must fail with (FAULT_MESSAGE)').toEqual([]);
    expect(judged.sort()).toEqual(Object.keys(FAULT_MESSAGE).sort());
  });

  it.each(RULES)('%s passes the compliant cluster collected live', async (ruleId) => {
    const findings = await live(ruleId, read(COMPLIANT));
    // Read over the network, not from a file: the lab server answered the AXL requests.
    expect(axl!.server.requests.length).toBeGreaterThan(0);
    expect(findings.length).toBeGreaterThan(0);
    expect(summary(findings).filter((line) => !line.startsWith('pass '))).toEqual([]);
  });

  it.each(RULES.filter((id) => id !== 'MRA-CUCM-001'))(
    '%s fails the cluster of its fault fixture collected live',
    async (ruleId) => {
      const fault = faultOf(ruleId);
      expect(fault, `a fixtures/cucm/faults file for ${ruleId}`).toBeDefined();
      const findings = await live(ruleId, read(join(FAULTS, fault!)));
      expect(axl!.server.requests.length).toBeGreaterThan(0);
      const failed = findings.filter((finding) => finding.status === 'fail');
      expect(failed.length, summary(findings).join('; ')).toBeGreaterThan(0);
      expect(failed.map((finding) => finding.messageId)).toContain(FAULT_MESSAGE[ruleId]);
    },
  );

  it('MRA-CUCM-001 fails a publisher whose AXL service is deactivated', async () => {
    const findings = await live('MRA-CUCM-001', read(COMPLIANT), { axlActivated: false });
    expect(findings).toMatchObject([{ status: 'fail', messageId: 'notActivated', evidence: { httpStatus: 404 } }]);
  });
});
