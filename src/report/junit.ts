import { failsGate, type FailOn } from '../engine/summary.js';
import type { Area, Finding, Report, ReportRule } from '../engine/types.js';
import { AREAS } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';
import { xmlAttr, xmlText } from './escape.js';
import { joinChunks, type Chunks } from './stream.js';

export { xmlAttr, xmlText } from './escape.js';

export interface JunitOptions {
  color?: boolean;
  /** The run's gate (SPEC 8.9): a testcase is a <failure> only when its finding fails it. */
  failOn?: FailOn;
  allowInconclusive?: boolean;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function details(finding: Finding, rule: ReportRule | undefined): string {
  const lines = [
    finding.message,
    `rule: ${finding.ruleId} ${finding.rule}`,
    `status: ${finding.status}`,
    `severity: ${finding.severity}`,
    `target: ${finding.target}`,
  ];
  if (finding.group) lines.push(`fix: ${finding.group.label}`);
  if (finding.baselineState) lines.push(`baseline: ${finding.baselineState}`);
  if (rule) lines.push(`remediation: ${rule.remediation}`, `source: ${rule.source}`, `help: ${rule.helpUri}`);
  lines.push(`explain: mra-preflight explain ${finding.ruleId}`);
  lines.push(`evidence: ${JSON.stringify(finding.evidence, null, 2)}`);
  return lines.join('\n');
}

/** Why a non-pass finding that does not fail the gate is only skipped, so the CI page says so. */
function skipReason(finding: Finding, failOn: FailOn): string {
  if (finding.status === 'skipped') return 'skipped';
  if (finding.baselineState === 'unchanged') return `${finding.status}, unchanged since the baseline`;
  if (finding.status === 'inconclusive') return 'inconclusive, allowed by --allow-inconclusive';
  return `${finding.severity} ${finding.status}, below --fail-on ${failOn}`;
}

type Outcome = 'failure' | 'skipped' | 'pass';

function outcomeOf(finding: Finding, failOn: FailOn, allowInconclusive: boolean): Outcome {
  if (finding.status === 'pass') return 'pass';
  return failsGate(finding, failOn, allowInconclusive) ? 'failure' : 'skipped';
}

function testcase(finding: Finding, rule: ReportRule | undefined, outcome: Outcome, failOn: FailOn): string {
  const open = `<testcase name="${xmlAttr(`${finding.ruleId} ${finding.rule}: ${finding.target}`)}" classname="${xmlAttr(`mra-preflight.${finding.area}.${finding.ruleId}`)}" time="${seconds(finding.durationMs)}">`;
  switch (outcome) {
    case 'failure':
      return `${open}<failure message="${xmlAttr(finding.message)}" type="${xmlAttr(finding.status === 'fail' ? finding.severity : 'inconclusive')}">${xmlText(details(finding, rule))}</failure></testcase>`;
    case 'skipped':
      return `${open}<skipped message="${xmlAttr(`[${skipReason(finding, failOn)}] ${finding.message}`)}"/></testcase>`;
    case 'pass':
      return `${open}<system-out>${xmlText(details(finding, rule))}</system-out></testcase>`;
  }
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
  ms: number;
}

const countAttrs = (counts: Counts): string =>
  `tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="${counts.skipped}"`;

/**
 * JUnit XML (the Ant/Jenkins dialect CI servers read) as pieces, one testcase at a time: one
 * testsuite per area, one testcase per finding. SPEC 8.9: only a finding that fails the run's gate
 * (--fail-on, --allow-inconclusive, the baseline) is a <failure>, so the CI page is red exactly when
 * the exit code is 1; every other non-pass finding is <skipped> with its message and why it does
 * not fail. <error> is left to what JUnit means by it (the test could not run): never written.
 * A suite's time is the sum of its findings' probe times (they ran concurrently, so the sum can
 * exceed the wall clock); the root's time is the scan's wall-clock duration.
 */
export function* junitChunks(report: Report, options: JunitOptions = {}): Chunks {
  const failOn = options.failOn ?? 'error';
  const allowInconclusive = options.allowInconclusive ?? false;
  const areas = AREAS.filter(
    (area: Area) =>
      report.rules.some((rule) => rule.area === area) || report.findings.some((finding) => finding.area === area),
  );
  // Counted first: a suite's attributes come before its testcases.
  const perArea = new Map<Area, Counts>(areas.map((area) => [area, { tests: 0, failures: 0, skipped: 0, ms: 0 }]));
  const total: Counts = { tests: 0, failures: 0, skipped: 0, ms: 0 };
  for (const finding of report.findings) {
    const outcome = outcomeOf(finding, failOn, allowInconclusive);
    for (const counts of [perArea.get(finding.area), total]) {
      if (!counts) continue;
      counts.tests++;
      if (outcome === 'failure') counts.failures++;
      if (outcome === 'skipped') counts.skipped++;
      counts.ms += Math.max(0, finding.durationMs);
    }
  }
  const timestamp = report.startedAt.slice(0, 19);
  const s = report.summary;
  // Repeated per suite: Ant/Jenkins JUnit allows properties only inside a testsuite.
  const properties = [
    ['verdict', s.verdict],
    ['verdictReason', s.verdictReason],
    ['failOn', failOn],
    ['allowInconclusive', String(allowInconclusive)],
    ['inventory', report.inventory.source],
    ['domains', report.inventory.domains.join(', ')],
    ['offline', String(report.offline)],
    ['vantage', report.vantage],
    ['asOf', report.asOf],
    ...(s.baseline
      ? [
          ['baseline', s.baseline.file],
          ['newSinceBaseline', String(s.baseline.new)],
          ['unchangedSinceBaseline', String(s.baseline.unchanged)],
          ['fixedSinceBaseline', String(s.baseline.fixed)],
        ]
      : []),
  ]
    .map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
    .join('\n');
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="${xmlAttr(report.tool.name)}" ${countAttrs(total)} time="${seconds(report.durationMs)}" timestamp="${xmlAttr(timestamp)}">\n`;
  for (const [id, area] of areas.entries()) {
    const counts = perArea.get(area)!;
    yield `  <testsuite id="${id}" name="${xmlAttr(AREA_LABELS[area])}" package="mra-preflight.${area}" ${countAttrs(counts)} time="${seconds(counts.ms)}" timestamp="${xmlAttr(timestamp)}">\n`;
    yield `    <properties>\n${properties}\n    </properties>\n`;
    for (const finding of report.findings) {
      if (finding.area !== area) continue;
      const outcome = outcomeOf(finding, failOn, allowInconclusive);
      yield `    ${testcase(finding, rules.get(finding.ruleId), outcome, failOn)}\n`;
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}

export function renderJunit(report: Report, options: JunitOptions = {}): string {
  return joinChunks(junitChunks(report, options));
}
