import type { Report } from '../engine/types.js';

/** The canonical report (schema/report.schema.json); every other format is rendered from it. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
