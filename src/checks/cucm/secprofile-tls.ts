import { isTlsTransport } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraProfileGroups, profileFindingBase, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  tls: 'Phone security profile {profile} (used by {endpoints}) has transport type TLS.',
  notTls: 'Phone security profile {profile}, used by {endpoints}, has transport type {transport}, not TLS.',
  profileNotInSnapshot: 'Phone security profile {profile}, used by {endpoints}, is not in the CUCM configuration read.',
};

/** Seed: phone security profile step 7 — transport type TLS (Expressway-C talks TLS to CUCM for MRA). */
export default defineCheck({
  id: 'MRA-CUCM-003',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const scope = await mraProfileGroups(ctx, ['phones', 'securityProfiles']);
    if (!scope.ok) return scope.findings;
    return scope.groups.map((group): CheckFinding<keyof typeof messages> => {
      const { args, ...base } = profileFindingBase(group);
      if (!group.profile) return { ...base, status: 'inconclusive', messageId: 'profileNotInSnapshot', args };
      return isTlsTransport(group.profile)
        ? { ...base, status: 'pass', messageId: 'tls', args }
        : { ...base, status: 'fail', messageId: 'notTls', args: { ...args, transport: group.profile.transportType } };
    });
  },
});
