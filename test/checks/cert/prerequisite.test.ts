import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { tempDir } from '../../helpers/pki.js';

/**
 * SPEC section 4, prerequisites: a chain that could not be read is reported once, as MRA-CERT-001's
 * inconclusive finding; the other per-endpoint certificate rules skip that endpoint naming it.
 */
describe('certificate rules on an unreadable chain', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const fixture = {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains: ['example.com'],
      nodes: [{ fqdn: 'expe.example.com', role: 'expressway-e' }],
      certificates: [{ node: 'expe.example.com', service: 'server', file: 'broken.pem' }],
    },
  };

  it('MRA-CERT-001 carries the failure as inconclusive', async () => {
    expect(findingFor(await testCheck('MRA-CERT-001', fixture), 'broken.pem')).toMatchObject({
      status: 'inconclusive',
      messageId: 'notObtained',
    });
  });

  it.each(['MRA-CERT-004', 'MRA-CERT-006', 'MRA-CERT-007', 'MRA-CERT-008', 'MRA-CERT-009'])(
    '%s skips it, naming MRA-CERT-001',
    async (rule) => {
      const finding = findingFor(await testCheck(rule, fixture), 'broken.pem');
      expect(finding).toMatchObject({
        status: 'skipped',
        messageId: 'prerequisiteFailed',
        evidence: { prerequisite: { ruleId: 'MRA-CERT-001', target: 'broken.pem', messageId: 'notObtained' } },
      });
      expect(finding.message).toMatch(
        /^Not judged: MRA-CERT-001 reports broken\.pem as inconclusive \(Could not read the certificate chain/,
      );
    },
  );
});
