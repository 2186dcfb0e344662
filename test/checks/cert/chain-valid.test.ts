import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { issueEcCertificate } from '../../../lab/pki.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { DAY, leafFor, pemOf, tempDir, testPki, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';
import { serveChain, serveHostile, serveTls, type RunningServer } from '../../helpers/tls-server.js';

const RULE = 'MRA-CERT-001';

/** One Expressway-C endpoint served live, trusting root A through a caFile. */
function single(endpoint: string, dir: string): Record<string, unknown> {
  const caFile = writePem(dir, 'root-a.pem', testPki().rootA);
  return {
    domains: ['example.com'],
    nodes: [
      {
        fqdn: 'expc.example.com',
        role: 'expressway-c',
        tls: { server: endpoint },
        status: { url: 'https://127.0.0.1/status.xml', caFile },
      },
    ],
  };
}

describe('MRA-CERT-001 chain-valid', () => {
  let deployment: Deployment;
  const servers: RunningServer[] = [];
  const dir = tempDir();
  beforeAll(async () => {
    deployment = await startDeployment();
  });
  afterAll(async () => {
    await deployment?.close();
    await Promise.all(servers.map((server) => server.close()));
  });
  const serve = async (server: Promise<RunningServer>): Promise<RunningServer> => {
    const running = await server;
    servers.push(running);
    return running;
  };

  it('passes every live endpoint whose chain builds to a root held in a trust store', async () => {
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findings).toHaveLength(5);
    for (const finding of findings) expect(finding.status, finding.message).toBe('pass');
    const expc = findingFor(findings, deployment.targets.expc);
    expect(expc.message).toMatch(
      /builds to CN=Test Root CA A, O=mra-preflight lab, trusted by cucm-pub.example.com tomcat-trust/,
    );
    expect(expc.evidence.chain).toHaveLength(3);
    // A live chain records the TLS version it was read over.
    expect(expc.evidence.protocol).toMatch(/^TLSv1\.[23]$/);
    expect((expc.evidence.chain as Array<Record<string, unknown>>)[0]).toMatchObject({
      serial: expect.any(String),
      sha256: expect.any(String),
      key: 'RSA 2048',
      signatureAlgorithm: 'sha256WithRSAEncryption',
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    });
  });

  it('fails a chain that ends in a self-signed root nobody trusts', async () => {
    const { rootB } = testPki();
    const server = await serve(serveChain(leafFor('expc.example.com', rootB), rootB));
    const [finding] = await testCheck(RULE, { inventory: single(server.endpoint, dir) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'untrustedRoot', severity: 'error' });
    expect(finding?.message).toContain('CN=Test Root CA B');
  });

  it('fails a chain whose intermediate is missing, naming the issuer', async () => {
    const server = await serve(serveChain(leafFor('expc.example.com', testPki().intermediateA)));
    const [finding] = await testCheck(RULE, { inventory: single(server.endpoint, dir) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'issuerNotFound' });
    expect(finding?.message).toContain('its issuer CN=Test Issuing CA A1, O=mra-preflight lab was neither presented');
  });

  it('reaches an endpoint written as [IPv6]:port, with the node FQDN as SNI', async () => {
    const { intermediateA } = testPki();
    const leaf = leafFor('expc.example.com', intermediateA);
    const server = await serve(serveTls({ chainPem: pemOf(leaf, intermediateA), keyPem: leaf.keyPem }, '::1'));
    const [finding] = await testCheck(RULE, { inventory: single(server.endpoint, dir) });
    expect(finding).toMatchObject({ target: `expc.example.com server at [::1]:${server.port}`, status: 'pass' });
  });

  it('judges validity dates at --as-of', async () => {
    const { intermediateA } = testPki();
    const server = await serve(
      serveChain(
        leafFor('expc.example.com', intermediateA, { notAfter: new Date(Date.now() + 20 * DAY) }),
        intermediateA,
      ),
    );
    const now = await testCheck(RULE, { inventory: single(server.endpoint, dir) });
    expect(now[0]?.status).toBe('pass');
    const later = await testCheck(RULE, {
      inventory: single(server.endpoint, dir),
      asOf: new Date(Date.now() + 30 * DAY),
    });
    expect(later[0]).toMatchObject({ status: 'fail', messageId: 'outsideValidity' });
    expect(later[0]?.message).toMatch(/CN=expc.example.com, O=mra-preflight lab expired on/);
  });

  it('reads an ECDSA leaf (node:crypto) and judges it like any other', async () => {
    const { intermediateA } = testPki();
    const server = await serve(
      serveChain(
        issueEcCertificate({ commonName: 'expc.example.com', sans: ['expc.example.com'] }, intermediateA),
        intermediateA,
      ),
    );
    const [finding] = await testCheck(RULE, { inventory: single(server.endpoint, dir) });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'trusted' });
    expect((finding?.evidence.chain as Array<Record<string, unknown>>)[0]?.key).toBe('EC prime256v1');
  });

  it('lints exported PEM files offline; a malformed PEM is inconclusive', async () => {
    const { rootA, intermediateA } = testPki();
    writePem(dir, 'cucm-tomcat.pem', leafFor('cucm-pub.example.com', intermediateA), intermediateA);
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writePem(dir, 'trust.pem', rootA);
    const findings = await testCheck(RULE, {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        // Offline: the live endpoint is listed but never contacted.
        nodes: [
          {
            fqdn: 'cucm-pub.example.com',
            role: 'cucm-publisher',
            tls: { tomcat: `127.0.0.1:${await refusingPort('127.0.0.1')}` },
          },
        ],
        certificates: [
          { node: 'cucm-pub.example.com', service: 'tomcat', file: 'cucm-tomcat.pem' },
          { node: 'cucm-pub.example.com', service: 'callmanager', file: 'broken.pem' },
        ],
        trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'trust.pem' }],
      },
    });
    expect(findingFor(findings, 'cucm-tomcat.pem').status).toBe('pass');
    expect(findingFor(findings, 'broken.pem')).toMatchObject({ status: 'inconclusive', messageId: 'notObtained' });
    expect(findings).toHaveLength(2);
  });

  it.each(['stall', 'truncate', 'garbage'] as const)('a %s handshake is inconclusive, never a crash', async (mode) => {
    const server = await serve(serveHostile(mode));
    const [finding] = await testCheck(RULE, { inventory: single(server.endpoint, dir), timeoutMs: 300 });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'notObtained' });
    expect(finding?.evidence.failure).toBe({ stall: 'timeout', truncate: 'truncated', garbage: 'malformed' }[mode]);
  });

  it('is skipped offline when there are only live endpoints', async () => {
    const closed = `127.0.0.1:${await refusingPort('127.0.0.1')}`;
    const [finding] = await testCheck(RULE, { inventory: single(closed, dir), offline: true });
    expect(finding).toMatchObject({ status: 'skipped', target: 'deployment' });
  });
});
