import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshotFile } from '../../src/cucm/snapshot-file.js';
import { InputError } from '../../src/inventory/problems.js';
import { readFixture } from '../checks/cucm/cucm-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mra-snapshot-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function write(data: unknown): string {
  const file = join(dir, `snapshot-${count++}.json`);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

/** Every problem of a refused file as `<file>: <path>: <message>`. */
function problemsOf(file: string): string[] {
  try {
    loadSnapshotFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

/**
 * Bad JSON as the user sees it: V8's reason without its position or its quote of the text, then the
 * line and column found by the scanner in snapshot-file.ts (Node 20 rarely gives one).
 */
const SYNTAX_ERRORS: Array<[text: string, message: string]> = [
  // literals
  ['[tru]', "Unexpected token ']' (line 1, column 2)"],
  ['[nul]', "Unexpected token ']' (line 1, column 2)"],
  ['[true, false, null, x]', "Unexpected token 'x' (line 1, column 21)"],
  ['[false x]', "Expected ',' or ']' after array element (line 1, column 8)"],
  ['"abc', 'Unterminated string (line 1, column 5)'],
  ['["abc", "de', 'Unterminated string (line 1, column 12)'],
  ['["a\tb"]', 'Bad control character in string literal (line 1, column 4)'],
  ['["a b", x]', "Unexpected token 'x' (line 1, column 9)"],
  ['["a\\"b", x]', "Unexpected token 'x' (line 1, column 10)"],
  ['["\\\\", x]', "Unexpected token 'x' (line 1, column 8)"],
  ['["\\/\\b\\f\\n\\r\\t", x]', "Unexpected token 'x' (line 1, column 18)"],
  ['["\\x"]', 'Bad escaped character (line 1, column 4)'],
  ['["\\u00e9\\u00C9", x]', "Unexpected token 'x' (line 1, column 18)"],
  ['["\\u12G4"]', 'Bad Unicode escape (line 1, column 4)'],
  ['["\\u12"]', 'Bad Unicode escape (line 1, column 4)'],
  ['["\\', 'Unexpected end of JSON input (line 1, column 4)'],
  ['[-1.5e+10, x]', "Unexpected token 'x' (line 1, column 12)"],
  ['[0.25E-3, x]', "Unexpected token 'x' (line 1, column 11)"],
  ['[12e5 x]', "Expected ',' or ']' after array element (line 1, column 7)"],
  ['[120, 3 x]', "Expected ',' or ']' after array element (line 1, column 9)"],
  ['[-]', 'No number after minus sign (line 1, column 2)'],
  ['[1.]', 'Unterminated fractional number (line 1, column 3)'],
  ['[1e]', 'Exponent part is missing a number (line 1, column 3)'],
  ['[01]', 'Unexpected number (line 1, column 3)'],
  ['[1, .5]', "Unexpected token '.' (line 1, column 5)"],
  ['[{}, x]', "Unexpected token 'x' (line 1, column 6)"],
  ['[{"a": 1}, x]', "Unexpected token 'x' (line 1, column 12)"],
  ['{a: 1}', "Expected property name or '}' (line 1, column 2)"],
  ['{"a" 1}', "Expected ':' after property name (line 1, column 6)"],
  ['{"a": 1 "b": 2}', "Expected ',' or '}' after property value (line 1, column 9)"],
  ['{"a": 1, "b": [], "c": {} x}', "Expected ',' or '}' after property value (line 1, column 27)"],
  ['[[], x]', "Unexpected token 'x' (line 1, column 6)"],
  ['[[1, 2], [3] x]', "Expected ',' or ']' after array element (line 1, column 14)"],
  ['[1 2]', "Expected ',' or ']' after array element (line 1, column 4)"],
  ['{} x', 'Unexpected non-whitespace character after JSON (line 1, column 4)'],
  ['{\n  "version": "15.0",\n  "phones": [,]\n}', "Unexpected token ',' (line 3, column 14)"],
  ['{\n  "a": 1,\n\r\n\t  "b": x\n}', "Unexpected token 'x' (line 4, column 9)"],
  ['', 'Unexpected end of JSON input (line 1, column 1)'],
  ['   ', 'Unexpected end of JSON input (line 1, column 4)'],
  ['{"a":1,"b":x}', "Unexpected token 'x' (line 1, column 12)"],
  [
    '{"aaaaaaaaaaaa":1,"bbbbbbbbbbbbbbbbb":2,"cccccccccccc":3,"d":x,"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee":5}',
    "Unexpected token 'x' (line 1, column 62)",
  ],
  ['\ufeff\ufeff{}', "Unexpected token '\ufeff'"],
  ['\ufeff\ufeff{} x', "Unexpected token '\ufeff' (line 1, column 5)"],
];

describe('loadSnapshotFile: the line and column of bad JSON', () => {
  it.each(SYNTAX_ERRORS)('%j', (text, message) => {
    const file = write(text);
    expect(problemsOf(file)).toEqual([`${file}: $: not valid JSON: ${message}`]);
  });

  it('gives no position when the scanner finds none: hostile nesting overflows its stack', () => {
    const file = write('['.repeat(200_000));
    expect(problemsOf(file)).toEqual([`${file}: $: not valid JSON: Unexpected end of JSON input`]);
  });
});

describe('loadSnapshotFile: duplicates and the problem cap', () => {
  it('names a duplicate userid and where it was first seen', () => {
    const snapshot = readFixture('compliant');
    const users = [snapshot.users[0]!, { ...snapshot.users[0]!, userid: 'other' }, { ...snapshot.users[0]! }];
    const file = write({ ...snapshot, users });
    expect(problemsOf(file)).toEqual([
      `${file}: $.users[2].userid: duplicate userid ${JSON.stringify(users[0]!.userid)} (also at $.users[0])`,
    ]);
  });

  it('looks for duplicates only in a file that matches the schema', () => {
    const snapshot = readFixture('compliant');
    snapshot.phones.push({ ...snapshot.phones[0]! });
    const file = write({ ...snapshot, version: 15 });
    expect(problemsOf(file)).toEqual([`${file}: $.version: must be string`]);
    const { phones: _phones, ...noPhones } = readFixture('compliant');
    const missing = write(noPhones);
    expect(problemsOf(missing)).toEqual([`${missing}: $.phones: is required`]);
  });

  it('shows 50 problems in full and counts the rest on one line', () => {
    const snapshot = readFixture('compliant');
    const phone = snapshot.phones[0]!;
    const exactly50 = write({ ...snapshot, phones: Array.from({ length: 51 }, () => phone) });
    const problems = problemsOf(exactly50);
    expect(problems).toHaveLength(50);
    expect(problems[49]).toBe(
      `${exactly50}: $.phones[50].name: duplicate name ${JSON.stringify(phone.name)} (also at $.phones[0])`,
    );
    const over = write({ ...snapshot, phones: Array.from({ length: 54 }, () => phone) });
    const capped = problemsOf(over);
    expect(capped).toHaveLength(51);
    expect(capped[49]).toMatch(/: \$\.phones\[50\]\.name: duplicate name /);
    expect(capped[50]).toBe(`${over}: $: 3 more problems not shown`);
  });
});
