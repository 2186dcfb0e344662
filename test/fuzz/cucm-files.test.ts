import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatPhones } from '../../src/cucm/bat.js';
import type { CucmSnapshot, Phone } from '../../src/cucm/snapshot.js';
import { loadSnapshotFile } from '../../src/cucm/snapshot-file.js';
import { childPath, InputError } from '../../src/inventory/problems.js';

/**
 * The CI gate lints committed CUCM exports (SPEC section 1, job 3): a snapshot JSON or BAT CSV
 * that is broken in any way must stop the run with exit 2 and located messages (InputError),
 * never another exception or a hang.
 */
let dir: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mra-preflight-cucm-fuzz-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectInputError(error: unknown, file: string): InputError {
  if (!(error instanceof InputError)) {
    throw new Error(
      `expected an InputError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      { cause: error },
    );
  }
  expect(error.problems.length).toBeGreaterThan(0);
  expect(error.problems.length).toBeLessThanOrEqual(51);
  for (const problem of error.problems) {
    expect(problem.file).toBe(file);
    expect(problem.path.trim()).not.toBe('');
    expect(problem.message.trim()).not.toBe('');
  }
  return error;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Segment = string | number;

/** Loads text as a snapshot file: the snapshot, or the InputError it must throw otherwise. */
function readSnapshotText(text: string): { snapshot: CucmSnapshot } | { error: InputError } {
  const file = join(dir, `snapshot-${n++}.json`);
  writeFileSync(file, text);
  try {
    return { snapshot: loadSnapshotFile(file) };
  } catch (error) {
    return { error: expectInputError(error, file) };
  }
}

/**
 * What a loaded snapshot must be, whatever text it came from: written back out it loads again to
 * the same snapshot (the loader keeps what it read and adds nothing the schema would refuse), and
 * its phone list is a list of phones with names.
 */
function expectLoadedSnapshot(snapshot: CucmSnapshot): void {
  const again = readSnapshotText(JSON.stringify(snapshot));
  expect(again).toEqual({ snapshot });
  expect(Array.isArray(snapshot.phones)).toBe(true);
  for (const phone of snapshot.phones) expect(typeof phone.name).toBe('string');
}

/** Loads text as a snapshot file; returns the InputError, or undefined when it loaded (and round-trips). */
function loadSnapshotText(text: string): InputError | undefined {
  const result = readSnapshotText(text);
  if ('error' in result) return result.error;
  expectLoadedSnapshot(result.snapshot);
  return undefined;
}

/**
 * What phones read from a BAT export must be, whatever the text: the fields the rules key on are
 * set and trimmed, device names are unique (CUCM's are, case-insensitively), there is at most one
 * phone per line of text, and every name comes from the text.
 */
function expectLoadedPhones(phones: readonly Phone[], text: string): void {
  expect(phones.length).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length);
  const names = new Set<string>();
  for (const phone of phones) {
    for (const value of [phone.name, phone.model, phone.devicePool, phone.securityProfile]) {
      expect(value).not.toBe('');
      expect(value).toBe(value.trim());
    }
    // As written, or with its quotes doubled inside a quoted cell.
    expect([phone.name, phone.name.replace(/"/g, '""')].some((written) => text.includes(written))).toBe(true);
    expect(names.has(phone.name.toUpperCase())).toBe(false);
    names.add(phone.name.toUpperCase());
  }
}

function loadBatText(text: string): InputError | undefined {
  const file = '/exports/phones.csv';
  try {
    expectLoadedPhones(parseBatPhones(text, file), text);
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return expectInputError(error, file);
    throw error;
  }
}

const VALID_SNAPSHOT = JSON.parse(
  readFileSync(new URL('../../fixtures/cucm/compliant.json', import.meta.url), 'utf8'),
) as Json;
const VALID_BAT = readFileSync(new URL('../../fixtures/cucm/bat-phones.csv', import.meta.url), 'utf8');

function positions(value: Json, path: Segment[] = []): Segment[][] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.slice(0, 3).map((item, i) => positions(item, [...path, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([key, item]) => positions(item, [...path, key])));
  return here;
}

function setAt(root: Json, path: readonly Segment[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  parent[path[path.length - 1]!] = replacement;
  return copy as Json;
}

function getAt(root: Json, path: readonly Segment[]): Json {
  let value = root;
  for (const segment of path) value = (value as Record<string | number, Json>)[segment] as Json;
  return value;
}

const kindOf = (value: Json): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const SNAPSHOT_POSITIONS = positions(VALID_SNAPSHOT).filter((path) => path.length > 0);

describe('snapshot file loader under random input', () => {
  it('loads the compliant fixture (so the mutations test what they claim)', () => {
    expect(loadSnapshotText(JSON.stringify(VALID_SNAPSHOT))).toBeUndefined();
  });

  it('returns a snapshot or an InputError for arbitrary text and JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.json({ maxDepth: 4 }),
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
        ),
        (text) => {
          loadSnapshotText(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the JSON path of a value of the wrong type', () => {
    const wrong = (value: Json): fc.Arbitrary<Json> =>
      fc
        .oneof(
          fc.constant(null),
          fc.boolean(),
          fc.integer(),
          fc.string({ maxLength: 6 }),
          fc.constant<Json>([]),
          fc.constant<Json>({ zz: 1 }),
        )
        .filter((candidate) => kindOf(candidate) !== kindOf(value));
    fc.assert(
      fc.property(
        fc
          .constantFrom(...SNAPSHOT_POSITIONS)
          .chain((path) => fc.tuple(fc.constant(path), wrong(getAt(VALID_SNAPSHOT, path)))),
        ([path, value]) => {
          const result = readSnapshotText(JSON.stringify(setAt(VALID_SNAPSHOT, path, value)));
          if ('snapshot' in result) {
            // Some fields accept several types (optional strings may be null): then the value is kept.
            expectLoadedSnapshot(result.snapshot);
            expect(getAt(result.snapshot as unknown as Json, path)).toEqual(value);
            return;
          }
          const { error } = result;
          const expected = path.reduce<string>((text, segment) => childPath(text, segment), '$');
          const paths = error.problems.map((problem) => problem.path);
          expect(
            paths.some(
              (p) =>
                p === expected ||
                p.startsWith(`${expected}.`) ||
                p.startsWith(`${expected}[`) ||
                expected.startsWith(p),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects deep nesting, huge strings, huge arrays and junk with an InputError', () => {
    for (const depth of [1_000, 100_000]) {
      expect(loadSnapshotText(`{"version": "15", "phones": ${'['.repeat(depth)}${']'.repeat(depth)}}`)).toBeInstanceOf(
        InputError,
      );
      expect(loadSnapshotText(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toBeInstanceOf(InputError);
    }
    expect(loadSnapshotText(`{"version": "${'9'.repeat(5_000_000)}`)).toBeInstanceOf(InputError);
    const manyBad = setAt(
      VALID_SNAPSHOT,
      ['phones'],
      Array.from({ length: 100_000 }, (_, i) => ({ name: i })),
    );
    expect(loadSnapshotText(JSON.stringify(manyBad))?.problems.length).toBeLessThanOrEqual(51);
    for (const junk of [
      '',
      '\uFEFF',
      'null',
      '[]',
      '"snapshot"',
      '{"version": 1e999}',
      '\u0000\u0001',
      '{"__proto__": {"phones": []}}',
    ]) {
      expect(loadSnapshotText(junk)).toBeInstanceOf(InputError);
    }
  });
});

const CSV_TOKENS = [
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '\u0000',
  '\uFEFF',
  't',
  'f',
  'maybe',
  'SEP00AA11BB22CC',
  'MRA_DP',
  'Cisco 8845',
  'Device Name',
  'DEVICE POOL',
  'device type',
  'Device Security Profile',
  'Extension Mobility',
  ';',
  '\\',
];
const csvish = fc.array(fc.constantFrom(...CSV_TOKENS), { maxLength: 80 }).map((tokens) => tokens.join(''));
const HEADER = VALID_BAT.split(/\r?\n/)[0]!;

describe('BAT CSV importer under random input', () => {
  it('reads the fixture export (so the mutations test what they claim)', () => {
    expect(loadBatText(VALID_BAT)).toBeUndefined();
  });

  it('reads back generated phones through the export format, quoting and all', () => {
    const text = fc.string({ minLength: 1, maxLength: 12 }).filter((value) => value.trim() === value && value !== '');
    const phone = fc.record({
      name: text,
      model: text,
      devicePool: text,
      securityProfile: text,
      owner: fc.option(text, { nil: undefined }),
    });
    const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
    fc.assert(
      fc.property(
        fc.uniqueArray(phone, { maxLength: 8, selector: (generated) => generated.name.toUpperCase() }),
        (phones) => {
          const rows = phones.map((p) =>
            [p.name, p.model, p.devicePool, p.securityProfile, p.owner ?? ''].map(quote).join(','),
          );
          const csv = ['Device Name,Device Type,Device Pool,Device Security Profile,Owner User ID', ...rows].join(
            '\r\n',
          );
          const read = parseBatPhones(csv, '/exports/generated.csv');
          expect(
            read.map(({ name, model, devicePool, securityProfile, owner }) => ({
              name,
              model,
              devicePool,
              securityProfile,
              owner,
            })),
          ).toEqual(
            phones.map(({ name, model, devicePool, securityProfile, owner }) => ({
              name,
              model,
              devicePool,
              securityProfile,
              owner,
            })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns phones or an InputError for arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          csvish,
          csvish.map((rows) => `${HEADER}\n${rows}`),
        ),
        (text) => {
          loadBatText(text);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('returns phones or an InputError for random cells under the real header', () => {
    const columns = HEADER.split(',').length;
    const cell = fc.oneof(
      fc.constantFrom('', 't', 'f', 'TRUE', 'x', '"quoted, comma"', 'MRA_DP', 'SEPDUP'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 0, maxLength: columns + 2 }), { maxLength: 20 }), (rows) => {
        loadBatText(`${HEADER}\n${rows.map((row) => row.join(',')).join('\n')}`);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects unterminated quotes, huge cells, huge rows and a missing header with an InputError', () => {
    expect(loadBatText(`${HEADER}\n"unterminated,${'x'.repeat(100)}`)).toBeInstanceOf(InputError);
    expect(loadBatText('')).toBeInstanceOf(InputError);
    expect(loadBatText('\uFEFF\n\n')).toBeInstanceOf(InputError);
    expect(loadBatText('Description,Location\nfoo,bar\n')).toBeInstanceOf(InputError);
    loadBatText(`${HEADER}\n${'y'.repeat(5_000_000)}`);
    loadBatText(`${HEADER}\n${','.repeat(200_000)}`);
    const broken = Array.from({ length: 10_000 }, (_, i) => `SEP${i},,,`).join('\n');
    expect(loadBatText(`${HEADER}\n${broken}`)?.problems.length).toBeLessThanOrEqual(51);
  });
});
