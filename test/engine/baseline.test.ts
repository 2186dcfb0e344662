import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineFindings } from '../../src/engine/baseline.js';
import { finding, reportOf } from './findings.js';

describe('baselineFindings', () => {
  it('keeps the non-pass findings of a previous report, fingerprint to rule id', () => {
    const previous = reportOf([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'pass' }),
      finding({ ruleId: 'MRA-NTP-001', target: 'c', status: 'inconclusive' }),
    ]);
    const [fail, , unsure] = previous.findings;
    expect([...baselineFindings(JSON.parse(JSON.stringify(previous)))]).toEqual([
      [fail!.fingerprint, 'MRA-DNS-001'],
      [unsure!.fingerprint, 'MRA-NTP-001'],
    ]);
  });

  it('skips entries without a fingerprint and tolerates a missing rule id', () => {
    expect([
      ...baselineFindings({
        findings: [{ status: 'fail' }, { fingerprint: 7, status: 'fail' }, { fingerprint: 'f1' }],
      }),
    ]).toEqual([['f1', '']]);
  });

  it('refuses a file that is no report', () => {
    expect(() => baselineFindings({ results: [] })).toThrow(
      'not an mra-preflight JSON report: it has no findings array',
    );
  });
});

describe('applyBaseline', () => {
  const known = finding({ ruleId: 'MRA-DNS-001', target: 'known', status: 'fail' });
  const gone = finding({ ruleId: 'MRA-DNS-001', target: 'gone', status: 'fail' });
  const otherRule = finding({ ruleId: 'MRA-NTP-001', target: 'not-run', status: 'fail' });
  const baseline = {
    file: 'previous.json',
    findings: new Map([known, gone, otherRule].map((item) => [item.fingerprint, item.ruleId])),
  };

  it('marks non-pass findings unchanged or new, leaves passes alone, and counts what was fixed', () => {
    const report = reportOf([
      known,
      finding({ ruleId: 'MRA-DNS-001', target: 'fresh', status: 'inconclusive' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'fine', status: 'pass' }),
    ]);
    const applied = applyBaseline(report, baseline);
    expect(applied.findings.map((item) => [item.target, item.baselineState])).toEqual([
      ['known', 'unchanged'],
      ['fresh', 'new'],
      ['fine', undefined],
    ]);
    expect(applied.findings[2]).not.toHaveProperty('baselineState');
    // "gone" is fixed; MRA-NTP-001 did not run, so its old finding says nothing.
    expect(applied.summary.baseline).toEqual({ file: 'previous.json', new: 1, unchanged: 1, fixed: 1 });
    expect(applied.summary).toMatchObject({ fail: 1, inconclusive: 1, pass: 1 });
  });

  it('does not count a baseline finding that still fails as fixed', () => {
    const applied = applyBaseline(reportOf([known, gone]), baseline);
    expect(applied.summary.baseline).toEqual({ file: 'previous.json', new: 0, unchanged: 2, fixed: 0 });
  });
});
