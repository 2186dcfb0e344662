import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-010 user-profile-mra', () => {
  it('passes the user profile of the Jabber users; the profile of non-Jabber users is out of scope', async () => {
    const findings = await testCheck('MRA-CUCM-010', { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => [f.target, f.status])).toEqual([['user profile MRA Jabber Users', 'pass']]);
    // asmith is not IM&P-enabled but owns BOTASMITH, so counts as a Jabber user.
    expect(findings[0]!.evidence).toMatchObject({ jabberUsers: { names: ['jdoe', 'asmith'], count: 2 } });
    expect(findings[0]!.severity).toBe('warning');
  });

  it('fails a mobile client policy of "No Service"', async () => {
    const findings = await testCheck('MRA-CUCM-010', { inventory: cucmInventory('cucm-010-no-service') });
    const profile = findingFor(findings, 'user profile MRA Jabber Users');
    expect(profile.status).toBe('fail');
    expect(profile.message).toContain('mobile client policy "No Service"');
  });

  it('fails MRA unchecked and Jabber users without a user profile; inconclusive for owners it cannot see', async () => {
    const snapshot = readFixture('compliant');
    snapshot.userProfiles[0]!.enableMra = false;
    snapshot.users.push({ userid: 'noprof', jabber: true });
    snapshot.phones.push({
      name: 'CSFGHOST',
      model: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: 'csf-mra.example.com',
      owner: 'ghost',
    });
    const findings = await testCheck('MRA-CUCM-010', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findingFor(findings, 'user profile MRA Jabber Users').message).toContain(
      'Enable Mobile and Remote Access unchecked',
    );
    expect(findingFor(findings, 'user profile (none)')).toMatchObject({
      status: 'fail',
      evidence: { jabberUsers: { names: ['noprof'] } },
    });
    expect(findingFor(findings, 'user profile (unknown)')).toMatchObject({
      status: 'inconclusive',
      messageId: 'unknownOwners',
      evidence: { owners: { names: ['ghost'] } },
    });
  });
});
