import { summarize } from './run.js';
import type { Report } from './types.js';

/**
 * Marks each non-pass finding `unchanged` when its fingerprint is in the baseline report, else
 * `new`; unchanged findings do not fail the gate, so a nightly scan alerts only on what is new.
 */
export function applyBaseline(report: Report, baseline: { fingerprints: ReadonlySet<string>; file: string }): Report {
  const findings = report.findings.map((finding) =>
    finding.status === 'pass'
      ? finding
      : {
          ...finding,
          baselineState: baseline.fingerprints.has(finding.fingerprint) ? ('unchanged' as const) : ('new' as const),
        },
  );
  const summary = summarize(findings);
  summary.baseline = {
    file: baseline.file,
    new: findings.filter((finding) => finding.baselineState === 'new').length,
    unchanged: findings.filter((finding) => finding.baselineState === 'unchanged').length,
  };
  return { ...report, findings, summary };
}

/** Fingerprints of the non-pass findings of a previous JSON report. */
export function baselineFingerprints(previous: unknown): Set<string> {
  const findings = (previous as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) throw new Error('not an mra-preflight JSON report: it has no findings array');
  const fingerprints = new Set<string>();
  for (const finding of findings as Array<{ fingerprint?: unknown; status?: unknown }>) {
    if (typeof finding.fingerprint === 'string' && finding.status !== 'pass') fingerprints.add(finding.fingerprint);
  }
  return fingerprints;
}
