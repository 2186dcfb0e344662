import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Inventory } from '../inventory/types.js';
import type { RuleEntry } from './catalog.js';
import { Limiter } from '../probes/limiter.js';
import { renderMessage } from './message.js';
import { TOOL_VERSION } from './package-root.js';
import { createServices, unavailableReason, type ScanInputs, type Services } from '../checks/services.js';
import {
  SEVERITIES,
  STATUSES,
  type Check,
  type CheckFinding,
  type Finding,
  type Report,
  type Severity,
  type StatusCounts,
} from './types.js';

export interface ProgressEvent {
  type: 'start' | 'done';
  ruleId: string;
  done: number;
  total: number;
}

export interface ScanOptions {
  inventory: Inventory;
  catalog: readonly RuleEntry[];
  checks: readonly Check[];
  offline?: boolean;
  /** Rule ids or slugs; already validated against the catalog. */
  only?: readonly string[];
  skip?: readonly string[];
  /** Network operations in flight at once. */
  concurrency?: number;
  /** Bound of one network operation (ms). */
  timeoutMs?: number;
  /** Backstop for one whole check (ms); default 10 × timeoutMs, at least 20 s. */
  checkTimeoutMs?: number;
  asOf?: Date;
  env?: NodeJS.ProcessEnv;
  /** Offline inputs read before the scan (see loadCucmFiles). */
  inputs?: ScanInputs;
  /** Injected probes (tests); by default the real ones are built from the inventory. */
  services?: Services;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 64;
/** The deployment as a whole: the target of findings that are not about one peer. */
export const DEPLOYMENT_TARGET = 'deployment';

/** Messages the engine itself reports under a rule's id. */
const ENGINE_MESSAGES: Record<string, string> = {
  capabilityMissing: 'Skipped: {reason}.',
  checkCrashed: 'The check failed to run: {error}.',
  checkTimedOut: 'The check did not finish within {timeoutMs} ms.',
  noFindings: 'The check reported nothing to examine.',
};

export function fingerprint(ruleId: string, target: string, messageId: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${target}\u0000${messageId}`).digest('hex').slice(0, 32);
}

/** --only/--skip accept a rule's id, its slug, or its area (dns, ntp, cert, cucm, exp). */
const ruleMatches = (rule: RuleEntry, keys: readonly string[]): boolean =>
  keys.some((key) => key.toUpperCase() === rule.id || [rule.slug, rule.area].includes(key.toLowerCase()));

/** Rules that run: implemented, selected by --only/--skip, not turned off in the inventory. */
export function selectRules(
  catalog: readonly RuleEntry[],
  checks: readonly Check[],
  inventory: Inventory,
  only: readonly string[] = [],
  skip: readonly string[] = [],
): Array<{ rule: RuleEntry; check: Check; severity: Severity }> {
  const selected: Array<{ rule: RuleEntry; check: Check; severity: Severity }> = [];
  for (const rule of catalog) {
    const check = checks.find((candidate) => candidate.id === rule.id);
    if (!check) continue;
    if (only.length > 0 && !ruleMatches(rule, only)) continue;
    if (ruleMatches(rule, skip)) continue;
    const override = inventory.rules[rule.id] ?? inventory.rules[rule.slug];
    if (override === 'off') continue;
    selected.push({ rule, check, severity: override ?? rule.severity });
  }
  return selected;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

async function runOne(
  check: Check,
  services: Services,
  options: ScanOptions,
  now: Date,
  checkTimeoutMs: number,
): Promise<CheckFinding[]> {
  const controller = new AbortController();
  // Every probe call of the check listens on this signal until its exchange ends; with a dozen NTP
  // servers or TLS endpoints that passes Node's default of 10 and prints a bogus "possible
  // EventTarget memory leak" warning on stderr in the middle of a scan. The listeners are removed
  // as exchanges end, so there is no leak to warn about.
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckFinding[]>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('check deadline'));
      resolve([
        {
          target: DEPLOYMENT_TARGET,
          status: 'inconclusive',
          messageId: 'checkTimedOut',
          args: { timeoutMs: checkTimeoutMs },
        },
      ]);
    }, checkTimeoutMs);
  });
  try {
    const work = check
      .run({ inventory: options.inventory, policy: options.inventory.policy, now, signal: controller.signal, services })
      .then((findings) =>
        findings.length > 0
          ? findings
          : [{ target: DEPLOYMENT_TARGET, status: 'inconclusive' as const, messageId: 'noFindings' }],
      )
      .catch((error: unknown): CheckFinding[] => [
        {
          target: DEPLOYMENT_TARGET,
          status: 'inconclusive',
          messageId: 'checkCrashed',
          args: { error: errorText(error) },
        },
      ]);
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function emptyCounts(): StatusCounts {
  return { pass: 0, fail: 0, inconclusive: 0, skipped: 0 };
}

export function summarize(findings: readonly Finding[]): Report['summary'] {
  const summary: Report['summary'] = {
    ...emptyCounts(),
    bySeverity: { error: emptyCounts(), warning: emptyCounts(), info: emptyCounts() },
  };
  for (const finding of findings) {
    summary[finding.status]++;
    summary.bySeverity[finding.severity][finding.status]++;
  }
  return summary;
}

/** The signal the probes of a run share (every in-flight exchange listens on it; see runOne). */
function runSignal(signal: AbortSignal | undefined): AbortSignal {
  const shared = signal ?? new AbortController().signal;
  setMaxListeners(0, shared);
  return shared;
}

/** Runs the selected checks concurrently, each isolated, and returns the canonical report. */
export async function runScan(options: ScanOptions): Promise<Report> {
  const started = new Date();
  const now = options.asOf ?? started;
  const offline = options.offline ?? false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checkTimeoutMs = options.checkTimeoutMs ?? Math.max(20_000, 10 * timeoutMs);
  const selected = selectRules(options.catalog, options.checks, options.inventory, options.only, options.skip);
  const services =
    options.services ??
    createServices({
      inventory: options.inventory,
      offline,
      timeoutMs,
      limiter: new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY),
      signal: runSignal(options.signal),
      env: options.env ?? process.env,
      ...(options.inputs ? { inputs: options.inputs } : {}),
    });

  let done = 0;
  const perRule = await Promise.all(
    selected.map(async ({ rule, check, severity }) => {
      options.onProgress?.({ type: 'start', ruleId: rule.id, done, total: selected.length });
      const began = performance.now();
      const reason = check.needs
        .map((capability) => unavailableReason(capability, options.inventory, offline))
        .find((text) => text !== undefined);
      const raw: CheckFinding[] = reason
        ? [{ target: DEPLOYMENT_TARGET, status: 'skipped', messageId: 'capabilityMissing', args: { reason } }]
        : await runOne(check, services, options, now, checkTimeoutMs);
      const elapsed = Math.round(performance.now() - began);
      done++;
      options.onProgress?.({ type: 'done', ruleId: rule.id, done, total: selected.length });
      const messages: Record<string, string> = { ...ENGINE_MESSAGES, ...check.messages };
      return raw.map((item): Finding => {
        const template = messages[item.messageId] ?? `${item.messageId}`;
        const overridden = options.inventory.rules[rule.id] ?? options.inventory.rules[rule.slug];
        return {
          ruleId: rule.id,
          rule: rule.slug,
          area: rule.area,
          status: item.status,
          severity:
            overridden && overridden !== 'off' ? overridden : (rule.messageSeverity?.[item.messageId] ?? severity),
          target: item.target,
          messageId: item.messageId,
          message: renderMessage(template, item.args),
          evidence: item.evidence ?? {},
          remediation: rule.remediation,
          source: rule.source,
          fingerprint: fingerprint(rule.id, item.target, item.messageId),
          durationMs: item.durationMs ?? elapsed,
        };
      });
    }),
  );
  if (!options.services) await services.close();

  const findings = perRule.flat();
  const finished = new Date();
  return {
    schemaVersion: 1,
    tool: { name: 'mra-preflight', version: TOOL_VERSION },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    asOf: now.toISOString(),
    offline,
    inventory: {
      source: options.inventory.source,
      domains: options.inventory.domains,
      nodes: options.inventory.nodes.length,
    },
    summary: summarize(findings),
    rules: selected.map(({ rule, severity }) => ({
      id: rule.id,
      slug: rule.slug,
      area: rule.area,
      severity,
      title: rule.title,
    })),
    findings,
  };
}

export type FailOn = Severity;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Exit code of `check` (SPEC section 2): 1 when a finding fails the gate, else 0. */
export function gateExitCode(report: Report, failOn: FailOn = 'error', allowInconclusive = false): 0 | 1 {
  const failing = report.findings.some((finding) => {
    if (finding.baselineState === 'unchanged') return false;
    if (finding.status === 'inconclusive') return !allowInconclusive;
    return finding.status === 'fail' && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
  });
  return failing ? 1 : 0;
}

export { SEVERITIES, STATUSES };
