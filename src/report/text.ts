import pc from 'picocolors';
import { AREAS, STATUSES, type Finding, type Report, type Status } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';

export interface TextOptions {
  color: boolean;
  /** --quiet: only findings that are not pass, and the summary. */
  quiet?: boolean;
}

const ORDER: Record<Status, number> = { fail: 0, inconclusive: 1, skipped: 2, pass: 3 };

/** Plain text for terminals and logs: failures first, then the summary table. */
export function renderText(report: Report, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const paint: Record<Status, (text: string) => string> = {
    pass: c.green,
    fail: c.red,
    inconclusive: c.yellow,
    skipped: c.dim,
  };
  const label = (finding: Finding): string => paint[finding.status](finding.status.toUpperCase().padEnd(12));
  const shown = report.findings
    .filter((finding) => !options.quiet || finding.status !== 'pass')
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.ruleId.localeCompare(b.ruleId));
  const lines: string[] = [];
  for (const finding of shown) {
    const baseline = finding.baselineState ? c.dim(` [${finding.baselineState}]`) : '';
    lines.push(
      `${label(finding)} ${c.bold(finding.ruleId)} ${finding.severity.padEnd(7)} ${finding.target}${baseline}`,
    );
    lines.push(`             ${finding.message}`);
  }
  const s = report.summary;
  lines.push('', ...areaTable(report, paint));
  lines.push(
    `${c.bold('Summary')}: ${c.green(`${s.pass} pass`)}, ${c.red(`${s.fail} fail`)}, ${c.yellow(`${s.inconclusive} inconclusive`)}, ${c.dim(`${s.skipped} skipped`)}` +
      ` — ${report.findings.length} findings from ${report.rules.length} rules in ${report.durationMs} ms`,
  );
  lines.push(
    `          failures by severity: ${s.bySeverity.error.fail} error, ${s.bySeverity.warning.fail} warning, ${s.bySeverity.info.fail} info`,
  );
  if (s.baseline)
    lines.push(
      `          ${s.baseline.new} new since baseline, ${s.baseline.unchanged} unchanged, ${s.baseline.fixed} fixed (${s.baseline.file})`,
    );
  const verdict = { ready: 'READY', 'not-ready': 'NOT READY', incomplete: 'INCOMPLETE' }[s.verdict];
  lines.push(`${c.bold(verdict)}: ${s.verdictReason}`);
  return `${lines.join('\n')}\n`;
}

/** Counts per area and status, so a long run still reads at a glance. */
function areaTable(report: Report, paint: Record<Status, (text: string) => string>): string[] {
  const header = `${'Area'.padEnd(14)}${STATUSES.map((status) => status.padStart(14)).join('')}`;
  const rows = AREAS.filter((area) => report.findings.some((finding) => finding.area === area)).map((area) => {
    const cells = STATUSES.map((status) => {
      const count = report.findings.filter((finding) => finding.area === area && finding.status === status).length;
      const text = String(count).padStart(14);
      return count > 0 ? paint[status](text) : text;
    });
    return `${AREA_LABELS[area].padEnd(14)}${cells.join('')}`;
  });
  return rows.length > 0 ? [header, ...rows, ''] : [];
}
