import { sample } from '../../cucm/mra-scope.js';
import type { UserProfile } from '../../cucm/snapshot.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import { snapshotOf } from '../services.js';
import { countOf, jabberProfileGroups, userProfileGroupOf, userProfileTarget } from './snapshot-access.js';

const messages = {
  grantsMra:
    'User profile {profile} ({jabberUsers}) enables MRA with desktop policy {desktop} and mobile policy {mobile}.',
  deniesMra: 'User profile {profile}, assigned to {jabberUsers}, {shortfalls}.',
  profileNotInSnapshot: 'User profile {profile}, assigned to {jabberUsers}, is not in the CUCM configuration read.',
  withoutProfile: 'Jabber users without a user profile, so no MRA access policy applies to them: {count}.',
  unknownOwners: 'Owners of Jabber devices missing from the end users read, so their user profile is unknown: {count}.',
};

/** Seed step 8: "서비스 없음" (No Service) disables every Jabber service, MRA included. */
const NO_SERVICE = 'no service';

function shortfalls(profile: UserProfile): string[] {
  const reasons: string[] = [];
  if (!profile.enableMra) reasons.push('has Enable Mobile and Remote Access unchecked');
  for (const [label, policy] of [
    ['desktop', profile.mraPolicyDesktop],
    ['mobile', profile.mraPolicyMobile],
  ] as const) {
    if (!policy.trim()) reasons.push(`has no ${label} client policy`);
    else if (policy.trim().toLowerCase() === NO_SERVICE) reasons.push(`has ${label} client policy "${policy}"`);
  }
  return reasons;
}

/**
 * Seed: "Cisco Jabber 사용자에게 대한 모바일 및 원격 액세스 액세스 정책 구성" steps 7-8 and the user
 * configuration section — Jabber users need a user profile with MRA enabled and client policies
 * that grant service; non-Jabber endpoints need no MRA policy, so they are out of scope.
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-010',
    slug: 'user-profile-mra',
    area: 'cucm',
    severity: 'warning',
    title: 'User profiles of Jabber users enable MRA with client policies that grant service',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.users', 'cucm.userProfiles'],
    scope: 'user profiles of Jabber users (IM and Presence-enabled end users or owners of CSF/BOT/TCT/TAB devices)',
    fixGroup: userProfileGroupOf,
    messages,
  },
  async run(ctx) {
    const snapshot = await snapshotOf(ctx.services);
    const { groups, withoutProfile, unknownOwners } = jabberProfileGroups(snapshot);
    if (groups.length === 0 && withoutProfile.length === 0 && unknownOwners.length === 0) {
      return notInScope(
        'no Jabber users (IM and Presence-enabled end users or owners of CSF/BOT/TCT/TAB devices) in the CUCM configuration read',
      );
    }
    const profiles = new Map(snapshot.userProfiles.map((profile) => [profile.name, profile]));
    const findings: CheckFinding<keyof typeof messages>[] = groups.map(([name, users]) => {
      const profile = profiles.get(name);
      const target = userProfileTarget(name);
      const args = { profile: name, jabberUsers: countOf(users.length, 'Jabber user') };
      const jabber = sample(users.map((user) => user.userid));
      if (!profile)
        return {
          target,
          status: 'inconclusive',
          messageId: 'profileNotInSnapshot',
          args,
          evidence: { jabberUsers: jabber },
        };
      const reasons = shortfalls(profile);
      const evidence = {
        userProfile: {
          name,
          enableMra: profile.enableMra,
          mraPolicyDesktop: profile.mraPolicyDesktop,
          mraPolicyMobile: profile.mraPolicyMobile,
        },
        jabberUsers: jabber,
        ...(reasons.length > 0 ? { shortfalls: reasons } : {}),
      };
      return reasons.length > 0
        ? {
            target,
            status: 'fail',
            messageId: 'deniesMra',
            args: { ...args, shortfalls: reasons.join('; ') },
            evidence,
          }
        : {
            target,
            status: 'pass',
            messageId: 'grantsMra',
            args: { ...args, desktop: profile.mraPolicyDesktop, mobile: profile.mraPolicyMobile },
            evidence,
          };
    });
    if (withoutProfile.length > 0) {
      findings.push({
        target: userProfileTarget('(none)'),
        status: 'fail',
        messageId: 'withoutProfile',
        args: { count: withoutProfile.length },
        evidence: { jabberUsers: sample(withoutProfile.map((user) => user.userid)) },
      });
    }
    if (unknownOwners.length > 0) {
      findings.push({
        target: userProfileTarget('(unknown)'),
        status: 'inconclusive',
        messageId: 'unknownOwners',
        args: { count: unknownOwners.length },
        evidence: { owners: sample(unknownOwners) },
      });
    }
    return findings;
  },
});
