import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_CHECKS } from '../checks/index.js';
import { applyBaseline, baselineFingerprints } from '../engine/baseline.js';
import { loadCatalog, type RuleEntry } from '../engine/catalog.js';
import { gateExitCode, runScan } from '../engine/run.js';
import { AREAS, type Severity } from '../engine/types.js';
import { loadInventory } from '../inventory/load.js';
import { loadCucmFiles } from '../cucm/source.js';
import { InputError } from '../inventory/problems.js';
import { renderJson } from '../report/json.js';
import { exitWithError, UsageError } from './errors.js';
import { MAX_TIMEOUT_MS, positiveInteger } from './flags.js';
import { parseReportTargets, writeReports } from './output.js';
import { createProgress } from './progress.js';

export interface CheckCommandOptions {
  inventory: string;
  offline?: boolean;
  only?: string[];
  skip?: string[];
  report?: string[];
  failOn: Severity;
  baseline?: string;
  writeBaseline?: string;
  concurrency: string;
  timeout: string;
  asOf?: string;
  allowInconclusive?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export function knownRuleNames(catalog: readonly RuleEntry[]): Set<string> {
  return new Set(catalog.flatMap((rule) => [rule.id, rule.slug]));
}

function validateRuleNames(flag: string, names: readonly string[] | undefined, known: ReadonlySet<string>): void {
  for (const name of names ?? []) {
    const ok =
      known.has(name.toUpperCase()) ||
      known.has(name.toLowerCase()) ||
      (AREAS as readonly string[]).includes(name.toLowerCase());
    if (!ok) throw new UsageError(`${flag} ${name}: unknown rule (see \`mra-preflight rules\`)`);
  }
}

export function parseAsOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--as-of ${value}: expected an ISO 8601 date such as 2026-12-01 or 2026-12-01T08:00:00Z`);
  }
  return date;
}

function readBaseline(file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError([
      { file, path: '$', message: `cannot be read as a JSON report (${(error as Error).message.split('\n')[0]})` },
    ]);
  }
  try {
    return baselineFingerprints(data);
  } catch (error) {
    throw new InputError([{ file, path: '$.findings', message: (error as Error).message }]);
  }
}

export async function runCheckCommand(options: CheckCommandOptions): Promise<number> {
  try {
    const catalog = loadCatalog();
    const known = knownRuleNames(catalog);
    validateRuleNames('--only', options.only, known);
    validateRuleNames('--skip', options.skip, known);
    const targets = parseReportTargets(options.report);
    const concurrency = positiveInteger('--concurrency', options.concurrency);
    const timeoutMs = positiveInteger('--timeout', options.timeout, MAX_TIMEOUT_MS);
    const asOf = parseAsOf(options.asOf);
    const baseline = options.baseline
      ? { file: options.baseline, fingerprints: readBaseline(options.baseline) }
      : undefined;
    const inventory = loadInventory(options.inventory, known);
    // A bad snapshot or BAT export is bad input too: exit 2 naming the file and path, before scanning.
    const cucmFiles = loadCucmFiles(inventory);

    const progress = createProgress(process.stderr, !options.quiet);
    let report = await runScan({
      inventory,
      catalog,
      checks: ALL_CHECKS,
      offline: options.offline ?? false,
      only: options.only ?? [],
      skip: options.skip ?? [],
      concurrency,
      timeoutMs,
      ...(cucmFiles ? { inputs: { cucmFiles } } : {}),
      ...(asOf ? { asOf } : {}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.end();
    if (baseline) report = applyBaseline(report, baseline);
    const written = writeReports(report, targets, options.quiet ?? false);
    if (options.writeBaseline) writeFileSync(options.writeBaseline, renderJson(report));
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
    return gateExitCode(report, options.failOn, options.allowInconclusive ?? false);
  } catch (error) {
    exitWithError(error, options.debug ?? false);
    return 2;
  }
}
