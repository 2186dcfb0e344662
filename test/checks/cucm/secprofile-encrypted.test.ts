import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, failingCucm, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-002 secprofile-encrypted', () => {
  it('passes every security profile used by MRA endpoints when each is Encrypted', async () => {
    const findings = await testCheck('MRA-CUCM-002', { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => f.target).sort()).toEqual([
      'security profile bot-mra.example.com',
      'security profile csf-mra.example.com',
      'security profile ip7841-mra.example.com',
      'security profile ip8845-mra.example.com',
      'security profile tct-mra.example.com',
    ]);
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    const csf = findingFor(findings, 'security profile csf-mra.example.com');
    expect(csf.evidence).toMatchObject({
      profile: { deviceSecurityMode: 'Encrypted' },
      mraEndpoints: { names: ['CSFJDOE'], count: 1 },
    });
  });

  it('fails an Authenticated profile and does not report the non-secure profile of phones outside the MRA pools', async () => {
    const findings = await testCheck('MRA-CUCM-002', { inventory: cucmInventory('cucm-002-not-encrypted') });
    const bad = findingFor(findings, 'security profile ip7841-mra.example.com');
    expect(bad.status).toBe('fail');
    expect(bad.severity).toBe('error');
    expect(bad.message).toContain('Authenticated');
    expect(bad.evidence).toMatchObject({ mraEndpoints: { names: ['SEP00AA11BB22DD'] } });
    expect(findings.filter((f) => f.status === 'fail')).toHaveLength(1);
    expect(findings.some((f) => f.target.includes('Non-Secure'))).toBe(false);
  });

  it('is inconclusive for a profile the snapshot does not hold, and when the source failed', async () => {
    const snapshot = readFixture('compliant');
    snapshot.securityProfiles = snapshot.securityProfiles.filter((p) => p.name !== 'csf-mra.example.com');
    const missing = await testCheck('MRA-CUCM-002', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findingFor(missing, 'security profile csf-mra.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'profileNotInSnapshot',
      evidence: { profile: null, mraEndpoints: { names: ['CSFJDOE'] } },
    });
    const failed = await testCheck('MRA-CUCM-002', {
      inventory: cucmInventory('compliant'),
      services: failingCucm('AXL answered HTTP 401'),
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'inconclusive', target: 'deployment', messageId: 'needUnavailable' });
    expect(failed[0]!.message).toContain('HTTP 401');
  });

  it('is skipped without MRA device pools or when no phone is in them', async () => {
    const noPools = await testCheck('MRA-CUCM-002', { inventory: cucmInventory('compliant', {}, []) });
    expect(noPools).toMatchObject([{ status: 'skipped', target: 'deployment', messageId: 'nothingInScope' }]);
    const empty = await testCheck('MRA-CUCM-002', { inventory: cucmInventory('compliant', {}, ['NOBODY_DP']) });
    expect(empty).toMatchObject([{ status: 'skipped', messageId: 'nothingInScope' }]);
  });

  it('states profile, endpoints and mode; counts endpoints in English; fixes the profile once', async () => {
    const snapshot = readFixture('compliant');
    snapshot.securityProfiles = snapshot.securityProfiles.map((profile) =>
      profile.name === 'ip7841-mra.example.com' ? { ...profile, deviceSecurityMode: 'Non Secure' } : profile,
    );
    snapshot.phones.push({ ...snapshot.phones[4]!, name: 'SEP00AA11BB22EE' });
    const findings = await testCheck('MRA-CUCM-002', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    const bad = findingFor(findings, 'security profile ip7841-mra.example.com');
    expect(bad.message).toBe(
      'Phone security profile ip7841-mra.example.com, used by 2 MRA endpoints, has device security mode Non Secure: Expressway refuses MRA endpoints whose profile is not Encrypted.',
    );
    expect(bad.group).toEqual({
      key: 'security-profile:ip7841-mra.example.com',
      label: 'phone security profile ip7841-mra.example.com',
    });
    expect(bad.evidence).toEqual({
      profile: {
        name: 'ip7841-mra.example.com',
        phoneType: 'Cisco 7841',
        protocol: 'SIP',
        deviceSecurityMode: 'Non Secure',
        transportType: 'TLS',
        tftpEncryptedConfig: false,
      },
      mraEndpoints: { names: ['SEP00AA11BB22DD', 'SEP00AA11BB22EE'], count: 2 },
      models: ['Cisco 7841'],
    });
    expect(findingFor(findings, 'security profile csf-mra.example.com').message).toBe(
      'Phone security profile csf-mra.example.com (used by 1 MRA endpoint) has device security mode Encrypted.',
    );
  });
});
