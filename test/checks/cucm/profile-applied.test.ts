import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import type { Phone } from '../../../src/cucm/snapshot.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-006 profile-applied', () => {
  it('gives one pass summarising the compliant MRA endpoints', async () => {
    const findings = await testCheck('MRA-CUCM-006', { inventory: cucmInventory('compliant') });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ target: 'MRA endpoints', status: 'pass' });
    expect(findings[0]!.message).toMatch(/: 5\.$/);
  });

  it('fails the one MRA endpoint on a non-secure profile, and not the HQ phone on the same profile', async () => {
    const findings = await testCheck('MRA-CUCM-006', { inventory: cucmInventory('cucm-006-profile-not-applied') });
    const bad = findingFor(findings, 'phone SEP00AA11BB22DD');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('Cisco 7841 - Standard SIP Non-Secure Profile');
    expect(bad.evidence).toMatchObject({
      shortfalls: expect.arrayContaining(['device security mode is Non Secure, not Encrypted']),
    });
    expect(findings.some((f) => f.target === 'phone SEP0011223344AA')).toBe(false);
    expect(findingFor(findings, 'MRA endpoints').message).toMatch(/: 4\.$/);
  });

  it('keeps 10,000 compliant endpoints to one finding, with capped evidence', async () => {
    const snapshot = readFixture('compliant');
    const phones: Phone[] = Array.from({ length: 10_000 }, (_, i) => ({
      name: `CSFUSER${i}`,
      model: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: 'csf-mra.example.com',
    }));
    snapshot.phones = [...snapshot.phones, ...phones];
    const findings = await testCheck('MRA-CUCM-006', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toMatchObject({ compliantEndpoints: { count: 10_005, more: 9_985 } });
  });

  it('judges a BAT-only source by profile name, inconclusive where only the settings could decide', async () => {
    const snapshot = readFixture('cucm-004-name-not-fqdn');
    snapshot.securityProfiles = [];
    const findings = await testCheck('MRA-CUCM-006', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findingFor(findings, 'phone SEP00AA11BB22DD')).toMatchObject({
      status: 'fail',
      messageId: 'notCompliant',
      evidence: { profile: { name: 'Cisco 7841 - MRA Secure Profile', inSnapshot: false } },
    });
    expect(findingFor(findings, 'security profile csf-mra.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'profileNotInSnapshot',
    });
    // A profile the snapshot does not hold is never counted as compliant.
    expect(findings.filter((finding) => finding.status === 'pass')).toEqual([]);
  });

  it('fails an MRA endpoint with no security profile; the profile rules leave it to this one', async () => {
    const snapshot = readFixture('compliant');
    snapshot.phones[4] = { ...snapshot.phones[4]!, securityProfile: '' };
    const findings = await testCheck('MRA-CUCM-006', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findingFor(findings, 'phone SEP00AA11BB22DD')).toMatchObject({ status: 'fail', messageId: 'noProfile' });
    const encrypted = await testCheck('MRA-CUCM-002', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(encrypted.map((f) => f.target)).not.toContain('security profile ');
  });
});
