import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { failsGate, type FailOn } from '../../src/engine/summary.js';
import { AREAS, type Finding, type Report } from '../../src/engine/types.js';
import { AREA_LABELS } from '../../src/report/areas.js';
import { renderJunit, xmlAttr, xmlText } from '../../src/report/junit.js';
import { loadReport, printable } from './fixtures.js';

interface Testcase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  error?: { '@_message': string; '@_type': string; '#text': string };
  skipped?: { '@_message': string };
  'system-out'?: string;
}
interface Testsuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_time': string;
  properties: { property: Array<{ '@_name': string; '@_value': string }> };
  testcase: Testcase[];
}
interface Junit {
  testsuites: {
    '@_tests': string;
    '@_failures': string;
    '@_errors': string;
    '@_skipped': string;
    '@_time': string;
    testsuite: Testsuite[];
  };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // Numeric character references (&#10; in attributes) are XML; this option makes the parser decode them.
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(report: Report, options: { failOn?: FailOn; allowInconclusive?: boolean } = {}): Junit {
  const xml = renderJunit(report, options);
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Junit;
}

const sample = loadReport('sample');

describe('renderJunit', () => {
  it('is well-formed XML with one suite per area and one testcase per finding', () => {
    const { testsuites } = parse(sample);
    expect(testsuites.testsuite.map((suite) => suite['@_name'])).toEqual(AREAS.map((area) => AREA_LABELS[area]));
    const cases = testsuites.testsuite.flatMap((suite) => suite.testcase);
    expect(cases).toHaveLength(sample.findings.length);
    for (const suite of testsuites.testsuite) {
      const area = suite.testcase[0]!['@_classname'].split('.')[1];
      expect(suite.testcase).toHaveLength(sample.findings.filter((finding) => finding.area === area).length);
    }
  });

  it('counts as failures exactly the findings that fail the gate, and the other non-pass ones as skipped', () => {
    const { testsuites } = parse(sample);
    const gate = (findings: readonly Finding[]): string =>
      String(findings.filter((finding) => failsGate(finding, 'error', false)).length);
    const skipped = (findings: readonly Finding[]): string =>
      String(findings.filter((finding) => finding.status !== 'pass' && !failsGate(finding, 'error', false)).length);
    expect(testsuites['@_tests']).toBe(String(sample.findings.length));
    expect(testsuites['@_failures']).toBe(gate(sample.findings));
    // The sample has warning fails, baseline-accepted fails and inconclusive ones: fewer failures than fails.
    expect(Number(testsuites['@_failures'])).toBeLessThan(sample.summary.fail + sample.summary.inconclusive);
    expect(Number(testsuites['@_failures'])).toBeGreaterThan(0);
    expect(testsuites['@_errors']).toBe('0');
    expect(testsuites['@_skipped']).toBe(skipped(sample.findings));
    expect(Number(testsuites['@_time'])).toBe(sample.durationMs / 1000);
    for (const suite of testsuites.testsuite) {
      const area = suite.testcase[0]!['@_classname'].split('.')[1];
      const findings = sample.findings.filter((finding) => finding.area === area);
      expect(suite['@_tests']).toBe(String(findings.length));
      expect(suite['@_failures']).toBe(gate(findings));
      expect(suite['@_skipped']).toBe(skipped(findings));
      expect(suite.testcase.filter((testcase) => testcase.failure).length).toBe(Number(suite['@_failures']));
      expect(suite.testcase.filter((testcase) => testcase.error)).toEqual([]);
      expect(suite.testcase.filter((testcase) => testcase.skipped).length).toBe(Number(suite['@_skipped']));
      const sum = suite.testcase.reduce((total, testcase) => total + Number(testcase['@_time']), 0);
      expect(Number(suite['@_time'])).toBeCloseTo(sum, 3);
      expect(Number(suite['@_time'])).toBeCloseTo(
        findings.reduce((total, finding) => total + finding.durationMs, 0) / 1000,
        3,
      );
    }
  });

  it('follows --fail-on and --allow-inconclusive as the exit code does', () => {
    const total = (options: { failOn?: FailOn; allowInconclusive?: boolean }): number =>
      Number(parse(sample, options).testsuites['@_failures']);
    const expected = (failOn: FailOn, allow: boolean): number =>
      sample.findings.filter((finding) => failsGate(finding, failOn, allow)).length;
    expect(total({ failOn: 'warning' })).toBe(expected('warning', false));
    expect(total({ failOn: 'info' })).toBe(expected('info', false));
    expect(total({ allowInconclusive: true })).toBe(expected('error', true));
    expect(total({ failOn: 'info' })).toBeGreaterThan(total({}));
    expect(total({ allowInconclusive: true })).toBeLessThan(total({}));
  });

  it('writes a <failure> with the evidence for a gate failure, <skipped> saying why for any other non-pass finding', () => {
    const cases = parse(sample).testsuites.testsuite.flatMap((suite) => suite.testcase);
    for (const finding of sample.findings) {
      const testcase = cases.find(
        (candidate) => candidate['@_name'] === printable(`${finding.ruleId} ${finding.rule}: ${finding.target}`),
      );
      expect(testcase, finding.target).toBeDefined();
      if (failsGate(finding)) {
        expect(testcase!.failure).toMatchObject({
          '@_message': printable(finding.message),
          '@_type': finding.status === 'fail' ? finding.severity : 'inconclusive',
        });
        expect(testcase!.failure!['#text']).toContain(printable(JSON.stringify(finding.evidence, null, 2)));
        expect(testcase!.failure!['#text']).toContain(`explain: mra-preflight explain ${finding.ruleId}`);
      } else if (finding.status !== 'pass') {
        expect(testcase!.failure).toBeUndefined();
        const why =
          finding.status === 'skipped'
            ? 'skipped'
            : finding.baselineState === 'unchanged'
              ? `${finding.status}, unchanged since the baseline`
              : `${finding.severity} ${finding.status}, below --fail-on error`;
        expect(testcase!.skipped).toEqual({ '@_message': `[${why}] ${printable(finding.message)}` });
      } else {
        expect(testcase!.failure ?? testcase!.error ?? testcase!.skipped).toBeUndefined();
      }
    }
  });

  it('records the verdict, the gate, the inventory and the baseline counts as suite properties', () => {
    const suite = parse(sample).testsuites.testsuite[0]!;
    const properties = Object.fromEntries(
      suite.properties.property.map((property) => [property['@_name'], property['@_value']]),
    );
    expect(properties).toMatchObject({
      verdict: 'not-ready',
      verdictReason: sample.summary.verdictReason,
      failOn: 'error',
      allowInconclusive: 'false',
      inventory: sample.inventory.source,
      baseline: sample.summary.baseline!.file,
      newSinceBaseline: String(sample.summary.baseline!.new),
      unchangedSinceBaseline: String(sample.summary.baseline!.unchanged),
      fixedSinceBaseline: String(sample.summary.baseline!.fixed),
    });
  });

  it('strips characters XML 1.0 cannot carry and escapes markup', () => {
    expect(xmlText('a\u0000b\u0007c\u001bd\uFFFEe\uD800f<&>')).toBe('abcdef&lt;&amp;&gt;');
    expect(xmlAttr(`"'\n\t`)).toBe('&quot;&apos;&#10;&#9;');
    expect(xmlText('😀 한국어')).toBe('😀 한국어');
  });

  it('stays well-formed and round-trips whatever strings the network puts in a finding', () => {
    const base = sample.findings[0]!;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), (target, message) => {
        const report: Report = {
          ...sample,
          findings: [{ ...base, status: 'fail', target, message, evidence: { raw: target } }],
        };
        const xml = renderJunit(report);
        if (XMLValidator.validate(xml) !== true) return false;
        const testcase = (parser.parse(xml) as Junit).testsuites.testsuite[0]!.testcase[0]!;
        const clean = (text: string): string =>
          xmlText(text).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
        return (
          testcase.failure!['@_message'] === clean(message) &&
          testcase['@_name'] === clean(`${base.ruleId} ${base.rule}: ${target}`)
        );
      }),
      { numRuns: 300 },
    );
  });
});
