import type { Inventory } from '../inventory/types.js';
import type { CucmSnapshot, EndUser, Phone, SecurityProfile } from './snapshot.js';

/**
 * Who the MRA endpoints are and what the chapter asks of them, as pure functions of the snapshot
 * and the inventory. The CUCM rules share these so that "MRA endpoint" means one thing everywhere.
 */

/** Phones in the device pools the inventory names as MRA pools (cucm.mraDevicePools). */
export function mraEndpoints(snapshot: CucmSnapshot, inventory: Inventory): Phone[] {
  const pools = new Set(inventory.cucm.mraDevicePools);
  return snapshot.phones.filter((phone) => pools.has(phone.devicePool));
}

/**
 * `Cisco 78*` style patterns from policy.tftpEncryptionExcludedModels, matched as SPEC 8.1 asks:
 * case- and space-insensitive (`cisco8865` is `Cisco 8865`), `*` any run of characters, `?` one,
 * and a listed model covers its variants: a suffix that starts with a letter or a separator
 * (`Cisco 8865NR`, `Cisco 8845-3PCC`) is the same hardware, a further digit is another model
 * (`Cisco 8851` does not cover `Cisco 88510`).
 */
export function modelMatcher(patterns: readonly string[]): (model: string) => string | undefined {
  const squash = (text: string): string => text.replace(/\s+/g, '').toLowerCase();
  const compiled = patterns.map((pattern) => ({
    pattern,
    regex: new RegExp(
      '^' +
        squash(pattern)
          .split('')
          .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('') +
        '(?:[a-z][a-z0-9]*|[-_][a-z0-9]+)?$',
    ),
  }));
  return (model) => compiled.find(({ regex }) => regex.test(squash(model)))?.pattern;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Seed step 5 of the phone security profile procedure: for MRA the profile name is FQDN-format and
 * contains the enterprise domain, because Expressway-C presents that name (in its certificate SANs)
 * when it proxies the endpoint's TLS registration to CUCM. Returns the domain it ends in, or why not.
 */
export function fqdnProfileName(
  name: string,
  domains: readonly string[],
): { ok: true; domain: string } | { ok: false; reason: string } {
  const trimmed = name.trim().replace(/\.$/, '');
  const labels = trimmed.split('.');
  if (labels.length < 2) return { ok: false, reason: 'is not FQDN-format (no dots)' };
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined)
    return {
      ok: false,
      reason: `is not FQDN-format (label ${JSON.stringify(bad)} is not letters, digits and inner hyphens)`,
    };
  const lower = trimmed.toLowerCase();
  const domain = domains.find((candidate) => {
    const d = candidate.toLowerCase().replace(/\.$/, '');
    return lower === d || lower.endsWith(`.${d}`);
  });
  if (!domain) return { ok: false, reason: `does not end in an enterprise domain (${domains.join(', ')})` };
  return { ok: true, domain };
}

/** Seed step 6: Encrypted, or Expressway refuses the endpoint. AXL spells it `Encrypted`. */
export const isEncrypted = (profile: SecurityProfile): boolean =>
  profile.deviceSecurityMode.trim().toLowerCase() === 'encrypted';
/** Seed step 7: transport TLS. */
export const isTlsTransport = (profile: SecurityProfile): boolean =>
  profile.transportType.trim().toUpperCase() === 'TLS';

/** Why a profile is not MRA-compliant (MRA-CUCM-002, -003, -004); empty when it is. */
export function profileShortfalls(profile: SecurityProfile, domains: readonly string[]): string[] {
  const reasons: string[] = [];
  if (!isEncrypted(profile)) reasons.push(`device security mode is ${profile.deviceSecurityMode}, not Encrypted`);
  if (!isTlsTransport(profile)) reasons.push(`transport type is ${profile.transportType}, not TLS`);
  const fqdn = fqdnProfileName(profile.name, domains);
  if (!fqdn.ok) reasons.push(`name ${fqdn.reason}`);
  return reasons;
}

/** Jabber device name prefixes: CSF (desktop), BOT (Android), TCT (iPhone), TAB (tablet). */
const JABBER_PREFIXES = ['CSF', 'BOT', 'TCT', 'TAB'];
const JABBER_MODELS = [
  'cisco unified client services framework',
  'cisco dual mode for android',
  'cisco dual mode for iphone',
  'cisco jabber for tablet',
];

export function isJabberDevice(phone: Phone): boolean {
  const name = phone.name.toUpperCase();
  return (
    JABBER_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
    JABBER_MODELS.includes(phone.model.trim().toLowerCase())
  );
}

export interface JabberUsers {
  /** Known end users that are Jabber users (IM&P-enabled, or owners of a Jabber device). */
  users: EndUser[];
  /** Owners of Jabber devices that the snapshot has no end user for. */
  unknownOwners: string[];
}

/** Seed: MRA access policy is for Cisco Jabber users only; non-Jabber endpoints need none. */
export function jabberUsers(snapshot: CucmSnapshot): JabberUsers {
  const owners = new Set<string>();
  for (const phone of snapshot.phones) if (phone.owner && isJabberDevice(phone)) owners.add(phone.owner);
  const byId = new Map(snapshot.users.map((user) => [user.userid, user]));
  const users = snapshot.users.filter((user) => user.jabber || owners.has(user.userid));
  const unknownOwners = [...owners].filter((owner) => !byId.has(owner)).sort();
  return { users, unknownOwners };
}

/** Up to `limit` names for evidence; the count says how many there were. */
export function sample(names: readonly string[], limit = 20): { names: string[]; count: number; more?: number } {
  return names.length > limit
    ? { names: names.slice(0, limit), count: names.length, more: names.length - limit }
    : { names: [...names], count: names.length };
}
