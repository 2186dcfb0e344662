import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/engine/merge.js';
import type { Report } from '../../src/engine/types.js';
import { finding, reportOf } from './findings.js';

/** SPEC 8.7 merge rules at the edges: vantage skips, deployment-level skips, rule order, time span. */
const merge = (...reports: Report[]): Report =>
  mergeReports(reports.map((report, index) => ({ file: `${index + 1}.json`, report })));

const rows = (report: Report): string[][] =>
  report.findings.map((item) => [item.ruleId, item.target, item.status, item.messageId]);

describe('mergeReports: vantage skips', () => {
  it('drops a wrong-vantage skip of a rule the other report ran, even on a target it did not name', () => {
    const inside = reportOf([
      finding({
        ruleId: 'MRA-EDGE-001',
        target: 'expe.example.com:8443',
        status: 'skipped',
        messageId: 'wrongVantage',
      }),
    ]);
    const outside = reportOf([finding({ ruleId: 'MRA-EDGE-001', target: 'mra.example.com:8443', status: 'pass' })], {
      vantage: 'external',
    });
    expect(rows(merge(inside, outside))).toEqual([['MRA-EDGE-001', 'mra.example.com:8443', 'pass', 'passMessage']]);
  });

  it('keeps a wrong-vantage skip of a rule no report ran from its own vantage', () => {
    const inside = reportOf([
      finding({ ruleId: 'MRA-EDGE-001', target: 'deployment', status: 'skipped', messageId: 'wrongVantage' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
    ]);
    const merged = merge(inside, reportOf([finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'pass' })]));
    expect(rows(merged)).toEqual([
      ['MRA-EDGE-001', 'deployment', 'skipped', 'wrongVantage'],
      ['MRA-DNS-001', 'a', 'pass', 'passMessage'],
      ['MRA-DNS-001', 'b', 'pass', 'passMessage'],
    ]);
    expect(merged.summary).toMatchObject({ pass: 2, skipped: 1, verdict: 'ready', notJudged: [] });
  });

  it('lets the later of two skips of the same rule and target stand', () => {
    const first = reportOf([
      finding({ ruleId: 'MRA-NTP-001', target: 'deployment', status: 'skipped', messageId: 'needUnavailable' }),
    ]);
    const second = reportOf([
      finding({ ruleId: 'MRA-NTP-001', target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }),
    ]);
    expect(rows(merge(first, second))).toEqual([['MRA-NTP-001', 'deployment', 'skipped', 'nothingInScope']]);
  });
});

describe('mergeReports: deployment-level skips and order', () => {
  const inside = reportOf([
    finding({ ruleId: 'MRA-DNS-001', target: 'deployment', status: 'skipped', messageId: 'needUnavailable' }),
    finding({ ruleId: 'MRA-DNS-002', target: 'deployment', status: 'skipped', messageId: 'needUnavailable' }),
    finding({ ruleId: 'MRA-NTP-001', target: 'ntp1', status: 'skipped', messageId: 'nothingInScope' }),
    finding({ ruleId: 'MRA-CERT-001', target: 'deployment', status: 'fail', messageId: 'noTrust' }),
  ]);
  const outside = reportOf(
    [
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
      finding({ ruleId: 'MRA-NTP-001', target: 'ntp2', status: 'pass' }),
    ],
    { vantage: 'external' },
  );

  it('drops only the deployment skip of a rule judged elsewhere; keeps per-target skips and judged deployment findings', () => {
    expect(rows(merge(inside, outside))).toEqual([
      ['MRA-DNS-001', 'a', 'pass', 'passMessage'],
      ['MRA-DNS-002', 'deployment', 'skipped', 'needUnavailable'],
      ['MRA-NTP-001', 'ntp1', 'skipped', 'nothingInScope'],
      ['MRA-NTP-001', 'ntp2', 'pass', 'passMessage'],
      ['MRA-CERT-001', 'deployment', 'fail', 'noTrust'],
    ]);
  });

  it('orders findings by the rules of the first report, then the rules only later reports ran', () => {
    const later = reportOf([
      finding({ ruleId: 'MRA-EXP-001', target: 'x', status: 'pass' }),
      finding({ ruleId: 'MRA-DNS-002', target: 'b', status: 'pass' }),
    ]);
    const merged = merge(outside, later, inside);
    expect(merged.rules.map((rule) => rule.id)).toEqual([
      'MRA-DNS-001',
      'MRA-NTP-001',
      'MRA-EXP-001',
      'MRA-DNS-002',
      'MRA-CERT-001',
    ]);
    expect(merged.findings.map((item) => [item.ruleId, item.target])).toEqual([
      ['MRA-DNS-001', 'a'],
      ['MRA-NTP-001', 'ntp2'],
      ['MRA-NTP-001', 'ntp1'],
      ['MRA-EXP-001', 'x'],
      ['MRA-DNS-002', 'b'],
      ['MRA-CERT-001', 'deployment'],
    ]);
  });
});

describe('mergeReports: time span', () => {
  const at = (startedAt: string, finishedAt: string): Report =>
    reportOf([finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' })], { startedAt, finishedAt });

  it('ends at the latest finish whichever report it is, among three', () => {
    const merged = merge(
      at('2026-03-01T10:00:00.000Z', '2026-03-01T10:05:00.000Z'),
      at('2026-03-01T10:01:00.000Z', '2026-03-01T10:02:00.000Z'),
      at('2026-03-01T10:02:00.000Z', '2026-03-01T10:03:00.000Z'),
    );
    expect(merged).toMatchObject({
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:05:00.000Z',
      durationMs: 300_000,
    });
    const middle = merge(
      at('2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z'),
      at('2026-03-01T10:00:30.000Z', '2026-03-01T10:09:00.000Z'),
      at('2026-03-01T10:01:00.000Z', '2026-03-01T10:02:00.000Z'),
    );
    expect(middle.finishedAt).toBe('2026-03-01T10:09:00.000Z');
  });
});
