import type { Area, Finding, Report, ReportRule } from '../engine/types.js';
import { AREAS } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';

export interface JunitOptions {
  color?: boolean;
}

/**
 * XML 1.0 cannot carry most C0 controls, lone surrogates or U+FFFE/U+FFFF even as character
 * references, and a banner or certificate field from a hostile peer may hold them: strip them.
 */
const INVALID_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(value: unknown): string {
  return String(value).replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep their quotes and line breaks (a parser would fold raw ones to spaces). */
export function xmlAttr(value: unknown): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function details(finding: Finding, rule: ReportRule | undefined): string {
  const lines = [
    finding.message,
    `rule: ${finding.ruleId} ${finding.rule}`,
    `severity: ${finding.severity}`,
    `target: ${finding.target}`,
  ];
  if (finding.baselineState) lines.push(`baseline: ${finding.baselineState}`);
  if (rule) lines.push(`remediation: ${rule.remediation}`, `source: ${rule.source}`);
  lines.push(`evidence: ${JSON.stringify(finding.evidence, null, 2)}`);
  return lines.join('\n');
}

function testcase(finding: Finding, rule: ReportRule | undefined): string {
  const open = `<testcase name="${xmlAttr(`${finding.ruleId} ${finding.rule}: ${finding.target}`)}" classname="${xmlAttr(`mra-preflight.${finding.area}.${finding.ruleId}`)}" time="${seconds(finding.durationMs)}">`;
  // A finding accepted by the baseline does not fail the gate; the message says so, since JUnit
  // itself has no notion of a suppressed failure.
  const accepted = finding.baselineState === 'unchanged' ? ' (unchanged since baseline)' : '';
  switch (finding.status) {
    case 'fail':
      return `${open}<failure message="${xmlAttr(finding.message + accepted)}" type="${finding.severity}">${xmlText(details(finding, rule))}</failure></testcase>`;
    case 'inconclusive':
      return `${open}<error message="${xmlAttr(finding.message + accepted)}" type="inconclusive">${xmlText(details(finding, rule))}</error></testcase>`;
    case 'skipped':
      return `${open}<skipped message="${xmlAttr(finding.message)}"/></testcase>`;
    case 'pass':
      return `${open}<system-out>${xmlText(details(finding, rule))}</system-out></testcase>`;
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function count(findings: readonly Finding[]): Counts {
  return {
    tests: findings.length,
    failures: findings.filter((finding) => finding.status === 'fail').length,
    errors: findings.filter((finding) => finding.status === 'inconclusive').length,
    skipped: findings.filter((finding) => finding.status === 'skipped').length,
    ms: findings.reduce((sum, finding) => sum + Math.max(0, finding.durationMs), 0),
  };
}

const countAttrs = (counts: Counts): string =>
  `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"`;

/**
 * JUnit XML (the Ant/Jenkins dialect CI servers read): one testsuite per area, one testcase per
 * finding. A suite's time is the sum of its findings' probe times (they ran concurrently, so the
 * sum can exceed the wall clock); the root's time is the scan's wall-clock duration.
 */
export function renderJunit(report: Report, _options: JunitOptions = {}): string {
  const areas = AREAS.filter(
    (area: Area) =>
      report.rules.some((rule) => rule.area === area) || report.findings.some((finding) => finding.area === area),
  );
  const timestamp = report.startedAt.slice(0, 19);
  // Repeated per suite: Ant/Jenkins JUnit allows properties only inside a testsuite.
  const properties = [
    ['inventory', report.inventory.source],
    ['domains', report.inventory.domains.join(', ')],
    ['offline', String(report.offline)],
    ['asOf', report.asOf],
    ...(report.summary.baseline
      ? [
          ['baseline', report.summary.baseline.file],
          ['newSinceBaseline', String(report.summary.baseline.new)],
        ]
      : []),
  ]
    .map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
    .join('\n');
  const propertiesBlock = `    <properties>\n${properties}\n    </properties>`;
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const suites = areas.map((area, id) => {
    const findings = report.findings.filter((finding) => finding.area === area);
    const counts = count(findings);
    return [
      `  <testsuite id="${id}" name="${xmlAttr(AREA_LABELS[area])}" package="mra-preflight.${area}" ${countAttrs(counts)} time="${seconds(counts.ms)}" timestamp="${xmlAttr(timestamp)}">`,
      propertiesBlock,
      ...findings.map((finding) => `    ${testcase(finding, rules.get(finding.ruleId))}`),
      '  </testsuite>',
    ].join('\n');
  });
  const total = count(report.findings);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(report.tool.name)}" ${countAttrs(total)} time="${seconds(report.durationMs)}" timestamp="${xmlAttr(timestamp)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
