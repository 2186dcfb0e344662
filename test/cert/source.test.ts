import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/probes/limiter.js';
import { refusingPort } from '../../lab/loopback.js';
import { createCa, type Issued } from '../../lab/pki.js';
import { parseCertificate } from '../../src/cert/certificate.js';
import { createCertificateSource, readCertificateFile, type ChainResult } from '../../src/cert/source.js';
import { fetchPresentedChain } from '../../src/probes/tls.js';
import { fixtureInventory } from '../helpers/check.js';
import { leafFor, tempDir, testPki, writePem } from '../helpers/pki.js';
import { serveChain, serveHostile, serveXmppStartTls, type RunningServer } from '../helpers/tls-server.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
async function started(server: Promise<RunningServer>): Promise<RunningServer> {
  const running = await server;
  servers.push(running);
  return running;
}

const fetch = (
  server: RunningServer,
  extra: { xmppDomain?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ChainResult> =>
  fetchPresentedChain({
    host: server.host,
    port: server.port,
    servername: 'cucm-pub.example.com',
    timeoutMs: extra.timeoutMs ?? 2000,
    signal: extra.signal ?? new AbortController().signal,
    ...(extra.xmppDomain ? { xmppDomain: extra.xmppDomain } : {}),
  }).then((presented) =>
    presented.ok ? { ...presented, certificates: presented.der.map((der) => parseCertificate(der)) } : presented,
  );

const names = (result: ChainResult): Array<string | undefined> =>
  result.ok ? result.certificates.map((cert) => cert.commonName) : [result.failure];

describe('fetchPresentedChain against real node:tls servers', () => {
  it('captures the presented chain, leaf first, without a trust decision', async () => {
    const { intermediateA } = testPki();
    const server = await started(serveChain(leafFor('cucm-pub.example.com', intermediateA), intermediateA));
    const result = await fetch(server);
    expect(names(result)).toEqual(['cucm-pub.example.com', 'Test Issuing CA A1']);
    expect(result.ok && result.protocol).toMatch(/TLS/);
  });

  it('negotiates XMPP STARTTLS before the handshake, as Jabber does', async () => {
    const { intermediateA } = testPki();
    const leaf = leafFor('imp-pub.example.com', intermediateA);
    const xmpp = await started(
      serveXmppStartTls({ chainPem: leaf.certPem + intermediateA.certPem, keyPem: leaf.keyPem }),
    );
    expect(names(await fetch(xmpp, { xmppDomain: 'example.com' }))).toEqual([
      'imp-pub.example.com',
      'Test Issuing CA A1',
    ]);
  });

  it('types an XMPP peer that refuses STARTTLS as starttls', async () => {
    const refusing = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', () => {
        socket.write(
          "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>",
        );
        socket.once('data', () => socket.write("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"));
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const port = (refusing.address() as { port: number }).port;
    servers.push({
      host: '127.0.0.1',
      port,
      endpoint: `127.0.0.1:${port}`,
      close: () => new Promise((done) => refusing.close(() => done())),
    });
    const result = await fetch(
      { host: '127.0.0.1', port, endpoint: '', close: async () => {} },
      { xmppDomain: 'example.com' },
    );
    expect(result).toMatchObject({ ok: false, failure: 'starttls' });
  });

  it.each([
    [
      'no STARTTLS offered',
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:features><mechanisms/></stream:features>",
      'starttls',
    ],
    ['a flood before <proceed/>', `<stream:stream>${'x'.repeat(70_000)}`, 'oversize'],
    ['a stream error', '<stream:stream><stream:error><host-unknown/></stream:error>', 'starttls'],
  ])('types an XMPP peer sending %s', async (_case, reply, failure) => {
    const peer = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', () => socket.write(reply));
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const port = (peer.address() as { port: number }).port;
    servers.push({
      host: '127.0.0.1',
      port,
      endpoint: `127.0.0.1:${port}`,
      close: () => new Promise((done) => peer.close(() => done())),
    });
    const result = await fetch(
      { host: '127.0.0.1', port, endpoint: '', close: async () => {} },
      { xmppDomain: 'example.com', timeoutMs: 1000 },
    );
    expect(result).toMatchObject({ ok: false, failure });
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'captures the chain of a %s peer that demands a client certificate (CallManager 5061)',
    async (maxVersion) => {
      const { intermediateA } = testPki();
      const leaf = leafFor('cucm-pub.example.com', intermediateA);
      const strict = tls.createServer({
        key: leaf.keyPem,
        cert: leaf.certPem + intermediateA.certPem,
        requestCert: true,
        rejectUnauthorized: true,
        ca: [intermediateA.certPem],
        maxVersion,
      });
      strict.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
      const port = (strict.address() as { port: number }).port;
      servers.push({
        host: '127.0.0.1',
        port,
        endpoint: '',
        close: () => new Promise((done) => strict.close(() => done())),
      });
      const result = await fetch({ host: '127.0.0.1', port, endpoint: '', close: async () => {} });
      expect(names(result)).toEqual(['cucm-pub.example.com', 'Test Issuing CA A1']);
    },
  );

  it('types a handshake that never finishes as timeout', async () => {
    const server = await started(serveHostile('stall'));
    expect(await fetch(server, { timeoutMs: 300 })).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('types an XMPP peer that never answers as timeout', async () => {
    const server = await started(serveHostile('stall'));
    expect(await fetch(server, { timeoutMs: 300, xmppDomain: 'example.com' })).toMatchObject({
      ok: false,
      failure: 'timeout',
    });
  });

  it('types a truncated handshake as truncated', async () => {
    const server = await started(serveHostile('truncate'));
    expect(await fetch(server)).toMatchObject({ ok: false, failure: 'truncated' });
  });

  it('types a non-TLS answer as malformed', async () => {
    const server = await started(serveHostile('garbage'));
    expect(await fetch(server)).toMatchObject({ ok: false, failure: 'malformed' });
  });

  it('types a closed port as refused', async () => {
    const server = await serveHostile('stall');
    await server.close();
    expect(await fetch(server)).toMatchObject({ ok: false, failure: 'refused' });
  });

  it('types an oversize chain (more than 16 certificates) as oversize', async () => {
    const cas: Issued[] = [];
    let issuer = createCa('Deep Root', { keyBits: 1024 });
    for (let i = 0; i < 18; i++) {
      issuer = createCa(`Deep CA ${i}`, { keyBits: 1024 }, issuer);
      cas.unshift(issuer);
    }
    const server = await started(serveChain(leafFor('cucm-pub.example.com', issuer, { keyBits: 1024 }), ...cas));
    expect(await fetch(server)).toMatchObject({ ok: false, failure: 'oversize' });
  });

  it("types a huge certificate (over OpenSSL's 100 KB certificate list limit) as oversize", async () => {
    const sans = Array.from({ length: 2500 }, (_, i) => `host-${i}-${'x'.repeat(40)}.example.com`);
    const server = await started(serveChain(leafFor('cucm-pub.example.com', undefined, { sans, keyBits: 1024 })));
    expect(await fetch(server)).toMatchObject({ ok: false, failure: 'oversize' });
  });

  it('shares one abort listener per run signal across many concurrent handshakes (no listener-leak warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const server = await started(serveHostile('stall'));
      const signal = new AbortController().signal;
      const results = await Promise.all(Array.from({ length: 40 }, () => fetch(server, { timeoutMs: 300, signal })));
      expect(new Set(results.map((result) => (result.ok ? 'ok' : result.failure)))).toEqual(new Set(['timeout']));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('honours the run being cancelled', async () => {
    const server = await started(serveHostile('stall'));
    const controller = new AbortController();
    const pending = fetch(server, { timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, failure: 'aborted' });
  });
});

describe('certificate files and trust stores', () => {
  const dir = tempDir();
  const { rootA, intermediateA, rootB } = testPki();

  it('reads an exported chain and types unreadable or malformed files', () => {
    const file = writePem(dir, 'chain.pem', leafFor('cucm-pub.example.com', intermediateA), intermediateA);
    expect(names(readCertificateFile(file))).toEqual(['cucm-pub.example.com', 'Test Issuing CA A1']);
    const reversed = writePem(
      dir,
      'reversed.pem',
      rootA,
      intermediateA,
      leafFor('cucm-pub.example.com', intermediateA),
    );
    expect(names(readCertificateFile(reversed))).toEqual([
      'cucm-pub.example.com',
      'Test Root CA A',
      'Test Issuing CA A1',
    ]);
    expect(readCertificateFile(join(dir, 'missing.pem'))).toMatchObject({ ok: false, failure: 'unreadable' });
    writeFileSync(join(dir, 'bad.pem'), '-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n');
    expect(readCertificateFile(join(dir, 'bad.pem'))).toMatchObject({ ok: false, failure: 'malformed' });
  });

  it('reads a folder export in any file order, leaf first; an ambiguous folder is malformed', () => {
    const folder = join(dir, 'cucm-tomcat');
    mkdirSync(folder);
    writePem(folder, 'a-root.pem', rootA);
    writePem(folder, 'b-intermediate.pem', intermediateA);
    writePem(folder, 'c-leaf.pem', leafFor('cucm-pub.example.com', intermediateA));
    expect(names(readCertificateFile(folder))).toEqual([
      'cucm-pub.example.com',
      'Test Root CA A',
      'Test Issuing CA A1',
    ]);
    writePem(folder, 'd-other-leaf.pem', leafFor('imp-pub.example.com', intermediateA));
    expect(readCertificateFile(folder)).toMatchObject({
      ok: false,
      failure: 'malformed',
      detail: expect.stringContaining('no single leaf'),
    });
  });

  it('lists live and file endpoints, caches chains, and gathers anchors from stores, caFiles and Node roots', async () => {
    const storeDir = join(dir, 'tomcat-trust');
    mkdirSync(storeDir);
    const closed = await refusingPort('127.0.0.1');
    writePem(storeDir, 'root-a.pem', rootA);
    writeFileSync(join(storeDir, 'junk.pem'), 'not a certificate');
    const caFile = writePem(dir, 'ca.pem', rootB);
    const exported = writePem(dir, 'expc.pem', leafFor('expc.example.com', rootB));
    const inventory = fixtureInventory({
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [
          { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: `127.0.0.1:${closed}` } },
          { fqdn: 'expc.example.com', role: 'expressway-c' },
          { fqdn: 'expe.example.com', role: 'expressway-e', status: { url: 'https://127.0.0.1/status.xml', caFile } },
        ],
        certificates: [{ node: 'expc.example.com', service: 'server', file: 'expc.pem' }],
        trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'tomcat-trust' }],
      },
    });
    const source = createCertificateSource({
      inventory,
      offline: false,
      timeoutMs: 500,
      limiter: new Limiter(4),
      signal: new AbortController().signal,
      env: {},
    });
    const endpoints = source.endpoints();
    expect(endpoints.map((endpoint) => endpoint.target)).toEqual([
      `cucm-pub.example.com tomcat at 127.0.0.1:${closed}`,
      'expc.pem',
    ]);
    expect(endpoints[1]?.location).toBe(exported);
    expect(source.chain(endpoints[1]!)).toBe(source.chain(endpoints[1]!));
    const store = await source.trustStore('cucm-pub.example.com', 'tomcat-trust');
    expect(store).toMatchObject({ ok: true, problems: [expect.stringMatching(/^junk.pem/)] });
    expect(await source.trustStore('cucm-pub.example.com', 'CallManager-trust')).toBeUndefined();
    const anchors = await source.anchors();
    expect(anchors).toBe(await source.anchors());
    const rootACert = store?.ok ? store.certificates[0] : undefined;
    expect(anchors.exact(rootACert!)?.sources).toEqual(['cucm-pub.example.com tomcat-trust']);
    expect(anchors.size).toBeGreaterThan(100); // Node's root store is part of it
    const offline = createCertificateSource({
      inventory,
      offline: true,
      timeoutMs: 500,
      limiter: new Limiter(4),
      signal: new AbortController().signal,
      env: {},
    });
    expect(offline.endpoints().map((endpoint) => endpoint.origin)).toEqual(['file']);
  });
});
