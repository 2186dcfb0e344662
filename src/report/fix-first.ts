import type { Finding, Report, ReportRule, Severity } from '../engine/types.js';
import { menuPaths, distinctPaths } from './menu-path.js';
import { AREA_RANK, compareFindings, SEVERITY_RANK } from './order.js';

/**
 * Issue 18's "fix first" list: the failures grouped by what the engineer changes (one phone
 * security profile, one certificate, one DNS zone: the `group` each rule's `meta.fixGroup` gives a
 * failing finding), errors before warnings, so four findings that are one wrong profile read as one
 * thing to do. A failure without a group is its own item.
 */

export interface FixRule {
  id: string;
  /** Undefined when the report does not list the rule (a hand-edited or truncated report). */
  rule: ReportRule | undefined;
  /** How many of the item's findings this rule reported. */
  count: number;
}

export interface FixItem {
  /** The group key, or `finding:<fingerprint>` for a failure without a group. */
  key: string;
  /** What to change: "phone security profile Cisco 7841 - Standard SIP Authenticated Profile". */
  label: string;
  /** The highest severity among its findings. */
  severity: Severity;
  /** The failing findings the change resolves, in report order (status, severity, area, rule, target). */
  findings: Finding[];
  /** The rules behind them, each once, with its remediation in `rule`. */
  rules: FixRule[];
  /** The admin menu paths the rules' remediation names, each once. */
  menuPaths: string[];
  /** How many of its findings are new since the baseline (0 without one). */
  newSinceBaseline: number;
}

/** The fix-first list of a report: errors first, then by area (DNS before certificates before CUCM), then size. */
export function fixFirst(report: Report): FixItem[] {
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const items = new Map<string, FixItem>();
  for (const finding of report.findings) {
    if (finding.status !== 'fail') continue;
    const key = finding.group?.key ?? `finding:${finding.fingerprint}`;
    let item = items.get(key);
    if (!item) {
      item = {
        key,
        label: finding.group?.label ?? `${finding.target} (${finding.ruleId})`,
        severity: finding.severity,
        findings: [],
        rules: [],
        menuPaths: [],
        newSinceBaseline: 0,
      };
      items.set(key, item);
    }
    item.findings.push(finding);
    if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[item.severity]) item.severity = finding.severity;
    if (finding.baselineState === 'new') item.newSinceBaseline++;
    const known = item.rules.find((entry) => entry.id === finding.ruleId);
    if (known) known.count++;
    else item.rules.push({ id: finding.ruleId, rule: rules.get(finding.ruleId), count: 1 });
  }
  const list = [...items.values()];
  for (const item of list) {
    item.findings.sort(compareFindings);
    item.rules.sort((a, b) => a.id.localeCompare(b.id));
    item.menuPaths = distinctPaths(item.rules.flatMap((entry) => menuPaths(entry.rule?.remediation ?? '')));
  }
  return list.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      AREA_RANK[a.findings[0]!.area] - AREA_RANK[b.findings[0]!.area] ||
      b.findings.length - a.findings.length ||
      a.label.localeCompare(b.label),
  );
}

/** Inconclusive findings by rule: not fixes, but what the scan could not decide and a person must look at. */
export function undecided(report: Report): Array<{ id: string; rule: ReportRule | undefined; findings: Finding[] }> {
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const byRule = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    if (finding.status !== 'inconclusive') continue;
    const list = byRule.get(finding.ruleId) ?? [];
    list.push(finding);
    byRule.set(finding.ruleId, list);
  }
  return [...byRule.entries()]
    .map(([id, findings]) => ({ id, rule: rules.get(id), findings: findings.sort(compareFindings) }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.findings[0]!.severity] - SEVERITY_RANK[b.findings[0]!.severity] ||
        AREA_RANK[a.findings[0]!.area] - AREA_RANK[b.findings[0]!.area] ||
        a.id.localeCompare(b.id),
    );
}
