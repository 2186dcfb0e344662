import { readFileSync } from 'node:fs';
import { mergeReports } from '../engine/merge.js';
import { gateExitCode, type FailOn } from '../engine/summary.js';
import type { Report } from '../engine/types.js';
import { InputError, type Problem } from '../inventory/problems.js';
import { exitWithError, UsageError } from './errors.js';
import { parseReportTargets, printSummaryUnlessText, writeReports } from './output.js';

export interface MergeCommandOptions {
  report?: string[];
  failOn: FailOn;
  allowInconclusive?: boolean;
  debug?: boolean;
}

/** A JSON report of this schema version, or the problems that make it not one (file + JSON path). */
function readReport(file: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new InputError([{ file, path: '$', message: `cannot be read as a JSON report (${reason})` }]);
  }
  const report = data as Partial<Report>;
  const problems: Problem[] = [];
  if (report.schemaVersion !== 2) {
    problems.push({ file, path: '$.schemaVersion', message: 'must be 2 (a report of this mra-preflight version)' });
  }
  if (!Array.isArray(report.findings))
    problems.push({ file, path: '$.findings', message: 'must be a list of findings' });
  if (!Array.isArray(report.rules)) problems.push({ file, path: '$.rules', message: 'must be a list of rules' });
  if (problems.length > 0) throw new InputError(problems);
  return report as Report;
}

/** `merge`: one report from several vantages of one inventory; the exit code gates the merged picture. */
export async function runMergeCommand(files: readonly string[], options: MergeCommandOptions): Promise<number> {
  try {
    const targets = parseReportTargets(options.report);
    const reports = files.map((file) => ({ file, report: readReport(file) }));
    const sources = new Set(reports.map(({ report }) => report.inventory.source));
    if (sources.size > 1) {
      throw new UsageError(
        `the reports come from different inventories (${[...sources].join(', ')}); merge reports of one inventory`,
      );
    }
    const merged = mergeReports(reports);
    const written = await writeReports(merged, targets, {
      quiet: false,
      failOn: options.failOn,
      allowInconclusive: options.allowInconclusive ?? false,
    });
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
    printSummaryUnlessText(merged, targets);
    return gateExitCode(merged, options.failOn, options.allowInconclusive ?? false);
  } catch (error) {
    exitWithError(error, options.debug ?? false);
    return 2;
  }
}
