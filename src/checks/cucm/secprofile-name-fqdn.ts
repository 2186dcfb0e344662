import { fqdnProfileName } from '../../cucm/mra-scope.js';
import { defineRule, isNotInScope, type CheckFinding } from '../rule.js';
import { MRA_ENDPOINTS_SCOPE, mraProfileGroups, profileFindingBase, profileGroupOf } from './snapshot-access.js';

const messages = {
  fqdn: 'Phone security profile {profile} (used by {endpoints}) is FQDN-format in the enterprise domain {domain}.',
  notFqdn: 'Phone security profile {profile}, used by {endpoints}, {reason}.',
};

/**
 * Seed: phone security profile step 5 — the name is FQDN-format with the enterprise domain. The
 * name alone decides, so this rule also works on a BAT export that has no profile settings.
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-004',
    slug: 'secprofile-name-fqdn',
    area: 'cucm',
    severity: 'error',
    title: 'Phone security profile names of MRA endpoints are FQDNs in an enterprise domain',
    vantage: 'internal',
    needs: ['cucm.phones'],
    scope: MRA_ENDPOINTS_SCOPE,
    fixGroup: profileGroupOf,
    messages,
  },
  async run(ctx) {
    const scope = await mraProfileGroups(ctx);
    if (isNotInScope(scope)) return scope;
    return scope.groups.map((group): CheckFinding<keyof typeof messages> => {
      const verdict = fqdnProfileName(group.name, ctx.inventory.domains);
      const { args, target, evidence } = profileFindingBase(group);
      const base = { target, evidence: { ...evidence, enterpriseDomains: ctx.inventory.domains } };
      return verdict.ok
        ? { ...base, status: 'pass', messageId: 'fqdn', args: { ...args, domain: verdict.domain } }
        : { ...base, status: 'fail', messageId: 'notFqdn', args: { ...args, reason: verdict.reason } };
    });
  },
});
