import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { AddressError, parseAddress } from './address.js';
import { childPath, InputError, type Problem } from './problems.js';
import { canonicalizeNames } from './names.js';
import { readInputText } from './read-input.js';
import { didYouMean } from './suggest.js';
import {
  DEFAULT_POLICY,
  DEFAULT_TURN_PORT,
  DEFAULT_TURN_TRANSPORTS,
  type EdgeTurnServer,
  type Inventory,
  type InventoryNode,
} from './types.js';
import { schemaProblems } from './validate.js';

export const DEFAULT_INVENTORY_PATH = './mra-preflight.yaml';

/** Reads YAML or JSON (JSON is YAML) and reports syntax errors with their line. */
export function parseStructuredFile(file: string): unknown {
  return parseStructuredText(readInputText(file, 10_000_000), file);
}

export function parseStructuredText(text: string, file: string): unknown {
  // logLevel 'error': yaml would print a Node warning for a key that is itself a map or list
  // ("Keys with collection values will be stringified"); the schema already reports that key as
  // unknown, and exit 2 output is one message per problem, nothing else.
  const document = parseDocument(text.replace(/^\uFEFF/, ''), {
    prettyErrors: true,
    uniqueKeys: true,
    logLevel: 'error',
  });
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.slice(0, 5).map((error) => {
        const line = error.linePos?.[0];
        return {
          file,
          path: '$',
          message: `syntax error${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${error.message.split('\n')[0]}`,
        };
      }),
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError([{ file, path: '$', message: `cannot be read: ${(error as Error).message.split('\n')[0]}` }]);
  }
}

interface RawInventory {
  domains: string[];
  dns?: { internal?: string[]; external?: string[]; timeoutMs?: number };
  ntp?: { servers?: string[] };
  nodes?: InventoryNode[];
  certificates?: Inventory['certificates'];
  trust?: Inventory['trust'];
  cucm?: Partial<Inventory['cucm']>;
  clusters?: number;
  policy?: Partial<Inventory['policy']>;
  rules?: Inventory['rules'];
  edge?: {
    clientTrust?: string[];
    turn?: Array<Partial<EdgeTurnServer> & { server: string }>;
    discovery?: { usernameEnv: string; passwordEnv: string };
  };
}

const strings = (value: unknown): Array<[number, string]> =>
  Array.isArray(value)
    ? value.flatMap((item, i): Array<[number, string]> => (typeof item === 'string' ? [[i, item]] : []))
    : [];
const objects = (value: unknown): Array<[number, Record<string, unknown>]> =>
  Array.isArray(value)
    ? value.flatMap((item, i): Array<[number, Record<string, unknown>]> =>
        item !== null && typeof item === 'object' && !Array.isArray(item) ? [[i, item as Record<string, unknown>]] : [],
      )
    : [];
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const fqdnKey = (fqdn: string): string => fqdn.toLowerCase().replace(/\.$/, '');

/**
 * Checks the schema cannot express: ports in range, IPs, references to nodes, rule names. It runs
 * even when the schema found problems (reading only well-typed parts), so one run lists them all.
 */
function semanticProblems(data: unknown, file: string, knownRules: ReadonlySet<string>): Problem[] {
  const raw = record(data);
  const problems: Problem[] = [];
  const address = (value: string, path: string, defaultPort: number): void => {
    try {
      parseAddress(value, defaultPort);
    } catch (error) {
      if (error instanceof AddressError) problems.push({ file, path, message: error.message });
      else throw error;
    }
  };
  const dns = record(raw.dns);
  for (const [i, value] of strings(dns.internal)) address(value, `$.dns.internal[${i}]`, 53);
  for (const [i, value] of strings(dns.external)) address(value, `$.dns.external[${i}]`, 53);
  for (const [i, value] of strings(record(raw.ntp).servers)) address(value, `$.ntp.servers[${i}]`, 123);
  const fqdns = new Set<string>();
  for (const [i, node] of objects(raw.nodes)) {
    const path = `$.nodes[${i}]`;
    if (typeof node.fqdn === 'string') {
      if (fqdns.has(fqdnKey(node.fqdn)))
        problems.push({ file, path: `${path}.fqdn`, message: `duplicate node "${node.fqdn}"` });
      fqdns.add(fqdnKey(node.fqdn));
    }
    if (typeof node.ip === 'string' && isIP(node.ip) === 0) {
      problems.push({ file, path: `${path}.ip`, message: `"${node.ip}" is not an IPv4 or IPv6 address` });
    }
    for (const [service, value] of Object.entries(record(node.tls))) {
      if (typeof value === 'string') address(value, `${path}.tls.${service}`, 443);
    }
  }
  for (const key of ['certificates', 'trust'] as const) {
    for (const [i, entry] of objects(raw[key])) {
      if (typeof entry.node === 'string' && !fqdns.has(fqdnKey(entry.node))) {
        problems.push({ file, path: `$.${key}[${i}].node`, message: `"${entry.node}" is not a node of the inventory` });
      }
    }
  }
  for (const [i, turn] of objects(record(raw.edge).turn)) {
    const path = `$.edge.turn[${i}]`;
    if (typeof turn.server === 'string') address(turn.server, `${path}.server`, DEFAULT_TURN_PORT);
    if ((turn.usernameEnv === undefined) !== (turn.passwordEnv === undefined)) {
      problems.push({
        file,
        path: `${path}.${turn.usernameEnv === undefined ? 'usernameEnv' : 'passwordEnv'}`,
        message: 'usernameEnv and passwordEnv go together (both for an Allocate test, neither for Binding only)',
      });
    }
  }
  for (const key of Object.keys(record(raw.rules))) {
    if (!knownRules.has(key.toUpperCase()) && !knownRules.has(key.toLowerCase())) {
      problems.push({
        file,
        path: childPath('$.rules', key),
        message: `unknown rule "${key}"${didYouMean(key, knownRules)} (see \`mra-preflight rules\`)`,
      });
    }
  }
  return problems;
}

/**
 * Validates (schema, then meaning) and normalises an inventory: defaults filled in, relative
 * paths resolved against the inventory's folder. Throws InputError listing every problem.
 */
export function normalizeInventory(given: unknown, file: string, knownRules: ReadonlySet<string>): Inventory {
  // Product names first (SPEC 8.1): a value in any case becomes CUCM's spelling; an unknown one
  // gets "did you mean" here instead of the schema's list of allowed values.
  const { data, problems: nameProblems } = canonicalizeNames(given, file);
  const named = new Set(nameProblems.map((problem) => problem.path));
  const problems = [
    ...schemaProblems('inventory.schema.json', data, file).filter(
      (problem) => ![...named].some((path) => problem.path === path || problem.path.startsWith(`${path}`)),
    ),
    ...nameProblems,
  ];
  const flagged = new Set(problems.map((problem) => problem.path));
  problems.push(...semanticProblems(data, file, knownRules).filter((problem) => !flagged.has(problem.path)));
  if (problems.length > 0) throw new InputError(problems);
  const raw = data as RawInventory;

  const base = file === '<embedded>' ? process.cwd() : dirname(resolve(file));
  const abs = (path: string): string => resolve(base, path);
  const withCa = <T extends { caFile?: string }>(client: T): T =>
    client.caFile ? { ...client, caFile: abs(client.caFile) } : client;
  return {
    source: file === '<embedded>' ? file : resolve(file),
    domains: raw.domains.map((domain) => domain.toLowerCase().replace(/\.$/, '')),
    dns: {
      internal: raw.dns?.internal ?? [],
      external: raw.dns?.external ?? [],
      ...(raw.dns?.timeoutMs ? { timeoutMs: raw.dns.timeoutMs } : {}),
    },
    ntp: { servers: raw.ntp?.servers ?? [] },
    nodes: (raw.nodes ?? []).map((node) => ({
      ...node,
      fqdn: node.fqdn.toLowerCase().replace(/\.$/, ''),
      ...(node.status ? { status: withCa(node.status) } : {}),
    })),
    certificates: (raw.certificates ?? []).map((entry) => ({
      ...entry,
      node: entry.node.toLowerCase(),
      file: abs(entry.file),
    })),
    trust: (raw.trust ?? []).map((entry) => ({ ...entry, node: entry.node.toLowerCase(), path: abs(entry.path) })),
    cucm: {
      ...(raw.cucm?.axl ? { axl: withCa(raw.cucm.axl) } : {}),
      ...(raw.cucm?.snapshot ? { snapshot: abs(raw.cucm.snapshot) } : {}),
      ...(raw.cucm?.batPhones ? { batPhones: abs(raw.cucm.batPhones) } : {}),
      mraDevicePools: raw.cucm?.mraDevicePools ?? [],
    },
    clusters: raw.clusters ?? 1,
    policy: { ...DEFAULT_POLICY, ...raw.policy },
    rules: raw.rules ?? {},
    ...(raw.edge
      ? {
          edge: {
            ...(raw.edge.clientTrust ? { clientTrust: raw.edge.clientTrust.map(abs) } : {}),
            turn: (raw.edge.turn ?? []).map((turn) => ({
              ...turn,
              transports: turn.transports ?? [...DEFAULT_TURN_TRANSPORTS],
            })),
            ...(raw.edge.discovery ? { discovery: raw.edge.discovery } : {}),
          },
        }
      : {}),
  };
}

export function loadInventory(file: string, knownRules: ReadonlySet<string>): Inventory {
  return normalizeInventory(parseStructuredFile(file), file, knownRules);
}
