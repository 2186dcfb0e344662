import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-011 self-provision-limit', () => {
  it('passes a limit of 10 where self-provisioning is allowed', async () => {
    const findings = await testCheck('MRA-CUCM-011', { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => [f.target, f.status])).toEqual([['user profile MRA Jabber Users', 'pass']]);
  });

  it('fails a limit of 25 (maximum 20)', async () => {
    const findings = await testCheck('MRA-CUCM-011', { inventory: cucmInventory('cucm-011-limit-25') });
    const profile = findingFor(findings, 'user profile MRA Jabber Users');
    expect(profile.status).toBe('fail');
    expect(profile.message).toContain('limit of 25');
    expect(profile.evidence).toMatchObject({
      userProfile: { allowProvision: true, limitProvision: 25 },
      maxSelfProvisionLimit: 20,
    });
  });

  it('fails 0, follows policy.maxSelfProvisionLimit, and skips a profile that does not allow self-provisioning', async () => {
    const snapshot = readFixture('compliant');
    snapshot.userProfiles[0]!.limitProvision = 0;
    const zero = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(zero[0]!.status).toBe('fail');
    const lowMax = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant', { policy: { maxSelfProvisionLimit: 5 } }),
    });
    expect(lowMax[0]!.status).toBe('fail');
    snapshot.userProfiles[0]!.allowProvision = false;
    const off = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(off).toMatchObject([
      { status: 'skipped', target: 'user profile MRA Jabber Users', messageId: 'notAllowed' },
    ]);
  });
});
