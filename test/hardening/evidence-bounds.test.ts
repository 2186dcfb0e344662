import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { startNamed, type NamedInstance } from '../helpers/bind.js';
import { expectNoEngineFallbacks, hostileScan } from './scan.js';

/**
 * SPEC 8.4 against a real BIND9: every node name of a 20-node inventory answers with 2,032 A
 * records (zone set fixtures/bind/internal/flood, $GENERATE). Before the engine capped evidence,
 * each MRA-DNS-006 finding carried 650 KB and the reports of such a scan ran to 25 MB.
 */
let named: NamedInstance;
beforeAll(async () => {
  named = await startNamed('internal', ['good', 'flood']);
});
afterAll(async () => {
  await named?.stop();
});

/** Every list in the evidence, however deep. */
function lists(value: unknown): unknown[][] {
  if (Array.isArray(value)) return [value, ...value.flatMap(lists)];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(lists);
  return [];
}

describe('evidence bounded whatever a resolver answers (SPEC 8.4)', () => {
  it('keeps 50 entries per list, 64 KB per finding and each report under 2 MB', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({
      fqdn: `n${i + 1}.example.com`,
      ip: `10.1.1.${100 + i}`,
      role: 'cucm-subscriber',
    }));
    const report = await hostileScan(
      { domains: ['example.com'], dns: { internal: [named.ipv4, named.ipv6] }, nodes },
      { only: ['MRA-DNS-004', 'MRA-DNS-006'], timeoutMs: 3000 },
    );
    expectNoEngineFallbacks(report);
    const forward = report.findings.filter((finding) => finding.ruleId === 'MRA-DNS-004');
    expect(forward).toHaveLength(20);
    // 2,032 addresses of which none is the inventory's: a fail, with the facts bounded.
    expect(forward.every((finding) => finding.status === 'fail' && finding.messageId === 'forwardWrong')).toBe(true);
    const agreement = report.findings.filter((finding) => finding.ruleId === 'MRA-DNS-006');
    expect(agreement.length).toBeGreaterThanOrEqual(20);
    for (const finding of report.findings) {
      expect(Buffer.byteLength(JSON.stringify(finding)), finding.target).toBeLessThanOrEqual(64 * 1024);
      for (const list of lists(finding.evidence)) expect(list.length, finding.target).toBeLessThanOrEqual(51);
      expect(finding.message.length, finding.target).toBeLessThan(3000);
    }
    const omitted = lists(forward[0]!.evidence)
      .find((list) => list.length === 51)
      ?.at(-1);
    expect(omitted).toMatchObject({ omitted: expect.any(Number) });
    expect(Buffer.byteLength(renderJson(report))).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(Buffer.byteLength(renderHtml(report))).toBeLessThanOrEqual(2 * 1024 * 1024);
  }, 60_000);
});
