import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/engine/summary.js';
import type { Finding, Report, ReportRule } from '../../src/engine/types.js';
import { renderSummary, renderText } from '../../src/report/text.js';
import { loadReport } from './fixtures.js';

let serial = 0;
const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'MRA-DNS-002',
  rule: 'uds-srv-not-external',
  area: 'dns',
  status: 'fail',
  severity: 'error',
  target: '_cuplogin._tcp.example.com@198.51.100.53:53',
  messageId: 'leaked',
  message: '_cuplogin._tcp.example.com answers on an external resolver.',
  evidence: {},
  fingerprint: String(++serial).padStart(32, '0'),
  durationMs: 3,
  ...over,
});

const rule = (id: string, remediation: string, over: Partial<ReportRule> = {}): ReportRule => ({
  id,
  slug: id.toLowerCase(),
  area: 'cucm',
  severity: 'error',
  title: `Title of ${id}`,
  vantage: 'internal',
  rationale: 'Why.',
  remediation,
  source: '모바일 및 원격 액세스 사전 요건',
  helpUri: 'https://www.cisco.com/',
  ...over,
});

function report(findings: Finding[], rules: ReportRule[] = []): Report {
  return {
    schemaVersion: 2,
    tool: { name: 'mra-preflight', version: '0.0.0' },
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:00:01.000Z',
    durationMs: 1000,
    asOf: '2026-11-25T00:00:00.000Z',
    offline: false,
    vantage: 'internal',
    inventory: { source: 'inv.yaml', domains: ['example.com'], nodes: 1 },
    summary: summarize(findings),
    rules,
    findings,
  };
}

const profile = { key: 'security-profile:P1', label: 'phone security profile P1' };

describe('text report', () => {
  const sample = report(
    [
      finding({ status: 'pass', target: 'ok-target', message: 'Fine.' }),
      finding({ status: 'pass', target: 'ok-target-2', message: 'Fine too.' }),
      finding({
        severity: 'warning',
        area: 'ntp',
        ruleId: 'MRA-NTP-002',
        target: '10.0.0.1:123',
        message: 'Stratum 5.',
      }),
      finding({ area: 'cucm', ruleId: 'MRA-CUCM-003', target: 'security profile P1', message: 'TCP.', group: profile }),
      finding({
        area: 'cucm',
        ruleId: 'MRA-CUCM-002',
        target: 'security profile P1',
        message: 'Non Secure.',
        group: profile,
      }),
      finding({ area: 'cucm', ruleId: 'MRA-CUCM-006', target: 'phone SEP1', message: 'Profile P1.', group: profile }),
      finding({}),
      finding({
        area: 'ntp',
        ruleId: 'MRA-NTP-001',
        status: 'inconclusive',
        target: '127.0.0.1:123',
        message: 'No answer.',
      }),
    ],
    [
      rule(
        'MRA-CUCM-002',
        'In Cisco Unified CM Administration > System > Security > Phone Security Profile, set Encrypted.',
      ),
      rule('MRA-CUCM-003', 'In Cisco Unified CM Administration > System > Security > Phone Security Profile, set TLS.'),
      rule('MRA-CUCM-006', 'In Cisco Unified CM Administration > Device > Phone, assign the profile.'),
      rule('MRA-DNS-002', 'Remove `_cuplogin._tcp.<domain>` from the public zone.', { area: 'dns' }),
      rule('MRA-NTP-002', 'Use a better server.', { area: 'ntp', severity: 'warning' }),
    ],
  );
  const text = renderText(sample, { color: false });
  const lines = text.trimEnd().split('\n');

  it('starts with the fix-first list: errors first, one item per fix group with its rules remediation once', () => {
    expect(lines[0]).toBe('Fix first: 3 changes resolve 5 failures, errors first');
    const items = lines.filter((line) => /^\s+\d+\. /.test(line));
    expect(items).toEqual([
      expect.stringMatching(/^ {2}1\. ERROR +_cuplogin\._tcp\.example\.com@198\.51\.100\.53:53 \(MRA-DNS-002\)$/),
      expect.stringMatching(/^ {2}2\. ERROR +phone security profile P1$/),
      expect.stringMatching(/^ {2}3\. WARNING +10\.0\.0\.1:123 \(MRA-NTP-002\)$/),
    ]);
    const group = text.slice(text.indexOf('2. ERROR'), text.indexOf('3. WARNING'));
    expect(group).toContain('resolves 3 failures: MRA-CUCM-002, MRA-CUCM-003, MRA-CUCM-006');
    expect(group).toContain('where: Cisco Unified CM Administration > System > Security > Phone Security Profile');
    expect(group).toContain('Cisco Unified CM Administration > Device > Phone');
    for (const id of ['MRA-CUCM-002', 'MRA-CUCM-003', 'MRA-CUCM-006'])
      expect(group.match(new RegExp(`${id}: In Cisco`, 'g')), id).toHaveLength(1);
    // One target failing two rules is named once.
    expect(group).toContain('fixes: security profile P1 (MRA-CUCM-002, MRA-CUCM-003); phone SEP1 (MRA-CUCM-006)');
    expect(text).toContain('Could not decide: 1 inconclusive finding (MRA-NTP-001 ×1)');
  });

  it('lists findings by status, then severity, then area, and passes one line per rule', () => {
    const findings = lines.slice(lines.indexOf('Findings (by status, severity, area)') + 1);
    const heads = findings.filter((line) => /^(FAIL|INCONCLUSIVE|SKIPPED|PASS) /.test(line));
    expect(heads.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'FAIL MRA-DNS-002',
      'FAIL MRA-CUCM-002',
      'FAIL MRA-CUCM-003',
      'FAIL MRA-CUCM-006',
      'FAIL MRA-NTP-002',
      'INCONCLUSIVE MRA-NTP-001',
      'PASS MRA-DNS-002',
    ]);
    expect(heads.at(-1)).toMatch(/^PASS\s+MRA-DNS-002 error\s+2 targets: Title of MRA-DNS-002$/);
    expect(text).not.toContain('ok-target');
    expect(text).not.toContain('\u001b[');
  });

  it('hints `mra-preflight explain` once per failing rule and ends with the verdict and its reason', () => {
    const hints = lines.filter((line) => line.includes('mra-preflight explain'));
    expect(hints.map((line) => line.trim().split(/\s+/)[2])).toEqual([
      'MRA-CUCM-002',
      'MRA-CUCM-003',
      'MRA-CUCM-006',
      'MRA-DNS-002',
      'MRA-NTP-002',
    ]);
    expect(text).toMatch(/DNS\s+2\s+1\s+0\s+0/);
    expect(text).toMatch(/NTP\s+0\s+1\s+1\s+0/);
    expect(text).toContain('Summary: 2 pass, 5 fail, 1 inconclusive, 0 skipped');
    expect(lines.at(-1)).toBe('NOT READY: 4 error-severity failures');
  });

  it('colours only when asked and drops the pass lines with --quiet', () => {
    expect(renderText(sample, { color: true })).toContain('\u001b[');
    const quiet = renderText(sample, { color: false, quiet: true });
    expect(quiet).not.toMatch(/^PASS /m);
    expect(quiet).toContain('_cuplogin');
  });

  it('says READY or INCOMPLETE with the reason, and that nothing needs fixing', () => {
    const clean = loadReport('clean');
    const text = renderText(clean, { color: false });
    expect(text.split('\n')[0]).toBe('Fix first: nothing; no rule failed.');
    expect(text.trimEnd().split('\n').at(-1)).toBe('READY: no failures');
    const unsure = report([finding({ status: 'inconclusive', message: 'Timed out.' })]);
    expect(renderText(unsure, { color: false }).trimEnd().split('\n').at(-1)).toBe(
      'INCOMPLETE: 1 inconclusive finding: the scan could not decide',
    );
  });

  it('names the baseline counts: new, unchanged and fixed', () => {
    const sampleReport = loadReport('sample');
    const { baseline } = sampleReport.summary;
    expect(renderSummary(sampleReport, { color: false })).toContain(
      `${baseline!.new} new since baseline, ${baseline!.unchanged} unchanged, ${baseline!.fixed} fixed (baseline ${baseline!.file})`,
    );
  });

  it('the summary block alone is the tail of the text report', () => {
    const block = renderSummary(sample, { color: false });
    expect(text.endsWith(block)).toBe(true);
    expect(block.trimEnd().split('\n').at(-1)).toBe('NOT READY: 4 error-severity failures');
  });

  it('never passes a control character from a peer to the terminal', () => {
    const hostile = report([
      finding({
        target: 'x\u001b]0;pwned\u0007.example.com',
        message: 'line one\nFAIL         MRA-FAKE-001 forged\u001b[2J\u009b31m',
        group: { key: 'zone', label: 'zone \u001b[31mred' },
      }),
    ]);
    for (const color of [false, true]) {
      const text = renderText(hostile, { color });
      // picocolors' own SGR sequences are the only escapes, and no forged line appears.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(text.replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
      expect(text).not.toMatch(/^FAIL {9}MRA-FAKE-001/m);
    }
  });

  it('names the first findings of a large fix group and counts the rest', () => {
    const phones = Array.from({ length: 1200 }, (_, index) =>
      finding({
        area: 'cucm',
        ruleId: 'MRA-CUCM-006',
        target: `phone SEP${String(index).padStart(12, '0')}`,
        fingerprint: String(index).padStart(32, '0'),
        group: profile,
      }),
    );
    const big = renderText(report(phones), { color: false, quiet: true });
    expect(big).toContain('resolves 1,200 failures: MRA-CUCM-006');
    expect(big).toContain('; and 1,195 more');
  });
});
