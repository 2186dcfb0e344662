import { endpointEvidence, examineEndpoints, roleIs } from '../../cert/examine.js';
import { matchesDnsId } from '../../cert/hostname.js';
import { isEncrypted, mraEndpoints } from '../../cucm/mra-scope.js';
import { defineRule, notInScope } from '../rule.js';
import { snapshotOf } from '../services.js';
import { CHAIN_READ, certificateFixGroup, perEndpoint } from './endpoints.js';

/** How many MRA phones to name per profile in evidence (a 10,000-phone cluster stays readable). */
const SAMPLE = 10;

/**
 * MRA-CERT-005: Expressway-C's certificate carries, as SANs, the name of every Encrypted phone
 * security profile MRA endpoints use, because CUCM matches that name during the TLS handshake with
 * the Expressway-C that proxies the phone's SIP registration. Names are compared exactly: a
 * wildcard SAN satisfies none (SPEC 8.6: Expressway does not support wildcard server certificates).
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-005',
    slug: 'expc-san-security-profiles',
    area: 'cert',
    severity: 'error',
    title: 'Expressway-C SANs list every Encrypted phone security profile of MRA endpoints',
    vantage: 'internal',
    needs: ['certificates', 'cucm.phones', 'cucm.securityProfiles'],
    requires: [CHAIN_READ],
    scope: 'Expressway-C certificate in the inventory',
    messages: {
      allListed:
        'The certificate of {target} lists every Encrypted phone security profile used by MRA endpoints in its SANs ({profiles}).',
      missingProfiles:
        'The certificate of {target} does not list {missing} in its SANs; Expressway-C presents these profile names to CUCM when it proxies TLS registrations of MRA phones.',
      wildcardOnly:
        'The certificate of {target} does not list {missing} in its SANs; the wildcard {wildcards} does not count: Expressway does not support wildcard certificates, so each profile name must be a SAN of its own.',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-c'));
    if (examined.length === 0) return notInScope('no Expressway-C certificate in the inventory');
    const pools = ctx.inventory.cucm.mraDevicePools;
    if (pools.length === 0) return notInScope('no MRA device pools in the inventory (cucm.mraDevicePools)');
    const snapshot = await snapshotOf(ctx.services);
    const phonesByProfile = new Map<string, string[]>();
    for (const phone of mraEndpoints(snapshot, ctx.inventory)) {
      const list = phonesByProfile.get(phone.securityProfile) ?? [];
      list.push(phone.name);
      phonesByProfile.set(phone.securityProfile, list);
    }
    const encrypted = snapshot.securityProfiles.filter(
      (profile) => phonesByProfile.has(profile.name) && isEncrypted(profile),
    );
    if (encrypted.length === 0) {
      return notInScope(
        `no Encrypted phone security profile is used by phones in the MRA device pools (${pools.join(', ')})`,
      );
    }
    const required = encrypted.map((profile) => {
      const phones = phonesByProfile.get(profile.name) ?? [];
      return { profile: profile.name, mraPhones: phones.length, examplePhones: phones.slice(0, SAMPLE) };
    });
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const sans = new Set(item.leaf.dnsNames.map((name) => name.toLowerCase()));
      const missing = required.filter((entry) => !sans.has(entry.profile.toLowerCase())).map((entry) => entry.profile);
      const wildcards = item.leaf.dnsNames.filter(
        (san) => san.includes('*') && missing.some((name) => matchesDnsId(name, san)),
      );
      const evidence = {
        ...endpointEvidence(item.endpoint, item.leaf),
        subject: item.leaf.subject,
        sans: item.leaf.dnsNames,
        requiredProfiles: required,
        missingProfiles: missing,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (missing.length > 0 && wildcards.length > 0) {
        const args = { target, missing: missing.join(', '), wildcards: wildcards.join(', ') };
        return { ...base, status: 'fail', messageId: 'wildcardOnly', args };
      }
      if (missing.length > 0)
        return { ...base, status: 'fail', messageId: 'missingProfiles', args: { target, missing: missing.join(', ') } };
      const profiles = required.map((entry) => entry.profile).join(', ');
      return { ...base, status: 'pass', messageId: 'allListed', args: { target, profiles } };
    });
  },
});
