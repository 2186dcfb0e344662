import { fqdnProfileName } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { endpointScope, endpointsByProfile, profileEvidence, profileTarget, snapshotFor, SNAPSHOT_MESSAGES, countOf } from './snapshot-access.js';

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
    const access = await snapshotFor(ctx, ['phones']);
    if (!access.ok) return access.findings;
    const scope = endpointScope(access.snapshot, ctx.inventory);
    if (!scope.ok) return scope.findings;
    const profiles = new Map(access.snapshot.securityProfiles.map((profile) => [profile.name, profile]));
    return endpointsByProfile(scope.endpoints).map(([name, phones]): CheckFinding<keyof typeof messages> => {
      const verdict = fqdnProfileName(name, ctx.inventory.domains);
      const base = {
        target: profileTarget(name),
        evidence: { ...profileEvidence(profiles.get(name), phones), enterpriseDomains: ctx.inventory.domains },
      };
      const args = { profile: name, endpoints: countOf(phones.length, 'MRA endpoint') };
      return verdict.ok
        ? { ...base, status: 'pass', messageId: 'fqdn', args: { ...args, domain: verdict.domain } }
        : { ...base, status: 'fail', messageId: 'notFqdn', args: { ...args, reason: verdict.reason } };
    });
  },
});
