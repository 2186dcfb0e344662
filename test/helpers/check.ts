import { ALL_CHECKS } from '../../src/checks/index.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { Limiter } from '../../src/probes/limiter.js';
import { runScan } from '../../src/engine/run.js';
import { createServices, type Services } from '../../src/checks/services.js';
import type { Check, Finding, Report } from '../../src/engine/types.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';

export interface CheckFixture {
  /** Inventory as a user would write it (validated like a real one). */
  inventory: Record<string, unknown>;
  /** Folder relative paths resolve against (fixture files). */
  inventoryFile?: string;
  offline?: boolean;
  asOf?: Date;
  timeoutMs?: number;
  checkTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Replace some real probes with fakes (edge cases: SERVFAIL, truncation, malformed packets). */
  services?: Partial<Omit<Services, 'close'>>;
}

export function fixtureInventory(fixture: CheckFixture): Inventory {
  const catalog = loadCatalog();
  const known = new Set(catalog.flatMap((rule) => [rule.id, rule.slug]));
  return normalizeInventory(fixture.inventory, fixture.inventoryFile ?? '<embedded>', known);
}

/** Runs one rule (by id, or a check object) through the real engine; returns its findings. */
export async function testCheck(rule: string | Check, fixture: CheckFixture): Promise<Finding[]> {
  return (await testScan(rule, fixture)).findings;
}

export async function testScan(rule: string | Check, fixture: CheckFixture): Promise<Report> {
  const check = typeof rule === 'string' ? ALL_CHECKS.find((candidate) => candidate.id === rule) : rule;
  if (!check) throw new Error(`no check for ${String(rule)}`);
  const inventory = fixtureInventory(fixture);
  const offline = fixture.offline ?? false;
  const timeoutMs = fixture.timeoutMs ?? 2000;
  const real = createServices({
    inventory,
    offline,
    timeoutMs,
    limiter: new Limiter(16),
    signal: new AbortController().signal,
    env: fixture.env ?? process.env,
  });
  const services: Services = { ...real, ...fixture.services, close: () => real.close() };
  try {
    return await runScan({
      inventory,
      catalog: loadCatalog(),
      checks: [check],
      only: [check.id],
      offline,
      timeoutMs,
      ...(fixture.checkTimeoutMs ? { checkTimeoutMs: fixture.checkTimeoutMs } : {}),
      ...(fixture.asOf ? { asOf: fixture.asOf } : {}),
      services,
    });
  } finally {
    await services.close();
  }
}

/** The single finding for a target (fails the test when there is not exactly one). */
export function findingFor(findings: readonly Finding[], target: string): Finding {
  const matching = findings.filter((finding) => finding.target === target);
  if (matching.length !== 1) {
    throw new Error(
      `expected one finding for ${target}, got ${matching.length}: ${findings.map((f) => `${f.target}=${f.status}`).join(', ')}`,
    );
  }
  return matching[0]!;
}
