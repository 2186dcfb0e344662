import { describe, expect, it } from 'vitest';
import { blocked } from '../../src/checks/rule.js';
import { fingerprint, plannedNeeds, runScan, selectRules, type ProgressEvent } from '../../src/engine/run.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import { fixtureInventory } from '../helpers/check.js';
import { catalogOf, testRule as rule } from './test-rules.js';

/** The engine's bookkeeping that rule tests do not see: progress, cancellation, chains, limits. */
const inventory = fixtureInventory({ inventory: { domains: ['example.com'] } });

describe('runScan bookkeeping', () => {
  it('reports progress for the selected rules only, with running counts', async () => {
    const base = rule('MRA-DNS-001', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }]);
    const dependent = rule('MRA-DNS-002', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }], {
      requires: ['MRA-DNS-001'],
    });
    const other = rule('MRA-DNS-003', async () => [{ target: 'b', status: 'pass', messageId: 'ok' }]);
    const events: ProgressEvent[] = [];
    await runScan({
      inventory,
      catalog: catalogOf(base, dependent, other),
      only: ['MRA-DNS-002', 'MRA-DNS-003'],
      offline: true,
      onProgress: (event) => events.push(event),
    });
    expect(events.filter((event) => event.ruleId === 'MRA-DNS-001')).toEqual([]);
    expect(events.map((event) => [event.type, event.ruleId, event.total])).toEqual(
      expect.arrayContaining([
        ['start', 'MRA-DNS-002', 2],
        ['done', 'MRA-DNS-002', 2],
        ['start', 'MRA-DNS-003', 2],
        ['done', 'MRA-DNS-003', 2],
      ]),
    );
    expect(events).toHaveLength(4);
    expect(events.filter((event) => event.type === 'done').map((event) => event.done)).toEqual([1, 2]);
  });

  it('aborts the signal a rule sees when the run is cancelled', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const waits = rule('MRA-DNS-001', async (ctx) => {
      seen = ctx.signal;
      controller.abort(new Error('stop'));
      return [{ target: 'a', status: 'pass', messageId: 'ok' }];
    });
    await runScan({ inventory, catalog: catalogOf(waits), offline: true, signal: controller.signal });
    expect(seen?.aborted).toBe(true);
  });

  it('judges at --as-of and hands the rule the inventory policy', async () => {
    const asOf = new Date('2030-01-02T03:04:05Z');
    let now: Date | undefined;
    let maxStratum: number | undefined;
    const clock = rule('MRA-DNS-001', async (ctx) => {
      now = ctx.now;
      maxStratum = ctx.policy.maxNtpStratum;
      return [{ target: 'a', status: 'pass', messageId: 'ok' }];
    });
    const report = await runScan({ inventory, catalog: catalogOf(clock), offline: true, asOf });
    expect(now?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(report.asOf).toBe('2030-01-02T03:04:05.000Z');
    expect(maxStratum).toBe(3);
  });

  it('is inconclusive naming the prerequisites when a rule leaves a target none of them reported', async () => {
    const base = rule('MRA-NTP-001', async () => [{ target: 's1', status: 'pass', messageId: 'ok' }]);
    const dependent = rule('MRA-NTP-002', async () => [blocked('s1'), blocked('s9')], { requires: ['MRA-NTP-001'] });
    const report = await runScan({
      inventory,
      catalog: catalogOf(base, dependent),
      only: ['MRA-NTP-002'],
      offline: true,
    });
    expect(report.findings.map((item) => [item.target, item.status, item.messageId, item.message])).toEqual([
      [
        's1',
        'inconclusive',
        'prerequisiteMissing',
        'Could not be judged: data it depends on is missing, and MRA-NTP-001 gave no reason.',
      ],
      [
        's9',
        'inconclusive',
        'prerequisiteMissing',
        'Could not be judged: data it depends on is missing, and MRA-NTP-001 gave no reason.',
      ],
    ]);
  });

  it('drops blocked targets of a rule without prerequisites, and chains a skip down a chain of prerequisites', async () => {
    const loose = rule('MRA-DNS-001', async () => [
      blocked('gone'),
      { target: 'kept', status: 'pass', messageId: 'ok' },
    ]);
    const solo = await runScan({ inventory, catalog: catalogOf(loose), offline: true });
    expect(solo.findings.map((item) => item.target)).toEqual(['kept']);

    const first = rule('MRA-CERT-001', async () => [{ target: 't', status: 'fail', messageId: 'bad', args: { x: 1 } }]);
    const second = rule('MRA-CERT-002', async () => [blocked('t')], { requires: ['MRA-CERT-001'] });
    const third = rule('MRA-CERT-003', async () => [{ target: 't', status: 'pass', messageId: 'ok' }], {
      requires: ['MRA-CERT-002'],
    });
    const chain = await runScan({
      inventory,
      catalog: catalogOf(first, second, third),
      only: ['MRA-CERT-003'],
      offline: true,
    });
    expect(chain.rules.map((entry) => entry.id)).toEqual(['MRA-CERT-003']);
    expect(chain.findings).toMatchObject([
      {
        ruleId: 'MRA-CERT-003',
        status: 'skipped',
        messageId: 'prerequisiteFailed',
        message:
          'Not judged: MRA-CERT-002 reports t as skipped (Not judged: MRA-CERT-001 reports t as fail (Bad 1.).).',
      },
    ]);
  });

  it('cuts a target longer than 2,000 characters and fingerprints what it reports', async () => {
    const long = 'x'.repeat(2500);
    const wide = rule('MRA-DNS-001', async () => [{ target: long, status: 'pass', messageId: 'ok' }]);
    const [item] = (await runScan({ inventory, catalog: catalogOf(wide), offline: true })).findings;
    expect(item!.target).toBe(`${'x'.repeat(2000)}…`);
    expect(item!.fingerprint).toBe(fingerprint('MRA-DNS-001', item!.target, 'ok'));
    const exact = rule('MRA-DNS-001', async () => [{ target: 'y'.repeat(2000), status: 'pass', messageId: 'ok' }]);
    const [kept] = (await runScan({ inventory, catalog: catalogOf(exact), offline: true })).findings;
    expect(kept!.target).toBe('y'.repeat(2000));
  });

  it('groups failures only, and keeps the duration a rule measured', async () => {
    const grouped = rule(
      'MRA-DNS-001',
      async () => [
        { target: 'a', status: 'fail', messageId: 'bad', durationMs: 42 },
        { target: 'b', status: 'pass', messageId: 'ok' },
        { target: 'c', status: 'inconclusive', messageId: 'bad' },
      ],
      { fixGroup: (finding) => ({ key: `k:${finding.target}`, label: finding.target }) },
    );
    const findings = (await runScan({ inventory, catalog: catalogOf(grouped), offline: true })).findings;
    expect(findings.map((item) => item.group)).toEqual([{ key: 'k:a', label: 'a' }, undefined, undefined]);
    expect(findings[0]!.durationMs).toBe(42);
    expect(findings[1]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('renders a message the rule did not declare as its id, placeholders filled', async () => {
    const odd = rule('MRA-DNS-001', async () => [{ target: 'a', status: 'pass', messageId: 'undeclared' }]);
    const [item] = (await runScan({ inventory, catalog: catalogOf(odd), offline: true })).findings;
    expect(item!.message).toBe('undeclared');
  });

  it('turns a rule off by slug, overrides its severity by id, and reports the override in report.rules', async () => {
    const a = rule('MRA-DNS-001', async () => [{ target: 'a', status: 'fail', messageId: 'bad' }]);
    const b = rule('MRA-DNS-002', async () => [{ target: 'b', status: 'fail', messageId: 'bad' }]);
    const configured = normalizeInventory(
      { domains: ['example.com'], rules: { 'slug-mra-dns-001': 'off', 'mra-dns-002': 'warning' } },
      '<embedded>',
      new Set(['slug-mra-dns-001', 'mra-dns-002']),
    );
    const report = await runScan({ inventory: configured, catalog: catalogOf(a, b), offline: true });
    expect(report.rules.map((entry) => [entry.id, entry.severity])).toEqual([['MRA-DNS-002', 'warning']]);
    expect(report.findings.map((item) => [item.ruleId, item.severity])).toEqual([['MRA-DNS-002', 'warning']]);
  });
});

describe('selectRules and plannedNeeds', () => {
  const a = rule('MRA-DNS-001', async () => [], { needs: ['dns.internal'] });
  const b = rule('MRA-DNS-002', async () => [], { needs: ['dns.external'], requires: ['MRA-DNS-001'], vantage: 'any' });
  const c = rule('MRA-NTP-001', async () => [], { needs: ['ntp'], appliesTo: () => 'never here' });
  const d = rule('MRA-EDGE-001', async () => [], { needs: ['turn'], vantage: 'external' });
  const catalog = catalogOf(a, b, c, d);

  it('adds prerequisites as hidden rules and honours --skip', () => {
    expect(selectRules(catalog, inventory, ['MRA-DNS-002']).map(({ entry, hidden }) => [entry.id, hidden])).toEqual([
      ['MRA-DNS-001', true],
      ['MRA-DNS-002', false],
    ]);
    expect(selectRules(catalog, inventory, [], ['dns']).map(({ entry }) => entry.id)).toEqual([
      'MRA-NTP-001',
      'MRA-EDGE-001',
    ]);
  });

  it('needs only what rules reachable from the vantage and applicable to the inventory need', () => {
    expect([...plannedNeeds(catalog, inventory)].sort()).toEqual(['dns.external', 'dns.internal']);
    expect([...plannedNeeds(catalog, inventory, { vantage: 'external' })].sort()).toEqual(['dns.external', 'turn']);
    expect([...plannedNeeds(catalog, inventory, { vantage: 'both', only: ['MRA-DNS-002'] })].sort()).toEqual([
      'dns.external',
      'dns.internal',
    ]);
  });
});
