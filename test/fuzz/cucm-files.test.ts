import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatPhones } from '../../src/cucm/bat.js';
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

/** Loads text as a snapshot file; returns the InputError, or undefined when it loaded. */
function loadSnapshotText(text: string): InputError | undefined {
  const file = join(dir, `snapshot-${n++}.json`);
  writeFileSync(file, text);
  try {
    loadSnapshotFile(file);
    return undefined;
  } catch (error) {
    return expectInputError(error, file);
  }
}

function loadBatText(text: string): InputError | undefined {
  const file = '/exports/phones.csv';
  try {
    parseBatPhones(text, file);
    return undefined;
  } catch (error) {
    return expectInputError(error, file);
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
          const error = loadSnapshotText(JSON.stringify(setAt(VALID_SNAPSHOT, path, value)));
          // Some fields accept several types (optional strings may be null); those may load.
          if (!error) return;
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
