import { afterEach, describe, expect, it, vi } from 'vitest';
import { blocked, type CheckFinding } from '../../src/checks/rule.js';
import { MAX_FINDING_BYTES } from '../../src/engine/evidence.js';
import { fingerprint, runScan } from '../../src/engine/run.js';
import { TOOL_VERSION } from '../../src/package/root.js';
import { fixtureInventory } from '../helpers/check.js';
import { catalogOf, testRule } from './test-rules.js';

/** Deadlines, prerequisite blocking, evidence budget and the report's own fields, exactly. */
const inventory = fixtureInventory({ inventory: { domains: ['example.com'] } });
const hangs = (seen: AbortSignal[] = []) =>
  testRule('MRA-DNS-001', (ctx) => {
    seen.push(ctx.signal);
    return new Promise(() => undefined);
  });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the deadline of one rule', () => {
  const timedOut = async (timeoutMs: number | undefined, wait: number): Promise<string[]> => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: AbortSignal[] = [];
    const scan = runScan({ inventory, catalog: catalogOf(hangs(seen)), offline: true, timeoutMs });
    await vi.advanceTimersByTimeAsync(wait);
    const report = await scan;
    expect((seen[0]?.reason as Error).message).toBe('check deadline');
    return report.findings.map((item) => `${item.status}: ${item.message}`);
  };

  it('is ten network timeouts (5 s by default), so 50 s', async () => {
    expect(await timedOut(undefined, 50_000)).toEqual(['inconclusive: The check did not finish within 50000 ms.']);
  });

  it('is at least 20 s however short the network timeout', async () => {
    expect(await timedOut(1, 20_000)).toEqual(['inconclusive: The check did not finish within 20000 ms.']);
  });

  it('grows with a longer network timeout', async () => {
    expect(await timedOut(3000, 30_000)).toEqual(['inconclusive: The check did not finish within 30000 ms.']);
  });

  it('is cleared, and the run signal let go, once the rule answers', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const quick = testRule('MRA-DNS-001', async (ctx) => {
      seen.push(ctx.signal);
      return [{ target: 'a', status: 'pass', messageId: 'ok' }];
    });
    await runScan({
      inventory,
      catalog: catalogOf(quick),
      offline: true,
      checkTimeoutMs: 20,
      signal: controller.signal,
    });
    controller.abort(new Error('cancelled after the run'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(seen[0]?.aborted).toBe(false);
  });
});

describe('prerequisites', () => {
  it('block with a listed message unless it passed, and with nothing else it reports', async () => {
    const base = testRule(
      'MRA-CUCM-001',
      async () => [
        { target: 'listed-skip', status: 'skipped', messageId: 'versionUnknown' },
        { target: 'listed-pass', status: 'pass', messageId: 'versionUnknown' },
        { target: 'unlisted-fail', status: 'fail', messageId: 'bad', args: { x: 1 } },
        { target: 'passed', status: 'pass', messageId: 'ok' },
      ],
      { messages: { ok: 'Fine.', bad: 'Bad {x}.', versionUnknown: 'No version.' } },
    );
    const targets = ['listed-skip', 'listed-pass', 'unlisted-fail', 'passed'];
    const dependent = testRule(
      'MRA-CUCM-002',
      async () => targets.map((target): CheckFinding => ({ target, status: 'pass', messageId: 'ok', args: { x: 2 } })),
      { requires: [{ rule: 'MRA-CUCM-001', messages: ['versionUnknown'] }] },
    );
    const report = await runScan({
      inventory,
      catalog: catalogOf(base, dependent),
      only: ['MRA-CUCM-002'],
      offline: true,
    });
    expect(report.findings.map((item) => [item.target, item.status, item.message])).toEqual([
      ['listed-skip', 'skipped', 'Not judged: MRA-CUCM-001 reports listed-skip as skipped (No version.).'],
      ['listed-pass', 'pass', 'Fine 2.'],
      ['unlisted-fail', 'pass', 'Fine 2.'],
      ['passed', 'pass', 'Fine 2.'],
    ]);
  });

  it('do not block a target they passed', async () => {
    const base = testRule('MRA-NTP-001', async () => [
      { target: 't', status: 'pass', messageId: 'ok', args: { x: 1 } },
    ]);
    const dependent = testRule(
      'MRA-NTP-002',
      async () => [{ target: 't', status: 'fail', messageId: 'bad', args: { x: 2 } }],
      {
        requires: ['MRA-NTP-001'],
      },
    );
    const report = await runScan({ inventory, catalog: catalogOf(base, dependent), offline: true });
    expect(report.findings.map((item) => [item.ruleId, item.status, item.message])).toEqual([
      ['MRA-NTP-001', 'pass', 'Fine 1.'],
      ['MRA-NTP-002', 'fail', 'Bad 2.'],
    ]);
  });

  it('are named, comma-separated, when a rule is left without data none of them explained', async () => {
    const first = testRule('MRA-NTP-001', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }]);
    const second = testRule('MRA-NTP-002', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }]);
    const dependent = testRule('MRA-NTP-003', async () => [blocked('x')], { requires: ['MRA-NTP-001', 'MRA-NTP-002'] });
    const report = await runScan({
      inventory,
      catalog: catalogOf(first, second, dependent),
      only: ['MRA-NTP-003'],
      offline: true,
    });
    expect(report.findings.map((item) => item.message)).toEqual([
      'Could not be judged: data it depends on is missing, and MRA-NTP-001, MRA-NTP-002 gave no reason.',
    ]);
    expect(report.rules.map((rule) => rule.requires)).toEqual([['MRA-NTP-001', 'MRA-NTP-002']]);
  });

  it('run once however many rules require them', async () => {
    let runs = 0;
    const base = testRule('MRA-DNS-001', async () => {
      runs++;
      return [{ target: 'a', status: 'pass', messageId: 'ok' }];
    });
    const left = testRule('MRA-DNS-002', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }], {
      requires: ['MRA-DNS-001'],
    });
    const right = testRule('MRA-DNS-003', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }], {
      requires: ['MRA-DNS-001'],
    });
    const report = await runScan({ inventory, catalog: catalogOf(base, left, right), offline: true });
    expect(runs).toBe(1);
    expect(report.findings.map((item) => item.ruleId)).toEqual(['MRA-DNS-001', 'MRA-DNS-002', 'MRA-DNS-003']);
  });
});

describe('one finding within its byte budget (SPEC 8.4)', () => {
  it('counts the finding around the evidence: evidence that fits alone is shortened to fit with it', async () => {
    // 50 strings of 1,307 characters: 65,511 bytes of evidence JSON, under 64 KiB alone but not with
    // the finding's own fields, so the tighter limits (10 entries, 200 characters) apply.
    const items = Array.from({ length: 50 }, () => 'e'.repeat(1307));
    expect(Buffer.byteLength(JSON.stringify({ items }))).toBe(65_511);
    const big = testRule('MRA-DNS-001', async () => [
      { target: 'a', status: 'fail', messageId: 'bad', evidence: { items } },
    ]);
    const [item] = (await runScan({ inventory, catalog: catalogOf(big), offline: true })).findings;
    const kept = item!.evidence.items as unknown[];
    expect(kept).toHaveLength(11);
    expect(kept[0]).toBe(`${'e'.repeat(200)}… (1107 more characters)`);
    expect(kept[10]).toEqual({ omitted: 40 });
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThanOrEqual(MAX_FINDING_BYTES);
  });
});

describe('the report', () => {
  it('names the tool, the inventory and its own span, and each rule as run', async () => {
    const rule = testRule('MRA-DNS-001', async () => [{ target: 'a.example.com', status: 'pass', messageId: 'ok' }]);
    const report = await runScan({ inventory, catalog: catalogOf(rule), offline: true });
    expect(report.tool).toEqual({ name: 'mra-preflight', version: TOOL_VERSION });
    expect(report.inventory).toEqual({ source: '<embedded>', domains: ['example.com'], nodes: 0 });
    expect(report.durationMs).toBe(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
    expect(report.rules).toEqual([
      {
        id: 'MRA-DNS-001',
        slug: 'slug-mra-dns-001',
        area: 'dns',
        severity: 'error',
        title: 'title MRA-DNS-001',
        vantage: 'internal',
        rationale: 'why',
        remediation: 'fix it',
        source: 'chapter',
        helpUri: 'https://x/',
      },
    ]);
    expect(Object.keys(report.rules[0]!)).not.toContain('requires');
    expect(report.findings[0]!.fingerprint).toBe('91b534d84c99e529cb87d4fab2974c61');
    expect(fingerprint('MRA-DNS-001', 'a.example.com', 'ok')).toBe('91b534d84c99e529cb87d4fab2974c61');
  });

  it('gives a finding without its own duration the time the rule took', async () => {
    let calls = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (calls++ === 0 ? 1000 : 1042.4));
    const rule = testRule('MRA-DNS-001', async () => [{ target: 'a', status: 'pass', messageId: 'ok' }]);
    const [item] = (await runScan({ inventory, catalog: catalogOf(rule), offline: true })).findings;
    expect(item!.durationMs).toBe(42);
  });
});
