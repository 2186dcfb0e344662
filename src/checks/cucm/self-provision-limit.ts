import { sample } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { countOf, jabberProfileGroups, snapshotFor, SNAPSHOT_MESSAGES, userProfileTarget } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  withinLimit: 'User profile {profile} allows self-provisioning of up to {limit} phones (1..{max}).',
  outOfRange:
    'User profile {profile} allows self-provisioning with a limit of {limit} phones; the limit must be 1..{max}.',
  limitUnknown:
    'User profile {profile} allows self-provisioning, but the CUCM configuration read has no provisioning limit for it.',
  notAllowed: 'Skipped: user profile {profile} does not allow self-provisioning.',
  profileNotInSnapshot: 'User profile {profile}, assigned to {jabberUsers}, is not in the CUCM configuration read.',
  noJabberProfiles: 'Skipped: no Jabber user is assigned a user profile in the CUCM configuration read.',
};

/** Seed: user profile step 6b — the provisioning limit's maximum is 20 (policy.maxSelfProvisionLimit). */
export default defineCheck({
  id: 'MRA-CUCM-011',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const access = await snapshotFor(ctx, ['phones', 'users', 'userProfiles']);
    if (!access.ok) return access.findings;
    const { groups } = jabberProfileGroups(access.snapshot);
    if (groups.length === 0) return [{ target: 'deployment', status: 'skipped', messageId: 'noJabberProfiles' }];
    const max = ctx.policy.maxSelfProvisionLimit;
    const profiles = new Map(access.snapshot.userProfiles.map((profile) => [profile.name, profile]));
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
