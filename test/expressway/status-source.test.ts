import { createServer, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/probes/limiter.js';
import type { InventoryNode } from '../../src/inventory/types.js';
import { createExpresswaySource, type ExpresswayVersionResult } from '../../src/expressway/source.js';
import { fetchStatusVersion, parseStatusDocument, type StatusFetchResult } from '../../src/probes/status.js';
import { fixtureInventory } from '../helpers/check.js';
import {
  STATUS_ENV,
  STATUS_PASSWORD,
  STATUS_ROUTES,
  startStatusFixture,
  type StatusFixture,
} from '../helpers/status-server.js';

let fixture: StatusFixture;
beforeAll(async () => {
  fixture = await startStatusFixture();
});
afterAll(async () => {
  await fixture?.close();
});

const credentials = { usernameEnv: 'EXP_USER', passwordEnv: 'EXP_PASS' };
const runSignal = new AbortController().signal;

async function fetchNamed(
  name: string,
  extra: Record<string, unknown> = {},
  timeoutMs = 2000,
  maxBytes?: number,
): Promise<StatusFetchResult> {
  const result = await fetchStatusVersion(
    { url: fixture.url(name), ...credentials, caFile: fixture.caFile, ...extra },
    { timeoutMs, signal: runSignal, env: STATUS_ENV, ...(maxBytes ? { maxBytes } : {}) },
  );
  // Whatever happened, the password is nowhere in what the probe returns.
  expect(JSON.stringify(result)).not.toContain(STATUS_PASSWORD);
  return result;
}

/** A raw TCP peer on loopback, for handshakes that go wrong. */
async function withRawPeer(
  onConnection: (socket: Socket) => void,
  use: (port: number) => Promise<void>,
): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  try {
    await use(typeof address === 'object' && address ? address.port : 0);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function documentOf(path: string): string {
  const route = STATUS_ROUTES[path];
  if (route?.kind !== 'document') throw new Error(`no document at ${path}`);
  return route.body;
}

describe('parseStatusDocument', () => {
  it('reads Software/Version, not the Hardware/Version before it, and keeps "8.10" a string', () => {
    const parsed = parseStatusDocument(documentOf('/x8-10/status.xml'));
    expect(parsed).toEqual({
      ok: true,
      version: 'X8.10',
      facts: { product: 'TANDBERG VCS', build: '8.10-b1', releaseDate: '2024-02-14' },
    });
    expect(
      parseStatusDocument('<Status><SystemUnit><Software><Version>8.10</Version></Software></SystemUnit></Status>'),
    ).toMatchObject({
      ok: true,
      version: '8.10',
    });
  });

  it('tolerates namespace prefixes and attributes', () => {
    expect(parseStatusDocument(documentOf('/prefixed/status.xml'))).toMatchObject({ ok: true, version: 'X12.5' });
  });

  it('reports a missing element, garbage and HTML as typed failures', () => {
    expect(parseStatusDocument(documentOf('/missing/status.xml'))).toEqual({
      ok: false,
      failure: { kind: 'missing-element', element: 'Status/SystemUnit/Software/Version' },
    });
    expect(parseStatusDocument(documentOf('/garbage/status.xml'))).toMatchObject({
      ok: false,
      failure: { kind: 'malformed' },
    });
    expect(parseStatusDocument('<Status><SystemUnit>')).toMatchObject({ ok: false, failure: { kind: 'malformed' } });
    expect(parseStatusDocument(documentOf('/html/status.xml'))).toMatchObject({ ok: false });
    expect(parseStatusDocument('')).toMatchObject({ ok: false, failure: { kind: 'malformed' } });
  });

  it('never throws on hostile input: arbitrary text, XML-like fragments, deep nesting', () => {
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<Status>',
          '</Status>',
          '<SystemUnit>',
          '</SystemUnit>',
          '<Software>',
          '</Software>',
          '<Version>',
          '</Version>',
          'X8.10',
          '&amp;',
          '<!DOCTYPE x [<!ENTITY a "b">]>',
          '<![CDATA[',
          ']]>',
          '<?xml version="1.0"?>',
          '<a b=">',
          '\u0000',
          ' ',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), xmlish), (text) => {
        const parsed = parseStatusDocument(text);
        expect(typeof parsed.ok).toBe('boolean');
        if (parsed.ok) expect(parsed.version.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 500 },
    );
    const deep = `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`;
    expect(parseStatusDocument(deep).ok).toBe(false);
  });

  it('does not expand entities (an entity bomb stays a short literal)', () => {
    expect(parseStatusDocument(documentOf('/bomb/status.xml'))).toMatchObject({ ok: true, version: '&lol5;' });
  });
});

describe('fetchStatusVersion against the local HTTPS status server', () => {
  it('reads the version with Basic auth and TLS verified against caFile', async () => {
    const result = await fetchNamed('good');
    expect(result).toMatchObject({
      ok: true,
      version: 'X14.3.1',
      facts: { product: 'TANDBERG VCS' },
      exchange: {
        url: fixture.url('good'),
        tlsVerification: 'on',
        credentialsFrom: 'EXP_USER/EXP_PASS',
        httpStatus: 200,
      },
    });
  });

  it('turns a wrong password into an auth failure (401)', async () => {
    const result = await fetchStatusVersion(
      { url: fixture.url('good'), ...credentials, caFile: fixture.caFile },
      { timeoutMs: 2000, signal: runSignal, env: { EXP_USER: 'mra-admin', EXP_PASS: 'wrong-password' } },
    );
    expect(result).toMatchObject({ ok: false, failure: { kind: 'auth', httpStatus: 401 } });
    expect(JSON.stringify(result)).not.toContain('wrong-password');
  });

  it('reports 401, 403 and 500 answers', async () => {
    expect(await fetchNamed('unauthorized')).toMatchObject({ ok: false, failure: { kind: 'auth', httpStatus: 401 } });
    expect(await fetchNamed('forbidden')).toMatchObject({ ok: false, failure: { kind: 'auth', httpStatus: 403 } });
    expect(await fetchNamed('error')).toMatchObject({ ok: false, failure: { kind: 'http', httpStatus: 500 } });
    expect(await fetchNamed('login-redirect')).toMatchObject({ ok: false, failure: { kind: 'auth', httpStatus: 302 } });
    expect(await fetchNamed('moved')).toMatchObject({ ok: false, failure: { kind: 'http', httpStatus: 301 } });
  });

  it('reports garbage and a document without the element', async () => {
    expect(await fetchNamed('garbage')).toMatchObject({ ok: false, failure: { kind: 'malformed' } });
    expect(await fetchNamed('missing')).toMatchObject({ ok: false, failure: { kind: 'missing-element' } });
  });

  it('gives up on a slow-loris body, and on a server that never answers, at the timeout', async () => {
    expect(await fetchNamed('slow', {}, 600)).toMatchObject({
      ok: false,
      failure: { kind: 'timeout', timeoutMs: 600 },
    });
    expect(await fetchNamed('silent', {}, 600)).toMatchObject({
      ok: false,
      failure: { kind: 'timeout', timeoutMs: 600 },
    });
  });

  it('cuts off an endless body at the size cap', async () => {
    const result = await fetchNamed('huge', {}, 10_000, 256 * 1024);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'too-large', limitBytes: 256 * 1024 } });
  });

  it('fails TLS verification without the issuing CA, or with an unrelated one', async () => {
    const withoutCa = await fetchStatusVersion(
      { url: fixture.url('good'), ...credentials },
      { timeoutMs: 2000, signal: runSignal, env: STATUS_ENV },
    );
    expect(withoutCa).toMatchObject({ ok: false, failure: { kind: 'tls' } });
    expect(await fetchNamed('good', { caFile: fixture.otherCaFile })).toMatchObject({
      ok: false,
      failure: { kind: 'tls' },
    });
  });

  it('skips verification only with insecure: true, and says so', async () => {
    const result = await fetchStatusVersion(
      { url: fixture.url('good'), ...credentials, insecure: true },
      { timeoutMs: 2000, signal: runSignal, env: STATUS_ENV },
    );
    expect(result).toMatchObject({ ok: true, version: 'X14.3.1', exchange: { tlsVerification: 'off' } });
  });

  it('refuses when a credential variable is unset, or credentials sit in the URL', async () => {
    const unset = await fetchStatusVersion(
      { url: fixture.url('good'), ...credentials, caFile: fixture.caFile },
      { timeoutMs: 2000, signal: runSignal, env: {} },
    );
    expect(unset).toMatchObject({
      ok: false,
      failure: { kind: 'config', detail: 'environment variables EXP_USER and EXP_PASS are not set' },
    });
    const inUrl = await fetchNamed('good', {
      url: fixture.url('good').replace('https://', `https://mra-admin:${STATUS_PASSWORD}@`),
    });
    expect(inUrl).toMatchObject({ ok: false, failure: { kind: 'config' }, exchange: { url: fixture.url('good') } });
  });

  it('refuses to send credentials over plain HTTP', async () => {
    const result = await fetchNamed('good', { url: fixture.url('good').replace('https://', 'http://') });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'config' }, exchange: { tlsVerification: 'none' } });
  });

  it('reports a refused connection as unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const result = await fetchStatusVersion(
      { url: `https://127.0.0.1:${port}/status.xml` },
      { timeoutMs: 2000, signal: runSignal, env: {} },
    );
    expect(result).toMatchObject({ ok: false, failure: { kind: 'unreachable', code: 'ECONNREFUSED' } });
  });

  it('gives up on a peer that accepts TCP and never answers the TLS handshake', async () => {
    await withRawPeer(
      () => {},
      async (port) => {
        const result = await fetchStatusVersion(
          { url: `https://127.0.0.1:${port}/status.xml` },
          { timeoutMs: 500, signal: runSignal, env: {} },
        );
        expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout', timeoutMs: 500 } });
      },
    );
  });

  it('reports a peer that answers the handshake with garbage as a TLS failure', async () => {
    await withRawPeer(
      (socket) => socket.end('HTTP/1.0 400 not TLS at all\r\n\r\n'),
      async (port) => {
        const result = await fetchStatusVersion(
          { url: `https://127.0.0.1:${port}/status.xml` },
          { timeoutMs: 2000, signal: runSignal, env: {} },
        );
        expect(result).toMatchObject({ ok: false, failure: { kind: 'tls' } });
      },
    );
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    const pending = fetchStatusVersion(
      { url: fixture.url('slow'), ...credentials, caFile: fixture.caFile },
      { timeoutMs: 10_000, signal: controller.signal, env: STATUS_ENV },
    );
    setTimeout(() => controller.abort(new Error('cancelled')), 200);
    expect(await pending).toMatchObject({ ok: false, failure: { kind: 'cancelled' } });
  });
});

describe('createExpresswaySource', () => {
  function source(nodes: Array<Record<string, unknown>>, offline = false, timeoutMs = 2000) {
    const inventory = fixtureInventory({ inventory: { domains: ['example.com'], nodes } });
    const created = createExpresswaySource({
      inventory,
      offline,
      timeoutMs,
      limiter: new Limiter(4),
      signal: runSignal,
      env: STATUS_ENV,
    });
    return {
      inventory,
      source: created,
      node: (fqdn: string): InventoryNode => inventory.nodes.find((n) => n.fqdn === fqdn)!,
    };
  }

  it('prefers status.xml over the inventory version when online, and asks once per run', async () => {
    const status = { url: fixture.url('x14-0-11'), ...credentials, caFile: fixture.caFile };
    const { source: expressway, node } = source([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.9', status },
    ]);
    const before = fixture.server.hits('/x14-0-11/status.xml');
    const [first, second] = await Promise.all([
      expressway.version(node('expc.example.com')),
      expressway.version(node('expc.example.com')),
    ]);
    expect(first).toMatchObject({ kind: 'version', source: 'status.xml', raw: 'X14.0.11', inventoryVersion: 'X8.9' });
    expect(second).toBe(first);
    expect(fixture.server.hits('/x14-0-11/status.xml') - before).toBe(1);
    await expressway.close?.();
  });

  it('uses the inventory version offline or without status, and knows nothing offline with status only', async () => {
    const status = { url: fixture.url('good'), ...credentials, caFile: fixture.caFile };
    const { source: expressway, node } = source(
      [
        { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.3.1', status },
        { fqdn: 'expe.example.com', role: 'expressway-e', status },
        { fqdn: 'expe2.example.com', role: 'expressway-e', version: 'X14.0.2' },
        { fqdn: 'expe3.example.com', role: 'expressway-e' },
      ],
      true,
    );
    const before = fixture.server.hits('/good/status.xml');
    const results: ExpresswayVersionResult[] = await Promise.all(
      ['expc', 'expe', 'expe2', 'expe3'].map((name) => expressway.version(node(`${name}.example.com`))),
    );
    expect(results.map((result) => result.kind)).toEqual(['version', 'unknown', 'version', 'unknown']);
    expect(results[0]).toMatchObject({ source: 'inventory', raw: 'X14.3.1' });
    expect(results[1]).toMatchObject({ reason: expect.stringContaining('offline') });
    expect(fixture.server.hits('/good/status.xml')).toBe(before);
    await expressway.close?.();
  });

  it('returns an unreadable caFile as a configuration failure', async () => {
    const status = { url: fixture.url('good'), ...credentials, caFile: '/nonexistent/ca.pem' };
    const { source: expressway, node } = source([{ fqdn: 'expc.example.com', role: 'expressway-c', status }]);
    expect(await expressway.version(node('expc.example.com'))).toMatchObject({
      kind: 'failure',
      failure: { kind: 'config' },
    });
    await expressway.close?.();
  });

  it('returns the endless body as too-large with the default cap, within the timeout', async () => {
    const status = { url: fixture.url('huge'), ...credentials, caFile: fixture.caFile };
    const { source: expressway, node } = source(
      [{ fqdn: 'expc.example.com', role: 'expressway-c', status }],
      false,
      20_000,
    );
    expect(await expressway.version(node('expc.example.com'))).toMatchObject({
      kind: 'failure',
      failure: { kind: 'too-large' },
    });
    await expressway.close?.();
  });
});
