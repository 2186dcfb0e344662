import type { Area, Finding, Report } from '../../src/engine/types.js';
import { fingerprint } from '../../src/engine/run.js';
import { summarize } from '../../src/engine/summary.js';

/** A reported finding with only the fields a test cares about set. */
export function finding(fields: Partial<Finding> & Pick<Finding, 'ruleId' | 'target' | 'status'>): Finding {
  const messageId = fields.messageId ?? `${fields.status}Message`;
  const area = fields.area ?? (fields.ruleId.split('-')[1]!.toLowerCase() as Area);
  return {
    rule: fields.ruleId.toLowerCase(),
    area,
    severity: 'error',
    messageId,
    message: `${fields.target} is ${fields.status}.`,
    evidence: {},
    fingerprint: fingerprint(fields.ruleId, fields.target, messageId),
    durationMs: 1,
    ...fields,
  };
}

/** A report around these findings (rules in the order they first appear). */
export function reportOf(findings: Finding[], fields: Partial<Report> = {}): Report {
  const ids = [...new Set(findings.map((item) => item.ruleId))];
  return {
    schemaVersion: 2,
    tool: { name: 'mra-preflight', version: '0.0.0' },
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:05.000Z',
    durationMs: 5000,
    asOf: '2026-03-01T10:00:00.000Z',
    offline: false,
    vantage: 'internal',
    inventory: { source: 'inventory.yaml', domains: ['example.com'], nodes: 1 },
    summary: summarize(findings),
    rules: ids.map((id) => ({
      id,
      slug: id.toLowerCase(),
      area: id.split('-')[1]!.toLowerCase() as Area,
      severity: 'error',
      title: `title of ${id}`,
      vantage: 'any',
      rationale: 'why',
      remediation: 'fix',
      source: 'chapter',
      helpUri: 'https://example.com/',
    })),
    findings,
    ...fields,
  };
}
