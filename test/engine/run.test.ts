import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/engine/baseline.js';
import { loadCatalog, type RuleEntry } from '../../src/engine/catalog.js';
import { fingerprint, gateExitCode, runScan } from '../../src/engine/run.js';
import { defineCheck, type Check } from '../../src/engine/types.js';
import { fixtureInventory } from '../helpers/check.js';

const inventory = fixtureInventory({ inventory: { domains: ['example.com'] } });

/** A private catalog, so these tests do not depend on which real checks exist yet. */
const rule = (id: string, slug: string, extra: Partial<RuleEntry> = {}): RuleEntry => ({
  id,
  slug,
  area: 'dns',
  severity: 'error',
  title: `title of ${slug}`,
  rationale: 'why',
  procedure: [],
  remediation: 'fix it',
  source: 'seed',
  state: 'implemented',
  ...extra,
});
const catalog = [
  rule('MRA-DNS-001', 'passes'),
  rule('MRA-DNS-002', 'throws'),
  rule('MRA-DNS-003', 'hangs'),
  rule('MRA-DNS-004', 'warns', { severity: 'warning' }),
  rule('MRA-CERT-004', 'by-message', { area: 'cert', messageSeverity: { soon: 'warning' } }),
];

const passes = defineCheck({
  id: 'MRA-DNS-001',
  needs: [],
  messages: { ok: 'All good for {name}.' },
  run: async () => [{ target: 'a', status: 'pass', messageId: 'ok', args: { name: 'a' }, evidence: { x: 1 } }],
});
const throws = defineCheck({
  id: 'MRA-DNS-002',
  needs: [],
  messages: {},
  run: async () => {
    throw new Error('boom\nsecond line');
  },
});
const hangs = defineCheck({ id: 'MRA-DNS-003', needs: [], messages: {}, run: () => new Promise<never>(() => {}) });
const warns = defineCheck({
  id: 'MRA-DNS-004',
  needs: ['dns-internal'],
  messages: { bad: 'Bad.' },
  run: async () => [{ target: 'b', status: 'fail', messageId: 'bad' }],
});
const byMessage = defineCheck({
  id: 'MRA-CERT-004',
  needs: [],
  messages: { soon: 'Expires soon.', expired: 'Expired.' },
  run: async () => [
    { target: 'c1', status: 'fail', messageId: 'soon' },
    { target: 'c2', status: 'fail', messageId: 'expired' },
  ],
});
const checks: Check[] = [passes, throws, hangs, warns, byMessage];

describe('runScan', () => {
  it('isolates a check that throws and one that never resolves; the others still report', async () => {
    const report = await runScan({ inventory, catalog, checks, checkTimeoutMs: 200 });
    const byRule = (id: string) => report.findings.filter((finding) => finding.ruleId === id);
    expect(byRule('MRA-DNS-001')).toMatchObject([{ status: 'pass', message: 'All good for a.', evidence: { x: 1 } }]);
    expect(byRule('MRA-DNS-002')).toMatchObject([
      { status: 'inconclusive', messageId: 'checkCrashed', message: 'The check failed to run: boom.' },
    ]);
    expect(byRule('MRA-DNS-003')).toMatchObject([
      { status: 'inconclusive', messageId: 'checkTimedOut', message: 'The check did not finish within 200 ms.' },
    ]);
    // The inventory has no internal resolvers: the engine skips the check and says why.
    expect(byRule('MRA-DNS-004')).toMatchObject([
      {
        status: 'skipped',
        target: 'deployment',
        message: 'Skipped: no internal resolvers in the inventory (dns.internal).',
      },
    ]);
    expect(report.summary).toMatchObject({ pass: 1, fail: 2, inconclusive: 2, skipped: 1 });
  });

  it('takes severity from the catalog, per message where declared, and from inventory overrides', async () => {
    const report = await runScan({ inventory, catalog, checks: [byMessage] });
    expect(report.findings.map((finding) => [finding.target, finding.severity])).toEqual([
      ['c1', 'warning'],
      ['c2', 'error'],
    ]);
    const overridden = fixtureInventory({ inventory: { domains: ['example.com'], rules: { 'MRA-CERT-004': 'info' } } });
    const again = await runScan({ inventory: overridden, catalog, checks: [byMessage] });
    expect(again.findings.map((finding) => finding.severity)).toEqual(['info', 'info']);
  });

  it('selects rules by id, slug or area and drops rules turned off in the inventory', async () => {
    const only = await runScan({ inventory, catalog, checks, only: ['passes', 'MRA-CERT-004'], checkTimeoutMs: 100 });
    expect(only.rules.map((entry) => entry.id)).toEqual(['MRA-DNS-001', 'MRA-CERT-004']);
    const area = await runScan({ inventory, catalog, checks, only: ['cert'] });
    expect(area.rules.map((entry) => entry.id)).toEqual(['MRA-CERT-004']);
    const off = fixtureInventory({
      inventory: { domains: ['example.com'], rules: { 'MRA-DNS-003': 'off', 'MRA-DNS-002': 'off' } },
    });
    const skipped = await runScan({ inventory: off, catalog, checks, skip: ['MRA-DNS-004', 'by-message'] });
    expect(skipped.rules.map((entry) => entry.id)).toEqual(['MRA-DNS-001']);
  });

  it('fingerprints ruleId + target + message id, stable across runs', async () => {
    const first = await runScan({ inventory, catalog, checks: [passes] });
    const second = await runScan({ inventory, catalog, checks: [passes] });
    expect(first.findings[0]?.fingerprint).toBe(fingerprint('MRA-DNS-001', 'a', 'ok'));
    expect(first.findings[0]?.fingerprint).toBe(second.findings[0]?.fingerprint);
    expect(fingerprint('MRA-DNS-001', 'a', 'ok')).not.toBe(fingerprint('MRA-DNS-001', 'a', 'other'));
  });

  it('does not list planned rules as run', async () => {
    const real = loadCatalog();
    const report = await runScan({ inventory, catalog: real, checks: [] });
    expect(report.rules).toEqual([]);
    expect(report.findings).toEqual([]);
  });
});

describe('gateExitCode', () => {
  it('follows --fail-on, --allow-inconclusive and the baseline', async () => {
    const report = await runScan({ inventory, catalog, checks: [passes, warns, byMessage, throws] });
    // byMessage: one warning fail, one error fail; throws: inconclusive.
    expect(gateExitCode(report, 'error', false)).toBe(1);
    const onlyWarnings = await runScan({ inventory, catalog, checks: [passes, byMessage], only: ['passes'] });
    expect(gateExitCode(onlyWarnings, 'error', false)).toBe(0);
    const warning = await runScan({
      inventory,
      catalog: [catalog[4]!],
      checks: [
        defineCheck({
          ...byMessage,
          run: async () => [{ target: 'c1', status: 'fail' as const, messageId: 'soon' as const }],
        }),
      ],
    });
    expect(gateExitCode(warning, 'error')).toBe(0);
    expect(gateExitCode(warning, 'warning')).toBe(1);
    const inconclusive = await runScan({ inventory, catalog, checks: [throws] });
    expect(gateExitCode(inconclusive, 'error', false)).toBe(1);
    expect(gateExitCode(inconclusive, 'error', true)).toBe(0);
    const baselined = applyBaseline(report, {
      file: 'b.json',
      fingerprints: new Set(report.findings.map((finding) => finding.fingerprint)),
    });
    expect(gateExitCode(baselined, 'info')).toBe(0);
    expect(baselined.summary.baseline).toEqual({ file: 'b.json', new: 0, unchanged: 4 });
  });
});
