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
    expect(zero[0]!.messageId).toBe('outOfRange');
    const lowMax = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant', { policy: { maxSelfProvisionLimit: 5 } }),
    });
    expect(lowMax[0]!).toMatchObject({ status: 'fail', evidence: { maxSelfProvisionLimit: 5 } });
    snapshot.userProfiles[0]!.allowProvision = false;
    const off = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(off).toMatchObject([
      { status: 'skipped', target: 'user profile MRA Jabber Users', messageId: 'notAllowed' },
    ]);
  });

  /** Verdict on the Jabber users' profile with this limit (and policy), through the real engine. */
  async function verdictAt(limit: number, policy: Record<string, unknown> = {}): Promise<[string, string]> {
    const snapshot = readFixture('compliant');
    snapshot.userProfiles[0]!.limitProvision = limit;
    const findings = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant', { policy }),
      services: fakeCucm(snapshot),
    });
    const finding = findingFor(findings, 'user profile MRA Jabber Users');
    return [finding.status, finding.messageId];
  }

  it('passes 1 and 20 (the default maximum), fails 0 and 21', async () => {
    expect(await verdictAt(0)).toEqual(['fail', 'outOfRange']);
    expect(await verdictAt(1)).toEqual(['pass', 'withinLimit']);
    expect(await verdictAt(20)).toEqual(['pass', 'withinLimit']);
    expect(await verdictAt(21)).toEqual(['fail', 'outOfRange']);
  });

  it('passes policy.maxSelfProvisionLimit itself and fails one above it', async () => {
    expect(await verdictAt(5, { maxSelfProvisionLimit: 5 })).toEqual(['pass', 'withinLimit']);
    expect(await verdictAt(6, { maxSelfProvisionLimit: 5 })).toEqual(['fail', 'outOfRange']);
  });

  it('says the limit and the range in the message', async () => {
    const snapshot = readFixture('compliant');
    snapshot.userProfiles[0]!.limitProvision = 21;
    const [finding] = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(finding!.message).toBe(
      'User profile MRA Jabber Users allows self-provisioning with a limit of 21 phones; the limit must be 1..20.',
    );
  });

  it('is inconclusive when the snapshot has no limit, or lacks the user profile of the Jabber users', async () => {
    const snapshot = readFixture('compliant');
    delete snapshot.userProfiles[0]!.limitProvision;
    const unknown = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(unknown).toMatchObject([
      { status: 'inconclusive', messageId: 'limitUnknown', evidence: { userProfile: { limitProvision: null } } },
    ]);
    snapshot.userProfiles = [];
    const missing = await testCheck('MRA-CUCM-011', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(missing).toMatchObject([
      {
        status: 'inconclusive',
        messageId: 'profileNotInSnapshot',
        target: 'user profile MRA Jabber Users',
        evidence: { jabberUsers: { names: ['jdoe', 'asmith'], count: 2 } },
      },
    ]);
  });
});

describe('MRA-CUCM-011 self-provision-limit: messages', () => {
  const judge = async (edit: (snapshot: ReturnType<typeof readFixture>) => void) => {
    const snapshot = readFixture('compliant');
    edit(snapshot);
    return testCheck('MRA-CUCM-011', { inventory: cucmInventory('compliant'), services: fakeCucm(snapshot) });
  };
  const TARGET = 'user profile MRA Jabber Users';

  it('states the limit and the allowed range when it passes', async () => {
    const finding = findingFor(await judge(() => {}), TARGET);
    expect(finding.message).toBe('User profile MRA Jabber Users allows self-provisioning of up to 10 phones (1..20).');
  });

  it('names the profile when self-provisioning is not allowed or its limit is not known', async () => {
    const off = findingFor(
      await judge((snapshot) => {
        snapshot.userProfiles[0]!.allowProvision = false;
      }),
      TARGET,
    );
    expect(off.message).toBe('User profile MRA Jabber Users does not allow self-provisioning, so no limit applies.');
    const unknown = findingFor(
      await judge((snapshot) => {
        delete snapshot.userProfiles[0]!.limitProvision;
      }),
      TARGET,
    );
    expect(unknown).toMatchObject({ status: 'inconclusive', messageId: 'limitUnknown' });
    expect(unknown.message).toBe(
      'User profile MRA Jabber Users allows self-provisioning, but the CUCM configuration read has no provisioning limit for it.',
    );
  });

  it('counts the Jabber users of a user profile the snapshot lacks', async () => {
    const finding = findingFor(
      await judge((snapshot) => {
        snapshot.users = snapshot.users.map((user) => ({ ...user, userProfile: 'MRA Jabber Users' }));
        snapshot.userProfiles = snapshot.userProfiles.filter((profile) => profile.name !== 'MRA Jabber Users');
      }),
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'profileNotInSnapshot' });
    expect(finding.message).toBe(
      'User profile MRA Jabber Users, assigned to 2 Jabber users, is not in the CUCM configuration read.',
    );
  });

  it('has nothing to examine when no Jabber user has a user profile', async () => {
    const findings = await judge((snapshot) => {
      snapshot.users = snapshot.users.map(({ userProfile: _profile, ...user }) => user);
    });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no Jabber user is assigned a user profile in the CUCM configuration read.',
    );
  });
});
