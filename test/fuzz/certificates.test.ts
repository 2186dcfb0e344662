import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { AnchorSet } from '../../src/cert/path.js';
import { validatePath } from '../../src/cert/validate.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import { runScan } from '../../src/engine/run.js';
import { STATUSES } from '../../src/engine/types.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import { createCa, issueCertificate, type Issued } from '../../lab/pki.js';

/**
 * Certificate exports committed to a repository are linted offline (SPEC section 1, job 3). A
 * damaged export (flipped, cut or inserted bytes in the DER, broken PEM armour) must come back as
 * findings of the certificate rules, never as the engine's "check crashed" fallback: the parser
 * must turn every malformed input into a problem it can name.
 */
let dir: string;
let ca: Issued;
let leafDer: Buffer;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mra-preflight-cert-fuzz-'));
  ca = createCa('mra-preflight fuzz CA');
  const leaf = issueCertificate(
    {
      commonName: 'cucm-pub.example.com',
      sans: ['cucm-pub.example.com', '10.1.1.10'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    },
    ca,
  );
  leafDer = leaf.certDer;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
);

function mutate(der: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(der);
  for (const change of mutations) {
    const at = change.at % Math.max(1, bytes.length);
    if (change.kind === 'flip') bytes[at] = change.value;
    else if (change.kind === 'cut') bytes = bytes.subarray(0, at);
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(change.bytes), bytes.subarray(at)]);
  }
  return bytes;
}

/** The fingerprint openssl prints: SHA-256 of the DER, colon-separated upper-case hex. */
const fingerprintOf = (der: Buffer): string =>
  createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

/** What any certificate parseBundle returns must be: its own DER, fingerprinted, and parsed the same again. */
function expectReadable(certificate: Certificate): void {
  expect(certificate.sha256).toBe(fingerprintOf(certificate.der));
  const again = parseCertificate(certificate.der);
  expect([again.subject, again.issuer, again.serial, again.notAfter.getTime()]).toEqual([
    certificate.subject,
    certificate.issuer,
    certificate.serial,
    certificate.notAfter.getTime(),
  ]);
}

async function lint(certificateFile: string, trustFile: string): Promise<void> {
  const catalog = await loadCatalog();
  const inventory = normalizeInventory(
    {
      domains: ['example.com'],
      nodes: [
        { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
        { fqdn: 'expc.example.com', ip: '10.1.1.30', role: 'expressway-c' },
      ],
      certificates: [{ node: 'cucm-pub.example.com', service: 'tomcat', file: certificateFile }],
      trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: trustFile }],
    },
    join(dir, 'inventory.yaml'),
    KNOWN_RULE_NAMES,
  );
  const report = await runScan({ inventory, catalog, only: ['cert'], offline: true, env: {} });
  expect(report.findings.length).toBeGreaterThan(0);
  // The exported file is one endpoint: MRA-CERT-001 judges it once, and says it could not read it
  // exactly when it holds no certificate at all.
  const chain = report.findings.filter((finding) => finding.ruleId === 'MRA-CERT-001');
  expect(chain.map((finding) => finding.target)).toEqual([basename(certificateFile)]);
  const readable = parseBundle(readFileSync(certificateFile)).certificates.length > 0;
  if (!readable) expect(chain[0]).toMatchObject({ status: 'inconclusive', messageId: 'notObtained' });
  for (const finding of report.findings) {
    expect(STATUSES).toContain(finding.status);
    expect(['checkCrashed', 'checkTimedOut', 'noFindings'], `${finding.ruleId}: ${finding.message}`).not.toContain(
      finding.messageId,
    );
  }
}

describe('certificate parsing and the certificate rules on damaged exports', () => {
  it('parseBundle names the problem of any damaged DER or PEM instead of throwing', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asPem) => {
        const der = mutate(leafDer, mutations);
        const parsed = parseBundle(asPem ? Buffer.from(pem(der)) : der);
        expect(parsed.certificates.length + parsed.problems.length).toBeGreaterThan(0);
        parsed.certificates.forEach(expectReadable);
        // Bytes that came through unchanged are the certificate that was issued.
        if (der.equals(leafDer)) expect(parsed).toMatchObject({ certificates: [{ der: leafDer }], problems: [] });
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }), (bytes, text) => {
        for (const input of [
          Buffer.from(bytes),
          Buffer.from(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`),
          Buffer.from(
            `-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString('base64')}\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n`,
          ),
        ]) {
          const parsed = parseBundle(input);
          // Something is always said: a certificate or a problem, never an empty answer.
          expect(parsed.certificates.length + parsed.problems.length).toBeGreaterThan(0);
          parsed.certificates.forEach(expectReadable);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every certificate of a PEM bundle, in order, whatever lies between the blocks', () => {
    const intermediate = createCa('mra-preflight fuzz bundle CA', {}, ca);
    const pool = [leafDer, intermediate.certDer, ca.certDer];
    // Text around PEM blocks (openssl's "subject=" lines, comments, blank lines) carries no dashes.
    const between = fc.string({ maxLength: 40 }).map((text) => text.replace(/-/g, ''));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2), between), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (blocks, crlf) => {
          const text = blocks.map(([index, before]) => `${before}\n${pem(pool[index]!)}`).join('');
          const parsed = parseBundle(Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text));
          expect(parsed.problems).toEqual([]);
          expect(parsed.certificates.map((certificate) => certificate.der.toString('hex'))).toEqual(
            blocks.map(([index]) => pool[index]!.toString('hex')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('validatePath gives a typed verdict, never an exception, for chains with damaged certificates', () => {
    const intermediate = createCa('mra-preflight fuzz issuing CA', {}, ca);
    const leaf = issueCertificate({ commonName: 'cucm-pub.example.com', sans: ['cucm-pub.example.com'] }, intermediate);
    const anchors = new AnchorSet([{ certificate: parseCertificate(ca.certDer), source: 'fuzz store' }]);
    expect(
      validatePath(
        [leaf.certDer, intermediate.certDer].map((der) => parseCertificate(der)),
        anchors,
        { at: new Date() },
      ).valid,
    ).toBe(true);
    let judged = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (mutations, damageLeaf) => {
        const ders = damageLeaf
          ? [mutate(leaf.certDer, mutations), intermediate.certDer]
          : [leaf.certDer, mutate(intermediate.certDer, mutations)];
        const parsed = parseBundle(Buffer.concat(ders.map((der) => Buffer.from(pem(der)))));
        if (parsed.certificates.length === 0) {
          // Nothing to validate: both blocks are named as problems instead.
          expect(parsed.problems.length).toBe(2);
          return;
        }
        const verdict = validatePath(parsed.certificates, anchors, { at: new Date() });
        judged++;
        if (verdict.valid) {
          // A valid path starts at a presented certificate and ends at the one anchor there is.
          expect(parsed.certificates.map((certificate) => certificate.sha256)).toContain(
            verdict.path.certificates[0]!.sha256,
          );
          expect(verdict.path.anchor?.certificate.sha256).toBe(fingerprintOf(ca.certDer));
        } else {
          expect(verdict.failure.message.length).toBeGreaterThan(0);
          expect(verdict.path.certificates.length).toBeGreaterThan(0);
        }
        // A damaged leaf whose bytes did not change is the valid chain it was.
        if (ders[0]!.equals(leaf.certDer) && ders[1]!.equals(intermediate.certDer)) expect(verdict.valid).toBe(true);
      }),
      { seed: 17, numRuns: 1500 },
    );
    expect(judged).toBeGreaterThan(100);
  });

  it('reports findings, never a crashed check, for damaged leaf and trust-store exports', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (mutations, asPem, damageTrust) => {
          const damaged = mutate(leafDer, mutations);
          const certificateFile = join(dir, `leaf-${n++}.${asPem ? 'pem' : 'der'}`);
          writeFileSync(certificateFile, asPem ? pem(damaged) : damaged);
          const trustFile = join(dir, `trust-${n++}.pem`);
          const caDer = ca.certDer;
          writeFileSync(trustFile, pem(damageTrust ? mutate(caDer, mutations) : caDer));
          await lint(certificateFile, trustFile);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);

  it('reports findings for empty, binary, huge and wrongly armoured files', async () => {
    const good = join(dir, 'ca.pem');
    writeFileSync(good, ca.certPem);
    const cases: Array<[string, string | Buffer]> = [
      ['empty.pem', ''],
      ['binary.der', Buffer.from([0x30, 0x82, 0xff, 0xff, 0x00])],
      ['key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
      ['unterminated.pem', '-----BEGIN CERTIFICATE-----\nMIIB'],
      ['huge.pem', `-----BEGIN CERTIFICATE-----\n${'A'.repeat(3_000_000)}\n-----END CERTIFICATE-----\n`],
      ['nested.der', Buffer.concat([Buffer.from([0x30, 0x84, 0x00, 0x0f, 0x42, 0x40]), Buffer.alloc(1_000_000, 0x30)])],
    ];
    for (const [name, content] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      await lint(file, good);
      await lint(good, file);
    }
  }, 60_000);
});
