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

describe('MRA-CUCM-006 profile-applied in detail', () => {
  const judge = async (edit: (phones: Phone[]) => Phone[], fixture = 'compliant') => {
    const snapshot = readFixture(fixture);
    snapshot.phones = edit(snapshot.phones);
    return testCheck('MRA-CUCM-006', { inventory: cucmInventory('compliant'), services: fakeCucm(snapshot) });
  };
  const withProfile = (profile: string) => (phones: Phone[]) =>
    phones.map((phone) => (phone.name === 'SEP00AA11BB22DD' ? { ...phone, securityProfile: profile } : phone));

  it.each([
    ['empty', ''],
    ['blank', '  '],
  ])('fails an endpoint whose profile is %s as having none, grouped under the phone itself', async (_how, profile) => {
    const finding = findingFor(await judge(withProfile(profile)), 'phone SEP00AA11BB22DD');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'noProfile' });
    expect(finding.message).toBe('MRA endpoint SEP00AA11BB22DD (Cisco 7841) has no phone security profile assigned.');
    expect(finding.evidence).toEqual({
      phone: { name: 'SEP00AA11BB22DD', model: 'Cisco 7841', devicePool: 'MRA_DP', securityProfile: profile },
    });
    expect(finding.group).toEqual({
      key: 'phone:phone SEP00AA11BB22DD',
      label: 'phone SEP00AA11BB22DD (assign an MRA phone security profile)',
    });
  });

  it('names every shortfall of the profile, and groups the endpoint under that profile', async () => {
    const findings = await testCheck('MRA-CUCM-006', { inventory: cucmInventory('cucm-006-profile-not-applied') });
    const finding = findingFor(findings, 'phone SEP00AA11BB22DD');
    expect(finding.message).toBe(
      'MRA endpoint SEP00AA11BB22DD (Cisco 7841) has phone security profile Cisco 7841 - Standard SIP Non-Secure Profile, which is not MRA-compliant: ' +
        `${(finding.evidence.shortfalls as string[]).join('; ')}.`,
    );
    expect((finding.evidence.shortfalls as string[]).slice(0, 2)).toEqual([
      'device security mode is Non Secure, not Encrypted',
      'transport type is TCP+UDP, not TLS',
    ]);
    expect(finding.evidence.profile).toEqual({
      name: 'Cisco 7841 - Standard SIP Non-Secure Profile',
      deviceSecurityMode: 'Non Secure',
      transportType: 'TCP+UDP',
    });
    expect(finding.group).toEqual({
      key: 'security-profile:Cisco 7841 - Standard SIP Non-Secure Profile',
      label: 'phone security profile Cisco 7841 - Standard SIP Non-Secure Profile',
    });
  });

  it('fails an endpoint on a profile the snapshot lacks when the name alone is not an FQDN, saying so', async () => {
    const snapshot = readFixture('compliant');
    snapshot.securityProfiles = [];
    snapshot.phones = withProfile('MRA-7841')(snapshot.phones);
    const findings = await testCheck('MRA-CUCM-006', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    const finding = findingFor(findings, 'phone SEP00AA11BB22DD');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'notCompliant' });
    expect(finding.message).toMatch(
      /^MRA endpoint SEP00AA11BB22DD \(Cisco 7841\) has phone security profile MRA-7841, which is not MRA-compliant: name \S.*\.$/,
    );
    expect(finding.evidence).toMatchObject({ profile: { name: 'MRA-7841', inSnapshot: false } });
    const unknown = findingFor(findings, 'security profile csf-mra.example.com');
    expect(unknown.message).toBe(
      'Phone security profile csf-mra.example.com, assigned to 1 MRA endpoint, is not in the CUCM configuration read, so they cannot be judged.',
    );
    expect(unknown.evidence).toEqual({ mraEndpoints: { names: ['CSFJDOE'], count: 1 } });
  });

  it('summarises the compliant endpoints by name and by profile', async () => {
    const findings = await testCheck('MRA-CUCM-006', { inventory: cucmInventory('compliant') });
    expect(findings[0]!.evidence).toEqual({
      compliantEndpoints: {
        // In profile name order (ip7841 before ip8845), as the profiles are examined.
        names: ['BOTASMITH', 'CSFJDOE', 'SEP00AA11BB22DD', 'SEP00AA11BB22CC', 'TCTJDOE'],
        count: 5,
      },
      byProfile: {
        'bot-mra.example.com': 1,
        'csf-mra.example.com': 1,
        'ip7841-mra.example.com': 1,
        'ip8845-mra.example.com': 1,
        'tct-mra.example.com': 1,
      },
      failingEndpoints: 0,
    });
  });
});
