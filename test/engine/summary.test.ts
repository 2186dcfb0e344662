import { describe, expect, it } from 'vitest';
import { areasInScope, failsGate, gateExitCode, summarize } from '../../src/engine/summary.js';
import { finding, reportOf } from './findings.js';

describe('summarize: counts and the one readiness verdict (SPEC 8.9)', () => {
  it('counts by status and by severity', () => {
    const summary = summarize([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'fail', severity: 'warning' }),
      finding({ ruleId: 'MRA-NTP-001', target: 'c', status: 'skipped', severity: 'info' }),
      finding({ ruleId: 'MRA-NTP-001', target: 'd', status: 'pass' }),
    ]);
    expect(summary).toMatchObject({ pass: 2, fail: 1, inconclusive: 0, skipped: 1 });
    expect(summary.bySeverity).toEqual({
      error: { pass: 2, fail: 0, inconclusive: 0, skipped: 0 },
      warning: { pass: 0, fail: 1, inconclusive: 0, skipped: 0 },
      info: { pass: 0, fail: 0, inconclusive: 0, skipped: 1 },
    });
  });

  it('is not-ready on error-severity failures, counted, whatever else there is', () => {
    const one = summarize([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'inconclusive' }),
    ]);
    expect(one).toMatchObject({ verdict: 'not-ready', verdictReason: '1 error-severity failure' });
    const two = summarize([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail' }),
      finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'fail' }),
    ]);
    expect(two.verdictReason).toBe('2 error-severity failures');
  });

  it('is incomplete on inconclusive findings, on no findings, and on an area in scope nothing judged', () => {
    expect(
      summarize([
        finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
        finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'inconclusive' }),
        finding({ ruleId: 'MRA-DNS-001', target: 'c', status: 'inconclusive' }),
      ]),
    ).toMatchObject({ verdict: 'incomplete', verdictReason: '2 inconclusive findings: the scan could not decide' });
    expect(summarize([finding({ ruleId: 'MRA-DNS-001', target: 'b', status: 'inconclusive' })]).verdictReason).toBe(
      '1 inconclusive finding: the scan could not decide',
    );
    expect(summarize([])).toMatchObject({ verdict: 'incomplete', verdictReason: 'no rule produced a finding' });
    const unjudged = summarize([
      finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
      finding({ ruleId: 'MRA-NTP-001', target: 'deployment', status: 'skipped', message: 'Not examined: offline.' }),
      finding({ ruleId: 'MRA-NTP-002', target: 'deployment', status: 'skipped', message: 'Not examined: offline.' }),
      finding({ ruleId: 'MRA-CERT-001', target: 'deployment', status: 'skipped', message: 'No certificates.' }),
    ]);
    expect(unjudged).toMatchObject({
      verdict: 'incomplete',
      verdictReason: 'nothing was judged in ntp, cert',
      notJudged: [
        { area: 'ntp', reasons: ['Not examined: offline.'] },
        { area: 'cert', reasons: ['No certificates.'] },
      ],
    });
  });

  it('counts a fail as judged, and an area in scope without findings as not judged for lack of rules', () => {
    const summary = summarize(
      [finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'fail', severity: 'warning' })],
      new Set(['dns', 'edge'] as const),
    );
    expect(summary.notJudged).toEqual([{ area: 'edge', reasons: ['no rule of the area produced a finding'] }]);
    expect(summary.verdict).toBe('incomplete');
  });

  it('keeps at most five distinct reasons per area', () => {
    const findings = Array.from({ length: 7 }, (_, i) =>
      finding({ ruleId: 'MRA-NTP-001', target: `s${i}`, status: 'skipped', message: `reason ${i % 6}` }),
    );
    expect(summarize(findings).notJudged[0]!.reasons).toEqual([
      'reason 0',
      'reason 1',
      'reason 2',
      'reason 3',
      'reason 4',
    ]);
  });

  it('is ready with no error failure, naming lower-severity failures', () => {
    expect(
      summarize([
        finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
        finding({ ruleId: 'MRA-DNS-006', target: 'b', status: 'fail', severity: 'warning' }),
        finding({ ruleId: 'MRA-DNS-006', target: 'c', status: 'fail', severity: 'info' }),
      ]),
    ).toMatchObject({ verdict: 'ready', verdictReason: 'no error-severity failure; 2 lower-severity failures' });
    expect(
      summarize([
        finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
        finding({ ruleId: 'MRA-DNS-006', target: 'b', status: 'fail', severity: 'warning' }),
      ]).verdictReason,
    ).toBe('no error-severity failure; 1 lower-severity failure');
  });

  it('carries the baseline counts only when given', () => {
    const findings = [finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' })];
    expect(summarize(findings)).not.toHaveProperty('baseline');
    const baseline = { file: 'b.json', new: 1, unchanged: 2, fixed: 3 };
    expect(summarize(findings, undefined, baseline).baseline).toEqual(baseline);
  });
});

describe('areasInScope', () => {
  it('leaves out areas whose findings only say the vantage was wrong', () => {
    const areas = areasInScope({
      findings: [
        finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' }),
        finding({ ruleId: 'MRA-EDGE-001', target: 'deployment', status: 'skipped', messageId: 'wrongVantage' }),
        finding({ ruleId: 'MRA-NTP-001', target: 'deployment', status: 'skipped', messageId: 'needUnavailable' }),
      ],
    });
    expect([...areas]).toEqual(['dns', 'ntp']);
  });
});

describe('the gate (exit code of check and merge)', () => {
  const at = (severity: 'error' | 'warning' | 'info') =>
    finding({ ruleId: 'MRA-DNS-001', target: severity, status: 'fail', severity });

  it('fails a finding at or above --fail-on, never a baseline-unchanged one', () => {
    expect([at('error'), at('warning'), at('info')].map((item) => failsGate(item, 'warning'))).toEqual([
      true,
      true,
      false,
    ]);
    expect([at('error'), at('warning'), at('info')].map((item) => failsGate(item, 'info'))).toEqual([true, true, true]);
    expect([at('error'), at('warning'), at('info')].map((item) => failsGate(item))).toEqual([true, false, false]);
    expect(failsGate({ ...at('error'), baselineState: 'unchanged' }, 'info')).toBe(false);
    expect(failsGate({ ...at('error'), baselineState: 'new' }, 'error')).toBe(true);
    // --fail-on incomplete gates failures as error does.
    expect([at('error'), at('warning')].map((item) => failsGate(item, 'incomplete'))).toEqual([true, false]);
  });

  it('fails inconclusive unless allowed; never a pass or a skip', () => {
    const unsure = finding({ ruleId: 'MRA-DNS-001', target: 'x', status: 'inconclusive', severity: 'info' });
    expect(failsGate(unsure, 'error', false)).toBe(true);
    expect(failsGate(unsure, 'error', true)).toBe(false);
    for (const status of ['pass', 'skipped'] as const)
      expect(failsGate(finding({ ruleId: 'MRA-DNS-001', target: 'x', status }), 'info')).toBe(false);
  });

  it('exits 1 for --fail-on incomplete unless the verdict is ready', () => {
    const ready = reportOf([finding({ ruleId: 'MRA-DNS-001', target: 'a', status: 'pass' })]);
    expect(gateExitCode(ready, 'incomplete')).toBe(0);
    const skipped = reportOf([finding({ ruleId: 'MRA-DNS-001', target: 'deployment', status: 'skipped' })]);
    expect(gateExitCode(skipped, 'incomplete')).toBe(1);
    expect(gateExitCode(skipped, 'error')).toBe(0);
    expect(gateExitCode(reportOf([at('warning')]), 'warning')).toBe(1);
  });
});
