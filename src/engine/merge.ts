import { areasInScope, summarize } from './summary.js';
import type { Finding, Report } from './types.js';

/**
 * SPEC 8.7: reports of one inventory from different vantages (inside and outside) combined into
 * one. For each rule and target the judged finding (pass, fail, inconclusive) replaces a skipped
 * one; between two judged findings the later report wins. Summary and verdict are recomputed, so
 * the gate of `merge` is the gate of the combined picture.
 */
const isWrongVantage = (finding: Finding): boolean =>
  finding.status === 'skipped' && finding.messageId === 'wrongVantage';

export function mergeReports(reports: ReadonlyArray<{ file: string; report: Report }>): Report {
  const [first] = reports;
  if (!first) throw new Error('merge needs at least one report');
  const findings = new Map<string, Finding>();
  const rules = new Map(first.report.rules.map((rule) => [rule.id, rule]));
  // A rule some report ran from its own vantage: the other reports' "needs the other vantage"
  // skips of it are not findings about the deployment, whatever targets either side names.
  const lookedAt = new Set(
    reports.flatMap(({ report }) => report.findings.filter((f) => !isWrongVantage(f)).map((f) => f.ruleId)),
  );
  for (const { report } of reports) {
    for (const rule of report.rules) rules.set(rule.id, rule);
    for (const finding of report.findings) {
      if (isWrongVantage(finding) && lookedAt.has(finding.ruleId)) continue;
      const key = `${finding.ruleId}\u0000${finding.target}`;
      const known = findings.get(key);
      if (!known || known.status === 'skipped' || finding.status !== 'skipped') findings.set(key, finding);
    }
  }
  // A rule that one vantage skipped for the whole deployment and another judged per target:
  // the deployment-level skip says nothing the judged findings do not.
  const judgedRules = new Set(
    [...findings.values()].filter((finding) => finding.status !== 'skipped').map((finding) => finding.ruleId),
  );
  const merged = [...findings.values()].filter(
    (finding) => !(finding.status === 'skipped' && finding.target === 'deployment' && judgedRules.has(finding.ruleId)),
  );
  const order = [...rules.keys()];
  merged.sort((a, b) => order.indexOf(a.ruleId) - order.indexOf(b.ruleId));
  const startedAt = reports.map(({ report }) => report.startedAt).sort()[0]!;
  const finishedAt = reports
    .map(({ report }) => report.finishedAt)
    .sort()
    .at(-1)!;
  return {
    ...first.report,
    startedAt,
    finishedAt,
    durationMs: new Date(finishedAt).getTime() - new Date(startedAt).getTime(),
    offline: reports.every(({ report }) => report.offline),
    vantage: 'merged',
    merged: reports.map(({ file, report }) => ({ file, vantage: report.vantage, startedAt: report.startedAt })),
    summary: summarize(merged, areasInScope({ findings: merged })),
    rules: [...rules.values()],
    findings: merged,
  };
}
