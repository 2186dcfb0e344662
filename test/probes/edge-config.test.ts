import fc from 'fast-check';
import { parseCertificate } from '../../src/cert/certificate.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeConfigDocument } from '../../lab/edge-server.js';
import { randomLoopbackAddress, refusingPort } from '../../lab/loopback.js';
import { judgeEdgeConfig } from '../../src/edge/discovery.js';
import {
  domainOfSegment,
  edgeConfigUrl,
  edgeDomainSegment,
  fetchEdgeConfig,
  parseEdgeConfig,
  type EdgeConfigFetchOptions,
} from '../../src/probes/edge-config.js';
import { fetchPresentedChain } from '../../src/probes/tls.js';
import { startTestEdge, type TestEdge } from '../helpers/edge-server.js';

/**
 * Jabber's edge discovery request against our own Expressway-E edge server on loopback: the
 * request as Cisco documents it, the parsed answer, each failure typed and judged.
 */

const live = (): AbortSignal => new AbortController().signal;

describe('the discovery URL', () => {
  it('puts the domain in base64 without padding, as Cisco traces show it', () => {
    // tbtp.com, eu.chegg.com and camelot.test appear so in Cisco's published TC and Camelot traces.
    expect(edgeDomainSegment('tbtp.com')).toBe('dGJ0cC5jb20');
    expect(edgeDomainSegment('eu.chegg.com')).toBe('ZXUuY2hlZ2cuY29t');
    expect(edgeDomainSegment('camelot.test')).toBe('Y2FtZWxvdC50ZXN0');
    expect(edgeDomainSegment('Example.COM.')).toBe(edgeDomainSegment('example.com'));
    expect(edgeConfigUrl('expe.example.com', 'example.com')).toBe(
      'https://expe.example.com:8443/ZXhhbXBsZS5jb20/get_edge_config?service_name=_cisco-uds&service_name=_cuplogin',
    );
  });

  it('gives the same segment in the standard and URL-safe alphabets for any host name', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const domain = labels.join('.');
        const segment = edgeDomainSegment(domain);
        expect(segment).toBe(Buffer.from(domain).toString('base64').replace(/=+$/, ''));
        expect(segment).not.toMatch(/[+/=]/);
        expect(domainOfSegment(segment)).toBe(domain);
        expect(domainOfSegment(`${segment}==`.slice(0, segment.length + ((4 - (segment.length % 4)) % 4)))).toBe(
          domain,
        );
      }),
    );
  });
});

describe('parseEdgeConfig', () => {
  const content = {
    expresswayE: 'expe.example.com',
    udsServers: [{ host: 'cucm-pub.example.com' }, { host: 'cucm-sub1.example.com', port: 8443 }],
    turnServers: [{ host: 'expe.example.com', udpPort: 3478, tcpPort: 3478 }],
  };

  it('reads the UDS servers and the SIP, XMPP, HTTP and TURN edge servers', () => {
    const parsed = parseEdgeConfig(edgeConfigDocument(content, { user: true }));
    if (!parsed.ok) throw new Error(parsed.detail);
    const config = parsed.config;
    expect(config.version).toBe('1.0');
    expect(config.udsServers).toEqual([
      { host: 'cucm-pub.example.com', port: 8443, priority: 1, weight: 10 },
      { host: 'cucm-sub1.example.com', port: 8443, priority: 2, weight: 10 },
    ]);
    expect(config.services.find((service) => service.name === '_cuplogin')).toEqual({
      name: '_cuplogin',
      servers: [],
      error: 'NameError',
    });
    expect(config.sipEdgeServers).toEqual([{ host: 'expe.example.com', tlsPort: 5061 }]);
    expect(config.xmppEdgeServers).toEqual([{ host: 'expe.example.com', tlsPort: 5222 }]);
    expect(config.httpEdgeServers).toEqual([{ host: 'expe.example.com', tlsPort: 8443 }]);
    expect(config.turnEdgeServers).toEqual([{ host: 'expe.example.com', udpPort: 3478, tcpPort: 3478 }]);
    expect(config.userUdsServers).toEqual([{ host: 'cucm-pub.example.com', tlsPort: 8443 }]);
    expect(config.sipRoutes[0]).toMatch(/^<sip:.*;lr>$/);
  });

  it('reads an empty server list as no UDS server', () => {
    const parsed = parseEdgeConfig(edgeConfigDocument(content, { empty: true }));
    expect(parsed.ok && parsed.config.udsServers).toEqual([]);
  });

  it('refuses DOCTYPEs, entities, other roots and broken XML, and caps long lists', () => {
    const refused = (body: string): string => {
      const parsed = parseEdgeConfig(body);
      return parsed.ok ? 'parsed' : parsed.detail;
    };
    expect(refused('<!DOCTYPE x [<!ENTITY a "b">]><getEdgeConfigResponse/>')).toMatch(/DOCTYPE/);
    expect(refused('<html><body>hi</body></html>')).toMatch(/root element is <html>/);
    expect(refused('<getEdgeConfigResponse><serviceConfig></getEdgeConfigResponse>')).toMatch(/well-formed/);
    expect(refused('{"json": true}')).toMatch(/not XML/);
    const many = `<getEdgeConfigResponse><serviceConfig><service><name>_cisco-uds</name>${'<server><address>a.example.com</address><port>8443</port></server>'.repeat(500)}</service></serviceConfig></getEdgeConfigResponse>`;
    const parsed = parseEdgeConfig(many);
    expect(parsed.ok && parsed.config.udsServers.length).toBe(64);
    expect(parsed.ok && parsed.config.omitted).toBe(436);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (body) => {
        const parsed = parseEdgeConfig(`<getEdgeConfigResponse>${body}</getEdgeConfigResponse>`);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('fetchEdgeConfig against the edge server', () => {
  let edge: TestEdge;
  let untrusted: TestEdge;
  let authenticated: TestEdge;
  const credentials = { username: 'mra-test-user', password: 'Edge-Secret-4711' };
  beforeAll(async () => {
    edge = await startTestEdge({
      domains: {
        'example.com': 'good',
        'empty.example': 'empty',
        'gone.example': 'not-found',
        'down.example': 'server-error',
        'slow.example': 'trickle',
        'huge.example': 'endless',
        'broken.example': 'malformed',
        'entity.example': 'doctype',
        'proxy.example': 'wrong-root',
      },
    });
    untrusted = await startTestEdge({ domains: { 'example.com': 'good' }, untrusted: true });
    authenticated = await startTestEdge({ domains: { 'example.com': 'good' }, credentials });
  });
  afterAll(async () => {
    await Promise.all([edge?.close(), untrusted?.close(), authenticated?.close()]);
  });

  const ask = (on: TestEdge, domain: string, extra: Partial<EdgeConfigFetchOptions> = {}) =>
    fetchEdgeConfig({
      target: on.target,
      port: on.port,
      address: on.host,
      domain,
      clientTrust: [on.trustedRoot.certPem],
      timeoutMs: 1500,
      signal: live(),
      ...extra,
    });

  it('passes for a domain Expressway-C serves: 200 naming the UDS servers', async () => {
    const result = await ask(edge, 'example.com');
    if (!result.ok) throw new Error(JSON.stringify(result.failure));
    expect(result.config.udsServers.map((server) => server.host)).toEqual([
      'cucm-pub.example.com',
      'cucm-sub1.example.com',
    ]);
    expect(result.exchange).toMatchObject({
      httpStatus: 200,
      connectedTo: edge.host,
      trust: 'client-trust',
      credentials: 'none',
      server: 'CE_C ECS',
    });
    const judged = judgeEdgeConfig(result, 'example.com');
    expect(judged).toMatchObject({
      verdict: 'pass',
      cause: 'ok',
      udsServers: ['cucm-pub.example.com:8443', 'cucm-sub1.example.com:8443'],
    });
    // What arrived: the base64 path decoded to the domain, both service names, Accept: text/xml.
    expect(edge.server.requests.at(-1)).toMatchObject({
      domain: 'example.com',
      query: '?service_name=_cisco-uds&service_name=_cuplogin',
      accept: 'text/xml',
    });
  });

  it.each([
    ['other.example', 'fail', 'domain-not-enabled', 403],
    ['empty.example', 'fail', 'no-uds-server', 200],
    ['gone.example', 'fail', 'not-found', 404],
    ['down.example', 'fail', 'edge-server-error', 502],
    ['broken.example', 'inconclusive', 'malformed', 200],
    ['entity.example', 'inconclusive', 'malformed', 200],
    ['proxy.example', 'inconclusive', 'malformed', 200],
  ] as const)('%s is judged %s (%s)', async (domain, verdict, cause, status) => {
    const result = await ask(edge, domain);
    expect(result.exchange.httpStatus).toBe(status);
    const judged = judgeEdgeConfig(result, domain);
    expect(judged).toMatchObject({ verdict, cause });
    expect(judged.summary.length).toBeGreaterThan(20);
    if (verdict === 'fail') expect(judged.remediation).toMatch(/Expressway-[CE]|Configuration >|Status >/);
  });

  it('gives timeout within the budget for a body that trickles', async () => {
    const started = performance.now();
    const result = await ask(edge, 'slow.example', { timeoutMs: 800 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(performance.now() - started).toBeLessThan(1300);
    expect(judgeEdgeConfig(result, 'slow.example')).toMatchObject({ verdict: 'inconclusive', cause: 'timeout' });
  });

  it('gives too-large for a body that never ends, without buffering it', async () => {
    const before = process.memoryUsage().rss;
    const result = await ask(edge, 'huge.example', { maxBytes: 256 * 1024, timeoutMs: 3000 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'too-large', limitBytes: 256 * 1024 } });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a DOCTYPE body without expanding it', async () => {
    const result = await ask(edge, 'entity.example');
    expect(result.ok === false && result.failure.kind === 'malformed' && result.failure.detail).toMatch(/DOCTYPE/);
  });

  it('fails TLS as a certificate problem when the chain is not under clientTrust', async () => {
    const result = await ask(untrusted, 'example.com');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'tls', certificate: true } });
    expect(judgeEdgeConfig(result, 'example.com')).toMatchObject({ verdict: 'fail', cause: 'untrusted-certificate' });
  });

  it("verifies against Node's root store when no clientTrust is given", async () => {
    const result = await ask(edge, 'example.com', { clientTrust: undefined });
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'tls', certificate: true },
      exchange: { trust: 'node-roots' },
    });
  });

  it('fails TLS when the certificate does not name the SRV target', async () => {
    const result = await ask(edge, 'example.com', { target: 'other-edge.example.com' });
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID', certificate: true },
    });
  });

  it('names a refused port as unreachable for EDGE-003 (EDGE-001 judges the port)', async () => {
    const host = randomLoopbackAddress();
    const port = await refusingPort(host);
    const result = await fetchEdgeConfig({
      target: 'expe.example.com',
      port,
      address: host,
      domain: 'example.com',
      timeoutMs: 1000,
      signal: live(),
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(judgeEdgeConfig(result, 'example.com')).toMatchObject({ verdict: 'inconclusive', cause: 'unreachable' });
  });

  it('meets a 401 Basic realm="Cisco-Edge" challenge without credentials, and passes with a test user', async () => {
    const challenged = await ask(authenticated, 'example.com');
    expect(challenged).toMatchObject({
      ok: false,
      failure: { kind: 'http', status: 401 },
      exchange: { wwwAuthenticate: 'Basic realm="Cisco-Edge"', credentials: 'none' },
    });
    expect(judgeEdgeConfig(challenged, 'example.com')).toMatchObject({
      verdict: 'inconclusive',
      cause: 'authentication-required',
    });

    const admitted = await ask(authenticated, 'example.com', { credentials });
    if (!admitted.ok) throw new Error(JSON.stringify(admitted.failure));
    expect(admitted.config.userUdsServers).toEqual([{ host: 'cucm-pub.example.com', tlsPort: 8443 }]);
    expect(admitted.exchange.credentials).toBe('basic');

    const refused = await ask(authenticated, 'example.com', {
      credentials: { ...credentials, password: 'wrong-Edge-Secret' },
    });
    expect(judgeEdgeConfig(refused, 'example.com')).toMatchObject({
      verdict: 'inconclusive',
      cause: 'credentials-rejected',
    });
    for (const result of [challenged, admitted, refused]) {
      const text = JSON.stringify(result);
      expect(text).not.toContain(credentials.password);
      expect(text).not.toContain('wrong-Edge-Secret');
      expect(text).not.toContain(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
    }
  });

  it("presents the chain fetchPresentedChain reads with SNI = the SRV target (MRA-EDGE-002's input)", async () => {
    const chain = await fetchPresentedChain({
      host: edge.host,
      port: edge.port,
      servername: edge.target,
      timeoutMs: 1500,
      signal: live(),
    });
    if (!chain.ok) throw new Error(chain.detail);
    expect(chain.der).toHaveLength(2);
    expect(parseCertificate(chain.der[0]!).dnsNames).toContain(edge.target);
  });
});
