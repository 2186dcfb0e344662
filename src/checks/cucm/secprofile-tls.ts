import { isTlsTransport } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { endpointScope, endpointsByProfile, profileEvidence, profileTarget, snapshotFor, SNAPSHOT_MESSAGES, countOf } from './snapshot-access.js';

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
    const access = await snapshotFor(ctx, ['phones', 'securityProfiles']);
    if (!access.ok) return access.findings;
    const scope = endpointScope(access.snapshot, ctx.inventory);
    if (!scope.ok) return scope.findings;
    const profiles = new Map(access.snapshot.securityProfiles.map((profile) => [profile.name, profile]));
    return endpointsByProfile(scope.endpoints).map(([name, phones]): CheckFinding<keyof typeof messages> => {
      const profile = profiles.get(name);
      const base = { target: profileTarget(name), evidence: profileEvidence(profile, phones) };
      const args = { profile: name, endpoints: countOf(phones.length, 'MRA endpoint') };
      if (!profile) return { ...base, status: 'inconclusive', messageId: 'profileNotInSnapshot', args };
      return isTlsTransport(profile)
        ? { ...base, status: 'pass', messageId: 'tls', args }
        : { ...base, status: 'fail', messageId: 'notTls', args: { ...args, transport: profile.transportType } };
    });
  },
});
