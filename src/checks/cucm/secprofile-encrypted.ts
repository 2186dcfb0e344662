import { isEncrypted } from '../../cucm/mra-scope.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { endpointScope, endpointsByProfile, profileEvidence, profileTarget, snapshotFor, SNAPSHOT_MESSAGES, countOf } from './snapshot-access.js';

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
      return isEncrypted(profile)
        ? { ...base, status: 'pass', messageId: 'encrypted', args }
        : { ...base, status: 'fail', messageId: 'notEncrypted', args: { ...args, mode: profile.deviceSecurityMode } };
    });
  },
});
