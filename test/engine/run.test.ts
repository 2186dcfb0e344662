import { describe, expect, it } from 'vitest';
import { blocked, defineRule, notInScope, type Rule } from '../../src/checks/rule.js';
import { entryOf, type Catalog } from '../../src/engine/catalog.js';
import { mergeReports } from '../../src/engine/merge.js';
import { fingerprint, runScan, type ScanOptions } from '../../src/engine/run.js';
import { gateExitCode } from '../../src/engine/summary.js';
import { fixtureInventory } from '../helpers/check.js';

const inventory = fixtureInventory({ inventory: { domains: ['example.com'] } });

const PROSE = {
  rationale: 'why',
  procedure: [],
  remediation: 'fix it',
  source: 'chapter',
  helpUri: 'https://example.com/',
};

/** A private catalog, so these tests do not depend on which real rules exist. */
function catalogOf(...rules: Rule[]): Catalog {
  return {
    entries: rules.map((rule) => entryOf(rule, PROSE)),
    modules: new Map(rules.map((rule) => [rule.meta.id, rule])),
  };
}

const meta = (id: string, slug: string) => ({
  id,
  slug,
  area: id.split('-')[1]!.toLowerCase() as 'dns' | 'ntp' | 'cert',
  severity: 'error' as const,
  title: `title of ${slug}`,
  vantage: 'internal' as const,
  needs: [],
  scope: 'things of the test',
});

const passes = defineRule({
  meta: { ...meta('MRA-DNS-001', 'passes'), messages: { ok: 'All good for {name}.' } },
  run: async () => [{ target: 'a', status: 'pass', messageId: 'ok', args: { name: 'a' }, evidence: { x: 1 } }],
});
const throws = defineRule({
  meta: { ...meta('MRA-DNS-002', 'throws'), messages: { never: 'Never said.' } },
  run: async () => {
    throw new Error('boom\nsecond line');
  },
});
const hangs = defineRule({
  meta: { ...meta('MRA-DNS-003', 'hangs'), messages: { never: 'Never said.' } },
  run: () => new Promise<never>(() => {}),
});
const needsResolvers = defineRule({
  meta: { ...meta('MRA-DNS-004', 'warns'), severity: 'warning', needs: ['dns.internal'], messages: { bad: 'Bad.' } },
  run: async () => [{ target: 'b', status: 'fail', messageId: 'bad' }],
});
const byMessage = defineRule({
  meta: {
    ...meta('MRA-CERT-004', 'by-message'),
    messages: { soon: { text: 'Expires soon.', severity: 'warning' }, expired: 'Expired.' },
  },
  run: async () => [
    { target: 'c1', status: 'fail', messageId: 'soon' },
    { target: 'c2', status: 'fail', messageId: 'expired' },
  ],
});

const scan = (catalog: Catalog, options: Partial<ScanOptions> = {}) =>
  runScan({ inventory, catalog, offline: true, ...options });

describe('runScan isolates rules', () => {
  it('turns a rule that throws or never resolves into one inconclusive finding; the others still report', async () => {
    const report = await scan(catalogOf(passes, throws, hangs, needsResolvers), { checkTimeoutMs: 200 });
    const byRule = (id: string) => report.findings.filter((finding) => finding.ruleId === id);
    expect(byRule('MRA-DNS-001')).toMatchObject([{ status: 'pass', message: 'All good for a.', evidence: { x: 1 } }]);
    expect(byRule('MRA-DNS-002')).toMatchObject([
      { status: 'inconclusive', messageId: 'checkCrashed', message: 'The check failed to run: boom.' },
    ]);
    expect(byRule('MRA-DNS-003')).toMatchObject([
      { status: 'inconclusive', messageId: 'checkTimedOut', message: 'The check did not finish within 200 ms.' },
    ]);
    // An offline run has no network: the engine skips the rule and says why, not the rule itself.
    expect(byRule('MRA-DNS-004')).toMatchObject([
      {
        status: 'skipped',
        target: 'deployment',
        messageId: 'needUnavailable',
        message: 'Not examined: offline run (--offline): no network I/O.',
      },
    ]);
    expect(report.summary).toMatchObject({ pass: 1, fail: 0, inconclusive: 2, skipped: 1 });
  });
});

describe('severity, selection and fingerprints', () => {
  it('takes severity from the rule, per message where declared, and from inventory overrides', async () => {
    const report = await scan(catalogOf(byMessage));
    expect(report.findings.map((finding) => [finding.target, finding.severity])).toEqual([
      ['c1', 'warning'],
      ['c2', 'error'],
    ]);
    const overridden = fixtureInventory({ inventory: { domains: ['example.com'], rules: { 'mra-cert-004': 'info' } } });
    const again = await scan(catalogOf(byMessage), { inventory: overridden });
    expect(again.findings.map((finding) => finding.severity)).toEqual(['info', 'info']);
    expect(again.rules[0]?.severity).toBe('info');
  });

  it('selects rules by id, slug or area (any case) and drops rules turned off in the inventory', async () => {
    const catalog = catalogOf(passes, throws, hangs, needsResolvers, byMessage);
    const only = await scan(catalog, { only: ['Passes', 'mra-cert-004'], checkTimeoutMs: 100 });
    expect(only.rules.map((entry) => entry.id)).toEqual(['MRA-DNS-001', 'MRA-CERT-004']);
    const area = await scan(catalog, { only: ['CERT'] });
    expect(area.rules.map((entry) => entry.id)).toEqual(['MRA-CERT-004']);
    const off = fixtureInventory({
      inventory: { domains: ['example.com'], rules: { 'MRA-DNS-003': 'off', 'mra-dns-002': 'off' } },
    });
    const skipped = await scan(catalog, { inventory: off, skip: ['MRA-DNS-004', 'by-message'] });
    expect(skipped.rules.map((entry) => entry.id)).toEqual(['MRA-DNS-001']);
  });

  it('fingerprints ruleId + target + message id, stable across runs', async () => {
    const first = await scan(catalogOf(passes));
    const second = await scan(catalogOf(passes));
    expect(first.findings[0]?.fingerprint).toBe(fingerprint('MRA-DNS-001', 'a', 'ok'));
    expect(first.findings[0]?.fingerprint).toBe(second.findings[0]?.fingerprint);
    expect(fingerprint('MRA-DNS-001', 'a', 'ok')).not.toBe(fingerprint('MRA-DNS-001', 'a', 'other'));
  });

  it("carries each rule's prose once in report.rules, never in findings (schema version 2)", async () => {
    const report = await scan(catalogOf(passes));
    expect(report.schemaVersion).toBe(2);
    expect(report.rules[0]).toMatchObject({
      remediation: 'fix it',
      source: 'chapter',
      helpUri: 'https://example.com/',
    });
    expect(report.findings[0]).not.toHaveProperty('remediation');
    expect(report.findings[0]).not.toHaveProperty('source');
  });
});

describe('scope and prerequisites belong to the engine', () => {
  it('says "nothing to examine" for a rule with nothing in scope, with its reason or the rule\'s scope', async () => {
    const empty = defineRule({ meta: { ...meta('MRA-DNS-005', 'empty'), messages: { x: 'X.' } }, run: async () => [] });
    const none = defineRule({
      meta: { ...meta('MRA-DNS-006', 'none'), messages: { x: 'X.' } },
      run: async () => notInScope('only one resolver, nothing to compare'),
    });
    const report = await scan(catalogOf(empty, none));
    expect(report.findings.map((finding) => [finding.ruleId, finding.status, finding.message])).toEqual([
      ['MRA-DNS-005', 'skipped', 'Nothing to examine: no things of the test.'],
      ['MRA-DNS-006', 'skipped', 'Nothing to examine: only one resolver, nothing to compare.'],
    ]);
  });

  it('skips a dependent target its prerequisite failed, naming it, and judges the others', async () => {
    const reachable = defineRule({
      meta: { ...meta('MRA-NTP-001', 'reachable'), messages: { up: '{s} answers.', down: '{s} is silent.' } },
      run: async () => [
        { target: 's1', status: 'pass', messageId: 'up', args: { s: 's1' } },
        { target: 's2', status: 'inconclusive', messageId: 'down', args: { s: 's2' } },
      ],
    });
    const stratum = defineRule({
      meta: { ...meta('MRA-NTP-002', 'stratum'), requires: ['MRA-NTP-001'], messages: { ok: 'Stratum fine.' } },
      // The rule judges only what it has data for and leaves s2 to the engine.
      run: async () => [{ target: 's1', status: 'pass', messageId: 'ok' }, blocked('s2')],
    });
    const report = await scan(catalogOf(reachable, stratum), { only: ['MRA-NTP-002'] });
    // The prerequisite ran for its verdicts but is not reported when it was not selected.
    expect(report.rules.map((rule) => rule.id)).toEqual(['MRA-NTP-002']);
    expect(report.rules[0]?.requires).toEqual(['MRA-NTP-001']);
    expect(report.findings.map((finding) => [finding.target, finding.status, finding.message])).toEqual([
      ['s1', 'pass', 'Stratum fine.'],
      ['s2', 'skipped', 'Not judged: MRA-NTP-001 reports s2 as inconclusive (s2 is silent.).'],
    ]);
    expect(report.findings[1]?.evidence).toEqual({
      prerequisite: { ruleId: 'MRA-NTP-001', target: 's2', status: 'inconclusive', messageId: 'down' },
    });
  });

  it('replaces a judged finding whose prerequisite listed message blocks it, and only that message', async () => {
    const pool = defineRule({
      meta: {
        ...meta('MRA-CERT-007', 'pool'),
        messages: { noRegion: 'No region.', noGroup: 'No group.', ok: 'Fine.' },
      },
      run: async () => [
        { target: 'p1', status: 'fail', messageId: 'noRegion' },
        { target: 'p2', status: 'fail', messageId: 'noGroup' },
      ],
    });
    const bitrate = defineRule({
      meta: {
        ...meta('MRA-CERT-008', 'bitrate'),
        requires: [{ rule: 'MRA-CERT-007', messages: ['noRegion'] }],
        messages: { ok: 'Bitrate fine.' },
      },
      run: async () => [
        { target: 'p1', status: 'pass', messageId: 'ok' },
        { target: 'p2', status: 'pass', messageId: 'ok' },
      ],
    });
    const report = await scan(catalogOf(pool, bitrate));
    const dependent = report.findings.filter((finding) => finding.ruleId === 'MRA-CERT-008');
    expect(dependent.map((finding) => [finding.target, finding.status])).toEqual([
      ['p1', 'skipped'],
      ['p2', 'pass'],
    ]);
  });

  it('maps a finding about several targets through dependsOn', async () => {
    const version = defineRule({
      meta: { ...meta('MRA-DNS-001', 'version'), messages: { known: 'Known.', unknown: 'Unknown.' } },
      run: async () => [
        { target: 'c', status: 'pass', messageId: 'known' },
        { target: 'e', status: 'skipped', messageId: 'unknown' },
      ],
    });
    const pair = defineRule({
      meta: {
        ...meta('MRA-DNS-002', 'pair'),
        requires: [{ rule: 'MRA-DNS-001', messages: ['unknown'] }],
        messages: { same: 'Same.' },
      },
      run: async () => [blocked('c <-> e', ['c', 'e'])],
    });
    const report = await scan(catalogOf(version, pair), { only: ['pair'] });
    expect(report.findings).toMatchObject([
      {
        target: 'c <-> e',
        status: 'skipped',
        messageId: 'prerequisiteFailed',
        message: 'Not judged: MRA-DNS-001 reports e as skipped (Unknown.).',
      },
    ]);
  });

  it('skips a rule the inventory makes inapplicable without gathering its needs', async () => {
    const ils = defineRule({
      meta: {
        ...meta('MRA-CERT-010', 'ils'),
        needs: ['dns.internal'],
        appliesTo: (inv) => (inv.clusters > 1 ? undefined : 'one cluster'),
        messages: { ok: 'ILS.' },
      },
      run: async () => [{ target: 'ils', status: 'pass', messageId: 'ok' }],
    });
    const report = await scan(catalogOf(ils));
    expect(report.findings).toMatchObject([
      { status: 'skipped', messageId: 'nothingInScope', message: 'Nothing to examine: one cluster.' },
    ]);
  });
});

describe('vantage (SPEC 8.7)', () => {
  const outside = defineRule({
    meta: { ...meta('MRA-DNS-003', 'outside'), vantage: 'external', messages: { ok: 'Seen from outside.' } },
    run: async () => [{ target: 'edge', status: 'pass', messageId: 'ok' }],
  });

  it('skips a rule that needs the other vantage, names the flag, and records the vantage', async () => {
    const inside = await scan(catalogOf(passes, outside));
    expect(inside.vantage).toBe('internal');
    expect(inside.findings.find((finding) => finding.ruleId === 'MRA-DNS-003')).toMatchObject({
      status: 'skipped',
      messageId: 'wrongVantage',
      message: 'Needs the external vantage: run with --vantage external or both (this run looked from internal).',
    });
    const both = await scan(catalogOf(passes, outside), { vantage: 'both' });
    expect(both.findings.map((finding) => finding.status)).toEqual(['pass', 'pass']);
  });

  it('merges an inside and an outside report: judged findings replace vantage skips', async () => {
    const inside = await scan(catalogOf(passes, outside), { vantage: 'internal' });
    const out = await scan(catalogOf(passes, outside), { vantage: 'external' });
    expect(out.findings.find((finding) => finding.ruleId === 'MRA-DNS-001')?.messageId).toBe('wrongVantage');
    const merged = mergeReports([
      { file: 'inside.json', report: inside },
      { file: 'outside.json', report: out },
    ]);
    expect(merged.vantage).toBe('merged');
    expect(merged.merged?.map((entry) => [entry.file, entry.vantage])).toEqual([
      ['inside.json', 'internal'],
      ['outside.json', 'external'],
    ]);
    expect(merged.findings.map((finding) => [finding.ruleId, finding.status])).toEqual([
      ['MRA-DNS-001', 'pass'],
      ['MRA-DNS-003', 'pass'],
    ]);
    expect(merged.summary).toMatchObject({ pass: 2, skipped: 0, verdict: 'ready' });
  });

  it("keeps the inside run's own skips of a rule over the outside run's vantage skip, per target or deployment", async () => {
    const skipsPerTarget = defineRule({
      meta: { ...meta('MRA-DNS-004', 'per-target'), messages: { selfSigned: 'Only for self-signed.' } },
      run: async () => [
        { target: 'node-a', status: 'skipped', messageId: 'selfSigned' },
        { target: 'node-b', status: 'skipped', messageId: 'selfSigned' },
      ],
    });
    const outOfScope = defineRule({
      meta: { ...meta('MRA-DNS-005', 'out-of-scope'), messages: {} },
      run: async () => notInScope('one cluster only'),
    });
    const rules = catalogOf(skipsPerTarget, outOfScope, outside);
    const merged = mergeReports([
      { file: 'inside.json', report: await scan(rules, { vantage: 'internal' }) },
      { file: 'outside.json', report: await scan(rules, { vantage: 'external' }) },
    ]);
    expect(merged.findings.map((f) => [f.ruleId, f.target, f.messageId])).toEqual([
      ['MRA-DNS-004', 'node-a', 'selfSigned'],
      ['MRA-DNS-004', 'node-b', 'selfSigned'],
      ['MRA-DNS-005', 'deployment', 'nothingInScope'],
      ['MRA-DNS-003', 'edge', 'ok'],
    ]);
  });
});

describe('evidence is bounded (SPEC 8.4)', () => {
  it('keeps 50 entries of each list plus omitted, cuts long strings and holds a finding under 64 KB', async () => {
    const flood = defineRule({
      meta: { ...meta('MRA-DNS-006', 'flood'), messages: { many: 'Many.' } },
      run: async () => [
        {
          target: 'x',
          status: 'fail',
          messageId: 'many',
          evidence: {
            answers: Array.from({ length: 5000 }, (_, i) => `record ${i} ${'x'.repeat(300)}`),
            banner: 'b'.repeat(10_000),
            nested: { list: Array.from({ length: 80 }, (_, i) => i) },
          },
        },
      ],
    });
    const [finding] = (await scan(catalogOf(flood))).findings;
    const answers = finding!.evidence.answers as unknown[];
    expect(answers).toHaveLength(51);
    expect(answers[50]).toEqual({ omitted: 4950 });
    expect((finding!.evidence.banner as string).length).toBeLessThan(2100);
    expect((finding!.evidence.banner as string).endsWith('(8000 more characters)')).toBe(true);
    expect((finding!.evidence.nested as { list: unknown[] }).list.at(-1)).toEqual({ omitted: 30 });
    expect(Buffer.byteLength(JSON.stringify(finding))).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('verdict and gate (SPEC 8.9)', () => {
  it('is not-ready on an error fail, incomplete on inconclusive or an unjudged area, ready otherwise', async () => {
    expect((await scan(catalogOf(byMessage))).summary).toMatchObject({
      verdict: 'not-ready',
      verdictReason: '1 error-severity failure',
    });
    expect((await scan(catalogOf(passes, throws))).summary.verdict).toBe('incomplete');
    const dnsSkipped = await scan(catalogOf(needsResolvers));
    expect(dnsSkipped.summary).toMatchObject({ verdict: 'incomplete', notJudged: [{ area: 'dns' }] });
    const ready = await scan(catalogOf(passes));
    expect(ready.summary).toMatchObject({ verdict: 'ready', verdictReason: 'no failures', notJudged: [] });
  });

  it('is incomplete, never ready, when every rule needs the other vantage', async () => {
    const outsideOnly = defineRule({
      meta: { ...meta('MRA-DNS-003', 'outside'), vantage: 'external', messages: { ok: 'Seen from outside.' } },
      run: async () => [{ target: 'edge', status: 'pass', messageId: 'ok' }],
    });
    const inside = await scan(catalogOf(outsideOnly), { vantage: 'internal' });
    expect(inside.findings).toMatchObject([{ status: 'skipped', messageId: 'wrongVantage' }]);
    expect(inside.summary).toMatchObject({
      verdict: 'incomplete',
      verdictReason: 'nothing was judged: every finding is skipped',
    });
  });

  it('follows --fail-on, --allow-inconclusive and incomplete', async () => {
    const report = await scan(catalogOf(passes, byMessage, throws));
    expect(gateExitCode(report, 'error', false)).toBe(1);
    const warningsOnly = await scan(
      catalogOf(defineRule({ ...byMessage, run: async () => [{ target: 'c1', status: 'fail', messageId: 'soon' }] })),
    );
    expect(gateExitCode(warningsOnly, 'error')).toBe(0);
    expect(gateExitCode(warningsOnly, 'warning')).toBe(1);
    const inconclusive = await scan(catalogOf(passes, throws));
    expect(gateExitCode(inconclusive, 'error', false)).toBe(1);
    expect(gateExitCode(inconclusive, 'error', true)).toBe(0);
    const skippedOnly = await scan(catalogOf(needsResolvers));
    expect(gateExitCode(skippedOnly, 'error')).toBe(0);
    expect(gateExitCode(skippedOnly, 'incomplete')).toBe(1);
  });
});
