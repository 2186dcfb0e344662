import type { EdgeConfigExchange, EdgeConfigResult } from '../probes/edge-config.js';

/**
 * What an answer to Jabber's edge discovery request means (MRA-EDGE-003), each cause with the
 * Expressway menu path that fixes it. The mapping of HTTP statuses to causes is ours, from Cisco's
 * public descriptions and troubleshooting notes; docs/edge-discovery.md gives the sources and says
 * which parts are assumptions.
 */

export type EdgeConfigCause =
  | 'ok'
  /** 200, but the _cisco-uds service names no server. */
  | 'no-uds-server'
  /** 403: Expressway-C does not route this domain's registrations to Unified CM. */
  | 'domain-not-enabled'
  /** 404: the edge does not serve discovery (MRA off on Expressway-E, or not an Expressway-E). */
  | 'not-found'
  /** 401 without credentials: the edge wants a user before it answers. */
  | 'authentication-required'
  /** 401 although a test user was sent. */
  | 'credentials-rejected'
  /** 5xx: Expressway-E cannot get the answer from Expressway-C (traversal zone), or C from Unified CM. */
  | 'edge-server-error'
  | 'unexpected-status'
  /** The certificate does not verify against the roots MRA clients trust, or does not name the target. */
  | 'untrusted-certificate'
  | 'tls-handshake'
  /** A 200 that is not an edge configuration. */
  | 'malformed'
  | 'too-large'
  /** Refused, unreachable or unresolved: MRA-EDGE-001 says which. */
  | 'unreachable'
  | 'timeout'
  | 'cancelled';

export interface EdgeConfigJudgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  cause: EdgeConfigCause;
  /** One sentence: what was seen and its likely cause. */
  summary: string;
  /** What to do, with the Expressway menu path. */
  remediation: string;
  httpStatus?: number;
  udsServers: string[];
}

const REMEDIATION: Record<EdgeConfigCause, string> = {
  ok: '',
  'no-uds-server':
    'On Expressway-C, Configuration > Unified Communications > Unified CM servers: add the Unified CM publisher and click Refresh servers; with several deployments (Configuration > Unified Communications > Deployments) check that the domain and the Unified CM cluster are in the same one. When a test user was sent, check that user has a home cluster and a UC service profile in Unified CM (User Management > End User).',
  'domain-not-enabled':
    'On Expressway-C, Configuration > Domains: for this domain turn SIP registrations and provisioning on Unified CM On (and IM and Presence Service On when IM&P is used); the Expressway-E certificate should also carry the domain among its Unified CM registrations domains.',
  'not-found':
    'On Expressway-E, Configuration > Unified Communications > Configuration: set Unified Communications mode to Mobile and Remote Access; check that _collab-edge._tls.<domain> names the Expressway-E and port 8443, and that nothing in front of it (a load balancer, a reverse proxy) answers instead.',
  'authentication-required':
    'The Expressway-E answers and asks for a user (WWW-Authenticate). Give a test MRA user to complete this check; without one, whether Expressway-C has discovered Unified CM for the domain cannot be seen from outside.',
  'credentials-rejected':
    'The test user was refused: check its user name and password in Unified CM (Expressway-C checks them against the home cluster via UDS) and that the account is enabled for MRA (Unified CM: User Management > User Settings > User Profile, Allow MRA).',
  'edge-server-error':
    'On Expressway-C and Expressway-E, Status > Zones: the Unified Communications traversal zone must be Active on both; on Expressway-C, Status > Unified Communications must show Unified CM and IM and Presence nodes Active (Configuration > Unified Communications > Unified CM servers > Refresh servers).',
  'unexpected-status':
    'Check what answers on 8443 at this address: it should be the Expressway-E with Unified Communications mode set to Mobile and Remote Access (Configuration > Unified Communications > Configuration).',
  'untrusted-certificate':
    'On Expressway-E, Maintenance > Security > Server certificate: install a certificate from a CA that MRA clients trust, with its intermediate chain, naming the _collab-edge SRV target (and the Unified CM registrations domains); see MRA-EDGE-002.',
  'tls-handshake':
    'On Expressway-E, check the TLS configuration of the edge (Maintenance > Security > TLS configuration and Ciphers); see MRA-EDGE-002.',
  malformed:
    'Check what answers on 8443 at this address: a proxy or another web server answered instead of Expressway-E edge discovery.',
  'too-large': 'Check what answers on 8443 at this address: the answer is far larger than an edge configuration.',
  unreachable: 'See MRA-EDGE-001 for why the Expressway-E port cannot be reached.',
  timeout:
    'See MRA-EDGE-001: the port may be filtered; if it accepts connections, Expressway-E may be waiting on Expressway-C (Status > Zones, the Unified Communications traversal zone).',
  cancelled: 'The run was cancelled; run the check again.',
};

const describe = (exchange: EdgeConfigExchange): string => exchange.url.replace(/\?.*$/, '');

/** The verdict and likely cause of one discovery answer. */
export function judgeEdgeConfig(result: EdgeConfigResult, domain: string): EdgeConfigJudgement {
  const status = result.exchange.httpStatus;
  const judged = (
    verdict: EdgeConfigJudgement['verdict'],
    cause: EdgeConfigCause,
    summary: string,
    udsServers: string[] = [],
  ): EdgeConfigJudgement => ({
    verdict,
    cause,
    summary,
    remediation: REMEDIATION[cause],
    ...(status !== undefined ? { httpStatus: status } : {}),
    udsServers,
  });
  const where = describe(result.exchange);
  if (result.ok) {
    const uds = result.config.udsServers.map((server) => `${server.host}:${server.port ?? 8443}`);
    if (uds.length > 0)
      return judged(
        'pass',
        'ok',
        `The edge answers the discovery request for ${domain} with ${uds.length} UDS server(s).`,
        uds,
      );
    const error = result.config.services.find((service) => service.name === '_cisco-uds')?.error;
    return judged(
      'fail',
      'no-uds-server',
      `The edge answers for ${domain} but names no UDS server${error ? ` (_cisco-uds: ${error})` : ''}: Expressway-C has no discovered Unified CM for the domain.`,
    );
  }
  const failure = result.failure;
  switch (failure.kind) {
    case 'http': {
      const code = failure.status;
      if (code === 403)
        return judged(
          'fail',
          'domain-not-enabled',
          `${where} answers 403 Forbidden: ${domain} is likely not enabled for Unified CM registrations on Expressway-C.`,
        );
      if (code === 404)
        return judged(
          'fail',
          'not-found',
          `${where} answers 404 Not Found: Mobile and Remote Access is likely not enabled on the Expressway-E.`,
        );
      if (code === 401)
        return result.exchange.credentials === 'none'
          ? judged(
              'inconclusive',
              'authentication-required',
              `${where} answers 401 and asks for a user${result.exchange.wwwAuthenticate ? ` (${result.exchange.wwwAuthenticate})` : ''}: the edge is up, but its view of ${domain} needs a test user to see.`,
            )
          : judged('inconclusive', 'credentials-rejected', `${where} refused the test user (401).`);
      if (code >= 500)
        return judged(
          'fail',
          'edge-server-error',
          `${where} answers ${code}: Expressway-E likely cannot reach Expressway-C over the traversal zone, or Expressway-C cannot reach Unified CM.`,
        );
      return judged('fail', 'unexpected-status', `${where} answers HTTP ${code} instead of an edge configuration.`);
    }
    case 'tls':
      return failure.certificate
        ? judged(
            'fail',
            'untrusted-certificate',
            `The edge's certificate is not accepted as MRA clients would check it (${failure.code}).`,
          )
        : judged('fail', 'tls-handshake', `The TLS handshake with the edge failed (${failure.code}).`);
    case 'malformed':
      return judged(
        'inconclusive',
        'malformed',
        `${where} answers 200 but not with an edge configuration: ${failure.detail}.`,
      );
    case 'too-large':
      return judged(
        'inconclusive',
        'too-large',
        `${where} sent more than ${failure.limitBytes} bytes; the answer was cut off.`,
      );
    case 'timeout':
      return judged('inconclusive', 'timeout', `${where} gave no complete answer within ${failure.timeoutMs} ms.`);
    case 'cancelled':
      return judged('inconclusive', 'cancelled', 'The run was cancelled before the edge answered.');
    default:
      return judged('inconclusive', 'unreachable', `${where} cannot be reached (${failure.kind}: ${failure.code}).`);
  }
}
