import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/types.js';
import { failsGate } from '../../src/engine/summary.js';
import {
  FINGERPRINT_KEY,
  INVENTORY_BASE_ID,
  inventoryUri,
  renderSarif,
  type SarifOptions,
} from '../../src/report/sarif.js';
import { loadReport } from './fixtures.js';
import { validateSarif as validate } from './sarif-schema.js';

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  kind: string;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } };
    logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  baselineState?: string;
  suppressions?: Array<{ kind: string; status?: string; justification?: string }>;
  properties: { status: string; severity: string; evidence: unknown; failsGate: boolean };
}
interface SarifLog {
  version: string;
  runs: Array<{
    tool: {
      driver: {
        name: string;
        rules: Array<{
          id: string;
          name: string;
          shortDescription: { text: string };
          help: { text: string };
          helpUri?: string;
          defaultConfiguration: { level: string };
        }>;
      };
    };
    results: SarifResult[];
    originalUriBaseIds: Record<string, { uri?: string; uriBaseId?: string; description?: { text: string } }>;
    artifacts: Array<{ location: { uri: string; uriBaseId?: string } }>;
    properties: { verdict: string; verdictReason: string; baseline?: Record<string, unknown> };
  }>;
}

function sarifOf(report: Report, options: SarifOptions = {}): SarifLog {
  const text = renderSarif(report, options);
  // Streamed piece by piece, the log is still exactly what JSON.stringify would write.
  expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  const log = JSON.parse(text) as SarifLog;
  const valid = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(valid).toBe(true);
  return log;
}

describe('renderSarif', () => {
  const sample = loadReport('sample');

  it('validates against the vendored SARIF 2.1.0 schema (and the validator does reject bad logs)', () => {
    sarifOf(sample);
    sarifOf(loadReport('clean'));
    const broken = JSON.parse(renderSarif(sample)) as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('has one result per non-pass finding, with our fingerprint and a logical location for the target', () => {
    const { results } = sarifOf(sample).runs[0]!;
    const nonPass = sample.findings.filter((finding) => finding.status !== 'pass');
    expect(results).toHaveLength(nonPass.length);
    for (const [index, finding] of nonPass.entries()) {
      const result = results[index]!;
      expect(result.ruleId).toBe(finding.ruleId);
      expect(result.partialFingerprints[FINGERPRINT_KEY]).toBe(finding.fingerprint);
      expect(result.locations[0]!.logicalLocations[0]).toEqual({
        name: finding.target,
        fullyQualifiedName: `${finding.area}/${finding.target}`,
        kind: 'resource',
      });
      expect(result.properties.evidence).toEqual(finding.evidence);
      expect(result.message.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}')).toBe(finding.message);
    }
  });

  it('maps fail to its severity level, inconclusive to kind review and skipped to notApplicable', () => {
    const { results } = sarifOf(sample).runs[0]!;
    const byStatus = (status: string): SarifResult[] => results.filter((result) => result.properties.status === status);
    const level = { error: 'error', warning: 'warning', info: 'note' } as const;
    for (const result of byStatus('fail')) {
      expect(result.kind).toBe('fail');
      expect(result.level).toBe(level[result.properties.severity as keyof typeof level]);
    }
    expect(new Set(byStatus('fail').map((result) => result.level))).toEqual(new Set(['error', 'warning', 'note']));
    expect(byStatus('inconclusive').map((result) => [result.kind, result.level])).toEqual(
      byStatus('inconclusive').map(() => ['review', 'none']),
    );
    expect(byStatus('skipped').map((result) => [result.kind, result.level])).toEqual(
      byStatus('skipped').map(() => ['notApplicable', 'none']),
    );
  });

  it('lists every rule that ran with its level, and points each result at its rule', () => {
    const { driver } = sarifOf(sample).runs[0]!.tool;
    expect(driver.name).toBe('mra-preflight');
    expect(driver.rules.map((rule) => rule.id)).toEqual(sample.rules.map((rule) => rule.id));
    for (const [index, rule] of sample.rules.entries()) {
      const descriptor = driver.rules[index]!;
      expect(descriptor.name).toBe(rule.slug);
      expect(descriptor.shortDescription.text).toBe(rule.title);
      expect(descriptor.defaultConfiguration.level).toBe(
        { error: 'error', warning: 'warning', info: 'note' }[rule.severity],
      );
      expect(descriptor.help.text).toBe(rule.remediation);
      expect(descriptor.helpUri).toBe(rule.helpUri);
    }
    for (const result of sarifOf(sample).runs[0]!.results)
      expect(driver.rules[result.ruleIndex!]!.id).toBe(result.ruleId);
  });

  it('carries the baseline: unchanged findings are suppressed externally, new ones are not', () => {
    const { results } = sarifOf(sample).runs[0]!;
    const unchanged = results.filter((result) => result.baselineState === 'unchanged');
    expect(unchanged).toHaveLength(sample.summary.baseline!.unchanged);
    for (const result of unchanged)
      expect(result.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
    const fresh = results.filter((result) => result.baselineState === 'new');
    expect(fresh).toHaveLength(sample.summary.baseline!.new);
    for (const result of fresh) expect(result.suppressions).toEqual([]);

    const { results: plain } = sarifOf(loadReport('clean')).runs[0]!;
    expect(plain).toEqual([]);
    const noBaseline: Report = {
      ...sample,
      summary: { ...sample.summary, baseline: undefined },
      findings: sample.findings.map(({ baselineState: _state, ...finding }) => finding),
    };
    for (const result of sarifOf(noBaseline).runs[0]!.results) {
      expect(result.suppressions).toBeUndefined();
      expect(result.baselineState).toBeUndefined();
    }
  });

  it('points every result at the inventory file relative to INVENTORYROOT, never at an absolute path', () => {
    const text = renderSarif(sample);
    expect(text).not.toContain('file://');
    expect(text).not.toContain('/srv/mra');
    const run = sarifOf(sample).runs[0]!;
    const location = { uri: 'inventory%20%26%20%22prod%22.yaml', uriBaseId: INVENTORY_BASE_ID };
    expect(run.artifacts[0]!.location).toEqual(location);
    for (const result of run.results)
      expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({ ...location, index: 0 });
    // Without the working directory, what INVENTORYROOT stands for is left to the consumer (§3.14.14).
    expect(run.originalUriBaseIds[INVENTORY_BASE_ID]).toEqual({ description: { text: expect.any(String) } });
    expect(inventoryUri('mra-preflight.yaml')).toBe('mra-preflight.yaml');
    expect(inventoryUri('exports/a b#c?.yaml')).toBe('exports/a%20b%23c%3F.yaml');
  });

  it('gives the inventory folder relative to %SRCROOT% when it lies inside the working directory', () => {
    const base = (report: Report, workingDirectory?: string) =>
      sarifOf(report, workingDirectory ? { workingDirectory } : {}).runs[0]!.originalUriBaseIds[INVENTORY_BASE_ID];
    expect(base(sample, '/srv/mra')).toMatchObject({ uri: '%3Csvg%20onload%3Dalert(3)%3E/', uriBaseId: '%SRCROOT%' });
    expect(base(sample, '/srv/mra/<svg onload=alert(3)>')).toMatchObject({ uri: './', uriBaseId: '%SRCROOT%' });
    expect(base(sample, '/home/ci')).not.toHaveProperty('uri');
    const relativeSource = { ...sample, inventory: { ...sample.inventory, source: 'exports/mra.yaml' } };
    expect(base(relativeSource)).toMatchObject({ uri: 'exports/', uriBaseId: '%SRCROOT%' });
  });

  it('carries the verdict and the baseline counts in the run properties, and the gate per result', () => {
    const run = sarifOf(sample).runs[0]!;
    expect(run.properties).toMatchObject({
      verdict: sample.summary.verdict,
      verdictReason: sample.summary.verdictReason,
      baseline: {
        file: sample.summary.baseline!.file,
        new: sample.summary.baseline!.new,
        unchanged: sample.summary.baseline!.unchanged,
        fixed: sample.summary.baseline!.fixed,
      },
    });
    const nonPass = sample.findings.filter((finding) => finding.status !== 'pass');
    expect(run.results.map((result) => result.properties.failsGate)).toEqual(
      nonPass.map((finding) => failsGate(finding)),
    );
    const lenient = sarifOf(sample, { failOn: 'info', allowInconclusive: true }).runs[0]!;
    expect(lenient.results.map((result) => result.properties.failsGate)).toEqual(
      nonPass.map((finding) => failsGate(finding, 'info', true)),
    );
  });

  it('doubles literal braces in messages, which SARIF reserves for placeholders', () => {
    const finding = { ...sample.findings[0]!, message: 'SRV target {0} and {name}}' };
    const { results } = sarifOf({ ...sample, findings: [finding] }).runs[0]!;
    expect(results[0]!.message.text).toBe('SRV target {{0}} and {{name}}}}');
  });

  it('stays valid SARIF whatever strings the network puts in targets, messages and evidence', () => {
    const base = sample.findings[0]!;
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (target, message, evidence) => {
        const report = {
          ...sample,
          findings: [{ ...base, target: target || 'x', message, evidence: { value: evidence } }],
        };
        const log = JSON.parse(renderSarif(report)) as SarifLog;
        return validate(log) && log.runs[0]!.results[0]!.locations[0]!.logicalLocations[0]!.name === (target || 'x');
      }),
      { numRuns: 200 },
    );
  });
});
