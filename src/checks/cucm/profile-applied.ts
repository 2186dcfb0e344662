import { fqdnProfileName, profileShortfalls, sample } from '../../cucm/mra-scope.js';
import type { Phone } from '../../cucm/snapshot.js';
import { defineRule, isNotInScope, type CheckFinding } from '../rule.js';
import {
  countOf,
  endpointsByProfile,
  MRA_ENDPOINTS_SCOPE,
  mraEndpointScope,
  phoneTarget,
  profileFixGroup,
  profileTarget,
} from './snapshot-access.js';

const messages = {
  compliant:
    'MRA endpoints with an MRA-compliant phone security profile (Encrypted, TLS, FQDN name in an enterprise domain): {count}.',
  notCompliant:
    'MRA endpoint {phone} ({model}) has phone security profile {profile}, which is not MRA-compliant: {reasons}.',
  noProfile: 'MRA endpoint {phone} ({model}) has no phone security profile assigned.',
  profileNotInSnapshot:
    'Phone security profile {profile}, assigned to {endpoints}, is not in the CUCM configuration read, so they cannot be judged.',
};

type MessageId = keyof typeof messages;

/**
 * Seed note after the security profile procedure: the MRA profile must be applied to every MRA
 * endpoint. One finding per failing endpoint, one pass summarising the rest, so a cluster of
 * 10,000 compliant phones reads as one line.
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-006',
    slug: 'profile-applied',
    area: 'cucm',
    severity: 'error',
    title: 'Every MRA endpoint has an MRA-compliant phone security profile',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.securityProfiles'],
    scope: MRA_ENDPOINTS_SCOPE,
    // An endpoint is fixed by fixing (or replacing) the profile it uses, so it joins that profile's group.
    fixGroup: (finding) => {
      const profile = (finding.evidence?.phone as { securityProfile?: string } | undefined)?.securityProfile;
      // A blank profile is no profile (noProfile): the endpoint is its own thing to fix.
      return profile?.trim()
        ? profileFixGroup(profile)
        : { key: `phone:${finding.target}`, label: `${finding.target} (assign an MRA phone security profile)` };
    },
    messages,
  },
  async run(ctx) {
    const scope = await mraEndpointScope(ctx);
    if (isNotInScope(scope)) return scope;
    const domains = ctx.inventory.domains;
    const profiles = new Map(scope.snapshot.securityProfiles.map((profile) => [profile.name, profile]));
    const failures: CheckFinding<MessageId>[] = [];
    const unknown: CheckFinding<MessageId>[] = [];
    const compliant: Phone[] = [];
    const compliantProfiles = new Map<string, number>();
    for (const phone of scope.endpoints) {
      if (phone.securityProfile.trim() === '') {
        failures.push({
          target: phoneTarget(phone.name),
          status: 'fail',
          messageId: 'noProfile',
          args: { phone: phone.name, model: phone.model },
          evidence: { phone: phoneFacts(phone) },
        });
      }
    }
    for (const [name, phones] of endpointsByProfile(scope.endpoints)) {
      const profile = profiles.get(name);
      const nameVerdict = fqdnProfileName(name, domains);
      let reasons: string[];
      if (profile) {
        reasons = profileShortfalls(profile, domains);
      } else if (!nameVerdict.ok) {
        // The name alone already fails the FQDN requirement; the missing settings cannot save it.
        reasons = [`name ${nameVerdict.reason}`];
      } else {
        unknown.push({
          target: profileTarget(name),
          status: 'inconclusive',
          messageId: 'profileNotInSnapshot',
          args: { profile: name, endpoints: countOf(phones.length, 'MRA endpoint') },
          evidence: { mraEndpoints: sample(phones.map((phone) => phone.name)) },
        });
        continue;
      }
      if (reasons.length === 0) {
        compliant.push(...phones);
        compliantProfiles.set(name, phones.length);
        continue;
      }
      for (const phone of phones) {
        failures.push({
          target: phoneTarget(phone.name),
          status: 'fail',
          messageId: 'notCompliant',
          args: { phone: phone.name, model: phone.model, profile: name, reasons: reasons.join('; ') },
          evidence: {
            phone: phoneFacts(phone),
            profile: profile
              ? { name, deviceSecurityMode: profile.deviceSecurityMode, transportType: profile.transportType }
              : { name, inSnapshot: false },
            shortfalls: reasons,
          },
        });
      }
    }
    const summary: CheckFinding<MessageId>[] =
      compliant.length > 0
        ? [
            {
              target: 'MRA endpoints',
              status: 'pass',
              messageId: 'compliant',
              args: { count: compliant.length },
              evidence: {
                compliantEndpoints: sample(compliant.map((phone) => phone.name)),
                byProfile: Object.fromEntries(compliantProfiles),
                failingEndpoints: failures.length,
              },
            },
          ]
        : [];
    return [...failures, ...unknown, ...summary];
  },
});

function phoneFacts(phone: Phone): Record<string, string> {
  return { name: phone.name, model: phone.model, devicePool: phone.devicePool, securityProfile: phone.securityProfile };
}
