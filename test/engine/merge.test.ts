import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/engine/merge.js';
import { finding, reportOf } from './findings.js';

describe('mergeReports (SPEC 8.7)', () => {
  const inside = reportOf(
    [
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
      finding({ ruleId: 'MRA-DNS-002', target: 'x', status: 'skipped', messageId: 'wrongVantage' }),
      finding({ ruleId: 'MRA-EDGE-001', target: 'deployment', status: 'skipped', messageId: 'wrongVantage' }),
    ],
    { startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:00:05.000Z', offline: false },
  );
  const outside = reportOf(
    [
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'skipped', messageId: 'wrongVantage' }),
      finding({ ruleId: 'MRA-DNS-002', target: 'x', status: 'fail' }),
      finding({ ruleId: 'MRA-EDGE-001', target: 'expe:8443', status: 'pass' }),
    ],
    { startedAt: '2026-03-01T09:59:00.000Z', finishedAt: '2026-03-01T10:00:30.000Z', vantage: 'external' },
  );

  it('keeps the judged finding of each rule and target, and drops a deployment skip of a rule judged elsewhere', () => {
    const merged = mergeReports([
      { file: 'inside.json', report: inside },
      { file: 'outside.json', report: outside },
    ]);
    expect(merged.findings.map((item) => [item.ruleId, item.target, item.status])).toEqual([
      ['MRA-DNS-001', 'a', 'pass'],
      ['MRA-DNS-002', 'x', 'fail'],
      ['MRA-EDGE-001', 'expe:8443', 'pass'],
    ]);
    expect(merged.summary).toMatchObject({ pass: 2, fail: 1, skipped: 0, verdict: 'not-ready' });
  });

  it('spans both runs in time and is offline only when every report was', () => {
    const merged = mergeReports([
      { file: 'inside.json', report: inside },
      { file: 'outside.json', report: { ...outside, offline: true } },
    ]);
    expect(merged).toMatchObject({
      startedAt: '2026-03-01T09:59:00.000Z',
      finishedAt: '2026-03-01T10:00:30.000Z',
      durationMs: 90_000,
      offline: false,
      vantage: 'merged',
    });
    expect(merged.merged).toEqual([
      { file: 'inside.json', vantage: 'internal', startedAt: '2026-03-01T10:00:00.000Z' },
      { file: 'outside.json', vantage: 'external', startedAt: '2026-03-01T09:59:00.000Z' },
    ]);
    const both = mergeReports([
      { file: 'a.json', report: { ...inside, offline: true } },
      { file: 'b.json', report: { ...outside, offline: true } },
    ]);
    expect(both.offline).toBe(true);
  });

  it('lets the later report win between two judged findings, never a later skip over a judged one', () => {
    const first = reportOf([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'pass' }),
    ]);
    const second = reportOf([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'skipped' }),
    ]);
    const merged = mergeReports([
      { file: '1.json', report: first },
      { file: '2.json', report: second },
    ]);
    expect(merged.findings.map((item) => [item.target, item.status])).toEqual([
      ['a', 'pass'],
      ['b', 'pass'],
    ]);
  });

  it('keeps a deployment skip of a rule no report judged, and orders findings by rule', () => {
    const first = reportOf([
      finding({ ruleId: 'MRA-NTP-001', target: 'deployment', status: 'skipped' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
    ]);
    const second = reportOf([finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'pass' })]);
    const merged = mergeReports([
      { file: '1.json', report: first },
      { file: '2.json', report: second },
    ]);
    expect(merged.findings.map((item) => [item.ruleId, item.target])).toEqual([
      ['MRA-NTP-001', 'deployment'],
      ['MRA-DNS-001', 'a'],
      ['MRA-DNS-001', 'b'],
    ]);
    expect(merged.rules.map((rule) => rule.id)).toEqual(['MRA-NTP-001', 'MRA-DNS-001']);
  });

  it('needs at least one report', () => {
    expect(() => mergeReports([])).toThrow('merge needs at least one report');
  });
});
