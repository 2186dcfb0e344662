import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-003 secprofile-tls', () => {
  it('passes profiles with transport TLS', async () => {
    const findings = await testCheck('MRA-CUCM-003', { inventory: cucmInventory('compliant') });
    expect(findings).toHaveLength(5);
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    expect(findingFor(findings, 'security profile ip8845-mra.example.com').evidence).toMatchObject({
      profile: { transportType: 'TLS' },
    });
    const ip8845 = findingFor(findings, 'security profile ip8845-mra.example.com');
    expect(ip8845.messageId).toBe('tls');
    expect(ip8845.message).toBe(
      'Phone security profile ip8845-mra.example.com (used by 1 MRA endpoint) has transport type TLS.',
    );
  });

  it('fails a profile with transport TCP', async () => {
    const findings = await testCheck('MRA-CUCM-003', { inventory: cucmInventory('cucm-003-not-tls') });
    const bad = findingFor(findings, 'security profile ip7841-mra.example.com');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('transport type TCP');
    expect(findings.filter((f) => f.status === 'fail')).toHaveLength(1);
  });

  it('is inconclusive, never a pass, for a profile the snapshot does not hold', async () => {
    const snapshot = readFixture('compliant');
    snapshot.securityProfiles = snapshot.securityProfiles.filter((profile) => profile.name !== 'tct-mra.example.com');
    const findings = await testCheck('MRA-CUCM-003', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findingFor(findings, 'security profile tct-mra.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'profileNotInSnapshot',
    });
    expect(findings.filter((finding) => finding.status === 'pass')).toHaveLength(4);
  });
});
