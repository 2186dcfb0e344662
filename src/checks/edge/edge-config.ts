import { judgeEdgeConfig, type EdgeConfigCause } from '../../edge/discovery.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import { EDGE_SCOPE, edgeFixGroup, PORT_OPEN, portTarget, serviceTarget } from './targets.js';

/** One message per cause src/edge/discovery.ts tells apart (docs/edge-discovery.md gives the sources). */
const MESSAGE_OF = {
  ok: 'discovered',
  'no-uds-server': 'noUdsServer',
  'domain-not-enabled': 'domainNotEnabled',
  'not-found': 'notFound',
  'authentication-required': 'authenticationRequired',
  'credentials-rejected': 'credentialsRejected',
  'edge-server-error': 'edgeServerError',
  'unexpected-status': 'unexpectedStatus',
  'untrusted-certificate': 'untrustedCertificate',
  'tls-handshake': 'tlsHandshake',
  malformed: 'notEdgeConfig',
  'too-large': 'notEdgeConfig',
  unreachable: 'noAnswer',
  timeout: 'noAnswer',
  cancelled: 'noAnswer',
} as const satisfies Record<EdgeConfigCause, string>;

type MessageId = (typeof MESSAGE_OF)[EdgeConfigCause];

/**
 * MRA-EDGE-003: Jabber's first request through the edge, `GET https://<target>:8443/<base64 of
 * domain>/get_edge_config?service_name=_cisco-uds&service_name=_cuplogin`, must answer 200 with an
 * edge configuration naming at least one UDS server: then Expressway-C has discovered Unified CM
 * for the domain and the traversal zone carries the answer. Anything else fails with its likely
 * cause (docs/edge-discovery.md: which statuses are documented and which are assumed).
 */
export default defineRule({
  meta: {
    id: 'MRA-EDGE-003',
    slug: 'edge-config',
    area: 'edge',
    severity: 'error',
    title: "Jabber's edge discovery request answers with at least one UDS server for each domain",
    vantage: 'external',
    needs: ['dns.external'],
    requires: [PORT_OPEN, { rule: 'MRA-EDGE-002', messages: ['untrusted', 'nameMismatch'] }],
    scope: EDGE_SCOPE,
    messages: {
      discovered: 'Edge discovery for {domain} at {url} names {count} UDS server(s): {servers}.',
      noUdsServer:
        'Edge discovery for {domain} at {url} answers but names no UDS server{serviceError}: Expressway-C has no discovered Unified CM for the domain.',
      domainNotEnabled:
        '{url} answers 403 Forbidden: {domain} is likely not enabled for Unified CM registrations on Expressway-C.',
      notFound: '{url} answers 404 Not Found: Mobile and Remote Access is likely not enabled on the Expressway-E.',
      authenticationRequired:
        '{url} answers 401 and asks for a user: the edge speaks MRA, but whether it serves {domain} can only be seen with a test user (edge.discovery).',
      credentialsRejected: '{url} refused the test user of edge.discovery (401).',
      edgeServerError:
        '{url} answers {status}: Expressway-E likely cannot reach Expressway-C over the traversal zone, or Expressway-C cannot reach Unified CM.',
      unexpectedStatus: '{url} answers HTTP {status} instead of an edge configuration.',
      untrustedCertificate:
        'Edge discovery at {url} fails the TLS handshake on the certificate ({code}): clients that trust only edge.clientTrust stop there.',
      tlsHandshake: 'The TLS handshake for edge discovery at {url} failed ({code}).',
      notEdgeConfig: '{url} answers, but not with an edge configuration: {detail}.',
      noAnswer: 'Edge discovery at {url} got no answer: {detail}.',
    },
    fixGroup: edgeFixGroup,
  },
  async run(ctx) {
    const discovery = await ctx.services.edge.discover(ctx.signal);
    if (!discovery.ok) return notInScope(`${discovery.reason}; MRA-DNS-003 reports the SRV records`);
    const findings: CheckFinding<MessageId>[] = [];
    for (const target of discovery.targets) {
      const [address] = target.addresses;
      if (address === undefined) continue;
      const result = await ctx.services.edge.edgeConfig(target, address, ctx.signal);
      const judged = judgeEdgeConfig(result, target.domain);
      const url = result.exchange.url.replace(/\?.*$/, '');
      const failure = result.ok ? undefined : result.failure;
      const args = {
        domain: target.domain,
        url,
        status: judged.httpStatus ?? 0,
        count: judged.udsServers.length,
        servers: judged.udsServers.join(', '),
        serviceError: result.ok
          ? (result.config.services.find((service) => service.name === '_cisco-uds')?.error ?? '')
          : '',
        code: failure && 'code' in failure ? failure.code : '',
        detail: judged.summary,
      };
      if (args.serviceError) args.serviceError = ` (_cisco-uds: ${args.serviceError})`;
      findings.push({
        target: `${target.domain} via ${serviceTarget(target)}`,
        dependsOn: [portTarget(target.host, target.port, address), serviceTarget(target)],
        status: judged.verdict,
        messageId: MESSAGE_OF[judged.cause],
        args,
        evidence: {
          exchange: result.exchange,
          observation: judged.summary,
          likelyFix: judged.remediation || null,
          ...(result.ok ? { edgeConfig: result.config } : { failure: result.failure }),
        },
        durationMs: result.exchange.durationMs,
      });
    }
    return findings;
  },
});
