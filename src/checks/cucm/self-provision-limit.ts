import { sample } from '../../cucm/mra-scope.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import { snapshotOf } from '../services.js';
import { countOf, jabberProfileGroups, userProfileGroupOf, userProfileTarget } from './snapshot-access.js';

const messages = {
  withinLimit: 'User profile {profile} allows self-provisioning of up to {limit} phones (1..{max}).',
  outOfRange:
    'User profile {profile} allows self-provisioning with a limit of {limit} phones; the limit must be 1..{max}.',
  limitUnknown:
    'User profile {profile} allows self-provisioning, but the CUCM configuration read has no provisioning limit for it.',
  notAllowed: 'User profile {profile} does not allow self-provisioning, so no limit applies.',
  profileNotInSnapshot: 'User profile {profile}, assigned to {jabberUsers}, is not in the CUCM configuration read.',
};

/** Seed: user profile step 6b — the provisioning limit's maximum is 20 (policy.maxSelfProvisionLimit). */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-011',
    slug: 'self-provision-limit',
    area: 'cucm',
    severity: 'warning',
    title: 'Where self-provisioning is allowed, the provisioning limit is 1 to maxSelfProvisionLimit',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.users', 'cucm.userProfiles'],
    scope: 'user profiles of Jabber users (IM and Presence-enabled end users or owners of CSF/BOT/TCT/TAB devices)',
    fixGroup: userProfileGroupOf,
    messages,
  },
  async run(ctx) {
    const snapshot = await snapshotOf(ctx.services);
    const { groups } = jabberProfileGroups(snapshot);
    if (groups.length === 0)
      return notInScope('no Jabber user is assigned a user profile in the CUCM configuration read');
    const max = ctx.policy.maxSelfProvisionLimit;
    const profiles = new Map(snapshot.userProfiles.map((profile) => [profile.name, profile]));
    return groups.map(([name, users]): CheckFinding<keyof typeof messages> => {
      const profile = profiles.get(name);
      const target = userProfileTarget(name);
      const jabberUsers = sample(users.map((user) => user.userid));
      if (!profile)
        return {
          target,
          status: 'inconclusive',
          messageId: 'profileNotInSnapshot',
          args: { profile: name, jabberUsers: countOf(users.length, 'Jabber user') },
          evidence: { jabberUsers },
        };
      const evidence = {
        userProfile: { name, allowProvision: profile.allowProvision, limitProvision: profile.limitProvision ?? null },
        maxSelfProvisionLimit: max,
        jabberUsers,
      };
      if (!profile.allowProvision)
        return { target, status: 'skipped', messageId: 'notAllowed', args: { profile: name }, evidence };
      const limit = profile.limitProvision;
      if (limit === undefined)
        return { target, status: 'inconclusive', messageId: 'limitUnknown', args: { profile: name }, evidence };
      return limit >= 1 && limit <= max
        ? { target, status: 'pass', messageId: 'withinLimit', args: { profile: name, limit, max }, evidence }
        : { target, status: 'fail', messageId: 'outOfRange', args: { profile: name, limit, max }, evidence };
    });
  },
});
