import { AREAS, SEVERITIES, STATUSES } from '../checks/rule.js';
import type { EngineMessageId } from './messages.js';
import type { Area, Finding, NotJudged, Report, Severity, StatusCounts, Summary, Verdict } from './types.js';

/**
 * The summary and the one readiness verdict every format shows (SPEC 8.9). An error-severity fail
 * means MRA will not work as configured, whether or not a baseline accepted it (a baseline
 * changes what alerts, not what is true). Otherwise anything the scan could not decide, and any
 * area in scope that no finding judged, leaves the verdict incomplete: never ready by default.
 */

const WRONG_VANTAGE: EngineMessageId = 'wrongVantage';

const emptyCounts = (): StatusCounts => ({ pass: 0, fail: 0, inconclusive: 0, skipped: 0 });

const plural = (count: number, noun: string): string =>
  `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/** Areas in scope: those of the rules that ran from a vantage they need (not vantage-skipped). */
function notJudgedAreas(findings: readonly Finding[], inScope: ReadonlySet<Area>): NotJudged[] {
  const result: NotJudged[] = [];
  for (const area of AREAS) {
    if (!inScope.has(area)) continue;
    const ofArea = findings.filter((finding) => finding.area === area);
    if (ofArea.some((finding) => finding.status === 'pass' || finding.status === 'fail')) continue;
    const reasons = [...new Set(ofArea.map((finding) => finding.message))].slice(0, 5);
    result.push({ area, reasons: reasons.length > 0 ? reasons : ['no rule of the area produced a finding'] });
  }
  return result;
}

function verdictOf(
  findings: readonly Finding[],
  notJudged: readonly NotJudged[],
): { verdict: Verdict; reason: string } {
  const errors = findings.filter((finding) => finding.status === 'fail' && finding.severity === 'error').length;
  if (errors > 0) return { verdict: 'not-ready', reason: plural(errors, 'error-severity failure') };
  const inconclusive = findings.filter((finding) => finding.status === 'inconclusive').length;
  if (inconclusive > 0) {
    return {
      verdict: 'incomplete',
      reason: `${plural(inconclusive, 'inconclusive finding')}: the scan could not decide`,
    };
  }
  if (findings.length === 0) return { verdict: 'incomplete', reason: 'no rule produced a finding' };
  if (notJudged.length > 0) {
    return {
      verdict: 'incomplete',
      reason: `nothing was judged in ${notJudged.map((entry) => entry.area).join(', ')}`,
    };
  }
  const lesser = findings.filter((finding) => finding.status === 'fail').length;
  return {
    verdict: 'ready',
    reason: lesser > 0 ? `no error-severity failure; ${plural(lesser, 'lower-severity failure')}` : 'no failures',
  };
}

/** Counts, verdict and the areas not judged. `inScope` defaults to every area that has findings. */
export function summarize(
  findings: readonly Finding[],
  inScope: ReadonlySet<Area> = new Set(findings.map((finding) => finding.area)),
  baseline?: Summary['baseline'],
): Summary {
  const counts = emptyCounts();
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, emptyCounts()])) as Record<
    Severity,
    StatusCounts
  >;
  for (const finding of findings) {
    counts[finding.status]++;
    bySeverity[finding.severity][finding.status]++;
  }
  const notJudged = notJudgedAreas(findings, inScope);
  const { verdict, reason } = verdictOf(findings, notJudged);
  return { ...counts, bySeverity, verdict, verdictReason: reason, notJudged, ...(baseline ? { baseline } : {}) };
}

/** The areas a report's rules cover and that its vantage reaches (what `summarize` calls in scope). */
export function areasInScope(report: Pick<Report, 'findings'>): Set<Area> {
  return new Set(
    report.findings.filter((finding) => finding.messageId !== WRONG_VANTAGE).map((finding) => finding.area),
  );
}

export type FailOn = Severity | 'incomplete';

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * Exit code of `check` and `merge` (SPEC section 2, 8.9): 1 when a finding fails the gate (a fail
 * at or above --fail-on, or any inconclusive unless allowed; baseline-unchanged findings never
 * do), or with `--fail-on incomplete` when the verdict is not ready; else 0.
 */
export function gateExitCode(report: Report, failOn: FailOn = 'error', allowInconclusive = false): 0 | 1 {
  return report.findings.some((finding) => failsGate(finding, failOn, allowInconclusive)) ||
    (failOn === 'incomplete' && report.summary.verdict !== 'ready')
    ? 1
    : 0;
}

/** Whether one finding fails the gate (JUnit marks exactly these as failures). */
export function failsGate(finding: Finding, failOn: FailOn = 'error', allowInconclusive = false): boolean {
  if (finding.baselineState === 'unchanged') return false;
  if (finding.status === 'inconclusive') return !allowInconclusive;
  const threshold = failOn === 'incomplete' ? 'error' : failOn;
  return finding.status === 'fail' && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[threshold];
}

export { STATUSES };
