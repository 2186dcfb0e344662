import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Report, Severity } from '../engine/types.js';

export interface SarifOptions {
  color?: boolean;
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';
type SarifKind = 'fail' | 'review' | 'notApplicable';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** Id of our fingerprint in `partialFingerprints`, versioned as SARIF §3.27.17 recommends. */
export const FINGERPRINT_KEY = 'mraPreflightFingerprint/v1';

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

/**
 * The inventory is the artifact a run analysed. Code-scanning services (GitHub's among them) reject a
 * result that has no physical location, so each result also points at the inventory file, as a
 * file URI when the path is absolute, else as the relative path the user gave.
 */
export function inventoryUri(source: string): string {
  if (isAbsolute(source)) return pathToFileURL(source).href;
  return source.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0 log of one run; validated in the tests against the vendored OASIS schema. */
export function renderSarif(report: Report, _options: SarifOptions = {}): string {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const hasBaseline = report.summary.baseline !== undefined;
  const artifactUri = inventoryUri(report.inventory.source);

  const rules = report.rules.map((rule) => ({
    id: rule.id,
    name: rule.slug,
    shortDescription: { text: rule.title },
    // Catalog remediation is written with Markdown `code` spans; viewers that render Markdown use it.
    help: { text: rule.remediation, markdown: rule.remediation },
    helpUri: rule.helpUri,
    defaultConfiguration: { enabled: true, level: LEVELS[rule.severity] },
    properties: {
      area: rule.area,
      severity: rule.severity,
      tags: ['mra', rule.area],
      source: rule.source,
    },
  }));

  const results = report.findings
    .filter((finding) => finding.status !== 'pass')
    .map((finding) => {
      const { kind, level } = kindAndLevel(finding);
      const index = ruleIndex.get(finding.ruleId);
      return {
        ruleId: finding.ruleId,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        kind,
        level,
        message: { text: messageText(finding.message) },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: artifactUri, index: 0 } },
            logicalLocations: [
              { name: finding.target, fullyQualifiedName: `${finding.area}/${finding.target}`, kind: 'resource' },
            ],
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
        ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
        // With a baseline every result says whether it is suppressed: an empty array means "not
        // suppressed", an absent one "unknown" (§3.27.23).
        ...(hasBaseline
          ? {
              suppressions:
                finding.baselineState === 'unchanged'
                  ? [
                      {
                        kind: 'external',
                        status: 'accepted',
                        justification: `Accepted in the baseline ${report.summary.baseline?.file ?? ''}: this finding was already present there.`,
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
          durationMs: finding.durationMs,
          evidence: finding.evidence,
        },
      };
    });

  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            properties: {
              inventory: report.inventory.source,
              domains: report.inventory.domains,
              nodes: report.inventory.nodes,
              offline: report.offline,
              asOf: report.asOf,
            },
          },
        ],
        artifacts: [{ location: { uri: artifactUri }, roles: ['analysisTarget', 'userSpecifiedConfiguration'] }],
        columnKind: 'unicodeCodePoints',
        results,
        properties: { summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
