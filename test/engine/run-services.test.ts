import { describe, expect, it, vi } from 'vitest';
import type { Need, Services } from '../../src/checks/rule.js';
import { createServices, type ServiceOptions } from '../../src/checks/services.js';
import { runScan } from '../../src/engine/run.js';
import { Limiter } from '../../src/probes/limiter.js';
import { fixtureInventory } from '../helpers/check.js';
import { catalogOf, testRule } from './test-rules.js';

/**
 * What runScan hands the services it builds (timeout, inputs, the run's signal), what it tells
 * them to prepare, and that it closes what it built and only that. createServices is wrapped, not
 * replaced: the services are the real ones.
 */
const built = vi.hoisted(() => [] as Array<{ options: ServiceOptions; close: ReturnType<typeof vi.fn> }>);

vi.mock('../../src/checks/services.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/checks/services.js')>();
  return {
    ...real,
    createServices: (options: ServiceOptions): Services => {
      const services = real.createServices(options);
      const close = vi.fn(services.close.bind(services));
      built.push({ options, close });
      return { ...services, close };
    },
  };
});

const inventory = fixtureInventory({ inventory: { domains: ['example.com'] } });
const pass = testRule('MRA-DNS-001', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }]);

describe('the services runScan builds', () => {
  it('get the run timeout, the offline inputs and the run signal, and are closed once', async () => {
    built.length = 0;
    const controller = new AbortController();
    const inputs = {};
    await runScan({
      inventory,
      catalog: catalogOf(pass),
      offline: true,
      timeoutMs: 1234,
      inputs,
      signal: controller.signal,
    });
    expect(built).toHaveLength(1);
    const [{ options, close }] = built as [(typeof built)[number]];
    expect(options).toMatchObject({ offline: true, timeoutMs: 1234 });
    expect(options.inputs).toBe(inputs);
    expect(options.signal).toBe(controller.signal);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('share a signal of their own when the run has none, and get no inputs when none were read', async () => {
    built.length = 0;
    await runScan({ inventory, catalog: catalogOf(pass), offline: true });
    const [{ options }] = built as [(typeof built)[number]];
    expect(options.signal).toBeInstanceOf(AbortSignal);
    expect(options.signal?.aborted).toBe(false);
    expect(options.timeoutMs).toBe(5000);
    expect('inputs' in options).toBe(false);
  });
});

describe('injected services', () => {
  it('are prepared for the needs of reachable, applicable rules only, and are not closed by the run', async () => {
    const prepared: Array<ReadonlySet<Need>> = [];
    const close = vi.fn(async () => undefined);
    const services: Services = {
      ...createServices({
        inventory,
        offline: true,
        timeoutMs: 100,
        limiter: new Limiter(1),
        signal: new AbortController().signal,
        env: {},
      }),
      prepare: (needs) => void prepared.push(needs),
      close,
    };
    built.length = 0;
    const inside = testRule('MRA-DNS-001', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }], {
      needs: ['dns.internal'],
    });
    const outside = testRule('MRA-EDGE-001', async () => [], { needs: ['turn'], vantage: 'external' });
    const elsewhere = testRule('MRA-NTP-001', async () => [], { needs: ['ntp'], appliesTo: () => 'no NTP here' });
    const report = await runScan({ inventory, catalog: catalogOf(inside, outside, elsewhere), services });
    expect(prepared.map((needs) => [...needs])).toEqual([['dns.internal']]);
    expect(close).not.toHaveBeenCalled();
    expect(built).toEqual([]);
    expect(report.findings.map((item) => [item.ruleId, item.status, item.messageId])).toEqual([
      ['MRA-DNS-001', 'skipped', 'needUnavailable'],
      ['MRA-EDGE-001', 'skipped', 'wrongVantage'],
      ['MRA-NTP-001', 'skipped', 'nothingInScope'],
    ]);
  });
});
