import { describe, expect, it } from 'vitest';
import type { EdgeConfigDocument, EdgeConfigExchange, EdgeConfigResult } from '../../../src/probes/edge-config.js';
import { AnchorSet } from '../../../src/cert/path.js';
import { findingFor } from '../../helpers/check.js';
import { edgeTarget, fakeEdge, judgeEdge } from './fake-edge.js';

/**
 * MRA-EDGE-003's findings for edge discovery answers a fake edge gives: which targets it asks,
 * what the message and evidence state, and that it defers to MRA-EDGE-001 for a closed port. The
 * HTTP statuses and documents of a real edge are in edge-config.test.ts.
 */
const RULE = 'MRA-EDGE-003';
const TARGET = 'example.com via expe.example.com:8443';
const URL = 'https://expe.example.com:8443/ZXhhbXBsZS5jb20/get_edge_config';

const exchange = (fields: Partial<EdgeConfigExchange> = {}): EdgeConfigExchange => ({
  url: `${URL}?service_name=_cisco-uds&service_name=_cuplogin`,
  connectedTo: '203.0.113.30',
  trust: 'client-trust',
  credentials: 'none',
  durationMs: 11,
  ...fields,
});

const document = (fields: Partial<Pick<EdgeConfigDocument, 'services' | 'udsServers'>> = {}): EdgeConfigDocument => ({
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

/** The findings for one target whose discovery request gets `result` (the certificate is not read). */
async function judge(result: EdgeConfigResult) {
  const fake = fakeEdge(
    { ok: true, targets: [edgeTarget()] },
    {
      chain: async () => ({ ok: false, failure: 'timeout', detail: 'not read here', durationMs: 1 }),
      clientAnchors: () => new AnchorSet(),
      edgeConfig: async () => result,
    },
  );
  return findingFor(await judgeEdge(RULE, fake), TARGET);
}

describe('MRA-EDGE-003 judging', () => {
  it('has nothing in scope when discovery found no target, pointing at MRA-DNS-003', async () => {
    const findings = await judgeEdge(RULE, fakeEdge({ ok: false, reason: 'no external resolver answers' }, {}));
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no external resolver answers; MRA-DNS-003 reports the SRV records.',
    );
  });

  it('asks each domain of a target with an address, and nothing for a target without one', async () => {
    const config = document({ udsServers: [{ host: 'cucm.example.com', port: 8443 }] });
    const fake = fakeEdge(
      {
        ok: true,
        targets: [edgeTarget({ host: 'expe2.example.com', addresses: [], addressProblem: 'NXDOMAIN' }), edgeTarget()],
      },
      {
        chain: async () => ({ ok: false, failure: 'timeout', detail: 'not read here', durationMs: 1 }),
        clientAnchors: () => new AnchorSet(),
        edgeConfig: async () => ({ ok: true, config, exchange: exchange({ httpStatus: 200 }) }),
      },
    );
    const findings = await judgeEdge(RULE, fake);
    expect(fake.asked.filter((request) => request.startsWith('edgeConfig'))).toEqual([
      'edgeConfig example.com expe.example.com@203.0.113.30',
    ]);
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      [TARGET, 'pass', 'discovered'],
    ]);
    expect(findings[0]!.message).toBe(
      `Edge discovery for example.com at ${URL} names 1 UDS server(s): cucm.example.com:8443.`,
    );
    expect(findings[0]!.evidence).toMatchObject({ edgeConfig: config });
    expect(findings[0]!.evidence).not.toHaveProperty('failure');
  });

  it('names the _cisco-uds error, not another service’s, when no UDS server is named', async () => {
    const finding = await judge({
      ok: true,
      config: document({
        services: [
          { name: '_cuplogin', servers: [], error: 'NameError' },
          { name: '_cisco-uds', servers: [], error: 'ServiceNotFound' },
        ],
      }),
      exchange: exchange({ httpStatus: 200 }),
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'noUdsServer' });
    expect(finding.message).toBe(
      `Edge discovery for example.com at ${URL} answers but names no UDS server (_cisco-uds: ServiceNotFound): Expressway-C has no discovered Unified CM for the domain.`,
    );
  });

  it('states no service error when the answer has no _cisco-uds service at all', async () => {
    const finding = await judge({ ok: true, config: document(), exchange: exchange({ httpStatus: 200 }) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'noUdsServer' });
    expect(finding.message).toBe(
      `Edge discovery for example.com at ${URL} answers but names no UDS server: Expressway-C has no discovered Unified CM for the domain.`,
    );
  });

  it('names an unexpected HTTP status, with the failure as evidence', async () => {
    const failure = { kind: 'http' as const, status: 418, body: 'teapot' };
    const finding = await judge({ ok: false, failure, exchange: exchange({ httpStatus: 418 }) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'unexpectedStatus', durationMs: 11 });
    expect(finding.message).toBe(`${URL} answers HTTP 418 instead of an edge configuration.`);
    expect(finding.evidence).toMatchObject({ failure, exchange: { httpStatus: 418, connectedTo: '203.0.113.30' } });
    expect(finding.evidence).not.toHaveProperty('edgeConfig');
  });

  it('names the certificate error code of a TLS failure', async () => {
    const finding = await judge({
      ok: false,
      failure: { kind: 'tls', code: 'CERT_HAS_EXPIRED', detail: 'certificate has expired', certificate: true },
      exchange: exchange(),
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'untrustedCertificate' });
    expect(finding.message).toBe(
      `Edge discovery at ${URL} fails the TLS handshake on the certificate (CERT_HAS_EXPIRED): clients that trust only edge.clientTrust stop there.`,
    );
  });

  it('is skipped naming MRA-EDGE-001 when the port is closed', async () => {
    const fake = fakeEdge(
      { ok: true, targets: [edgeTarget()] },
      {
        connect: async (address, port) => ({
          ok: false,
          failure: 'refused',
          detail: 'ECONNREFUSED',
          address,
          port,
          durationMs: 2,
        }),
        chain: async () => ({ ok: false, failure: 'refused', detail: 'ECONNREFUSED', durationMs: 1 }),
        clientAnchors: () => new AnchorSet(),
        edgeConfig: async () => ({
          ok: false,
          failure: { kind: 'refused', code: 'ECONNREFUSED', detail: 'connect ECONNREFUSED' },
          exchange: exchange(),
        }),
      },
    );
    const finding = findingFor(await judgeEdge(RULE, fake), TARGET);
    expect(finding).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
      evidence: { prerequisite: { ruleId: 'MRA-EDGE-001', target: 'expe.example.com:8443 at 203.0.113.30' } },
    });
  });
});
