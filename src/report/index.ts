import type { Report } from '../engine/types.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'html' | 'sarif' | 'junit';

export interface RenderOptions {
  color: boolean;
  quiet?: boolean;
}

/** Every format is a pure function of the JSON report. A format without a renderer yet is absent. */
export const RENDERERS: Partial<Record<ReportFormat, (report: Report, options: RenderOptions) => string>> = {
  text: (report, options) => renderText(report, options),
  json: (report) => renderJson(report),
  html: (report) => renderHtml(report),
  sarif: (report) => renderSarif(report),
  junit: (report) => renderJunit(report),
};

/** File name the demo writes each format to. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  text: 'report.txt',
  json: 'report.json',
  html: 'report.html',
  sarif: 'report.sarif',
  junit: 'report.junit.xml',
};
