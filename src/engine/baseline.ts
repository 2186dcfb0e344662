import { areasInScope, summarize } from './summary.js';
import type { Report } from './types.js';

/** The non-pass findings of a previous JSON report: fingerprint → rule id. */
export type Baseline = { file: string; findings: ReadonlyMap<string, string> };

/**
 * Marks each non-pass finding `unchanged` when its fingerprint is in the baseline report, else
 * `new`; unchanged findings do not fail the gate, so a nightly scan alerts only on what is new.
 * A baseline finding of a rule that ran again and no longer reports it is `fixed` (SPEC 8.9).
 */
export function applyBaseline(report: Report, baseline: Baseline): Report {
  const findings = report.findings.map((finding) =>
    finding.status === 'pass'
      ? finding
      : {
          ...finding,
          baselineState: baseline.findings.has(finding.fingerprint) ? ('unchanged' as const) : ('new' as const),
        },
  );
  const current = new Set(
    findings.filter((finding) => finding.status !== 'pass').map((finding) => finding.fingerprint),
  );
  const ran = new Set(report.rules.map((rule) => rule.id));
  const fixed = [...baseline.findings].filter(([print, ruleId]) => ran.has(ruleId) && !current.has(print)).length;
  const summary = summarize(findings, areasInScope({ findings }), {
    file: baseline.file,
    new: findings.filter((finding) => finding.baselineState === 'new').length,
    unchanged: findings.filter((finding) => finding.baselineState === 'unchanged').length,
    fixed,
  });
  return { ...report, findings, summary };
}

/** The non-pass findings of a previous JSON report (schema version 1 or 2). */
export function baselineFindings(previous: unknown): Map<string, string> {
  const findings = (previous as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) throw new Error('not an mra-preflight JSON report: it has no findings array');
  const entries = new Map<string, string>();
  for (const finding of findings as Array<{ fingerprint?: unknown; status?: unknown; ruleId?: unknown }>) {
    if (typeof finding.fingerprint === 'string' && finding.status !== 'pass') {
      entries.set(finding.fingerprint, typeof finding.ruleId === 'string' ? finding.ruleId : '');
    }
  }
  return entries;
}
