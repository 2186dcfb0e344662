import type { Area, Evidence, FixGroup, RuleVantage, Severity, Status } from '../checks/rule.js';

export type { Area, Evidence, FixGroup, Severity, Status };
export { AREAS, SEVERITIES, STATUSES } from '../checks/rule.js';

/** Where the scan looked from (SPEC 8.7); a merged report says `merged`. */
export type Vantage = 'internal' | 'external' | 'both';

export type BaselineState = 'new' | 'unchanged';

/** One finding as reported (JSON report `findings[]`); the rule's prose is in `report.rules[]`, once. */
export interface Finding {
  ruleId: string;
  rule: string;
  area: Area;
  status: Status;
  severity: Severity;
  target: string;
  messageId: string;
  message: string;
  evidence: Evidence;
  fingerprint: string;
  durationMs: number;
  /** What the engineer changes to fix it (the "fix first" list groups failures by this). */
  group?: FixGroup;
  baselineState?: BaselineState;
}

export type StatusCounts = Record<Status, number>;

/** A rule as the report carries it: its metadata and its prose, once per report. */
export interface ReportRule {
  id: string;
  slug: string;
  area: Area;
  severity: Severity;
  title: string;
  vantage: RuleVantage;
  rationale: string;
  remediation: string;
  source: string;
  helpUri: string;
  /** Rules this one defers to when they already report a target's problem. */
  requires?: string[];
}

/** SPEC 8.9: one readiness verdict that every format shows. */
export type Verdict = 'ready' | 'not-ready' | 'incomplete';

export interface NotJudged {
  area: Area;
  /** Why nothing in the area was judged (the distinct reasons of its skipped/inconclusive findings). */
  reasons: string[];
}

export interface Summary extends StatusCounts {
  bySeverity: Record<Severity, StatusCounts>;
  verdict: Verdict;
  /** One sentence: why the verdict is what it is. */
  verdictReason: string;
  /** Areas in scope that no finding judged (pass or fail), and why. */
  notJudged: NotJudged[];
  baseline?: { file: string; new: number; unchanged: number; fixed: number };
}

export interface Report {
  schemaVersion: 2;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  asOf: string;
  offline: boolean;
  vantage: Vantage | 'merged';
  /** The reports a `merge` combined, in order. */
  merged?: Array<{ file: string; vantage: Vantage | 'merged'; startedAt: string }>;
  inventory: { source: string; domains: string[]; nodes: number };
  summary: Summary;
  rules: ReportRule[];
  findings: Finding[];
}
