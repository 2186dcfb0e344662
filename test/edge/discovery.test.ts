import { describe, expect, it } from 'vitest';
import { judgeEdgeConfig, type EdgeConfigJudgement } from '../../src/edge/discovery.js';
import type {
  EdgeConfigDocument,
  EdgeConfigExchange,
  EdgeConfigFailure,
  EdgeConfigResult,
} from '../../src/probes/edge-config.js';

/** judgeEdgeConfig on scripted discovery answers: verdict, cause, the exact sentence, the UDS servers. */

const URL =
  'https://expe.example.com:8443/ZXhhbXBsZS5jb20/get_edge_config?service_name=_cisco-uds&service_name=_cuplogin';
const WHERE = 'https://expe.example.com:8443/ZXhhbXBsZS5jb20/get_edge_config';

const exchange = (fields: Partial<EdgeConfigExchange> = {}): EdgeConfigExchange => ({
  url: URL,
  trust: 'client-trust',
  credentials: 'none',
  durationMs: 5,
  ...fields,
});

const document = (fields: Partial<EdgeConfigDocument>): EdgeConfigDocument => ({
  services: [],
  udsServers: [],
  userUdsServers: [],
  sipEdgeServers: [],
  xmppEdgeServers: [],
  httpEdgeServers: [],
  turnEdgeServers: [],
  sipRoutes: [],
  omitted: 0,
  ...fields,
});

/** The judgement without its remediation text (pinned by the catalog tests), which must not be empty. */
function judge(result: EdgeConfigResult): Omit<EdgeConfigJudgement, 'remediation'> {
  const { remediation, ...rest } = judgeEdgeConfig(result, 'example.com');
  if (rest.cause !== 'ok') expect(remediation).toMatch(/\S/);
  return rest;
}

const failed = (failure: EdgeConfigFailure, fields: Partial<EdgeConfigExchange> = {}): EdgeConfigResult => ({
  ok: false,
  failure,
  exchange: exchange(fields),
});

describe('judgeEdgeConfig', () => {
  it('passes an answer naming UDS servers, each as host:port (8443 when the port is missing)', () => {
    const config = document({
      udsServers: [
        { host: 'cucm1.example.com', port: 8443 },
        { host: 'cucm2.example.com' },
        { host: 'cucm3.example.com', port: 9443 },
      ],
    });
    expect(judge({ ok: true, config, exchange: exchange({ httpStatus: 200 }) })).toStrictEqual({
      verdict: 'pass',
      cause: 'ok',
      summary: 'The edge answers the discovery request for example.com with 3 UDS server(s).',
      httpStatus: 200,
      udsServers: ['cucm1.example.com:8443', 'cucm2.example.com:8443', 'cucm3.example.com:9443'],
    });
  });

  it('fails an answer without UDS servers, with the _cisco-uds error when there is one', () => {
    const services = [
      { name: '_cisco-phonebook', servers: [], error: 'PhonebookError' },
      { name: '_cisco-uds', servers: [], error: 'NameError' },
      { name: '_cuplogin', servers: [], error: 'LoginError' },
    ];
    expect(judge({ ok: true, config: document({ services }), exchange: exchange({ httpStatus: 200 }) })).toStrictEqual({
      verdict: 'fail',
      cause: 'no-uds-server',
      summary:
        'The edge answers for example.com but names no UDS server (_cisco-uds: NameError): Expressway-C has no discovered Unified CM for the domain.',
      httpStatus: 200,
      udsServers: [],
    });
    const quiet = [
      { name: '_cisco-uds', servers: [] },
      { name: '_cuplogin', servers: [], error: 'LoginError' },
    ];
    expect(
      judge({ ok: true, config: document({ services: quiet }), exchange: exchange({ httpStatus: 200 }) }),
    ).toMatchObject({
      summary:
        'The edge answers for example.com but names no UDS server: Expressway-C has no discovered Unified CM for the domain.',
    });
  });

  it.each([
    [
      403,
      'fail',
      'domain-not-enabled',
      `${WHERE} answers 403 Forbidden: example.com is likely not enabled for Unified CM registrations on Expressway-C.`,
    ],
    [
      404,
      'fail',
      'not-found',
      `${WHERE} answers 404 Not Found: Mobile and Remote Access is likely not enabled on the Expressway-E.`,
    ],
    [
      500,
      'fail',
      'edge-server-error',
      `${WHERE} answers 500: Expressway-E likely cannot reach Expressway-C over the traversal zone, or Expressway-C cannot reach Unified CM.`,
    ],
    [
      503,
      'fail',
      'edge-server-error',
      `${WHERE} answers 503: Expressway-E likely cannot reach Expressway-C over the traversal zone, or Expressway-C cannot reach Unified CM.`,
    ],
    [302, 'fail', 'unexpected-status', `${WHERE} answers HTTP 302 instead of an edge configuration.`],
    [499, 'fail', 'unexpected-status', `${WHERE} answers HTTP 499 instead of an edge configuration.`],
  ])('judges HTTP %i (the URL without its query)', (status, verdict, cause, summary) => {
    expect(judge(failed({ kind: 'http', status, body: '' }, { httpStatus: status }))).toStrictEqual({
      verdict,
      cause,
      summary,
      httpStatus: status,
      udsServers: [],
    });
  });

  it('tells a 401 without a test user from a refused test user', () => {
    const unauthorized = { kind: 'http', status: 401, body: '' } as const;
    expect(judge(failed(unauthorized, { httpStatus: 401, wwwAuthenticate: 'Basic realm="Cisco-Edge"' }))).toStrictEqual(
      {
        verdict: 'inconclusive',
        cause: 'authentication-required',
        summary: `${WHERE} answers 401 and asks for a user (Basic realm="Cisco-Edge"): the edge is up, but its view of example.com needs a test user to see.`,
        httpStatus: 401,
        udsServers: [],
      },
    );
    expect(judge(failed(unauthorized, { httpStatus: 401 })).summary).toBe(
      `${WHERE} answers 401 and asks for a user: the edge is up, but its view of example.com needs a test user to see.`,
    );
    expect(judge(failed(unauthorized, { httpStatus: 401, credentials: 'basic' }))).toStrictEqual({
      verdict: 'inconclusive',
      cause: 'credentials-rejected',
      summary: `${WHERE} refused the test user (401).`,
      httpStatus: 401,
      udsServers: [],
    });
  });

  it.each<[EdgeConfigFailure, EdgeConfigJudgement['verdict'], string, string]>([
    [
      { kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', detail: '', certificate: true },
      'fail',
      'untrusted-certificate',
      "The edge's certificate is not accepted as MRA clients would check it (UNABLE_TO_VERIFY_LEAF_SIGNATURE).",
    ],
    [
      { kind: 'tls', code: 'ERR_SSL_WRONG_VERSION_NUMBER', detail: '', certificate: false },
      'fail',
      'tls-handshake',
      'The TLS handshake with the edge failed (ERR_SSL_WRONG_VERSION_NUMBER).',
    ],
    [
      { kind: 'malformed', detail: 'the root element is html' },
      'inconclusive',
      'malformed',
      `${WHERE} answers 200 but not with an edge configuration: the root element is html.`,
    ],
    [
      { kind: 'too-large', limitBytes: 1048576 },
      'inconclusive',
      'too-large',
      `${WHERE} sent more than 1048576 bytes; the answer was cut off.`,
    ],
    [
      { kind: 'timeout', timeoutMs: 4000 },
      'inconclusive',
      'timeout',
      `${WHERE} gave no complete answer within 4000 ms.`,
    ],
    [{ kind: 'cancelled' }, 'inconclusive', 'cancelled', 'The run was cancelled before the edge answered.'],
    [
      { kind: 'refused', code: 'ECONNREFUSED', detail: '' },
      'inconclusive',
      'unreachable',
      `${WHERE} cannot be reached (refused: ECONNREFUSED).`,
    ],
    [
      { kind: 'unresolved', code: 'ENOTFOUND', detail: '' },
      'inconclusive',
      'unreachable',
      `${WHERE} cannot be reached (unresolved: ENOTFOUND).`,
    ],
  ])('judges a %j failure without an HTTP status', (failure, verdict, cause, summary) => {
    expect(judge(failed(failure))).toStrictEqual({ verdict, cause, summary, udsServers: [] });
  });
});
