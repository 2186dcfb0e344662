import { expect } from 'vitest';
import { loadCatalog } from '../../src/engine/catalog.js';
import { runScan } from '../../src/engine/run.js';
import type { Finding, Report } from '../../src/engine/types.js';
import { fixtureInventory } from '../helpers/check.js';

/**
 * A scan of a user-style inventory with the real probes and every implemented check (or the
 * rules/areas in `only`), as `check` runs it. The per-check backstop is long, so a probe that
 * hangs shows up as the engine's `checkTimedOut` finding, which the hardening tests refuse.
 */
export async function hostileScan(
  inventory: Record<string, unknown>,
  options: { only?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv; inventoryFile?: string } = {},
): Promise<Report> {
  return runScan({
    inventory: fixtureInventory({
      inventory,
      ...(options.inventoryFile ? { inventoryFile: options.inventoryFile } : {}),
    }),
    catalog: await loadCatalog(),
    only: options.only ?? [],
    timeoutMs: options.timeoutMs ?? 400,
    checkTimeoutMs: 25_000,
    env: options.env ?? {},
    concurrency: 16,
  });
}

/** Engine messages: a probe that crashed or hung, instead of reporting a typed failure itself. */
const ENGINE_FALLBACKS = ['checkCrashed', 'checkTimedOut', 'noFindings'];

export function findingsFor(report: Report, ruleId: string, target: string): Finding[] {
  return report.findings.filter((finding) => finding.ruleId === ruleId && finding.target === target);
}

/**
 * The one finding of a rule for a target; it must be inconclusive, come from the probe's own
 * failure, and say so with the expected message (one id, or any of a few where the peer's timing
 * decides which failure the probe sees first).
 */
export function expectTypedInconclusive(
  report: Report,
  ruleId: string,
  target: string,
  messageId: string | readonly string[],
): Finding {
  const matching = findingsFor(report, ruleId, target);
  expect(
    matching,
    `${ruleId} ${target}: ${report.findings.map((f) => `${f.ruleId} ${f.target}=${f.status}/${f.messageId}`).join('; ')}`,
  ).toHaveLength(1);
  const finding = matching[0]!;
  expect(finding.status).toBe('inconclusive');
  expect(ENGINE_FALLBACKS).not.toContain(finding.messageId);
  expect(typeof messageId === 'string' ? [messageId] : messageId, `${ruleId} ${target}: ${finding.message}`).toContain(
    finding.messageId,
  );
  return finding;
}

export function expectNoEngineFallbacks(report: Report): void {
  const fallbacks = report.findings.filter((finding) => ENGINE_FALLBACKS.includes(finding.messageId));
  expect(fallbacks.map((finding) => `${finding.ruleId} ${finding.target}: ${finding.message}`)).toEqual([]);
}

/**
 * Runs `work` while sampling the resident set size; returns its result and the peak growth in MB.
 * Bounded memory is the point of the response-size caps: a 200 MB body must not be buffered.
 */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakGrowthMb: number }> {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakGrowthMb: (peak - baseline) / (1024 * 1024) };
  } finally {
    clearInterval(sampler);
  }
}
