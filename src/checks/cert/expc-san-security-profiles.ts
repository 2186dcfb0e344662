import {
  ENDPOINT_MESSAGES,
  endpointEvidence,
  examineEndpoints,
  chainPrerequisite,
  nothingInScope,
  roleIs,
} from '../../cert/examine.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';

const messages = {
  ...ENDPOINT_MESSAGES,
  allListed:
    'The certificate of {target} lists every Encrypted phone security profile used by MRA endpoints in its SANs ({profiles}).',
  missingProfiles:
    'The certificate of {target} does not list {missing} in its SANs; Expressway-C presents these profile names to CUCM when it proxies TLS registrations of MRA phones.',
  snapshotFailed:
    'Could not tell which security profiles MRA endpoints use, so the SANs of {target} were not judged: {reason}.',
} as const;

type MessageId = keyof typeof messages;

/** How many MRA phones to name per profile in evidence (a 10,000-phone cluster stays readable). */
const SAMPLE = 10;

/**
 * MRA-CERT-005: Expressway-C's certificate carries, as SANs, the name of every Encrypted phone
 * security profile MRA endpoints use, because CUCM matches that name during the TLS handshake with
 * the Expressway-C that proxies the phone's SIP registration.
 */
export default defineCheck({
  id: 'MRA-CERT-005',
  needs: ['cucm', 'certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-c'));
    if (examined.length === 0) return [nothingInScope('no Expressway-C certificate in the inventory')];
    const pools = new Set(ctx.inventory.cucm.mraDevicePools.map((pool) => pool.toLowerCase()));
    if (pools.size === 0) return [nothingInScope('no MRA device pools in the inventory (cucm.mraDevicePools)')];
    const loaded = await ctx.services.cucm.snapshot();
    if (!loaded.ok) {
      return examined.map((item): CheckFinding<MessageId> => ({
        target: item.endpoint.target,
        status: 'inconclusive',
        messageId: 'snapshotFailed',
        args: { target: item.endpoint.target, reason: loaded.reason },
        evidence: endpointEvidence(item.endpoint),
      }));
    }
    const { snapshot } = loaded;
    const phonesByProfile = new Map<string, string[]>();
    for (const phone of snapshot.phones) {
      if (!pools.has(phone.devicePool.toLowerCase())) continue;
      const list = phonesByProfile.get(phone.securityProfile) ?? [];
      list.push(phone.name);
      phonesByProfile.set(phone.securityProfile, list);
    }
    const encrypted = snapshot.securityProfiles.filter(
      (profile) => phonesByProfile.has(profile.name) && profile.deviceSecurityMode.toLowerCase() === 'encrypted',
    );
    if (encrypted.length === 0) {
      return [
        nothingInScope(
          `no Encrypted phone security profile is used by phones in the MRA device pools (${[...pools].join(', ')})`,
        ),
      ];
    }
    const required = encrypted.map((profile) => {
      const phones = phonesByProfile.get(profile.name) ?? [];
      return { profile: profile.name, mraPhones: phones.length, examplePhones: phones.slice(0, SAMPLE) };
    });
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.leaf) return chainPrerequisite(item);
      const target = item.endpoint.target;
      const sans = new Set(item.leaf.dnsNames.map((name) => name.toLowerCase()));
      const missing = required.filter((entry) => !sans.has(entry.profile.toLowerCase()));
      const evidence = {
        ...endpointEvidence(item.endpoint),
        subject: item.leaf.subject,
        sha256: item.leaf.sha256,
        sans: item.leaf.dnsNames,
        requiredProfiles: required,
        missingProfiles: missing.map((entry) => entry.profile),
        snapshot: loaded.origin,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (missing.length > 0) {
        return {
          ...base,
          status: 'fail',
          messageId: 'missingProfiles',
          args: { target, missing: missing.map((entry) => entry.profile).join(', ') },
        };
      }
      return {
        ...base,
        status: 'pass',
        messageId: 'allListed',
        args: { target, profiles: required.map((entry) => entry.profile).join(', ') },
      };
    });
  },
});
