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

describe('MRA-CUCM-010 user-profile-mra, policy by policy', () => {
  const TARGET = 'user profile MRA Jabber Users';
  async function judge(change: Record<string, unknown>) {
    const snapshot = readFixture('compliant');
    Object.assign(snapshot.userProfiles[0]!, change);
    const findings = await testCheck('MRA-CUCM-010', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    return findingFor(findings, TARGET);
  }

  it.each([
    ['MRA unchecked', { enableMra: false }, 'has Enable Mobile and Remote Access unchecked'],
    ['a blank desktop policy', { mraPolicyDesktop: ' ' }, 'has no desktop client policy'],
    ['a blank mobile policy', { mraPolicyMobile: '' }, 'has no mobile client policy'],
    [
      '"no service" on desktop in any case and spacing',
      { mraPolicyDesktop: ' no SERVICE ' },
      'has desktop client policy " no SERVICE "',
    ],
  ])('fails %s, saying which', async (_, change, reason) => {
    const finding = await judge(change);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'deniesMra', evidence: { shortfalls: [reason] } });
    expect(finding.message).toBe(`User profile MRA Jabber Users, assigned to 2 Jabber users, ${reason}.`);
    expect(finding.group).toEqual({ key: 'user-profile:MRA Jabber Users', label: TARGET });
  });

  it('lists every shortfall at once', async () => {
    const finding = await judge({ enableMra: false, mraPolicyDesktop: 'No Service', mraPolicyMobile: '' });
    expect(finding.evidence.shortfalls).toEqual([
      'has Enable Mobile and Remote Access unchecked',
      'has desktop client policy "No Service"',
      'has no mobile client policy',
    ]);
    expect(finding.message).toBe(
      'User profile MRA Jabber Users, assigned to 2 Jabber users, has Enable Mobile and Remote Access unchecked; has desktop client policy "No Service"; has no mobile client policy.',
    );
  });

  it('passes policies that grant some service, naming them, with the profile as evidence', async () => {
    const finding = await judge({ mraPolicyDesktop: 'IM & Presence', mraPolicyMobile: 'Voice and Video calls' });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'grantsMra' });
    expect(finding.message).toBe(
      'User profile MRA Jabber Users (2 Jabber users) enables MRA with desktop policy IM & Presence and mobile policy Voice and Video calls.',
    );
    expect(finding.evidence).toEqual({
      userProfile: {
        name: 'MRA Jabber Users',
        enableMra: true,
        mraPolicyDesktop: 'IM & Presence',
        mraPolicyMobile: 'Voice and Video calls',
      },
      jabberUsers: { names: ['jdoe', 'asmith'], count: 2 },
    });
  });

  it('is inconclusive for a user profile the snapshot lacks, and says how many users lack one', async () => {
    const snapshot = readFixture('compliant');
    snapshot.userProfiles = [];
    snapshot.users.push({ userid: 'solo', jabber: true }, { userid: 'solo2', jabber: true, userProfile: ' ' });
    const findings = await testCheck('MRA-CUCM-010', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      [TARGET, 'inconclusive', 'profileNotInSnapshot'],
      ['user profile (none)', 'fail', 'withoutProfile'],
    ]);
    expect(findings[1]!.message).toBe(
      'Jabber users without a user profile, so no MRA access policy applies to them: 2.',
    );
    expect(findings[0]!.evidence).toEqual({ jabberUsers: { names: ['jdoe', 'asmith'], count: 2 } });
  });

  it('has nothing in scope without Jabber users', async () => {
    const snapshot = readFixture('compliant');
    snapshot.users = snapshot.users.map((user) => ({ ...user, jabber: false }));
    snapshot.phones = snapshot.phones.filter((phone) => phone.name.startsWith('SEP'));
    const findings = await testCheck('MRA-CUCM-010', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toContain('no Jabber users');
  });
});

describe('MRA-CUCM-010 user-profile-mra: who is in scope, and in which order', () => {
  const judgeUsers = async (edit: (snapshot: ReturnType<typeof readFixture>) => void) => {
    const snapshot = readFixture('compliant');
    edit(snapshot);
    return testCheck('MRA-CUCM-010', { inventory: cucmInventory('compliant'), services: fakeCucm(snapshot) });
  };

  it('judges Jabber users without any user profile even when no Jabber user has one', async () => {
    const findings = await judgeUsers((snapshot) => {
      snapshot.users = snapshot.users.map(({ userProfile: _profile, ...user }) => user);
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['user profile (none)', 'fail', 'withoutProfile'],
    ]);
  });

  it('reports owners of Jabber devices missing from the end users even when no other Jabber user exists', async () => {
    const findings = await judgeUsers((snapshot) => {
      snapshot.users = [];
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['user profile (unknown)', 'inconclusive', 'unknownOwners'],
    ]);
    expect(findings[0]!.message).toBe(
      'Owners of Jabber devices missing from the end users read, so their user profile is unknown: 2.',
    );
    expect(findings[0]!.evidence).toEqual({ owners: { names: ['asmith', 'jdoe'], count: 2 } });
  });

  it('gives the user profiles in name order', async () => {
    const findings = await judgeUsers((snapshot) => {
      snapshot.users = snapshot.users.map((user) =>
        user.userid === 'jdoe' ? { ...user, userProfile: 'Z Jabber' } : user,
      );
      snapshot.users = snapshot.users.map((user) =>
        user.userid === 'asmith' ? { ...user, userProfile: 'A Jabber' } : user,
      );
    });
    expect(findings.map((finding) => finding.target)).toEqual(['user profile A Jabber', 'user profile Z Jabber']);
  });
});
