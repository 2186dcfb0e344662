import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, parseCertificate } from '../../src/cert/certificate.js';
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
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }), (bytes, text) => {
        parseBundle(Buffer.from(bytes));
        parseBundle(Buffer.from(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`));
        parseBundle(
          Buffer.from(
            `-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString('base64')}\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n`,
          ),
        );
      }),
      { numRuns: 500 },
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
        if (parsed.certificates.length === 0) return;
        const verdict = validatePath(parsed.certificates, anchors, { at: new Date() });
        judged++;
        if (!verdict.valid) {
          expect(verdict.failure.message.length).toBeGreaterThan(0);
          expect(verdict.path.certificates.length).toBeGreaterThan(0);
        }
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
