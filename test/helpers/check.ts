import type { Rule, Services } from '../../src/checks/rule.js';
import { createServices } from '../../src/checks/services.js';
import { entryOf, loadCatalog, ruleNames, type Catalog } from '../../src/engine/catalog.js';
import { runScan } from '../../src/engine/run.js';
import type { Finding, Report, Vantage } from '../../src/engine/types.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { Limiter } from '../../src/probes/limiter.js';

export interface CheckFixture {
  /** Inventory as a user would write it (validated like a real one). */
  inventory: Record<string, unknown>;
  /** Folder relative paths resolve against (fixture files). */
  inventoryFile?: string;
  offline?: boolean;
  vantage?: Vantage;
  asOf?: Date;
  timeoutMs?: number;
  checkTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Replace some real probes with fakes (edge cases: SERVFAIL, truncation, malformed packets). */
  services?: Partial<Pick<Services, 'dns' | 'ntp' | 'certificates' | 'cucm' | 'expressway' | 'edge'>>;
  /**
   * The engine's own verdicts for a rule that threw or hung (`checkCrashed`, `checkTimedOut`) are
   * refused: a rule test that got one has found a crash, not an `inconclusive` judgement, even when
   * it only looked at the status. Only a test about that engine behaviour sets this.
   */
  allowEngineFailure?: boolean;
}

/** Engine messages that stand for a rule that failed to run (src/engine/messages.ts). */
export const ENGINE_FAILURES: ReadonlySet<string> = new Set(['checkCrashed', 'checkTimedOut']);

/**
 * Throws when a finding is the engine's crash or timeout verdict, or is skipped because a hidden
 * prerequisite rule crashed or hung (its findings are not in the report, only named in evidence).
 */
export function refuseEngineFailures(findings: readonly Finding[]): void {
  for (const finding of findings) {
    const prerequisite = (finding.evidence.prerequisite ?? {}) as { ruleId?: string; messageId?: string };
    const failed = ENGINE_FAILURES.has(finding.messageId)
      ? `${finding.ruleId}`
      : finding.messageId === 'prerequisiteFailed' && ENGINE_FAILURES.has(prerequisite.messageId ?? '')
        ? `its prerequisite ${prerequisite.ruleId}`
        : undefined;
    if (failed) {
      throw new Error(
        `${finding.ruleId} ${finding.target}: ${failed} did not run to a verdict (${finding.messageId}): ${finding.message}`,
      );
    }
  }
}

const catalog = await loadCatalog();

/** Every name the inventory's `rules:` accepts, from the registry (never a literal list). */
export const KNOWN_RULE_NAMES: ReadonlySet<string> = new Set(ruleNames(catalog.entries));

export function fixtureInventory(fixture: Pick<CheckFixture, 'inventory' | 'inventoryFile'>): Inventory {
  return normalizeInventory(fixture.inventory, fixture.inventoryFile ?? '<embedded>', KNOWN_RULE_NAMES);
}

/** The real catalog, or a private one holding a test's own rule (with placeholder prose). */
function catalogFor(rule: string | Rule): { catalog: Catalog; id: string } {
  if (typeof rule === 'string') return { catalog, id: rule };
  const prose = {
    rationale: 'test rule',
    procedure: [],
    remediation: 'fix it',
    source: 'test',
    helpUri: 'https://example.com/',
  };
  return {
    catalog: { entries: [entryOf(rule, prose)], modules: new Map([[rule.meta.id, rule]]) },
    id: rule.meta.id,
  };
}

/** Runs one rule (by id, or a rule object) through the real engine; returns its findings. */
export async function testCheck(rule: string | Rule, fixture: CheckFixture): Promise<Finding[]> {
  return (await testScan(rule, fixture)).findings;
}

export async function testScan(rule: string | Rule, fixture: CheckFixture): Promise<Report> {
  const { catalog: rules, id } = catalogFor(rule);
  if (!rules.modules.has(id)) throw new Error(`no rule ${id}`);
  const inventory = fixtureInventory(fixture);
  const offline = fixture.offline ?? false;
  const timeoutMs = fixture.timeoutMs ?? 2000;
  const services = createServices({
    inventory,
    offline,
    timeoutMs,
    limiter: new Limiter(16),
    signal: new AbortController().signal,
    env: fixture.env ?? process.env,
  });
  Object.assign(services, fixture.services);
  let report: Report;
  try {
    report = await runScan({
      inventory,
      catalog: rules,
      only: [id],
      offline,
      timeoutMs,
      vantage: fixture.vantage ?? 'both',
      ...(fixture.checkTimeoutMs ? { checkTimeoutMs: fixture.checkTimeoutMs } : {}),
      ...(fixture.asOf ? { asOf: fixture.asOf } : {}),
      services,
    });
  } finally {
    await services.close();
  }
  if (!fixture.allowEngineFailure) refuseEngineFailures(report.findings);
  return report;
}

/** The single finding for a target (fails the test when there is not exactly one). */
export function findingFor(findings: readonly Finding[], target: string): Finding {
  const matching = findings.filter((finding) => finding.target === target);
  if (matching.length !== 1) {
    const seen = findings.map((finding) => `${finding.target}=${finding.status}`).join(', ');
    throw new Error(`expected one finding for ${target}, got ${matching.length}: ${seen}`);
  }
  return matching[0]!;
}
