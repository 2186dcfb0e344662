import { InputError, type Problem } from '../inventory/problems.js';
import { readInputText } from '../inventory/read-input.js';
import { schemaProblems } from '../inventory/validate.js';
import type { CucmSnapshot } from './snapshot.js';

/** A snapshot with 100,000 broken phones must still give a readable error, not 100,000 lines. */
const MAX_PROBLEMS = 50;
/** Sections whose entries are looked up by name; a duplicate would make a verdict depend on order. */
const NAMED_SECTIONS = [
  'phones',
  'securityProfiles',
  'devicePools',
  'dateTimeGroups',
  'regions',
  'commonPhoneProfiles',
  'userProfiles',
] as const;

/**
 * Reads a snapshot written by `collect` (or by hand, for CI gates on exports) and validates it
 * against schema/snapshot.schema.json. Every problem names the file and the JSON path of the bad
 * value, e.g. `$.phones[41].securityProfile: is required`.
 */
export function loadSnapshotFile(file: string): CucmSnapshot {
  const text = readInputText(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, path: '$', message: `not valid JSON: ${jsonErrorText(error, text)}` }]);
  }
  const problems = schemaProblems('snapshot.schema.json', data, file);
  if (problems.length === 0) problems.push(...duplicateNames(data as CucmSnapshot, file));
  if (problems.length > 0) throw new InputError(capped(problems, file));
  return withOptionalSections(data as Partial<CucmSnapshot> & Omit<CucmSnapshot, 'clusterSecurity'>);
}

/**
 * Snapshots written before the clusterSecurity section existed are still valid: the section is
 * then not known, so it is marked not collected (a rule that needs it is inconclusive) rather than
 * read as an empty "nothing enabled".
 */
function withOptionalSections(data: Partial<CucmSnapshot> & Omit<CucmSnapshot, 'clusterSecurity'>): CucmSnapshot {
  if (data.clusterSecurity !== undefined) return data as CucmSnapshot;
  const notCollected = [...new Set([...(data.notCollected ?? []), 'clusterSecurity' as const])];
  return { ...data, clusterSecurity: {}, notCollected };
}

function duplicateNames(snapshot: CucmSnapshot, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const section of NAMED_SECTIONS) {
    const first = new Map<string, number>();
    snapshot[section].forEach((entry, index) => {
      const earlier = first.get(entry.name);
      if (earlier === undefined) first.set(entry.name, index);
      else
        problems.push({
          file,
          path: `$.${section}[${index}].name`,
          message: `duplicate name ${JSON.stringify(entry.name)} (also at $.${section}[${earlier}])`,
        });
    });
  }
  const users = new Map<string, number>();
  snapshot.users.forEach((user, index) => {
    const earlier = users.get(user.userid);
    if (earlier === undefined) users.set(user.userid, index);
    else
      problems.push({
        file,
        path: `$.users[${index}].userid`,
        message: `duplicate userid ${JSON.stringify(user.userid)} (also at $.users[${earlier}])`,
      });
  });
  return problems;
}

function capped(problems: Problem[], file: string): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { file, path: '$', message: `${problems.length - MAX_PROBLEMS} more problems not shown` },
  ];
}

/** V8 (Node 20) rarely says where JSON breaks; people want a line and column. */
function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const reason = message
    // V8 quotes the text after the token, shortened to `..."snippet"...` in a long file: not part of the reason.
    .replace(/,\s*(?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ at position \d+.*$/, '');
  const offset = syntaxErrorOffset(text);
  if (offset === undefined) return reason;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${reason} (line ${line}, column ${column})`;
}

/** Offset of the first JSON syntax error: a small scanner, run only after JSON.parse failed. */
function syntaxErrorOffset(text: string): number | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (): never => {
    throw new ScanError(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (error) {
    // Deeply nested hostile input overflows the stack: then there is no position to give.
    return error instanceof ScanError ? error.offset : undefined;
  }
}

class ScanError extends Error {
  constructor(readonly offset: number) {
    super('JSON syntax error');
  }
}
