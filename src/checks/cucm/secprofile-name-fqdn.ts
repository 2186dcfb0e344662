import { fqdnProfileName } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraProfileGroups, profileFindingBase, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  fqdn: 'Phone security profile {profile} (used by {endpoints}) is FQDN-format in the enterprise domain {domain}.',
  notFqdn: 'Phone security profile {profile}, used by {endpoints}, {reason}.',
};

/**
 * Seed: phone security profile step 5 — the name is FQDN-format with the enterprise domain. The
 * name alone decides, so this rule also works on a BAT export that has no profile settings.
 */
export default defineCheck({
  id: 'MRA-CUCM-004',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const scope = await mraProfileGroups(ctx, ['phones']);
    if (!scope.ok) return scope.findings;
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
