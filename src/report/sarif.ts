import { basename, dirname, isAbsolute, relative } from 'node:path';
import { failsGate, type FailOn } from '../engine/summary.js';
import type { Finding, Report, Severity } from '../engine/types.js';
import { joinChunks, jsonWithArray, type Chunks } from './stream.js';

export interface SarifOptions {
  color?: boolean;
  /** The run's gate, recorded per result (`properties.failsGate`) and in the invocation. */
  failOn?: FailOn;
  allowInconclusive?: boolean;
  /**
   * The run's working directory. When the inventory folder lies inside it, the folder's URI is given
   * relative to `%SRCROOT%` (the checkout, for a CI job), so code scanning finds the inventory file
   * in the repository; the log never holds an absolute path of the machine that ran the scan.
   */
  workingDirectory?: string;
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';
type SarifKind = 'fail' | 'review' | 'notApplicable';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** Id of our fingerprint in `partialFingerprints`, versioned as SARIF §3.27.17 recommends. */
export const FINGERPRINT_KEY = 'mraPreflightFingerprint/v1';

/** The base id every artifact URI of the log is relative to: the folder that holds the inventory. */
export const INVENTORY_BASE_ID = 'INVENTORYROOT';

/**
 * SARIF requires literal braces in message text to be doubled ({{ and }}, §3.11.5), since single
 * braces mark placeholders; messages quote evidence such as SRV targets that may contain them.
 */
function messageText(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}

/**
 * What a finding becomes in SARIF (§3.27.9/§3.27.10):
 * - fail: kind `fail` with the level of its severity (error, warning, note).
 * - inconclusive: kind `review`, level `none`. The probe could not decide (timeout, SERVFAIL,
 *   parse error): it is not a proven problem, so it must not read as an error of that severity,
 *   but a person has to look, which is what `review` means. SARIF allows no level but `none` with
 *   a kind other than `fail`; the catalog severity and status stay in `properties`.
 * - skipped: kind `notApplicable`, level `none` (the rule was not evaluated for this target).
 * - pass: no result (SPEC section 4: one result per non-pass finding).
 */
function kindAndLevel(finding: Finding): { kind: SarifKind; level: SarifLevel } {
  if (finding.status === 'fail') return { kind: 'fail', level: LEVELS[finding.severity] };
  if (finding.status === 'inconclusive') return { kind: 'review', level: 'none' };
  return { kind: 'notApplicable', level: 'none' };
}

/** A relative path as a URI reference: each segment percent-encoded, `/` between them. */
export function inventoryUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/**
 * SARIF §3.14.14: `originalUriBaseIds` says what INVENTORYROOT stands for. With the working directory
 * known and the inventory inside it, that is the folder relative to %SRCROOT% (itself left to the
 * consumer, as §3.14.14 allows); otherwise only a description, and the consumer decides. An
 * absolute inventory path outside the working directory is not written: it names a folder on the
 * scanning host that no reader of the log has.
 */
function inventoryBase(source: string, workingDirectory: string | undefined): Record<string, unknown> {
  const description = {
    text: 'The folder that holds the inventory file the run read; file URIs in this log are relative to it.',
  };
  const folder = dirname(source);
  const inside = isAbsolute(folder)
    ? workingDirectory !== undefined
      ? relative(workingDirectory, folder)
      : undefined
    : folder;
  if (inside === undefined || inside.startsWith('..') || isAbsolute(inside)) return { description };
  const uri = inside === '' || inside === '.' ? './' : `${inventoryUri(inside)}/`;
  return { uri, uriBaseId: '%SRCROOT%', description };
}

/** SARIF 2.1.0 log of one run as pieces, one result at a time; validated in the tests against the OASIS schema. */
export function* sarifChunks(report: Report, options: SarifOptions = {}): Chunks {
  const gate = { failOn: options.failOn ?? 'error', allowInconclusive: options.allowInconclusive ?? false };
  const context: ResultContext = {
    ...gate,
    ruleIndex: new Map(report.rules.map((rule, index) => [rule.id, index])),
    baseline: report.summary.baseline,
    artifact: { uri: inventoryUri(basename(report.inventory.source)), uriBaseId: INVENTORY_BASE_ID },
  };
  function* results(): Generator<Record<string, unknown>> {
    for (const finding of report.findings) if (finding.status !== 'pass') yield sarifResult(finding, context);
  }
  yield* jsonWithArray((marker) => sarifLog(report, options, context, marker), results());
  yield '\n';
}

/** What every result of one report shares: the gate, the rule indices, the baseline, the inventory. */
interface ResultContext {
  failOn: FailOn;
  allowInconclusive: boolean;
  ruleIndex: Map<string, number>;
  baseline: Report['summary']['baseline'];
  artifact: { uri: string; uriBaseId: string };
}

/** A reportingDescriptor (SARIF 3.49) for one rule of the catalog. */
function sarifRule(rule: Report['rules'][number]): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.slug,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    // Catalog remediation is written with Markdown `code` spans; viewers that render Markdown use it.
    help: { text: rule.remediation, markdown: rule.remediation },
    helpUri: rule.helpUri,
    defaultConfiguration: { enabled: true, level: LEVELS[rule.severity] },
    properties: {
      area: rule.area,
      severity: rule.severity,
      vantage: rule.vantage,
      tags: ['mra', rule.area],
      source: rule.source,
    },
  };
}

/** A result (SARIF 3.27) for one finding that is not a pass. */
function sarifResult(finding: Finding, context: ResultContext): Record<string, unknown> {
  const { kind, level } = kindAndLevel(finding);
  const index = context.ruleIndex.get(finding.ruleId);
  const baseline = context.baseline;
  return {
    ruleId: finding.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    kind,
    level,
    message: { text: messageText(finding.message) },
    locations: [
      {
        physicalLocation: { artifactLocation: { ...context.artifact, index: 0 } },
        logicalLocations: [
          { name: finding.target, fullyQualifiedName: `${finding.area}/${finding.target}`, kind: 'resource' },
        ],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    // With a baseline every result says whether it is suppressed: an empty array means "not
    // suppressed", an absent one "unknown" (§3.27.23).
    ...(baseline
      ? {
          suppressions:
            finding.baselineState === 'unchanged'
              ? [
                  {
                    kind: 'external',
                    status: 'accepted',
                    justification: `Accepted in the baseline ${baseline.file}: this finding was already present there.`,
                  },
                ]
              : [],
        }
      : {}),
    properties: {
      status: finding.status,
      severity: finding.severity,
      area: finding.area,
      rule: finding.rule,
      target: finding.target,
      messageId: finding.messageId,
      failsGate: failsGate(finding, context.failOn, context.allowInconclusive),
      ...(finding.group ? { fixGroup: finding.group } : {}),
      durationMs: finding.durationMs,
      evidence: finding.evidence,
    },
  };
}

/** The SARIF log around the results; `marker` stands where the streamed results go. */
function sarifLog(report: Report, options: SarifOptions, context: ResultContext, marker: string): unknown {
  const baseline = context.baseline;
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: report.rules.map(sarifRule),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            properties: {
              inventory: basename(report.inventory.source),
              domains: report.inventory.domains,
              nodes: report.inventory.nodes,
              offline: report.offline,
              vantage: report.vantage,
              asOf: report.asOf,
              failOn: context.failOn,
              allowInconclusive: context.allowInconclusive,
            },
          },
        ],
        originalUriBaseIds: { [INVENTORY_BASE_ID]: inventoryBase(report.inventory.source, options.workingDirectory) },
        artifacts: [{ location: context.artifact, roles: ['analysisTarget', 'userSpecifiedConfiguration'] }],
        columnKind: 'unicodeCodePoints',
        results: marker,
        properties: {
          verdict: report.summary.verdict,
          verdictReason: report.summary.verdictReason,
          ...(baseline
            ? {
                baseline: {
                  file: baseline.file,
                  new: baseline.new,
                  unchanged: baseline.unchanged,
                  fixed: baseline.fixed,
                },
              }
            : {}),
          summary: report.summary,
        },
      },
    ],
  };
}

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return joinChunks(sarifChunks(report, options));
}
