import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/engine/summary.js';
import type { Finding, Report } from '../../src/engine/types.js';
import { renderText } from '../../src/report/text.js';

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
  fingerprint: '0'.repeat(32),
  durationMs: 3,
  ...over,
});

function report(findings: Finding[]): Report {
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
    rules: [],
    findings,
  };
}

describe('text report', () => {
  const sample = report([
    finding({ status: 'pass', target: 'ok-target', message: 'Fine.' }),
    finding({}),
    finding({
      area: 'ntp',
      ruleId: 'MRA-NTP-001',
      status: 'inconclusive',
      target: '127.0.0.1:123',
      message: 'No answer.',
    }),
  ]);

  it('lists failures first, then a table per area and the summary, without colour codes when off', () => {
    const text = renderText(sample, { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^FAIL\s+MRA-DNS-002 error\s+_cuplogin/);
    expect(text.indexOf('INCONCLUSIVE')).toBeLessThan(text.indexOf('PASS'));
    expect(text).toMatch(/DNS\s+1\s+1\s+0\s+0/);
    expect(text).toMatch(/NTP\s+0\s+0\s+1\s+0/);
    expect(text).toContain('Summary: 1 pass, 1 fail, 1 inconclusive, 0 skipped');
    expect(text).not.toContain('\u001b[');
  });

  it('colours only when asked and hides passes with --quiet', () => {
    expect(renderText(sample, { color: true })).toContain('\u001b[');
    const quiet = renderText(sample, { color: false, quiet: true });
    expect(quiet).not.toContain('ok-target');
    expect(quiet).toContain('_cuplogin');
  });
});
