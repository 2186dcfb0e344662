import type { FailOn } from '../engine/summary.js';
import type { Report } from '../engine/types.js';
import { htmlChunks } from './html.js';
import { jsonChunks } from './json.js';
import { junitChunks } from './junit.js';
import { sarifChunks } from './sarif.js';
import { joinChunks, type Chunks } from './stream.js';
import { textChunks } from './text.js';

export type ReportFormat = 'text' | 'json' | 'html' | 'sarif' | 'junit';

export interface RenderOptions {
  color: boolean;
  quiet?: boolean;
  /** The run's gate (--fail-on, --allow-inconclusive): JUnit fails exactly the findings that fail it. */
  failOn?: FailOn;
  allowInconclusive?: boolean;
  /** The run's working directory: SARIF gives the inventory folder relative to it. */
  workingDirectory?: string;
  /** The JSON report written beside the HTML (relative to it), where the page shows only part of a long list. */
  jsonReport?: string;
}

/**
 * Every format as pieces of text, a function of the JSON report and the options. Writers stream
 * them (src/cli/output.ts): no format is ever one string the size of the report.
 */
export const CHUNKERS: Record<ReportFormat, (report: Report, options: RenderOptions) => Chunks> = {
  text: (report, options) => textChunks(report, options),
  json: (report) => jsonChunks(report),
  html: (report, options) => htmlChunks(report, options),
  sarif: (report, options) => sarifChunks(report, options),
  junit: (report, options) => junitChunks(report, options),
};

/** Every format as one string (the library API and small reports). */
export const RENDERERS: Partial<Record<ReportFormat, (report: Report, options: RenderOptions) => string>> =
  Object.fromEntries(
    Object.entries(CHUNKERS).map(([format, chunks]) => [
      format,
      (report: Report, options: RenderOptions) => joinChunks(chunks(report, options)),
    ]),
  );

/** File name the demo writes each format to. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  text: 'report.txt',
  json: 'report.json',
  html: 'report.html',
  sarif: 'report.sarif',
  junit: 'report.junit.xml',
};
