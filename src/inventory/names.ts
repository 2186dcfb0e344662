import type { Problem } from './problems.js';
import { childPath } from './problems.js';
import { didYouMean } from './suggest.js';

/**
 * SPEC 8.1: inventory values that mirror product names are matched case-insensitively and shown
 * in the product's own spelling. Engineers copy names from the admin pages (`CallManager-trust`
 * from Cisco Unified OS Administration > Security > Certificate Management), so the inventory
 * takes any case and the reports speak as CUCM does.
 */

/**
 * Trust stores as CUCM and IM and Presence list them in Certificate Management, and Expressway's
 * trusted CA list. Rules read tomcat-trust, CallManager-trust, cup-xmpp-trust and trusted-ca; the
 * others are accepted so an inventory can describe a node completely.
 */
export const TRUST_STORES = [
  'tomcat-trust',
  'CallManager-trust',
  'CAPF-trust',
  'ipsec-trust',
  'TVS-trust',
  'Phone-trust',
  'Phone-SAST-trust',
  'Phone-VPN-trust',
  'Phone-CTL-trust',
  'ITLRecovery-trust',
  'cup-trust',
  'cup-xmpp-trust',
  'cup-xmpp-s2s-trust',
  'trusted-ca',
] as const;

export const ROLES = [
  'cucm-publisher',
  'cucm-subscriber',
  'imp-publisher',
  'imp-subscriber',
  'expressway-c',
  'expressway-e',
] as const;

/** TLS service keys, with the names CUCM and IM&P give the certificates (CallManager, cup-xmpp). */
export const TLS_SERVICE_ALIASES: Readonly<Record<string, string>> = {
  tomcat: 'tomcat',
  callmanager: 'callmanager',
  'cisco callmanager': 'callmanager',
  xmpp: 'xmpp',
  'cup-xmpp': 'xmpp',
  server: 'server',
};

export const TURN_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

/** The canonical spelling of a value, case-insensitively, or undefined when it names nothing known. */
export function canonicalName(value: string, names: readonly string[]): string | undefined {
  const key = value.trim().toLowerCase();
  return names.find((name) => name.toLowerCase() === key);
}

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => value !== null && typeof value === 'object' && !Array.isArray(value);
const items = (value: unknown): Raw[] => (Array.isArray(value) ? value.filter(isRecord) : []);

interface Field {
  /** The values the field accepts (canonical spelling), or an alias table. */
  names: readonly string[] | Readonly<Record<string, string>>;
  what: string;
}

function resolveName(value: string, field: Field): string | undefined {
  if (Array.isArray(field.names)) return canonicalName(value, field.names as readonly string[]);
  return (field.names as Record<string, string>)[value.trim().toLowerCase()];
}

/** "did you mean" when a name is close, else the list of what is accepted. */
function unknownName(value: string, field: Field): string {
  const hint = didYouMean(value, candidates(field));
  return `unknown ${field.what} "${value}"${hint || ` (one of ${candidates(field).join(', ')})`}`;
}

const candidates = (field: Field): readonly string[] =>
  Array.isArray(field.names) ? (field.names as readonly string[]) : Object.keys(field.names);

/**
 * A copy of the raw inventory with product names in their canonical spelling, and one problem
 * (with "did you mean") per value that names nothing known. Runs before schema validation, whose
 * enum errors for those paths it replaces.
 */
export function canonicalizeNames(data: unknown, file: string): { data: unknown; problems: Problem[] } {
  if (!isRecord(data)) return { data, problems: [] };
  const copy = structuredClone(data) as Raw;
  const problems: Problem[] = [];
  const fix = (holder: Raw, key: string, path: string, field: Field): void => {
    const value = holder[key];
    if (typeof value !== 'string') return;
    const name = resolveName(value, field);
    if (name !== undefined) holder[key] = name;
    else problems.push({ file, path, message: unknownName(value, field) });
  };
  const roles: Field = { names: ROLES, what: 'role' };
  const services: Field = { names: TLS_SERVICE_ALIASES, what: 'TLS service' };
  items(copy.nodes).forEach((node, i) => {
    fix(node, 'role', `$.nodes[${i}].role`, roles);
    if (!isRecord(node.tls)) return;
    const tls: Raw = {};
    for (const [key, location] of Object.entries(node.tls)) {
      const name = resolveName(key, services);
      if (name === undefined) {
        const message = `unknown key: "${key}" is not a TLS service${didYouMean(key, candidates(services))} (tomcat, callmanager, xmpp, server)`;
        problems.push({ file, path: childPath(`$.nodes[${i}].tls`, key), message });
        tls[key] = location;
      } else tls[name] = location;
    }
    node.tls = tls;
  });
  items(copy.certificates).forEach((entry, i) => fix(entry, 'service', `$.certificates[${i}].service`, services));
  const stores: Field = { names: TRUST_STORES, what: 'trust store' };
  items(copy.trust).forEach((entry, i) => fix(entry, 'store', `$.trust[${i}].store`, stores));
  if (isRecord(copy.edge)) {
    items(copy.edge.turn).forEach((turn, i) => {
      if (!Array.isArray(turn.transports)) return;
      turn.transports.forEach((_, j) => {
        fix(turn.transports as unknown as Raw, String(j), `$.edge.turn[${i}].transports[${j}]`, {
          names: TURN_TRANSPORTS,
          what: 'TURN transport',
        });
      });
    });
  }
  return { data: copy, problems };
}
