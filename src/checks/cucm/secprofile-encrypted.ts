import { isEncrypted } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraProfileGroups, profileFindingBase, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  encrypted: 'Phone security profile {profile} (used by {endpoints}) has device security mode Encrypted.',
  notEncrypted:
    'Phone security profile {profile}, used by {endpoints}, has device security mode {mode}: Expressway refuses MRA endpoints whose profile is not Encrypted.',
  profileNotInSnapshot: 'Phone security profile {profile}, used by {endpoints}, is not in the CUCM configuration read.',
};

/** Seed: phone security profile step 6 — device security mode must be Encrypted, or Expressway refuses. */
export default defineCheck({
  id: 'MRA-CUCM-002',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const scope = await mraProfileGroups(ctx, ['phones', 'securityProfiles']);
    if (!scope.ok) return scope.findings;
    return scope.groups.map((group): CheckFinding<keyof typeof messages> => {
      const { args, ...base } = profileFindingBase(group);
      if (!group.profile) return { ...base, status: 'inconclusive', messageId: 'profileNotInSnapshot', args };
      return isEncrypted(group.profile)
        ? { ...base, status: 'pass', messageId: 'encrypted', args }
        : {
            ...base,
            status: 'fail',
            messageId: 'notEncrypted',
            args: { ...args, mode: group.profile.deviceSecurityMode },
          };
    });
  },
});
