import { defineCheck, type CheckFinding, type Evidence } from '../../engine/types.js';
import { ExpresswayVersion } from '../../expressway/version.js';
import { EXPRESSWAY_ROLES } from '../../inventory/types.js';
import type { ExpresswayVersionResult } from '../../expressway/source.js';
import { describeStatusFailure, type StatusFailure } from '../../probes/status.js';

/**
 * MRA-EXP-001. The seed (모바일 및 원격 액세스 사전 요건 > Cisco Expressway 요구 사항): the minimum
 * Expressway release for the MRA access policy Cisco Jabber supports is X8.10. Every Expressway
 * (C and E) is judged on its own, against policy.minExpresswayVersion, by number, not as text.
 */

const FAILURE_MESSAGE_IDS = {
  auth: 'statusAuthRejected',
  http: 'statusHttpError',
  timeout: 'statusTimeout',
  cancelled: 'statusCancelled',
  tls: 'statusTlsFailed',
  unreachable: 'statusUnreachable',
  'too-large': 'statusTooLarge',
  malformed: 'statusMalformed',
  'missing-element': 'statusMissingElement',
  config: 'statusConfig',
} as const satisfies Record<StatusFailure['kind'], string>;

type FailureMessageId = (typeof FAILURE_MESSAGE_IDS)[StatusFailure['kind']];

const statusFailed = 'Could not read the version of {role} {node} from {url}: {reason}.';

const messages: Record<
  | 'versionAtLeastMinimum'
  | 'versionBelowMinimum'
  | 'versionUnparseable'
  | 'minimumUnparseable'
  | 'versionUnknown'
  | 'tlsVerificationOff'
  | FailureMessageId,
  string
> = {
  versionAtLeastMinimum: '{role} {node} runs {version} ({source}), at or above the minimum {minimum}.',
  versionBelowMinimum:
    '{role} {node} runs {version} ({source}), older than the minimum {minimum} that the MRA access policy for Cisco Jabber requires.',
  versionUnparseable:
    '{role} {node} reports the version "{raw}" ({source}), which is not an Expressway release number; it cannot be compared with {minimum}.',
  minimumUnparseable:
    'policy.minExpresswayVersion "{minimum}" is not an Expressway release number; {role} {node} cannot be judged.',
  versionUnknown: 'Skipped {role} {node}: {reason}.',
  tlsVerificationOff:
    'TLS certificate verification is off for {url} ({reason}): the version of {node} comes from a server whose identity was not checked.',
  statusAuthRejected: statusFailed,
  statusHttpError: statusFailed,
  statusTimeout: statusFailed,
  statusCancelled: statusFailed,
  statusTlsFailed: statusFailed,
  statusUnreachable: statusFailed,
  statusTooLarge: statusFailed,
  statusMalformed: statusFailed,
  statusMissingElement: statusFailed,
  statusConfig: statusFailed,
};

type MessageId = keyof typeof messages;

export const ROLE_LABEL = { 'expressway-c': 'Expressway-C', 'expressway-e': 'Expressway-E' } as const;

/** The facts behind a version result, for any finding about it (never a secret: env var names only). */
export function versionEvidence(result: ExpresswayVersionResult): Evidence {
  const evidence: Evidence = { node: result.fqdn, role: result.role };
  if (result.kind === 'version') {
    evidence.version = result.raw;
    evidence.source = result.source;
  }
  if (result.kind === 'version' || result.kind === 'failure') {
    if (result.source === 'status.xml') {
      const { exchange } = result;
      evidence.statusUrl = exchange.url;
      evidence.tlsVerification = exchange.tlsVerification;
      if (exchange.credentialsFrom) evidence.credentialsFrom = exchange.credentialsFrom;
      if (exchange.httpStatus !== undefined) evidence.httpStatus = exchange.httpStatus;
      if (exchange.bytes !== undefined) evidence.bytes = exchange.bytes;
    }
    if (result.kind === 'version' && result.source === 'status.xml') {
      evidence.element = 'Status/SystemUnit/Software/Version';
      Object.assign(evidence, result.facts);
    }
  }
  if (result.kind === 'failure') evidence.failure = result.failure;
  if (result.inventoryVersion !== undefined && !(result.kind === 'version' && result.source === 'inventory')) {
    evidence.inventoryVersion = result.inventoryVersion;
  }
  return evidence;
}

export default defineCheck<MessageId>({
  id: 'MRA-EXP-001',
  needs: ['expressway'],
  messages,
  async run(ctx) {
    const minimumRaw = ctx.policy.minExpresswayVersion;
    const minimum = ExpresswayVersion.tryParse(minimumRaw);
    const nodes = ctx.inventory.nodes.filter((node) => EXPRESSWAY_ROLES.includes(node.role));
    const results = await Promise.all(nodes.map((node) => ctx.services.expressway.version(node)));
    const findings: CheckFinding<MessageId>[] = [];
    for (const result of results) {
      const role = ROLE_LABEL[result.role];
      const target = result.fqdn;
      const evidence = versionEvidence(result);
      const durationMs =
        result.kind === 'version' || result.kind === 'failure'
          ? result.source === 'status.xml'
            ? result.exchange.durationMs
            : 0
          : 0;
      const args = { role, node: result.fqdn, minimum: minimumRaw };

      if (result.kind === 'unknown') {
        findings.push({
          target,
          status: 'skipped',
          messageId: 'versionUnknown',
          args: { ...args, reason: result.reason },
          evidence,
        });
      } else if (result.kind === 'failure') {
        findings.push({
          target,
          status: 'inconclusive',
          messageId: FAILURE_MESSAGE_IDS[result.failure.kind],
          args: { ...args, url: result.exchange.url, reason: describeStatusFailure(result.failure) },
          evidence,
          durationMs,
        });
      } else if (!minimum.ok) {
        findings.push({
          target,
          status: 'inconclusive',
          messageId: 'minimumUnparseable',
          args,
          evidence: { ...evidence, minimum: minimumRaw },
          durationMs,
        });
      } else {
        const parsed = ExpresswayVersion.tryParse(result.raw);
        const source = result.source === 'status.xml' ? `from ${result.exchange.url}` : 'from the inventory';
        if (!parsed.ok) {
          findings.push({
            target,
            status: 'inconclusive',
            messageId: 'versionUnparseable',
            args: { ...args, raw: result.raw, source },
            evidence: { ...evidence, raw: result.raw, parseError: parsed.error.reason },
            durationMs,
          });
        } else {
          const old = parsed.version.isOlderThan(minimum.version);
          findings.push({
            target,
            status: old ? 'fail' : 'pass',
            messageId: old ? 'versionBelowMinimum' : 'versionAtLeastMinimum',
            args: { ...args, version: parsed.version.toString(), source },
            evidence: { ...evidence, normalized: parsed.version.toString(), minimum: minimum.version.toString() },
            durationMs,
          });
        }
      }

      // SPEC 7: turning verification off is allowed only explicitly, and always reported.
      if (
        (result.kind === 'version' || result.kind === 'failure') &&
        result.source === 'status.xml' &&
        result.exchange.tlsVerification !== 'on'
      ) {
        const reason =
          result.exchange.tlsVerification === 'off' ? 'insecure: true in the inventory' : 'plain HTTP, no TLS at all';
        findings.push({
          target: `${result.fqdn} status.xml TLS`,
          status: 'fail',
          messageId: 'tlsVerificationOff',
          args: { url: result.exchange.url, node: result.fqdn, reason },
          evidence: {
            node: result.fqdn,
            statusUrl: result.exchange.url,
            tlsVerification: result.exchange.tlsVerification,
          },
        });
      }
    }
    return findings;
  },
});
