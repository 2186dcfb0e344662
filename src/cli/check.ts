import { readFileSync, writeFileSync } from 'node:fs';
import { applyBaseline, baselineFindings, type Baseline } from '../engine/baseline.js';
import { loadCatalog, ruleNames, type Catalog } from '../engine/catalog.js';
import { plannedNeeds, runScan } from '../engine/run.js';
import { configurationProblems } from '../checks/services.js';
import { gateExitCode, type FailOn } from '../engine/summary.js';
import type { Vantage } from '../engine/types.js';
import { loadCucmFiles } from '../cucm/source.js';
import { loadInventory } from '../inventory/load.js';
import { InputError } from '../inventory/problems.js';
import { didYouMean } from '../inventory/suggest.js';
import { renderJson } from '../report/json.js';
import { exitWithError, UsageError } from './errors.js';
import { MAX_TIMEOUT_MS, positiveInteger } from './flags.js';
import { parseReportTargets, printSummaryUnlessText, writeReports } from './output.js';
import { createProgress } from './progress.js';

export interface CheckCommandOptions {
  inventory: string;
  offline?: boolean;
  vantage: Vantage;
  only?: string[];
  skip?: string[];
  report?: string[];
  failOn: FailOn;
  baseline?: string;
  writeBaseline?: string;
  concurrency: string;
  timeout: string;
  asOf?: string;
  allowInconclusive?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** Every name `--only`, `--skip` and the inventory's `rules:` accept: ids, slugs and areas. */
export const knownRuleNames = (catalog: Catalog): Set<string> => new Set(ruleNames(catalog.entries));

export function validateRuleNames(flag: string, names: readonly string[] | undefined, catalog: Catalog): void {
  const known = ruleNames(catalog.entries);
  const lower = new Set(known.map((name) => name.toLowerCase()));
  for (const name of names ?? []) {
    if (!lower.has(name.trim().toLowerCase())) {
      throw new UsageError(`${flag} ${name}: unknown rule${didYouMean(name, known)} (see \`mra-preflight rules\`)`);
    }
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

/** A previous JSON report whose non-pass findings are accepted (exit 2 naming the file when it is not one). */
export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new InputError([{ file, path: '$', message: `cannot be read as a JSON report (${reason})` }]);
  }
  try {
    return { file, findings: baselineFindings(data) };
  } catch (error) {
    throw new InputError([{ file, path: '$.findings', message: (error as Error).message }]);
  }
}

export async function runCheckCommand(options: CheckCommandOptions): Promise<number> {
  try {
    const catalog = await loadCatalog();
    validateRuleNames('--only', options.only, catalog);
    validateRuleNames('--skip', options.skip, catalog);
    const targets = parseReportTargets(options.report);
    const concurrency = positiveInteger('--concurrency', options.concurrency);
    const timeoutMs = positiveInteger('--timeout', options.timeout, MAX_TIMEOUT_MS);
    const asOf = parseAsOf(options.asOf);
    const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
    const inventory = loadInventory(options.inventory, knownRuleNames(catalog));
    // A bad snapshot or BAT export is bad input too: exit 2 naming the file and path, before scanning.
    const cucmFiles = loadCucmFiles(inventory);
    const offline = options.offline ?? false;
    const needs = plannedNeeds(catalog, inventory, {
      only: options.only ?? [],
      skip: options.skip ?? [],
      vantage: options.vantage,
    });
    const mistakes = configurationProblems(inventory, needs, { offline, env: process.env });
    if (mistakes.length > 0) throw new InputError(mistakes);

    const progress = createProgress(process.stderr, !options.quiet);
    let report = await runScan({
      inventory,
      catalog,
      offline,
      vantage: options.vantage,
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
    const written = await writeReports(report, targets, {
      quiet: options.quiet ?? false,
      failOn: options.failOn,
      allowInconclusive: options.allowInconclusive ?? false,
    });
    if (options.writeBaseline) writeFileSync(options.writeBaseline, renderJson(report));
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
    printSummaryUnlessText(report, targets);
    return gateExitCode(report, options.failOn, options.allowInconclusive ?? false);
  } catch (error) {
    exitWithError(error, options.debug ?? false);
    return 2;
  }
}
