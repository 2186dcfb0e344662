import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/cert/certificate.js';
import {
  createCertificateSource,
  parsePresented,
  readCertificateFile,
  readTrustStore,
  type ChainResult,
} from '../../src/cert/source.js';
import type { Inventory } from '../../src/inventory/types.js';
import { Limiter } from '../../src/probes/limiter.js';
import type { ProbeOptions } from '../../src/probes/options.js';
import { fixtureInventory } from '../helpers/check.js';
import { leafFor, pemOf, testPki, writePem } from '../helpers/pki.js';
import { serveXmppStartTls, type RunningServer } from '../helpers/tls-server.js';

/**
 * Exact outcomes of the certificate source: what a certificate file, a folder export or a trust
 * store yields (order, failure type and detail text), the file and store size caps at their
 * bounds, endpoint targets relative to the inventory, and the anchors' origins.
 */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'mra-source-details-'));
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

const { rootA, intermediateA, rootB } = testPki();
const leafA = leafFor('cucm-pub.example.com', intermediateA);
const sha = (pem: string): string =>
  parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).sha256;

let folders = 0;
function folder(files: Record<string, string> = {}): string {
  const path = join(dir, `folder-${++folders}`);
  mkdirSync(path);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

/** The result with durationMs checked to lie within the call (a rounded, non-negative span) and set to 0. */
function measured(read: () => ChainResult): ChainResult {
  const before = performance.now();
  const result = read();
  const span = Math.round(performance.now() - before);
  expect(result.durationMs).toBeGreaterThanOrEqual(0);
  expect(result.durationMs).toBeLessThanOrEqual(span);
  return { ...result, durationMs: 0 };
}

/** Fingerprints of an ok result, in order; the failure otherwise. */
const order = (result: ChainResult): string[] | ChainResult =>
  result.ok ? result.certificates.map((certificate) => certificate.sha256) : result;

const BAD_BLOCK = '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n';

describe('readCertificateFile on a file', () => {
  it('types a missing file as unreadable, naming the errno code', () => {
    const file = join(dir, 'missing.pem');
    expect(measured(() => readCertificateFile(file))).toStrictEqual({
      ok: false,
      failure: 'unreadable',
      detail: `${file} cannot be read (ENOENT)`,
      durationMs: 0,
    });
  });

  it('lists every problem of a malformed file once, after the file name', () => {
    const file = join(dir, 'two-bad.pem');
    writeFileSync(file, BAD_BLOCK + BAD_BLOCK);
    expect(measured(() => readCertificateFile(file))).toStrictEqual({
      ok: false,
      failure: 'malformed',
      detail: `${file}: PEM block 1 is not valid base64; PEM block 2 is not valid base64`,
      durationMs: 0,
    });
  });

  it('accepts 16 certificates and refuses 17 as oversize', () => {
    const sixteen = writePem(dir, 'sixteen.pem', ...Array.from({ length: 16 }, () => leafA));
    const result = measured(() => readCertificateFile(sixteen));
    expect(order(result)).toStrictEqual(Array.from({ length: 16 }, () => sha(leafA.certPem)));
    expect(result).toMatchObject({ ok: true, problems: [] });
    const seventeen = writePem(dir, 'seventeen.pem', ...Array.from({ length: 17 }, () => leafA));
    expect(measured(() => readCertificateFile(seventeen))).toStrictEqual({
      ok: false,
      failure: 'oversize',
      detail: `${seventeen} holds 17 certificates (limit 16)`,
      durationMs: 0,
    });
  });

  it('reads a file of exactly 4 MiB and refuses one byte more as oversize', () => {
    const pem = pemOf(leafA);
    const exact = join(dir, 'exact.pem');
    writeFileSync(exact, pem + '\n'.repeat(MAX_FILE_BYTES - pem.length));
    expect(order(readCertificateFile(exact))).toStrictEqual([sha(leafA.certPem)]);
    const over = join(dir, 'over.pem');
    writeFileSync(over, pem + '\n'.repeat(MAX_FILE_BYTES + 1 - pem.length));
    expect(measured(() => readCertificateFile(over))).toStrictEqual({
      ok: false,
      failure: 'oversize',
      detail: `${over} is ${MAX_FILE_BYTES + 1} bytes (limit ${MAX_FILE_BYTES})`,
      durationMs: 0,
    });
  });

  it('keeps the order of a bundle that starts with a non-CA certificate', () => {
    // The second certificate is issued by the first: were the bundle read as an unordered set,
    // the second would be its leaf.
    const second = leafFor('second.example.com', leafA);
    const file = writePem(dir, 'leaf-issues-leaf.pem', leafA, second);
    expect(order(readCertificateFile(file))).toStrictEqual([sha(leafA.certPem), sha(second.certPem)]);
  });

  it('puts the leaf of a root-first bundle first, the rest in file order', () => {
    const file = writePem(dir, 'root-first.pem', rootA, intermediateA, leafA);
    expect(order(readCertificateFile(file))).toStrictEqual([
      sha(leafA.certPem),
      sha(rootA.certPem),
      sha(intermediateA.certPem),
    ]);
  });
});

describe('readCertificateFile on a folder export', () => {
  it('types an empty folder as empty', () => {
    const path = folder();
    expect(measured(() => readCertificateFile(path))).toStrictEqual({
      ok: false,
      failure: 'empty',
      detail: `${path} holds no certificate`,
      durationMs: 0,
    });
  });

  it('takes the certificate that issues none of the others as the leaf, CA or not', () => {
    const cas = folder({ 'a-root.pem': pemOf(rootA), 'b-issuing.pem': pemOf(intermediateA) });
    const result = measured(() => readCertificateFile(cas));
    expect(order(result)).toStrictEqual([sha(intermediateA.certPem), sha(rootA.certPem)]);
    expect(result).toMatchObject({ ok: true, problems: [] });
  });

  it('prefers the one non-CA certificate among several that issue nothing', () => {
    const path = folder({ 'a-unrelated-root.pem': pemOf(rootB), 'b-leaf.pem': pemOf(leafA) });
    expect(order(readCertificateFile(path))).toStrictEqual([sha(leafA.certPem), sha(rootB.certPem)]);
  });

  it('types a folder with two leaves as malformed, counting its certificates', () => {
    const path = folder({
      'a.pem': pemOf(rootA),
      'b.pem': pemOf(intermediateA),
      'c.pem': pemOf(leafA),
      'd.pem': pemOf(leafFor('imp-pub.example.com', intermediateA)),
    });
    expect(measured(() => readCertificateFile(path))).toStrictEqual({
      ok: false,
      failure: 'malformed',
      detail: `${path} holds 4 certificates and no single leaf among them; give one folder or file per service`,
      durationMs: 0,
    });
  });
});

describe('readTrustStore', () => {
  it('reads regular files of a folder, skipping hidden files and subfolders', () => {
    const path = folder({
      '.DS_Store': 'not a certificate',
      'b-issuing.pem': pemOf(intermediateA),
      'root-a.': pemOf(rootA),
    });
    mkdirSync(join(path, 'nested'));
    expect(readTrustStore(path)).toMatchObject({ problems: [] });
    expect(readTrustStore(path).certificates.map((certificate) => certificate.sha256)).toStrictEqual([
      sha(intermediateA.certPem),
      sha(rootA.certPem),
    ]);
  });

  it('names the file of a problem by its full path in a bundle and by its name in a folder', () => {
    const bundle = join(dir, 'store-bundle.pem');
    writeFileSync(bundle, BAD_BLOCK + pemOf(rootA));
    expect(readTrustStore(bundle).problems).toStrictEqual([`${bundle}: PEM block 1 is not valid base64`]);
    const path = folder({ 'bad.pem': BAD_BLOCK, 'good.pem': pemOf(rootA) });
    expect(readTrustStore(path).problems).toStrictEqual(['bad.pem: PEM block 1 is not valid base64']);
  });

  it('reports an oversize file of a folder as a problem and reads the rest', () => {
    const path = folder({ 'root.pem': pemOf(rootA) });
    writeFileSync(join(path, 'big.pem'), Buffer.alloc(MAX_FILE_BYTES + 1));
    const store = readTrustStore(path);
    expect(store.problems).toStrictEqual([
      `big.pem: ${join(path, 'big.pem')} is ${MAX_FILE_BYTES + 1} bytes (limit ${MAX_FILE_BYTES})`,
    ]);
    expect(store.certificates.map((certificate) => certificate.sha256)).toStrictEqual([sha(rootA.certPem)]);
  });

  it('reads the files of a folder in JavaScript string order (UTF-16), not the directory order', () => {
    // U+FF41 sorts before U+1F600 in UTF-8 (the order readdir gives) and after it in UTF-16.
    const path = folder({ '\uff41.pem': BAD_BLOCK, '\u{1f600}.pem': BAD_BLOCK });
    expect(readTrustStore(path).problems).toStrictEqual([
      '\u{1f600}.pem: PEM block 1 is not valid base64',
      '\uff41.pem: PEM block 1 is not valid base64',
    ]);
  });

  it('reads 2000 files of a folder and refuses 2001 as oversize', () => {
    const path = folder();
    for (let i = 0; i < 2000; i++) writeFileSync(join(path, `${String(i).padStart(4, '0')}.der`), '');
    const store = readTrustStore(path);
    expect(store.certificates).toStrictEqual([]);
    expect(store.problems.length).toBe(2000);
    writeFileSync(join(path, '2000.der'), '');
    let thrown: unknown;
    try {
      readTrustStore(path);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toBe(`${path} holds 2001 files (limit 2000)`);
    expect(measured(() => readCertificateFile(path))).toStrictEqual({
      ok: false,
      failure: 'oversize',
      detail: `${path} holds 2001 files (limit 2000)`,
      durationMs: 0,
    });
    const source = sourceOf(inventoryIn({ trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path }] }));
    return expect(source.trustStore('cucm-pub.example.com', 'tomcat-trust')).resolves.toStrictEqual({
      ok: false,
      node: 'cucm-pub.example.com',
      store: 'tomcat-trust',
      path,
      reason: `${path} holds 2001 files (limit 2000)`,
    });
  });
});

describe('parsePresented', () => {
  it('types a presented certificate that cannot be parsed as malformed, with the first line of the error', () => {
    const result = parsePresented({
      ok: true,
      der: [leafA.certDer, Buffer.from('30030201', 'hex')],
      durationMs: 7,
      protocol: 'TLSv1.3',
      problems: [],
    });
    expect(result).toMatchObject({ ok: false, failure: 'malformed', durationMs: 7 });
    const detail = result.ok ? '' : result.detail;
    expect(detail.startsWith('a presented certificate cannot be parsed: ')).toBe(true);
    expect(detail).not.toContain('\n');
    expect(detail.length).toBeGreaterThan('a presented certificate cannot be parsed: '.length + 1);
    let message = '';
    try {
      parseCertificate(Buffer.from('30030201', 'hex'));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(result).toStrictEqual({
      ok: false,
      failure: 'malformed',
      detail: `a presented certificate cannot be parsed: ${message.split('\n')[0]}`,
      durationMs: 7,
    });
  });
});

const options = (inventory: Inventory, offline = false): ProbeOptions => ({
  inventory,
  offline,
  timeoutMs: 2000,
  limiter: new Limiter(2),
  signal: new AbortController().signal,
  env: {},
});
const sourceOf = (inventory: Inventory): ReturnType<typeof createCertificateSource> =>
  createCertificateSource(options(inventory));

/** An inventory read from `dir/inventory.yaml` (relative paths resolve against dir). */
function inventoryIn(
  extra: Record<string, unknown>,
  nodes: unknown[] = [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
): Inventory {
  return fixtureInventory({
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: { domains: ['example.com'], nodes, ...extra } as never,
  });
}

describe('createCertificateSource endpoints', () => {
  it('names live endpoints by address and file endpoints relative to the inventory folder', () => {
    const inventory = inventoryIn(
      {
        certificates: [
          { node: 'expc.example.com', service: 'server', file: 'exports/expc.pem' },
          { node: 'cucm-pub.example.com', service: 'tomcat', file: '../elsewhere/tomcat.pem' },
        ],
      },
      [
        { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: 'cucm-pub.example.com:8443' } },
        { fqdn: 'expc.example.com', role: 'expressway-c', tls: { server: '10.0.0.5' } },
      ],
    );
    const elsewhere = join(dir, '..', 'elsewhere', 'tomcat.pem');
    expect(sourceOf(inventory).endpoints()).toStrictEqual([
      {
        target: 'cucm-pub.example.com:8443 tomcat',
        node: 'cucm-pub.example.com',
        role: 'cucm-publisher',
        service: 'tomcat',
        origin: 'live',
        location: 'cucm-pub.example.com:8443',
      },
      {
        target: 'expc.example.com server at 10.0.0.5:443',
        node: 'expc.example.com',
        role: 'expressway-c',
        service: 'server',
        origin: 'live',
        location: '10.0.0.5',
      },
      {
        target: 'exports/expc.pem',
        node: 'expc.example.com',
        role: 'expressway-c',
        service: 'server',
        origin: 'file',
        location: join(dir, 'exports', 'expc.pem'),
      },
      {
        target: elsewhere,
        node: 'cucm-pub.example.com',
        role: 'cucm-publisher',
        service: 'tomcat',
        origin: 'file',
        location: elsewhere,
      },
    ]);
  });

  it('keeps the absolute file as the target of an embedded inventory', () => {
    const inventory = fixtureInventory({
      inventory: {
        domains: ['example.com'],
        nodes: [{ fqdn: 'expc.example.com', role: 'expressway-c' }],
        certificates: [{ node: 'expc.example.com', service: 'server', file: 'exports/expc.pem' }],
      },
    });
    const file = join(process.cwd(), 'exports', 'expc.pem');
    expect(sourceOf(inventory).endpoints()).toStrictEqual([
      {
        target: file,
        node: 'expc.example.com',
        role: 'expressway-c',
        service: 'server',
        origin: 'file',
        location: file,
      },
    ]);
  });

  it('skips a service without an address and gives no role to a file of a node the inventory does not list', () => {
    const base = inventoryIn({}, [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }]);
    const inventory: Inventory = {
      ...base,
      nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: '', server: undefined } }],
      certificates: [{ node: 'other.example.com', service: 'server', file: join(dir, 'other.pem') }],
    };
    expect(sourceOf(inventory).endpoints()).toStrictEqual([
      {
        target: 'other.pem',
        node: 'other.example.com',
        service: 'server',
        origin: 'file',
        location: join(dir, 'other.pem'),
      },
    ]);
  });
});

describe('createCertificateSource trust stores and anchors', () => {
  it('gives the reason a trust store yields nothing', async () => {
    const empty = folder();
    const junk = folder({
      'a.pem': BAD_BLOCK,
      'b.pem': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    });
    const missing = join(dir, 'no-such-store');
    const source = sourceOf(
      inventoryIn({
        trust: [
          { node: 'cucm-pub.example.com', store: 'tomcat-trust', path: empty },
          { node: 'cucm-pub.example.com', store: 'CallManager-trust', path: junk },
          { node: 'cucm-pub.example.com', store: 'cup-xmpp-trust', path: missing },
        ],
      }),
    );
    expect(await source.trustStore('cucm-pub.example.com', 'tomcat-trust')).toStrictEqual({
      ok: false,
      node: 'cucm-pub.example.com',
      store: 'tomcat-trust',
      path: empty,
      reason: `${empty} holds no certificate`,
    });
    expect(await source.trustStore('cucm-pub.example.com', 'CallManager-trust')).toStrictEqual({
      ok: false,
      node: 'cucm-pub.example.com',
      store: 'CallManager-trust',
      path: junk,
      reason: 'a.pem: PEM block 1 is not valid base64; b.pem: no CERTIFICATE block in the PEM data',
    });
    expect(await source.trustStore('cucm-pub.example.com', 'cup-xmpp-trust')).toStrictEqual({
      ok: false,
      node: 'cucm-pub.example.com',
      store: 'cup-xmpp-trust',
      path: missing,
      reason: `${missing} cannot be read (ENOENT)`,
    });
  });

  it('names a caFile anchor by its path relative to the inventory', async () => {
    writePem(dir, 'ca.pem', rootB);
    const source = sourceOf(
      inventoryIn({}, [
        {
          fqdn: 'expe.example.com',
          role: 'expressway-e',
          status: { url: 'https://127.0.0.1/status.xml', caFile: 'ca.pem' },
        },
      ]),
    );
    const anchors = await source.anchors();
    expect(anchors.exact(parseCertificate(rootB.certDer))?.sources).toStrictEqual(['caFile ca.pem']);
  });
});

describe('createCertificateSource live chains', () => {
  it('negotiates XMPP STARTTLS on an xmpp endpoint that is not the legacy direct-TLS port', async () => {
    const leaf = leafFor('imp-pub.example.com', intermediateA);
    const server = await serveXmppStartTls(
      { chainPem: pemOf(leaf, intermediateA), keyPem: leaf.keyPem },
      'example.com',
    );
    servers.push(server);
    const source = sourceOf(
      inventoryIn({}, [{ fqdn: 'imp-pub.example.com', role: 'imp-publisher', tls: { xmpp: server.endpoint } }]),
    );
    const [endpoint] = source.endpoints();
    expect(order(await source.chain(endpoint!))).toStrictEqual([sha(leaf.certPem), sha(intermediateA.certPem)]);
  });

  it('opens the XMPP stream to the inventory domain the IM&P node sits in, else to the first domain', async () => {
    // The lab server, as IM&P, closes a stream opened to a domain it does not serve (host-unknown).
    const chainOf = async (fqdn: string, served: string, domains: string[]): Promise<ChainResult> => {
      const leaf = leafFor(fqdn, intermediateA);
      const server = await serveXmppStartTls({ chainPem: pemOf(leaf, intermediateA), keyPem: leaf.keyPem }, served);
      servers.push(server);
      const source = sourceOf({
        ...inventoryIn({}, [{ fqdn, role: 'imp-publisher', tls: { xmpp: server.endpoint } }]),
        domains,
      });
      return source.chain(source.endpoints()[0]!);
    };
    const second = await chainOf('imp-pub.example.com', 'example.com', ['other.test', 'example.com']);
    expect(second.ok && second.certificates.map((cert) => cert.commonName)).toStrictEqual([
      'imp-pub.example.com',
      'Test Issuing CA A1',
    ]);
    // The domain itself as the node name, and a node in a sub-domain of it.
    expect((await chainOf('example.com', 'example.com', ['other.test', 'example.com'])).ok).toBe(true);
    expect((await chainOf('imp.eu.example.com', 'example.com', ['other.test', 'example.com'])).ok).toBe(true);
    // A name that only ends in the domain's letters is not in it: the first domain is used.
    const lookalike = await chainOf('imp.notexample.com', 'example.com', ['other.test', 'example.com']);
    expect(lookalike.ok ? lookalike : lookalike.failure).toBe('starttls');
    expect(lookalike.ok ? '' : lookalike.detail).toContain('host-unknown');
    expect((await chainOf('imp.notexample.com', 'other.test', ['other.test', 'example.com'])).ok).toBe(true);
  });
});
