import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { defineRule, type CheckFinding } from '../../src/checks/rule.js';
import { fingerprint } from '../../src/engine/run.js';
import { summarize } from '../../src/engine/summary.js';
import { AREAS, type Report } from '../../src/engine/types.js';
import { schemaProblems } from '../../src/inventory/validate.js';
import { renderHtml } from '../../src/report/html.js';
import { RENDERERS, type ReportFormat } from '../../src/report/index.js';
import { testScan } from '../helpers/check.js';
import { loadReport } from './fixtures.js';

describe('sample reports (fixtures/reports)', () => {
  for (const name of ['sample', 'clean'] as const) {
    it(`${name}.json is a report as the engine writes it: schema, summary and fingerprints agree`, () => {
      const report = loadReport(name);
      expect(schemaProblems('report.schema.json', report, `${name}.json`)).toEqual([]);
      const { baseline, ...counts } = report.summary;
      expect(counts).toEqual(summarize(report.findings));
      expect(report.findings.every((finding) => !('remediation' in finding))).toBe(true);
      if (baseline) {
        expect(baseline.new).toBe(report.findings.filter((finding) => finding.baselineState === 'new').length);
        expect(baseline.unchanged).toBe(
          report.findings.filter((finding) => finding.baselineState === 'unchanged').length,
        );
      }
      for (const finding of report.findings)
        expect(finding.fingerprint).toBe(fingerprint(finding.ruleId, finding.target, finding.messageId));
      expect(new Set(report.findings.map((finding) => finding.ruleId))).toEqual(
        new Set(report.rules.map((rule) => rule.id)),
      );
    });
  }

  it('sample.json covers every status, severity and area, both baseline states, fix groups and hostile strings', () => {
    const { findings } = loadReport('sample');
    expect(new Set(findings.map((finding) => finding.status))).toEqual(
      new Set(['pass', 'fail', 'inconclusive', 'skipped']),
    );
    expect(new Set(findings.map((finding) => finding.severity))).toEqual(new Set(['error', 'warning', 'info']));
    expect(new Set(findings.map((finding) => finding.area))).toEqual(new Set(AREAS));
    expect(new Set(findings.map((finding) => finding.baselineState))).toEqual(new Set([undefined, 'new', 'unchanged']));
    const failures = findings.filter((finding) => finding.status === 'fail');
    expect(failures.some((finding) => finding.group) && failures.some((finding) => !finding.group)).toBe(true);
    // The pictures' evidence: a trust map, a DNS matrix and a timeline each carry markup from a peer.
    for (const rule of ['MRA-CERT-002', 'MRA-CERT-003', 'MRA-CERT-004', 'MRA-DNS-003'])
      expect(JSON.stringify(findings.filter((finding) => finding.ruleId === rule)), rule).toMatch(/<(img|script|svg)/);
    for (const field of ['target', 'message', 'evidence'] as const) {
      expect(
        findings.some((finding) => JSON.stringify(finding[field]).includes('<img src=x onerror=alert(1)>')),
        field,
      ).toBe(true);
    }
  });
});

describe('RENDERERS', () => {
  it('registers every format of SPEC section 2', () => {
    expect(Object.keys(RENDERERS).sort()).toEqual(
      (['html', 'json', 'junit', 'sarif', 'text'] satisfies ReportFormat[]).sort(),
    );
  });

  it('renders a report produced by the real engine, hostile strings and all', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const findings: CheckFinding<'answered' | 'timeout' | 'nothing' | 'ok'>[] = [
      {
        target: `srv ${payload}`,
        status: 'fail',
        messageId: 'answered',
        args: { target: payload },
        evidence: { answers: [payload, '\u0007bell'] },
      },
      { target: 'expe.example.com', status: 'inconclusive', messageId: 'timeout', args: { ms: 1500 } },
      { target: 'deployment', status: 'skipped', messageId: 'nothing' },
      { target: 'expc.example.com', status: 'pass', messageId: 'ok' },
    ];
    const check = defineRule({
      meta: {
        id: 'MRA-DNS-002',
        slug: 'hostile-strings',
        area: 'dns',
        severity: 'error',
        title: 'hostile strings',
        vantage: 'any',
        needs: [],
        scope: 'test targets',
        messages: {
          answered: 'External answer names {target}.',
          timeout: 'No answer within {ms} ms.',
          nothing: 'Nothing of the kind here.',
          ok: 'Fine.',
        },
      },
      run: async () => findings,
    });
    const report: Report = await testScan(check, { inventory: { domains: ['example.com'] }, offline: true });
    expect(report.findings).toHaveLength(4);
    for (const format of Object.keys(RENDERERS) as ReportFormat[]) {
      const text = RENDERERS[format]!(report, { color: false });
      expect(text.length, format).toBeGreaterThan(0);
      if (format === 'json') expect(schemaProblems('report.schema.json', JSON.parse(text), 'report.json')).toEqual([]);
      if (format === 'junit') expect(XMLValidator.validate(text)).toBe(true);
      if (format === 'sarif') expect(JSON.parse(text).runs[0].results).toHaveLength(3);
    }
    expect(renderHtml(report)).not.toContain(payload);
  });
});
