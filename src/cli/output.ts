import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pc from 'picocolors';
import type { Report } from '../engine/types.js';
import { RENDERERS, type ReportFormat } from '../report/index.js';
import { didYouMean } from '../inventory/suggest.js';
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

/** Writes each report; returns the absolute paths written. */
export function writeReports(report: Report, targets: readonly ReportTarget[], quiet: boolean): string[] {
  const written: string[] = [];
  for (const target of targets) {
    const render = RENDERERS[target.format];
    if (!render) continue;
    if (target.path) {
      const path = resolve(target.path);
      ensureFolder(dirname(path));
      writeFileSync(path, render(report, { color: false, quiet }));
      written.push(path);
    } else {
      process.stdout.write(render(report, { color: useColor(process.stdout), quiet }));
    }
  }
  return written;
}
