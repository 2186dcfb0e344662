import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  DEPLOYMENT,
  isBlocked,
  type Blocked,
  type CheckFinding,
  type Need,
  type Rule,
  type Services,
} from '../checks/rule.js';
import { createServices, type ScanInputs } from '../checks/services.js';
import type { Inventory, RuleOverride } from '../inventory/types.js';
import { Limiter } from '../probes/limiter.js';
import { findRule, matchRule, type Catalog, type CatalogEntry } from './catalog.js';
import { capEvidence, MAX_FINDING_BYTES, MAX_STRING_LENGTH } from './evidence.js';
import { renderMessage } from './message.js';
import { ENGINE_MESSAGES, type EngineMessageId } from './messages.js';
import { TOOL_VERSION } from '../package/root.js';
import { areasInScope, summarize } from './summary.js';
import type { Finding, Report, ReportRule, Severity, Vantage } from './types.js';

export interface ProgressEvent {
  type: 'start' | 'done';
  ruleId: string;
  done: number;
  total: number;
}

export interface ScanOptions {
  inventory: Inventory;
  catalog: Catalog;
  offline?: boolean;
  /** Where the scan looks from (SPEC 8.7); default internal. */
  vantage?: Vantage;
  /** Rule ids, slugs or areas; already validated against the catalog. */
  only?: readonly string[];
  skip?: readonly string[];
  /** Network operations in flight at once. */
  concurrency?: number;
  /** Bound of one network operation (ms). */
  timeoutMs?: number;
  /** Backstop for one whole rule (ms); default 10 × timeoutMs, at least 20 s. */
  checkTimeoutMs?: number;
  asOf?: Date;
  env?: NodeJS.ProcessEnv;
  /** Offline inputs read before the scan (CUCM snapshot and BAT files). */
  inputs?: ScanInputs;
  /** Injected services (tests); by default the real ones are built from the inventory. */
  services?: Services;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 64;

export function fingerprint(ruleId: string, target: string, messageId: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${target}\u0000${messageId}`).digest('hex').slice(0, 32);
}

interface Selected {
  entry: CatalogEntry;
  rule: Rule;
  /** Run only because a selected rule requires it: its findings are not reported. */
  hidden: boolean;
}

/** Rules that run: selected by --only/--skip, not turned off in the inventory, plus their prerequisites. */
export function selectRules(
  catalog: Catalog,
  inventory: Inventory,
  only: readonly string[] = [],
  skip: readonly string[] = [],
): Selected[] {
  const wanted = new Set(
    catalog.entries
      .filter((entry) => only.length === 0 || only.some((name) => matchRule(entry, name)))
      .filter((entry) => !skip.some((name) => matchRule(entry, name)))
      .filter((entry) => overrideOf(entry, inventory) !== 'off')
      .map((entry) => entry.id),
  );
  const needed = new Set(wanted);
  const visit = (id: string): void => {
    for (const prerequisite of catalog.entries.find((entry) => entry.id === id)?.requires ?? []) {
      if (needed.has(prerequisite.rule)) continue;
      needed.add(prerequisite.rule);
      visit(prerequisite.rule);
    }
  };
  for (const id of wanted) visit(id);
  return catalog.entries
    .filter((entry) => needed.has(entry.id))
    .map((entry) => ({ entry, rule: catalog.modules.get(entry.id)!, hidden: !wanted.has(entry.id) }));
}

/** The inventory's `rules:` entry for a rule, by id or slug (case-insensitive). */
function overrideOf(entry: CatalogEntry, inventory: Inventory): RuleOverride | undefined {
  return Object.entries(inventory.rules).find(([name]) => findRule([entry], name) !== undefined)?.[1];
}

const reaches = (entry: CatalogEntry, vantage: Vantage): boolean =>
  entry.vantage === 'any' || vantage === 'both' || entry.vantage === vantage;

/** What the rules a run will judge need (their prerequisites included): what SPEC 8.3 checks before it starts. */
export function plannedNeeds(
  catalog: Catalog,
  inventory: Inventory,
  options: { only?: readonly string[]; skip?: readonly string[]; vantage?: Vantage } = {},
): Set<Need> {
  const vantage = options.vantage ?? 'internal';
  return new Set(
    selectRules(catalog, inventory, options.only, options.skip)
      .filter(({ entry, rule }) => reaches(entry, vantage) && !rule.meta.appliesTo?.(inventory))
      .flatMap(({ entry }) => entry.needs),
  );
}

/** The severity a finding is reported at: the inventory's override, else the message's, else the rule's. */
function severityOf(entry: CatalogEntry, inventory: Inventory, messageId: string): Severity {
  const override = overrideOf(entry, inventory);
  if (override && override !== 'off') return override;
  return entry.messages[messageId]?.severity ?? entry.severity;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);

type RawItem = CheckFinding | Blocked;

const engineFinding = (
  messageId: EngineMessageId,
  status: CheckFinding['status'],
  args: CheckFinding['args'] = {},
  target = DEPLOYMENT,
): CheckFinding => ({ target, status, messageId, args });

/** Runs one rule within its deadline; a throw or a hang is one inconclusive finding, never the run's end. */
async function runIsolated(
  rule: Rule,
  options: ScanOptions,
  services: Services,
  now: Date,
  checkTimeoutMs: number,
): Promise<RawItem[]> {
  const controller = new AbortController();
  // Every probe call of the rule listens on this signal until its exchange ends; with a dozen
  // NTP servers or TLS endpoints that passes Node's default of 10 listeners and prints a bogus
  // "possible EventTarget memory leak" warning in the middle of a scan.
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RawItem[]>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('check deadline'));
      resolve([engineFinding('checkTimedOut', 'inconclusive', { timeoutMs: checkTimeoutMs })]);
    }, checkTimeoutMs);
  });
  try {
    const ctx = {
      inventory: options.inventory,
      policy: options.inventory.policy,
      now,
      signal: controller.signal,
      services,
    };
    const work = rule
      .run(ctx)
      .then((result): RawItem[] => {
        if ('notInScope' in result) return [engineFinding('nothingInScope', 'skipped', { reason: result.notInScope })];
        return result.length > 0
          ? result
          : [engineFinding('nothingInScope', 'skipped', { reason: `no ${rule.meta.scope}` })];
      })
      .catch((error: unknown) => [engineFinding('checkCrashed', 'inconclusive', { error: errorText(error) })]);
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Why the rule cannot run here: the wrong vantage, an inventory it does not apply to, or a need the run cannot
 * meet.
 */
async function precondition(
  { entry, rule }: Selected,
  inventory: Inventory,
  vantage: Vantage,
  services: Services,
): Promise<CheckFinding | undefined> {
  if (!reaches(entry, vantage)) return engineFinding('wrongVantage', 'skipped', { needed: entry.vantage, vantage });
  const notApplicable = rule.meta.appliesTo?.(inventory);
  if (notApplicable) return engineFinding('nothingInScope', 'skipped', { reason: notApplicable });
  const unavailable = await services.availability(entry.needs);
  return unavailable ? engineFinding('needUnavailable', unavailable.status, { reason: unavailable.reason }) : undefined;
}

/** A prerequisite's findings that stop dependents: fail or inconclusive (with a listed message when given). */
function blockers(entry: CatalogEntry, results: ReadonlyMap<string, Finding[]>): Map<string, Finding> {
  const blocking = new Map<string, Finding>();
  for (const prerequisite of entry.requires) {
    for (const finding of results.get(prerequisite.rule) ?? []) {
      // Listed messages block whatever their status (a prerequisite that could not establish a
      // version skips it); without a list, any fail or inconclusive does, and a target a
      // prerequisite itself left to its own prerequisite stays unjudged down the chain.
      const stops = prerequisite.messages
        ? finding.status !== 'pass' && prerequisite.messages.includes(finding.messageId)
        : finding.status === 'fail' || finding.status === 'inconclusive';
      const chained = finding.status === 'skipped' && finding.messageId === 'prerequisiteFailed';
      if ((!stops && !chained) || blocking.has(finding.target)) continue;
      blocking.set(finding.target, finding);
    }
  }
  return blocking;
}

/** Replaces what a prerequisite already reports with the one standard skipped finding naming it. */
function applyPrerequisites(
  entry: CatalogEntry,
  items: RawItem[],
  results: ReadonlyMap<string, Finding[]>,
): CheckFinding[] {
  if (entry.requires.length === 0) return items.filter((item): item is CheckFinding => !isBlocked(item));
  const blocking = blockers(entry, results);
  return items.map((item): CheckFinding => {
    const dependencies = item.dependsOn ?? [item.target];
    const blocker = dependencies.map((target) => blocking.get(target)).find((finding) => finding !== undefined);
    if (blocker) {
      return {
        target: item.target,
        status: 'skipped',
        messageId: 'prerequisiteFailed',
        args: {
          prerequisite: blocker.ruleId,
          dependency: blocker.target,
          outcome: blocker.status,
          detail: blocker.message,
        },
        evidence: {
          prerequisite: {
            ruleId: blocker.ruleId,
            target: blocker.target,
            status: blocker.status,
            messageId: blocker.messageId,
          },
        },
        durationMs: 0,
      };
    }
    if (isBlocked(item)) {
      const prerequisites = entry.requires.map((prerequisite) => prerequisite.rule).join(', ');
      return { target: item.target, status: 'inconclusive', messageId: 'prerequisiteMissing', args: { prerequisites } };
    }
    return item;
  });
}

/** A rule's finding as reported: rendered message, severity, bounded evidence, fingerprint, fix group. */
function render(entry: CatalogEntry, rule: Rule, item: CheckFinding, inventory: Inventory, elapsedMs: number): Finding {
  const template =
    entry.messages[item.messageId]?.text ?? ENGINE_MESSAGES[item.messageId as EngineMessageId] ?? item.messageId;
  const target = item.target.length > MAX_STRING_LENGTH ? `${item.target.slice(0, MAX_STRING_LENGTH)}…` : item.target;
  const group = item.status === 'fail' ? rule.meta.fixGroup?.(item) : undefined;
  const finding: Finding = {
    ruleId: entry.id,
    rule: entry.slug,
    area: entry.area,
    status: item.status,
    severity: severityOf(entry, inventory, item.messageId),
    target,
    messageId: item.messageId,
    message: renderMessage(template, item.args),
    evidence: {},
    fingerprint: fingerprint(entry.id, target, item.messageId),
    durationMs: item.durationMs ?? elapsedMs,
    ...(group ? { group } : {}),
  };
  const budget = MAX_FINDING_BYTES - Buffer.byteLength(JSON.stringify(finding));
  finding.evidence = capEvidence(item.evidence ?? {}, budget);
  return finding;
}

export function reportRule(entry: CatalogEntry, inventory: Inventory): ReportRule {
  return {
    id: entry.id,
    slug: entry.slug,
    area: entry.area,
    severity: severityOf(entry, inventory, ''),
    title: entry.title,
    vantage: entry.vantage,
    rationale: entry.rationale,
    remediation: entry.remediation,
    source: entry.source,
    helpUri: entry.helpUri,
    ...(entry.requires.length > 0 ? { requires: entry.requires.map((prerequisite) => prerequisite.rule) } : {}),
  };
}

/** The signal the probes of a run share (every in-flight exchange listens on it; see runIsolated). */
function runSignal(signal: AbortSignal | undefined): AbortSignal {
  const shared = signal ?? new AbortController().signal;
  setMaxListeners(0, shared);
  return shared;
}

/**
 * Runs the selected rules concurrently, each isolated, prerequisites first, and returns the
 * canonical report (schema/report.schema.json) every format is rendered from.
 */
export async function runScan(options: ScanOptions): Promise<Report> {
  const started = new Date();
  const now = options.asOf ?? started;
  const offline = options.offline ?? false;
  const vantage = options.vantage ?? 'internal';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checkTimeoutMs = options.checkTimeoutMs ?? Math.max(20_000, 10 * timeoutMs);
  const selected = selectRules(options.catalog, options.inventory, options.only, options.skip);
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
  const reachable = selected.filter(
    ({ entry, rule }) => reaches(entry, vantage) && !rule.meta.appliesTo?.(options.inventory),
  );
  services.prepare(new Set<Need>(reachable.flatMap(({ entry }) => entry.needs)));

  const visible = selected.filter((item) => !item.hidden).length;
  let done = 0;
  const results = new Map<string, Finding[]>();
  const pending = new Map<string, Promise<Finding[]>>();
  const judge = ({ entry, rule, hidden }: Selected): Promise<Finding[]> => {
    let promise = pending.get(entry.id);
    if (promise) return promise;
    promise = (async () => {
      const prerequisites = selected.filter((item) =>
        entry.requires.some((prerequisite) => prerequisite.rule === item.entry.id),
      );
      await Promise.all(prerequisites.map(judge));
      if (!hidden) options.onProgress?.({ type: 'start', ruleId: entry.id, done, total: visible });
      const began = performance.now();
      const blockedBy = await precondition({ entry, rule, hidden }, options.inventory, vantage, services);
      const raw = blockedBy ? [blockedBy] : await runIsolated(rule, options, services, now, checkTimeoutMs);
      const elapsed = Math.round(performance.now() - began);
      const findings = applyPrerequisites(entry, raw, results).map((item) =>
        render(entry, rule, item, options.inventory, elapsed),
      );
      results.set(entry.id, findings);
      if (!hidden) options.onProgress?.({ type: 'done', ruleId: entry.id, done: ++done, total: visible });
      return findings;
    })();
    pending.set(entry.id, promise);
    return promise;
  };
  await Promise.all(selected.map(judge));
  if (!options.services) await services.close();

  const findings = selected.filter((item) => !item.hidden).flatMap(({ entry }) => results.get(entry.id) ?? []);
  const finished = new Date();
  return {
    schemaVersion: 2,
    tool: { name: 'mra-preflight', version: TOOL_VERSION },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    asOf: now.toISOString(),
    offline,
    vantage,
    inventory: {
      source: options.inventory.source,
      domains: options.inventory.domains,
      nodes: options.inventory.nodes.length,
    },
    summary: summarize(findings, areasInScope({ findings })),
    rules: selected.filter((item) => !item.hidden).map(({ entry }) => reportRule(entry, options.inventory)),
    findings,
  };
}
