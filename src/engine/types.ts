import type { Inventory, Policy } from '../inventory/types.js';
import type { Services } from '../checks/services.js';

export type Status = 'pass' | 'fail' | 'inconclusive' | 'skipped';
export type Severity = 'error' | 'warning' | 'info';
export type Area = 'dns' | 'ntp' | 'cert' | 'cucm' | 'exp';

export const STATUSES: readonly Status[] = ['pass', 'fail', 'inconclusive', 'skipped'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const AREAS: readonly Area[] = ['dns', 'ntp', 'cert', 'cucm', 'exp'];

/**
 * What a check may need. The engine skips the check, with the reason, when a capability is
 * missing (offline run, nothing configured), so no check tests for it itself.
 */
export type Capability = 'dns-internal' | 'dns-external' | 'ntp' | 'certificates' | 'cucm' | 'expressway';

/** JSON-serialisable facts a person can re-check (records, rcode, chain subjects...). Never secrets. */
export type Evidence = Record<string, unknown>;

export type MessageArgs = Record<string, string | number | boolean>;

/** What a check returns for one target: data, not prose. The engine renders the message. */
export interface CheckFinding<M extends string = string> {
  target: string;
  status: Status;
  messageId: M;
  args?: MessageArgs;
  evidence?: Evidence;
  /** Time the probe behind this finding took, when the check knows it. */
  durationMs?: number;
}

export interface CheckContext {
  inventory: Inventory;
  policy: Policy;
  /** The instant certificate dates are judged at (--as-of, default: the start of the run). */
  now: Date;
  /** Aborted when the check's own deadline passes or the run is cancelled. */
  signal: AbortSignal;
  services: Services;
}

export interface Check<M extends string = string> {
  /** Permanent rule id; the catalog entry in rules/<id>.yaml carries slug, title, severity, prose. */
  id: string;
  needs: readonly Capability[];
  /** Message templates by id; `{name}` is replaced by args.name. */
  messages: Record<M, string>;
  run(ctx: CheckContext): Promise<CheckFinding<M>[]>;
}

/** ESLint-style: one module per rule, `export default defineCheck({...})`. */
export function defineCheck<M extends string>(check: Check<M>): Check<M> {
  return check;
}

export type BaselineState = 'new' | 'unchanged';

/** One finding as reported (JSON report `findings[]`). */
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
  remediation: string;
  source: string;
  fingerprint: string;
  durationMs: number;
  baselineState?: BaselineState;
}

export type StatusCounts = Record<Status, number>;

export interface ReportRule {
  id: string;
  slug: string;
  area: Area;
  severity: Severity;
  title: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  asOf: string;
  offline: boolean;
  inventory: { source: string; domains: string[]; nodes: number };
  summary: StatusCounts & {
    bySeverity: Record<Severity, StatusCounts>;
    baseline?: { file: string; new: number; unchanged: number };
  };
  rules: ReportRule[];
  findings: Finding[];
}
