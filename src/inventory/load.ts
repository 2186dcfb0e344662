import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { AddressError, parseAddress } from './address.js';
import { childPath, InputError, type Problem } from './problems.js';
import { DEFAULT_POLICY, type Inventory, type InventoryNode } from './types.js';
import { schemaProblems } from './validate.js';

export const DEFAULT_INVENTORY_PATH = './mra-preflight.yaml';

/** Reads YAML or JSON (JSON is YAML) and reports syntax errors with their line. */
export function parseStructuredFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new InputError([{ file, path: '$', message: reason }]);
  }
  return parseStructuredText(text, file);
}

export function parseStructuredText(text: string, file: string): unknown {
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.slice(0, 5).map((error) => {
        const line = error.linePos?.[0];
        return { file, path: '$', message: `syntax error${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${error.message.split('\n')[0]}` };
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
}

/** Checks the schema cannot express: ports in range, IPs, references to nodes, rule names. */
function semanticProblems(raw: RawInventory, file: string, knownRules: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const address = (value: string, path: string, defaultPort: number): void => {
    try {
      parseAddress(value, defaultPort);
    } catch (error) {
      if (error instanceof AddressError) problems.push({ file, path, message: error.message });
      else throw error;
    }
  };
  raw.dns?.internal?.forEach((value, i) => address(value, `$.dns.internal[${i}]`, 53));
  raw.dns?.external?.forEach((value, i) => address(value, `$.dns.external[${i}]`, 53));
  raw.ntp?.servers?.forEach((value, i) => address(value, `$.ntp.servers[${i}]`, 123));
  const fqdns = new Set<string>();
  raw.nodes?.forEach((node, i) => {
    const path = `$.nodes[${i}]`;
    const fqdn = node.fqdn.toLowerCase().replace(/\.$/, '');
    if (fqdns.has(fqdn)) problems.push({ file, path: `${path}.fqdn`, message: `duplicate node "${node.fqdn}"` });
    fqdns.add(fqdn);
    if (node.ip !== undefined && isIP(node.ip) === 0) problems.push({ file, path: `${path}.ip`, message: `"${node.ip}" is not an IPv4 or IPv6 address` });
    for (const [service, value] of Object.entries(node.tls ?? {})) {
      if (value !== undefined) address(value, `${path}.tls.${service}`, 443);
    }
  });
  const knownNode = (fqdn: string): boolean => fqdns.has(fqdn.toLowerCase().replace(/\.$/, ''));
  raw.certificates?.forEach((entry, i) => {
    if (!knownNode(entry.node)) problems.push({ file, path: `$.certificates[${i}].node`, message: `"${entry.node}" is not a node of the inventory` });
  });
  raw.trust?.forEach((entry, i) => {
    if (!knownNode(entry.node)) problems.push({ file, path: `$.trust[${i}].node`, message: `"${entry.node}" is not a node of the inventory` });
  });
  for (const key of Object.keys(raw.rules ?? {})) {
    if (!knownRules.has(key.toUpperCase()) && !knownRules.has(key.toLowerCase())) {
      problems.push({ file, path: childPath('$.rules', key), message: `unknown rule "${key}" (see \`mra-preflight rules\`)` });
    }
  }
  return problems;
}

/**
 * Validates (schema, then meaning) and normalises an inventory: defaults filled in, relative
 * paths resolved against the inventory's folder. Throws InputError listing every problem.
 */
export function normalizeInventory(data: unknown, file: string, knownRules: ReadonlySet<string>): Inventory {
  const problems = schemaProblems('inventory.schema.json', data, file);
  if (problems.length > 0) throw new InputError(problems);
  const raw = data as RawInventory;
  const semantic = semanticProblems(raw, file, knownRules);
  if (semantic.length > 0) throw new InputError(semantic);

  const base = file === '<embedded>' ? process.cwd() : dirname(resolve(file));
  const abs = (path: string): string => resolve(base, path);
  const withCa = <T extends { caFile?: string }>(client: T): T => (client.caFile ? { ...client, caFile: abs(client.caFile) } : client);
  return {
    source: file === '<embedded>' ? file : resolve(file),
    domains: raw.domains.map((domain) => domain.toLowerCase().replace(/\.$/, '')),
    dns: { internal: raw.dns?.internal ?? [], external: raw.dns?.external ?? [], ...(raw.dns?.timeoutMs ? { timeoutMs: raw.dns.timeoutMs } : {}) },
    ntp: { servers: raw.ntp?.servers ?? [] },
    nodes: (raw.nodes ?? []).map((node) => ({
      ...node,
      fqdn: node.fqdn.toLowerCase().replace(/\.$/, ''),
      ...(node.status ? { status: withCa(node.status) } : {}),
    })),
    certificates: (raw.certificates ?? []).map((entry) => ({ ...entry, node: entry.node.toLowerCase(), file: abs(entry.file) })),
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
  };
}

export function loadInventory(file: string, knownRules: ReadonlySet<string>): Inventory {
  return normalizeInventory(parseStructuredFile(file), file, knownRules);
}
