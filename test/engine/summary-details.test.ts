import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/engine/baseline.js';
import { fingerprint } from '../../src/engine/run.js';
import { failsGate, gateExitCode, summarize } from '../../src/engine/summary.js';
import { finding, reportOf } from './findings.js';

/** Verdict, gate defaults and baseline bookkeeping at the edges the main summary tests do not reach. */
describe('summarize: a run whose only failures are below error severity', () => {
  it('is ready, counting the lower-severity failures, when nothing passed at all', () => {
    const summary = summarize([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail', severity: 'warning' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'fail', severity: 'info' }),
    ]);
    expect(summary).toMatchObject({
      verdict: 'ready',
      verdictReason: 'no error-severity failure; 2 lower-severity failures',
      notJudged: [],
    });
  });
});

describe('gate defaults (callers that pass neither --fail-on nor --allow-inconclusive)', () => {
  const inconclusive = finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'inconclusive' });
  const errorFail = finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'fail' });
  const warningFail = finding({ ruleId: 'MRA-DNS-001', target: 'c', status: 'fail', severity: 'warning' });

  it('fails an inconclusive finding and an error-severity failure, not a warning', () => {
    expect(failsGate(inconclusive)).toBe(true);
    expect(failsGate(errorFail)).toBe(true);
    expect(failsGate(warningFail)).toBe(false);
  });

  it('exits 1 on an inconclusive finding or an error-severity failure, 0 on a warning', () => {
    expect(gateExitCode(reportOf([inconclusive]))).toBe(1);
    expect(gateExitCode(reportOf([errorFail]))).toBe(1);
    expect(gateExitCode(reportOf([warningFail]))).toBe(0);
  });
});

describe('applyBaseline: fixed findings', () => {
  it('counts a baseline finding as fixed when the rule now passes the target under the same message', () => {
    const passing = finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass', messageId: 'srvRecords' });
    const failing = finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'fail', messageId: 'srvRecords' });
    const report = reportOf([passing, failing]);
    const baseline = {
      file: 'last-night.json',
      findings: new Map([
        [fingerprint('MRA-DNS-001', 'a', 'srvRecords'), 'MRA-DNS-001'],
        [fingerprint('MRA-DNS-001', 'b', 'srvRecords'), 'MRA-DNS-001'],
      ]),
    };
    const applied = applyBaseline(report, baseline);
    expect(applied.summary.baseline).toEqual({ file: 'last-night.json', new: 0, unchanged: 1, fixed: 1 });
    expect(applied.findings.map((item) => item.baselineState)).toEqual([undefined, 'unchanged']);
  });
});
