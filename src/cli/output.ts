import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import pc from 'picocolors';
import type { FailOn } from '../engine/summary.js';
import type { Report } from '../engine/types.js';
import { didYouMean } from '../inventory/suggest.js';
import { CHUNKERS, RENDERERS, type ReportFormat } from '../report/index.js';
import { writeChunks } from '../report/stream.js';
import { renderSummary } from '../report/text.js';
import { UsageError } from './errors.js';

export interface ReportTarget {
  format: ReportFormat;
  /** undefined: standard output. */
  path?: string;
}

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'html', 'sarif', 'junit'];

export function parseReportTargets(values: readonly string[] | undefined): ReportTarget[] {
  const targets = (values && values.length > 0 ? values : ['text']).map((value): ReportTarget => {
    const [given = '', ...rest] = value.split('=');
    const path = rest.join('=');
    // Formats are names like the rest (SPEC 8.1): any case is accepted.
    const format = given.trim().toLowerCase() as ReportFormat;
    if (!FORMATS.includes(format)) {
      throw new UsageError(
        `--report ${value}: unknown format "${given}"${didYouMean(given, FORMATS)} (expected ${FORMATS.join(', ')})`,
      );
    }
    if (!RENDERERS[format])
      throw new UsageError(`--report ${value}: the ${format} format is not available in this version`);
    return path ? { format, path } : { format };
  });
  if (targets.filter((target) => !target.path).length > 1) {
    throw new UsageError('--report: only one format can go to standard output; give the others a path (FORMAT=PATH)');
  }
  return targets;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && pc.isColorSupported;
}

/**
 * Creates a report folder one level at a time. Node 20's recursive mkdirSync spins forever under
 * /proc; this way an unusable --out is a clear usage error instead.
 */
export function ensureFolder(folder: string): void {
  const path = resolve(folder);
  try {
    if (statSync(path).isDirectory()) return;
    throw new UsageError(`${folder}: exists and is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `${folder}: cannot be used as a report folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (dirname(path) !== path) ensureFolder(dirname(path));
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new UsageError(`${folder}: cannot create the report folder (${code ?? 'error'})`);
  }
}

export interface WriteOptions {
  quiet: boolean;
  /** The run's gate, for the JUnit report (SPEC 8.9). */
  failOn?: FailOn;
  allowInconclusive?: boolean;
}

/** Streams one report into a file: opened, written piece by piece with backpressure, closed. */
async function writeFile(path: string, chunks: Iterable<string>): Promise<void> {
  const stream = createWriteStream(path);
  try {
    await writeChunks(chunks, stream);
    stream.end();
    await finished(stream);
  } catch (error) {
    stream.destroy();
    throw error;
  }
}

/**
 * Writes each report, streamed (issue 21: 50,000 failing endpoints in five formats within 500 MB);
 * returns the absolute paths written. The HTML names the JSON report written with it, where it
 * shows only part of a long list.
 */
export async function writeReports(
  report: Report,
  targets: readonly ReportTarget[],
  options: WriteOptions,
): Promise<string[]> {
  const written: string[] = [];
  const json = targets.find((target) => target.format === 'json' && target.path);
  for (const target of targets) {
    const chunks = CHUNKERS[target.format];
    const common = {
      quiet: options.quiet,
      ...(options.failOn ? { failOn: options.failOn } : {}),
      ...(options.allowInconclusive !== undefined ? { allowInconclusive: options.allowInconclusive } : {}),
      workingDirectory: process.cwd(),
    };
    if (target.path) {
      const path = resolve(target.path);
      ensureFolder(dirname(path));
      const jsonReport = json?.path ? relative(dirname(path), resolve(json.path)) : undefined;
      await writeFile(path, chunks(report, { ...common, color: false, ...(jsonReport ? { jsonReport } : {}) }));
      written.push(path);
    } else {
      await writeChunks(chunks(report, { ...common, color: useColor(process.stdout) }), process.stdout);
    }
  }
  return written;
}

/**
 * SPEC 8.9 / issue 18: the summary and the verdict are printed even when every report goes to a
 * file. They go to standard error, as progress and "wrote" lines do, so standard output stays
 * exactly the report a pipe asked for (`--report json | jq`); nothing is printed when a text report
 * already goes to the terminal, since it ends with the same block.
 */
export function printSummaryUnlessText(report: Report, targets: readonly ReportTarget[]): void {
  if (targets.some((target) => target.format === 'text' && !target.path)) return;
  process.stderr.write(renderSummary(report, { color: useColor(process.stderr) }));
}
