import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-005 tftp-encryption-exclusion', () => {
  it('passes profiles of 8845 and 7841 MRA endpoints with TFTP Encrypted Config unchecked; Jabber profiles are out of scope', async () => {
    const findings = await testCheck('MRA-CUCM-005', { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => [f.target, f.status])).toEqual([
      ['security profile ip7841-mra.example.com', 'pass'],
      ['security profile ip8845-mra.example.com', 'pass'],
    ]);
    expect(findingFor(findings, 'security profile ip7841-mra.example.com').evidence).toMatchObject({
      matchedPatterns: ['Cisco 78*'],
    });
  });

  it('fails the 8845 profile with TFTP Encrypted Config checked', async () => {
    const findings = await testCheck('MRA-CUCM-005', { inventory: cucmInventory('cucm-005-tftp-encrypted') });
    const bad = findingFor(findings, 'security profile ip8845-mra.example.com');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('Cisco 8845');
    expect(bad.evidence).toMatchObject({ profile: { tftpEncryptedConfig: true }, matchedPatterns: ['Cisco 8845'] });
  });

  it('matches the policy list case-insensitively with wildcards, and skips when no model matches', async () => {
    const snapshot = readFixture('cucm-005-tftp-encrypted');
    const lower = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant', { policy: { tftpEncryptionExcludedModels: ['cisco 88??'] } }),
      services: fakeCucm(snapshot),
    });
    expect(lower.map((f) => [f.target, f.status])).toEqual([['security profile ip8845-mra.example.com', 'fail']]);
    const none = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant', { policy: { tftpEncryptionExcludedModels: ['Cisco DX*'] } }),
      services: fakeCucm(snapshot),
    });
    expect(none).toMatchObject([{ status: 'skipped', target: 'deployment', messageId: 'nothingInScope' }]);
  });
});
