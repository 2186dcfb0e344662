import { isEncrypted } from '../../cucm/mra-scope.js';
import { defineRule, isNotInScope, type CheckFinding } from '../rule.js';
import { MRA_ENDPOINTS_SCOPE, mraProfileGroups, profileFindingBase, profileGroupOf } from './snapshot-access.js';

const messages = {
  encrypted: 'Phone security profile {profile} (used by {endpoints}) has device security mode Encrypted.',
  notEncrypted:
    'Phone security profile {profile}, used by {endpoints}, has device security mode {mode}: Expressway refuses MRA endpoints whose profile is not Encrypted.',
  profileNotInSnapshot: 'Phone security profile {profile}, used by {endpoints}, is not in the CUCM configuration read.',
};

/** Seed: phone security profile step 6 — device security mode must be Encrypted, or Expressway refuses. */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-002',
    slug: 'secprofile-encrypted',
    area: 'cucm',
    severity: 'error',
    title: 'Phone security profiles of MRA endpoints are Encrypted',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.securityProfiles'],
    scope: MRA_ENDPOINTS_SCOPE,
    fixGroup: profileGroupOf,
    messages,
  },
  async run(ctx) {
    const scope = await mraProfileGroups(ctx);
    if (isNotInScope(scope)) return scope;
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
