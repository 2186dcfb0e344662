import pc from 'picocolors';
import type { Finding, Report, Status } from '../engine/types.js';

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
    lines.push(`${label(finding)} ${c.bold(finding.ruleId)} ${finding.severity.padEnd(7)} ${finding.target}${baseline}`);
    lines.push(`             ${finding.message}`);
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${c.bold('Summary')}: ${c.green(`${s.pass} pass`)}, ${c.red(`${s.fail} fail`)}, ${c.yellow(`${s.inconclusive} inconclusive`)}, ${c.dim(`${s.skipped} skipped`)}` +
      ` — ${report.findings.length} findings from ${report.rules.length} rules in ${report.durationMs} ms`,
  );
  lines.push(
    `          failures by severity: ${s.bySeverity.error.fail} error, ${s.bySeverity.warning.fail} warning, ${s.bySeverity.info.fail} info`,
  );
  if (s.baseline) lines.push(`          ${s.baseline.new} new since baseline, ${s.baseline.unchanged} unchanged (${s.baseline.file})`);
  return `${lines.join('\n')}\n`;
}
