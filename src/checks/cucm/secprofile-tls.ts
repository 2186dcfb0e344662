import { isTlsTransport } from '../../cucm/mra-scope.js';
import { defineRule, isNotInScope, type CheckFinding } from '../rule.js';
import { MRA_ENDPOINTS_SCOPE, mraProfileGroups, profileFindingBase, profileGroupOf } from './snapshot-access.js';

const messages = {
  tls: 'Phone security profile {profile} (used by {endpoints}) has transport type TLS.',
  notTls: 'Phone security profile {profile}, used by {endpoints}, has transport type {transport}, not TLS.',
  profileNotInSnapshot: 'Phone security profile {profile}, used by {endpoints}, is not in the CUCM configuration read.',
};

/** Seed: phone security profile step 7 — transport type TLS (Expressway-C talks TLS to CUCM for MRA). */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-003',
    slug: 'secprofile-tls',
    area: 'cucm',
    severity: 'error',
    title: 'Phone security profiles of MRA endpoints use transport TLS',
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
      return isTlsTransport(group.profile)
        ? { ...base, status: 'pass', messageId: 'tls', args }
        : { ...base, status: 'fail', messageId: 'notTls', args: { ...args, transport: group.profile.transportType } };
    });
  },
});
