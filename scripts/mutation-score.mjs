#!/usr/bin/env node
/**
 * Prints the mutation score per folder from the StrykerJS JSON reports scripts/mutate.mjs writes
 * (.tmp/mutation/<folder>.json, mutation-testing-report-schema), or from the reports named on the
 * command line. Score = detected / valid, as Stryker computes it: detected = killed + timeout,
 * valid = detected + survived + no coverage; ignored (static), compile and runtime errors are
 * outside it. `--survivors` also lists every surviving mutant (file:line, mutator, replacement).
 */
import { error, log } from 'node:console';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, '.tmp', 'mutation');

const args = process.argv.slice(2);
const listSurvivors = args.includes('--survivors');
const named = args.filter((arg) => !arg.startsWith('--'));
const reports = named.length
  ? named
  : existsSync(DIR)
    ? readdirSync(DIR)
        .filter((name) => name.endsWith('.json') && !name.endsWith('.incremental.json'))
        .map((name) => join(DIR, name))
    : [];
if (reports.length === 0) {
  error('mutation-score: no report in .tmp/mutation (run npm run mutate first)');
  process.exit(2);
}

const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError', 'RuntimeError'];
/** folder → counts by status; a file counts in each folder above it (src/checks and src/checks/ntp). */
const folders = new Map();
const files = new Map();
const survivors = [];

for (const report of reports) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  for (const [name, file] of Object.entries(data.files)) {
    const path = relative(ROOT, join(ROOT, name)).split('\\').join('/');
    if (files.has(path)) continue; // the same file in two reports: the first one counts
    const counts = Object.fromEntries(STATUSES.map((status) => [status, 0]));
    for (const mutant of file.mutants) {
      counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        const line = mutant.location.start.line;
        const text = file.source
          .split('\n')
          .slice(line - 1, mutant.location.end.line)
          .join('\n');
        const start = mutant.location.start.column - 1;
        const original = text.slice(start, start + 60).split('\n')[0];
        survivors.push(
          `${path}:${line}:${mutant.location.start.column} ${mutant.status} ${mutant.mutatorName}: ${JSON.stringify(original)} -> ${JSON.stringify((mutant.replacement ?? '').slice(0, 60))}`,
        );
      }
    }
    files.set(path, counts);
    const parts = path.split('/');
    for (let depth = 2; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const sum = folders.get(folder) ?? Object.fromEntries(STATUSES.map((status) => [status, 0]));
      for (const status of STATUSES) sum[status] += counts[status];
      folders.set(folder, sum);
    }
  }
}

const score = (c) => {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
};

const rows = [...folders].sort(([a], [b]) => a.localeCompare(b));
const total = Object.fromEntries(STATUSES.map((status) => [status, 0]));
for (const counts of files.values()) for (const status of STATUSES) total[status] += counts[status];
rows.push(['total', total]);
const header = ['folder', 'score', 'killed', 'timeout', 'survived', 'no cov', 'ignored', 'errors'];
const table = rows.map(([folder, c]) => [
  folder,
  score(c),
  c.Killed,
  c.Timeout,
  c.Survived,
  c.NoCoverage,
  c.Ignored,
  c.CompileError + c.RuntimeError,
]);
const widths = header.map((title, i) => Math.max(title.length, ...table.map((row) => String(row[i]).length)));
const line = (row) =>
  row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
log(line(header));
for (const row of table) log(line(row));
if (listSurvivors) {
  log(`\nSurviving mutants (${survivors.length}):`);
  for (const survivor of survivors.sort()) log(survivor);
}
