import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { normalizeInventory, parseStructuredText } from '../../src/inventory/load.js';
import { childPath, InputError } from '../../src/inventory/problems.js';
import { DEFAULT_POLICY, type Inventory } from '../../src/inventory/types.js';
import { isAbsolute } from 'node:path';

/**
 * Bad input must stop the run with exit 2 and one readable message per problem (SPEC section 2):
 * whatever the file holds, the loader either returns an inventory or throws an InputError whose
 * problems name the file and a JSON path. Any other exception would reach the user as an
 * "internal error" (or a stack trace), and a hang would be worse.
 */
const FILE = '/srv/inventories/fuzz.yaml';
const KNOWN_RULES = KNOWN_RULE_NAMES;

type Outcome = { inventory: Inventory } | { error: InputError };

function expectInputErrorShape(error: unknown): InputError {
  if (!(error instanceof InputError)) {
    throw new Error(
      `expected an InputError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      {
        cause: error,
      },
    );
  }
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem.file).toBe(FILE);
    expect(problem.path).toMatch(/^\$/);
    expect(problem.message.trim()).not.toBe('');
  }
  // What the CLI prints: every line starts with the file and the JSON path.
  for (const line of error.message.split('\n')) expect(line.startsWith(`${FILE}: $`)).toBe(true);
  return error;
}

function loadData(data: unknown): Outcome {
  try {
    return { inventory: normalizeInventory(data, FILE, KNOWN_RULES) };
  } catch (error) {
    return { error: expectInputErrorShape(error) };
  }
}

function loadText(text: string): Outcome {
  let data: unknown;
  try {
    data = parseStructuredText(text, FILE);
  } catch (error) {
    return { error: expectInputErrorShape(error) };
  }
  return loadData(data);
}

/**
 * What any inventory the loader returns must be, whatever it was given: the shape every module
 * downstream relies on (no optional lists left undefined, every policy default filled, nodes with
 * an FQDN and a role, certificate and trust entries naming nodes of the inventory).
 */
function expectLoadedInventory(inventory: Inventory): void {
  expect(inventory.source).toBe(FILE);
  expect(inventory.domains.length).toBeGreaterThan(0);
  for (const list of [
    inventory.dns.internal,
    inventory.dns.external,
    inventory.ntp.servers,
    inventory.cucm.mraDevicePools,
  ])
    expect(Array.isArray(list)).toBe(true);
  expect(Object.keys(inventory.policy).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
  expect(Number.isInteger(inventory.clusters) && inventory.clusters >= 1).toBe(true);
  const fqdns = new Set(inventory.nodes.map((node) => node.fqdn));
  for (const node of inventory.nodes) expect(typeof node.role).toBe('string');
  for (const entry of [...inventory.certificates, ...inventory.trust]) expect(fqdns.has(entry.node)).toBe(true);
  for (const path of [
    ...inventory.certificates.map((entry) => entry.file),
    ...inventory.trust.map((entry) => entry.path),
  ])
    expect(isAbsolute(path)).toBe(true);
}

/** The same data as a value, as JSON text and as YAML text loads to the same inventory, or fails in each form. */
function expectSameInEveryForm(data: unknown): void {
  const outcomes = [loadData(data), loadText(JSON.stringify(data)), loadText(stringify(data))];
  const loaded = outcomes.flatMap((outcome) => ('inventory' in outcome ? [outcome.inventory] : []));
  expect(loaded.length === 0 || loaded.length === 3, 'loads in some forms only').toBe(true);
  for (const inventory of loaded) {
    expectLoadedInventory(inventory);
    expect(inventory).toEqual(loaded[0]);
  }
}

function problemsOf(outcome: Outcome): InputError['problems'] {
  if ('inventory' in outcome) throw new Error('expected the inventory to be rejected');
  return outcome.error.problems;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A complete, valid inventory (SPEC section 3); mutations start from here. */
const VALID: Json = {
  domains: ['example.com'],
  dns: { internal: ['10.1.1.53', '127.0.0.1:5353', '[::1]:5353'], external: ['198.51.100.53'], timeoutMs: 2000 },
  ntp: { servers: ['10.1.1.123', '127.0.0.1:11123'] },
  nodes: [
    {
      fqdn: 'cucm-pub.example.com',
      ip: '10.1.1.10',
      role: 'cucm-publisher',
      tls: { tomcat: 'cucm-pub.example.com:8443', callmanager: 'cucm-pub.example.com:5061' },
    },
    { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' },
    {
      fqdn: 'expc.example.com',
      ip: '10.1.1.30',
      role: 'expressway-c',
      version: 'X14.3.1',
      tls: { server: 'expc.example.com:443' },
    },
    {
      fqdn: 'expe.example.com',
      ip: '203.0.113.30',
      role: 'expressway-e',
      tls: { server: 'expe.example.com:8443' },
      status: {
        url: 'https://expe.example.com/status.xml',
        usernameEnv: 'EXP_USER',
        passwordEnv: 'EXP_PASS',
        caFile: 'certs/root.pem',
      },
    },
  ],
  certificates: [{ node: 'cucm-pub.example.com', service: 'tomcat', file: 'certs/cucm-pub-tomcat.pem' }],
  trust: [{ node: 'expc.example.com', store: 'trusted-ca', path: 'certs/expc-trust.pem' }],
  cucm: {
    axl: {
      url: 'https://cucm-pub.example.com:8443/axl/',
      version: '15.0',
      usernameEnv: 'AXL_USER',
      passwordEnv: 'AXL_PASS',
    },
    snapshot: 'exports/cucm-snapshot.json',
    batPhones: 'exports/phones.csv',
    mraDevicePools: ['MRA_DP'],
  },
  clusters: 1,
  policy: {
    minExpresswayVersion: 'X8.10',
    minVideoKbps: 385,
    certExpiryWarnDays: 30,
    maxNtpStratum: 3,
    maxClockOffsetMs: 1000,
    maxSelfProvisionLimit: 20,
    tftpEncryptionExcludedModels: ['Cisco 78*'],
  },
  rules: { 'MRA-CUCM-008': 'off' },
};

type Segment = string | number;

/** Every position in a JSON value, with the JSON path the loader would print for it. */
function positions(value: Json, path: Segment[] = []): Segment[][] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((item, i) => positions(item, [...path, i])));
  if (value !== null && typeof value === 'object') {
    return here.concat(...Object.entries(value).map(([key, item]) => positions(item, [...path, key])));
  }
  return here;
}

function jsonPath(path: readonly Segment[]): string {
  return path.reduce<string>((text, segment) => childPath(text, segment), '$');
}

function getAt(root: Json, path: readonly Segment[]): Json {
  let value = root;
  for (const segment of path) value = (value as Record<string | number, Json>)[segment] as Json;
  return value;
}

function setAt(root: Json, path: readonly Segment[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  parent[path[path.length - 1]!] = replacement;
  return copy as Json;
}

const kindOf = (value: Json): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** A JSON value of some other kind than `value` (a wrong type for that key). */
const wrongTypeFor = (value: Json): fc.Arbitrary<Json> =>
  fc
    .oneof(
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 20 }),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
    )
    .filter(
      (candidate) =>
        kindOf(candidate) !== kindOf(value) && !(kindOf(value) === 'number' && typeof candidate === 'number'),
    );

const VALID_POSITIONS = positions(VALID).filter((path) => path.length > 0);
const OBJECT_POSITIONS = positions(VALID).filter((path) => {
  const value = getAt(VALID, path);
  // `rules` maps rule names to overrides: an extra key there is a rule name, not a typo'd key.
  return value !== null && typeof value === 'object' && !Array.isArray(value) && jsonPath(path) !== '$.rules';
});

/** Keys that have bitten JavaScript object handling before. */
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '$',
  'a.b',
  '[0]',
  'domains',
  'nodes',
  'tls',
];
const keyArbitrary = fc.oneof(fc.constantFrom(...NASTY_KEYS), fc.string({ maxLength: 12 }));
const anyJson: fc.Arbitrary<unknown> = fc.anything({
  key: keyArbitrary,
  maxDepth: 4,
  maxKeys: 5,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
});

/** Pieces of YAML/JSON syntax: random sequences of them reach deep into the parser. */
const YAML_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ': ',
  ',',
  '- ',
  '\n',
  '\n  ',
  '  ',
  '"',
  "'",
  '#',
  '|',
  '>',
  '? ',
  '&a ',
  '*a',
  '!!str ',
  '!!binary ',
  '!custom ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '<<: *a',
  '\t',
  '\\u0000',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'null',
  'true',
  '~',
  '0x1F',
  '1e999',
  '-.inf',
  '.nan',
  'domains',
  'nodes',
  'fqdn',
  'role',
  'tls',
  'dns',
  'internal',
  'ntp',
  'servers',
  'cucm',
  'axl',
  'url',
  'rules',
  'policy',
  'example.com',
  'cucm-pub.example.com',
  '10.1.1.53:53',
  '[::1]:5353',
  'expressway-e',
  'MRA-DNS-001',
  'off',
];
const yamlish = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((tokens) => tokens.join(''));

describe('inventory loader under random input', () => {
  it('returns an inventory or an InputError for arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          yamlish,
        ),
        (text) => {
          const outcome = loadText(text);
          if ('inventory' in outcome) expectLoadedInventory(outcome.inventory);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('returns an inventory or an InputError for arbitrary values (JSON, YAML, or as parsed)', () => {
    fc.assert(
      fc.property(anyJson, (data) => {
        const outcome = loadData(data);
        if ('inventory' in outcome) expectLoadedInventory(outcome.inventory);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (data) => {
        expectSameInEveryForm(data);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the valid base inventory (so the mutations below test what they claim)', () => {
    expect('inventory' in loadData(VALID)).toBe(true);
    expectSameInEveryForm(VALID);
  });

  it('names the JSON path of a value of the wrong type', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...VALID_POSITIONS)
          .chain((path) => fc.tuple(fc.constant(path), wrongTypeFor(getAt(VALID, path)))),
        fc.boolean(),
        ([path, wrong], asText) => {
          const data = setAt(VALID, path, wrong);
          const outcome = asText ? loadText(stringify(data)) : loadData(data);
          const expected = jsonPath(path);
          const paths = problemsOf(outcome).map((problem) => problem.path);
          expect(
            paths.some(
              (problemPath) =>
                problemPath === expected ||
                problemPath.startsWith(`${expected}.`) ||
                problemPath.startsWith(`${expected}[`),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reports a typo'd key as an unknown key at its JSON path", () => {
    fc.assert(
      fc.property(fc.constantFrom(...OBJECT_POSITIONS), fc.stringMatching(/^[a-z][A-Za-z]{0,10}x$/), (path, key) => {
        const parent = getAt(VALID, path) as Record<string, Json>;
        fc.pre(!(key in parent));
        const data = setAt(VALID, [...path, key], 'oops');
        const problems = problemsOf(loadText(stringify(data)));
        expect(problems).toContainEqual({
          file: FILE,
          path: `${jsonPath(path)}.${key}`,
          message: expect.stringContaining('unknown key'),
        });
      }),
      { numRuns: 200 },
    );
  });

  it('removes one element of an array or key of an object without crashing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_POSITIONS), (path) => {
        const copy = structuredClone(VALID);
        const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json> | Json[];
        const last = path[path.length - 1]!;
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
        expectSameInEveryForm(copy);
      }),
      { numRuns: 150 },
    );
  });
});

describe('inventory loader under extreme input', () => {
  it('rejects deep nesting in flow, block and JSON form with an InputError', () => {
    for (const depth of [64, 512, 4096, 50_000]) {
      const flowSeq = `domains: ${'['.repeat(depth)}${']'.repeat(depth)}`;
      const flowMap = `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
      const json = `{"domains": ["example.com"], "policy": ${'{"x": '.repeat(depth)}1${'}'.repeat(depth)}}`;
      const block = Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
      const sequences = Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${'  '.repeat(i)}-`).join('\n');
      for (const text of [flowSeq, flowMap, json, block, sequences]) {
        const outcome = loadText(text);
        expect('error' in outcome).toBe(true);
      }
    }
  });

  it('rejects huge strings in any value position with an InputError', () => {
    const fillers = [':', 'a', '1', 'a-', '[', '.', 'é', '0:', 'A.']; // ':' and hex feed the address pattern
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID_POSITIONS),
        fc.constantFrom(...fillers),
        fc.constantFrom('', '!', ':99999', '.'),
        (path, filler, tail) => {
          const huge = filler.repeat(Math.ceil(200_000 / filler.length)) + tail;
          const outcome = loadData(setAt(VALID, path, huge));
          if ('error' in outcome) expect(outcome.error.problems.length).toBeLessThan(50);
          else expectLoadedInventory(outcome.inventory);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects huge resolver and server addresses without catastrophic backtracking', () => {
    // A run of colons or hex digits that does not end like an address is the worst case for
    // the address pattern's IPv6 branch; the loader must still answer (this would hang if the
    // pattern backtracked quadratically).
    for (const huge of [`${':'.repeat(200_000)}!`, `${'0:'.repeat(100_000)}!`, `${'a'.repeat(200_000)}:99999`]) {
      for (const path of [
        ['dns', 'internal', 0],
        ['ntp', 'servers', 1],
        ['nodes', 0, 'tls', 'tomcat'],
      ] as Segment[][]) {
        const problems = problemsOf(loadData(setAt(VALID, path, huge)));
        expect(problems.map((problem) => problem.path)).toContain(jsonPath(path));
      }
    }
  });

  it('rejects a huge number of entries and huge keys without crashing', () => {
    const many = {
      ...(VALID as Record<string, Json>),
      dns: { internal: Array.from({ length: 20_000 }, (_, i) => `10.0.${i % 250}.${i % 200}:${70_000 + i}`) },
    };
    expect(problemsOf(loadData(many)).length).toBeGreaterThan(0);
    const hugeKey = { ...(VALID as Record<string, Json>), ['k'.repeat(1_000_000)]: 1 };
    expect(problemsOf(loadText(JSON.stringify(hugeKey))).length).toBeGreaterThan(0);
  });

  it('refuses YAML alias expansion bombs ("billion laughs") with an InputError', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('domains: *a9');
    expect(problemsOf(loadText(lines.join('\n'))).length).toBeGreaterThan(0);
  });

  it('rejects duplicate keys, tags and binary junk with an InputError', () => {
    for (const text of [
      'domains: [a.com]\ndomains: [b.com]\n',
      'domains: !!binary aGVsbG8=\n',
      'domains: !custom [a.com]\n',
      '\u0000\u0001\u0002domains: [a.com]',
      'domains: [a.com]\n--- \ndomains: [b.com]\n',
      '{"domains": ["a.com"],}',
      'domains: [\uD800]',
      '',
      '---',
      '[]',
      '42',
    ]) {
      loadText(text);
    }
    expect(problemsOf(loadText('')).length).toBeGreaterThan(0);
    expect(problemsOf(loadText('domains: [a.com]\ndomains: [b.com]\n')).length).toBeGreaterThan(0);
  });
});
