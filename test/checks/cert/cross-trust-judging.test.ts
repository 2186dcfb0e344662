import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type Issued } from '../../../lab/pki.js';
import { parseCertificate } from '../../../src/cert/certificate.js';
import type { Finding } from '../../../src/engine/types.js';
import { testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki } from '../../helpers/pki.js';

/**
 * MRA-CERT-003 on exported files (offline): which trust stores are required of which node, and the
 * exact message and evidence of each outcome (store not given, unreadable, roots missing, peers
 * unread, no peers).
 */
const RULE = 'MRA-CERT-003';
const ROOT_A = 'CN=Test Root CA A, O=mra-preflight lab';
const sha256 = (issued: Issued): string => parseCertificate(issued.certDer).sha256;

interface Setup {
  nodes: Array<{ fqdn: string; role: string }>;
  /** Certificate files by node (served as `server` for an Expressway, `tomcat` otherwise). */
  certificates?: Record<string, string>;
  /** Trust store files by "node store". */
  trust?: Record<string, string>;
}

async function judge({ nodes, certificates = {}, trust = {} }: Setup): Promise<Finding[]> {
  const dir = tempDir();
  const files = (prefix: string, entries: Record<string, string>) =>
    Object.entries(entries).map(([key, pem], i) => {
      const file = `${prefix}-${i}.pem`;
      writeFileSync(join(dir, file), pem);
      return [key, file] as const;
    });
  return testCheck(RULE, {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains: ['example.com'],
      nodes,
      certificates: files('cert', certificates).map(([node, file]) => ({
        node,
        service: node.startsWith('exp') ? 'server' : 'tomcat',
        file,
      })),
      trust: files('trust', trust).map(([key, path]) => {
        const [node, store] = key.split(' ');
        return { node, store, path };
      }),
    },
  });
}

const pem = (...certificates: Issued[]): string => certificates.map((certificate) => certificate.certPem).join('');
const byTarget = (findings: Finding[]) => Object.fromEntries(findings.map((finding) => [finding.target, finding]));

const PUB = { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' };
const EXPC1 = { fqdn: 'expc1.example.com', role: 'expressway-c' };
const EXPC2 = { fqdn: 'expc2.example.com', role: 'expressway-c' };

describe('MRA-CERT-003 which stores are required', () => {
  it('requires the stores of publishers always, of subscribers only when the inventory gives them', async () => {
    const { rootA, intermediateA } = testPki();
    const expcChain = (fqdn: string) => pem(leafFor(fqdn, intermediateA), intermediateA, rootA);
    const findings = await judge({
      nodes: [
        PUB,
        { fqdn: 'cucm-sub1.example.com', role: 'cucm-subscriber' },
        { fqdn: 'imp-pub.example.com', role: 'imp-publisher' },
        { fqdn: 'imp-sub1.example.com', role: 'imp-subscriber' },
        { fqdn: 'imp-sub2.example.com', role: 'imp-subscriber' },
        EXPC1,
        EXPC2,
      ],
      certificates: {
        'expc1.example.com': expcChain('expc1.example.com'),
        'expc2.example.com': expcChain('expc2.example.com'),
      },
      trust: { 'imp-sub1.example.com tomcat-trust': pem(rootA) },
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['cucm-pub.example.com tomcat-trust', 'skipped', 'storeNotProvided'],
      ['cucm-pub.example.com CallManager-trust', 'skipped', 'storeNotProvided'],
      ['imp-pub.example.com tomcat-trust', 'skipped', 'storeNotProvided'],
      ['imp-pub.example.com cup-xmpp-trust', 'skipped', 'storeNotProvided'],
      ['imp-sub1.example.com tomcat-trust', 'pass', 'holdsRoots'],
      ['imp-sub1.example.com cup-xmpp-trust', 'skipped', 'storeNotProvided'],
      ['expc1.example.com trusted-ca', 'skipped', 'noPeers'],
      ['expc2.example.com trusted-ca', 'skipped', 'noPeers'],
    ]);
    const notGiven = byTarget(findings)['cucm-pub.example.com tomcat-trust']!;
    expect(notGiven.message).toBe(
      'The inventory does not give tomcat-trust of cucm-pub.example.com (trust[]), so whether it trusts expc1.example.com server, expc2.example.com server is unknown.',
    );
    expect(notGiven.evidence).toEqual({ peers: ['cert-0.pem', 'cert-1.pem'] });
    expect(byTarget(findings)['expc1.example.com trusted-ca']!.message).toBe(
      'No certificate of CUCM tomcat/CallManager or IM&P tomcat in the inventory to check trusted-ca of expc1.example.com against.',
    );
  });

  it('names Expressway-C as the peers CUCM and IM&P stores lack', async () => {
    const { intermediateA } = testPki();
    const findings = await judge({
      nodes: [PUB, { fqdn: 'imp-pub.example.com', role: 'imp-publisher' }, EXPC1],
      // Only the IM&P certificate is given: the CUCM and IM&P stores have no Expressway-C to check.
      certificates: { 'imp-pub.example.com': pem(leafFor('imp-pub.example.com', intermediateA), intermediateA) },
    });
    const targets = byTarget(findings);
    expect(targets['cucm-pub.example.com tomcat-trust']!.message).toBe(
      'No certificate of Expressway-C in the inventory to check tomcat-trust of cucm-pub.example.com against.',
    );
    expect(targets['imp-pub.example.com cup-xmpp-trust']!.message).toBe(
      'No certificate of Expressway-C in the inventory to check cup-xmpp-trust of imp-pub.example.com against.',
    );
  });

  it('has nothing to examine without a CUCM publisher, IM&P publisher or Expressway-C', async () => {
    const { intermediateA } = testPki();
    const findings = await judge({
      nodes: [{ fqdn: 'expe.example.com', role: 'expressway-e' }],
      certificates: { 'expe.example.com': pem(leafFor('expe.example.com', intermediateA), intermediateA) },
    });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no CUCM publisher, IM&P publisher or Expressway-C in the inventory.',
    );
  });
});

describe('MRA-CERT-003 what a store lacks', () => {
  it('lists each missing root once with every peer that needs it, and a self-signed peer as itself', async () => {
    const { rootA, intermediateA } = testPki();
    const other = createCa('Other Root', { keyBits: 2048 });
    const selfSigned = issueCertificate({ commonName: 'expc2.example.com', sans: ['expc2.example.com'] });
    const expc3 = { fqdn: 'expc3.example.com', role: 'expressway-c' };
    const findings = await judge({
      nodes: [PUB, EXPC1, EXPC2, expc3],
      certificates: {
        'expc1.example.com': pem(leafFor('expc1.example.com', intermediateA), intermediateA, rootA),
        'expc2.example.com': pem(selfSigned),
        'expc3.example.com': pem(leafFor('expc3.example.com', intermediateA), intermediateA, rootA),
      },
      trust: { 'cucm-pub.example.com tomcat-trust': pem(other) },
    });
    const finding = byTarget(findings)['cucm-pub.example.com tomcat-trust']!;
    expect(finding).toMatchObject({ status: 'fail', messageId: 'missingRoots' });
    expect(finding.message).toBe(
      `tomcat-trust of cucm-pub.example.com lacks the root ${ROOT_A} (SHA-256 ${sha256(rootA)}), needed to trust expc1.example.com server and expc3.example.com server; the self-signed certificate CN=expc2.example.com, O=mra-preflight lab (SHA-256 ${sha256(selfSigned)}), needed to trust expc2.example.com server.`,
    );
    expect(finding.group).toEqual({
      key: 'trust-store:cucm-pub.example.com tomcat-trust',
      label: 'trust store cucm-pub.example.com tomcat-trust',
    });
    expect(finding.evidence.storeCertificates).toEqual([
      { subject: 'CN=Other Root, O=mra-preflight lab', sha256: sha256(other) },
    ]);
    expect(finding.evidence.missing).toMatchObject([
      { neededBy: ['expc1.example.com server', 'expc3.example.com server'], certificate: { sha256: sha256(rootA) } },
      { neededBy: ['expc2.example.com server'], certificate: { sha256: sha256(selfSigned) } },
    ]);
    expect(Object.keys(finding.evidence)).not.toContain('unreadableEntries');
  });

  it('names the top of a chain whose root is found nowhere', async () => {
    const { intermediateA } = testPki();
    const subCa = createCa('Sub CA', { keyBits: 2048 }, intermediateA);
    const findings = await judge({
      nodes: [PUB, EXPC1],
      certificates: { 'expc1.example.com': pem(leafFor('expc1.example.com', subCa), subCa, intermediateA) },
      trust: { 'cucm-pub.example.com tomcat-trust': pem(createCa('Other Root', { keyBits: 2048 })) },
    });
    const finding = byTarget(findings)['cucm-pub.example.com tomcat-trust']!;
    expect(finding.message).toBe(
      `tomcat-trust of cucm-pub.example.com lacks the root above CN=Test Issuing CA A1, O=mra-preflight lab (issuer ${ROOT_A}, not found anywhere), needed to trust expc1.example.com server.`,
    );
  });

  it('names the peers whose certificates could not be read, and the unreadable entries of the store', async () => {
    const { rootA } = testPki();
    const broken = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const findings = await judge({
      nodes: [PUB, EXPC1, EXPC2],
      certificates: { 'expc1.example.com': broken, 'expc2.example.com': broken },
      trust: { 'cucm-pub.example.com tomcat-trust': pem(rootA) + broken },
    });
    const finding = byTarget(findings)['cucm-pub.example.com tomcat-trust']!;
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'peersUnread' });
    expect(finding.message).toMatch(
      /^tomcat-trust of cucm-pub\.example\.com holds the roots checked so far, but the certificates of expc1\.example\.com server \(\w[^)]*\), expc2\.example\.com server \(\w[^)]*\) could not be read\.$/,
    );
    expect(Object.keys(finding.evidence)).toContain('unreadableEntries');
  });

  it('says why a store could not be read, with its path', async () => {
    const { rootA, intermediateA } = testPki();
    const findings = await judge({
      nodes: [PUB, EXPC1],
      certificates: { 'expc1.example.com': pem(leafFor('expc1.example.com', intermediateA), intermediateA, rootA) },
      trust: { 'cucm-pub.example.com tomcat-trust': 'no certificate here\n' },
    });
    const finding = byTarget(findings)['cucm-pub.example.com tomcat-trust']!;
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'storeUnreadable' });
    const path = String(finding.evidence.path);
    expect(path).toMatch(/trust-0\.pem$/);
    expect(finding.evidence).toEqual({ path });
    // The reason is the parser's (its OpenSSL wording varies by version).
    expect(
      finding.message.startsWith(
        `Could not read tomcat-trust of cucm-pub.example.com: ${path}: neither PEM nor a DER certificate: `,
      ),
    ).toBe(true);
  });
});
