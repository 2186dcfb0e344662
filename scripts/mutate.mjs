#!/usr/bin/env node
/**
 * `npm run mutate [-- [FOLDER...] [STRYKER OPTION...]]`: StrykerJS over the folders of
 * stryker.config.mjs, one folder per run, then the score of each (scripts/mutation-score.mjs).
 *
 * One run per folder keeps a run's sandbox, memory and report small and lets a folder be redone
 * alone after its tests change; each run writes .tmp/mutation/<folder>.json (mutation-testing-
 * report-schema), which the score script reads. Other arguments go to `stryker run` as they are
 * (`--incremental` reuses the previous results of unchanged code and tests).
 */
import { spawnSync } from 'node:child_process';
import { error, log } from 'node:console';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { default: config } = await import(join(ROOT, 'stryker.config.mjs'));

/** The folders (and single files) the config mutates: `src/checks/**\/*.ts` → src/checks. */
const configured = config.mutate
  .filter((pattern) => !pattern.startsWith('!'))
  .map((pattern) => pattern.split('/**')[0]);

const args = process.argv.slice(2);
// Folders first, then everything from the first option on goes to `stryker run`.
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
// A target is a folder, a file, or files joined by `+` (one Stryker run for all of them).
const folders = (firstOption < 0 ? args : args.slice(0, firstOption)).map((arg) => arg.replace(/\/$/, ''));
const strykerArgs = firstOption < 0 ? [] : args.slice(firstOption);
/** A configured folder or a folder inside one (src/checks/ntp): a long folder can be run in parts. */
const mutated = (folder) => configured.some((root) => folder === root || folder.startsWith(`${root}/`));
const unknown = folders.flatMap((target) => target.split('+')).filter((folder) => !mutated(folder));
if (unknown.length > 0) {
  error(`mutate: not a mutated folder: ${unknown.join(', ')} (folders: ${configured.join(', ')} and folders in them)`);
  process.exit(2);
}

const reportName = (folder) => folder.replace(/\//g, '-').replace(/\+/g, '_');

// The catalog test reads the catalog the build writes (dist/catalog.json); build it from these sources.
const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const folder of folders.length > 0 ? folders : configured) {
  // The folder's own pattern plus the config's exclusions inside it.
  const mutate = folder
    .split('+')
    .flatMap((part) =>
      part.endsWith('.ts')
        ? [part]
        : [`${part}/**/*.ts`, ...config.mutate.filter((pattern) => pattern.startsWith(`!${part}/`))],
    );
  const started = Date.now();
  log(`\n=== stryker: ${folder} (${mutate.join(', ')})`);
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      '--mutate',
      mutate.join(','),
      '--incrementalFile',
      `.tmp/mutation/${reportName(folder)}.incremental.json`,
      ...strykerArgs,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MUTATE_REPORT: reportName(folder) } },
  );
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  log(`=== ${folder}: stryker exited ${result.status ?? result.signal} after ${minutes} min`);
  if (result.status !== 0) failed++;
}

const score = spawnSync(process.execPath, [join(ROOT, 'scripts', 'mutation-score.mjs')], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(failed > 0 ? 1 : (score.status ?? 1));
