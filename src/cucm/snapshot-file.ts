import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../inventory/problems.js';
import { schemaProblems } from '../inventory/validate.js';
import type { CucmSnapshot } from './snapshot.js';

/** A snapshot with 100,000 broken phones must still give a readable error, not 100,000 lines. */
const MAX_PROBLEMS = 50;

/** Sections whose entries are looked up by name; a duplicate would make a verdict depend on order. */
const NAMED_SECTIONS = ['phones', 'securityProfiles', 'devicePools', 'dateTimeGroups', 'regions', 'commonPhoneProfiles', 'userProfiles'] as const;

/**
 * Reads a snapshot written by `collect` (or by hand, for CI gates on exports) and validates it
 * against schema/snapshot.schema.json. Every problem names the file and the JSON path of the bad
 * value, e.g. `$.phones[41].securityProfile: is required`.
 */
export function loadSnapshotFile(file: string): CucmSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new InputError([{ file, path: '$', message: reason }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError([{ file, path: '$', message: `not valid JSON: ${jsonErrorText(error, text)}` }]);
  }
  const problems = schemaProblems('snapshot.schema.json', data, file);
  if (problems.length === 0) problems.push(...duplicateNames(data as CucmSnapshot, file));
  if (problems.length > 0) throw new InputError(capped(problems, file));
  return data as CucmSnapshot;
}

function duplicateNames(snapshot: CucmSnapshot, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const section of NAMED_SECTIONS) {
    const first = new Map<string, number>();
    snapshot[section].forEach((entry, index) => {
      const earlier = first.get(entry.name);
      if (earlier === undefined) first.set(entry.name, index);
      else problems.push({ file, path: `$.${section}[${index}].name`, message: `duplicate name ${JSON.stringify(entry.name)} (also at $.${section}[${earlier}])` });
    });
  }
  const users = new Map<string, number>();
  snapshot.users.forEach((user, index) => {
    const earlier = users.get(user.userid);
    if (earlier === undefined) users.set(user.userid, index);
    else problems.push({ file, path: `$.users[${index}].userid`, message: `duplicate userid ${JSON.stringify(user.userid)} (also at $.users[${earlier}])` });
  });
  return problems;
}

function capped(problems: Problem[], file: string): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { file, path: '$', message: `${problems.length - MAX_PROBLEMS} more problems not shown` }];
}

/** V8 says "at position N"; people want a line and column. */
function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '')} (line ${line}, column ${column})`;
}
