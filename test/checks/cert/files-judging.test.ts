import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCa, issueCertificate } from '../../../lab/pki.js';
import { parseCertificate } from '../../../src/cert/certificate.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { DAY, leafFor, tempDir, testPki, withRsaKeyOfBits, writePem } from '../../helpers/pki.js';

/**
 * MRA-CERT-001 and MRA-CERT-008 on exported certificate files (offline): the path conditions by
 * name with their exact messages, which certificates of a chain the key rule judges, and the
 * evidence both record. The live TLS endpoints are in chain-valid.test.ts and key-and-signature.test.ts.
 */
const NODE = 'cucm-pub.example.com';
const LEAF_SUBJECT = `CN=${NODE}, O=mra-preflight lab`;
const ROOT_A = 'CN=Test Root CA A, O=mra-preflight lab';
const ISSUING_A = 'CN=Test Issuing CA A1, O=mra-preflight lab';

/** The rule on these files (service tomcat, one node) with root A in its tomcat-trust, and more trust if given. */
async function judgeFiles(rule: string, files: Record<string, string>, extraTrust: Array<Record<string, string>> = []) {
  const dir = tempDir();
  writePem(dir, 'root-a.pem', testPki().rootA);
  for (const [name, pem] of Object.entries(files)) writeFileSync(join(dir, name), pem);
  return testCheck(rule, {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains: ['example.com'],
      nodes: [{ fqdn: NODE, role: 'cucm-publisher' }],
      certificates: Object.keys(files).map((file, i) => ({
        node: NODE,
        service: ['tomcat', 'callmanager', 'tomcat-ecdsa', 'ipsec'][i],
        file,
      })),
      trust: [{ node: NODE, store: 'tomcat-trust', path: 'root-a.pem' }, ...extraTrust],
    },
  });
}

const pem = (...certificates: Array<{ certPem: string }>): string => certificates.map((c) => c.certPem).join('');

describe('MRA-CERT-001 path conditions on files', () => {
  it('names the certificate whose signature does not verify, and its issuer', async () => {
    const { rootA, intermediateA } = testPki();
    // Same name as the real issuing CA, another key: the leaf's signature cannot verify with it.
    const impostor = createCa('Test Issuing CA A1', { keyBits: 2048 }, rootA);
    const leaf = leafFor(NODE, intermediateA);
    const findings = await judgeFiles('MRA-CERT-001', { 'bad.pem': pem(leaf, impostor) });
    const finding = findingFor(findings, 'bad.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'badSignature' });
    expect(finding.message).toBe(
      `The signature of ${LEAF_SUBJECT} in the chain of bad.pem does not verify with the key of any certificate named ${ISSUING_A}.`,
    );
    expect(finding.group).toEqual({
      key: `certificate:${parseCertificate(leaf.certDer).sha256}`,
      label: `certificate ${LEAF_SUBJECT}`,
    });
  });

  it('names the certificate whose issuer is nowhere, and that issuer', async () => {
    const { intermediateA } = testPki();
    const findings = await judgeFiles('MRA-CERT-001', { 'orphan.pem': pem(leafFor(NODE, intermediateA)) });
    const finding = findingFor(findings, 'orphan.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'issuerNotFound' });
    expect(finding.message).toBe(
      `The chain of orphan.pem stops at ${LEAF_SUBJECT}: its issuer ${ISSUING_A} was neither presented nor found in any trust store.`,
    );
  });

  it('names the root of a chain that is not valid yet', async () => {
    const { intermediateA } = testPki();
    const now = Date.now();
    const future = leafFor(NODE, intermediateA, {
      notBefore: new Date(now + 10 * DAY),
      notAfter: new Date(now + 400 * DAY),
    });
    const findings = await judgeFiles('MRA-CERT-001', { 'future.pem': pem(future, intermediateA) });
    const finding = findingFor(findings, 'future.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'outsideValidity' });
    expect(finding.message).toMatch(
      new RegExp(`^The chain of future\\.pem builds to ${ROOT_A}, but at \\d{4}-\\S+Z \\S`),
    );
  });

  it('states any other RFC 5280 condition with its reference', async () => {
    const { intermediateA } = testPki();
    // Issued by an end-entity certificate, which may not sign others.
    const notCa = leafFor('not-a-ca.example.com', intermediateA);
    const leaf = issueCertificate({ commonName: NODE, sans: [NODE] }, notCa);
    const findings = await judgeFiles('MRA-CERT-001', { 'not-ca.pem': pem(leaf, notCa, intermediateA) });
    const finding = findingFor(findings, 'not-ca.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'pathInvalid' });
    expect(finding.message).toMatch(/^The chain of not-ca\.pem is not valid: \S.* \(.*\S.*\)\.$/);
  });

  it('names every trust store that holds the root, and records no handshake facts for a file', async () => {
    const { intermediateA } = testPki();
    const findings = await judgeFiles(
      'MRA-CERT-001',
      { 'good.pem': pem(leafFor(NODE, intermediateA), intermediateA) },
      [{ node: NODE, store: 'callmanager-trust', path: 'root-a.pem' }],
    );
    const finding = findingFor(findings, 'good.pem');
    expect(finding).toMatchObject({ status: 'pass', messageId: 'trusted' });
    expect(finding.message).toMatch(
      new RegExp(
        `^The chain of good\\.pem builds to ${ROOT_A}, trusted by \\S[^;]*, \\S[^;]*; every signature verifies`,
      ),
    );
    expect(Object.keys(finding.evidence)).not.toContain('protocol');
    expect(Object.keys(finding.evidence)).not.toContain('handshake');
  });

  it('states why a file could not be read', async () => {
    const findings = await judgeFiles('MRA-CERT-001', {
      'broken.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    const finding = findingFor(findings, 'broken.pem');
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'notObtained' });
    expect(finding.message).toBe(
      `Could not read the certificate chain of broken.pem: ${String(finding.evidence.failure)}, ${String(finding.evidence.detail)}.`,
    );
    expect(String(finding.evidence.detail).length).toBeGreaterThan(0);
  });
});

describe('MRA-CERT-008 which certificates are judged, on files', () => {
  it('judges the leaf and the intermediate, not the presented root, and marks the root in the evidence', async () => {
    const { rootA, intermediateA } = testPki();
    const findings = await judgeFiles('MRA-CERT-008', {
      'sound.pem': pem(leafFor(NODE, intermediateA), intermediateA, rootA),
    });
    const finding = findingFor(findings, 'sound.pem');
    expect(finding).toMatchObject({ status: 'pass', messageId: 'sound' });
    expect(finding.message).toBe(
      'Every certificate below the root in the chain of sound.pem has an acceptable key and signature (EC prime256v1, sha256WithRSAEncryption; RSA 2048, sha256WithRSAEncryption).',
    );
    expect(finding.evidence.certificates).toEqual([
      {
        subject: LEAF_SUBJECT,
        key: expect.objectContaining({ type: 'EC' }),
        signatureAlgorithm: 'sha256WithRSAEncryption',
        root: false,
      },
      {
        subject: ISSUING_A,
        key: expect.objectContaining({ bits: 2048 }),
        signatureAlgorithm: 'sha256WithRSAEncryption',
        root: false,
      },
      {
        subject: ROOT_A,
        key: expect.objectContaining({ bits: 2048 }),
        signatureAlgorithm: 'sha256WithRSAEncryption',
        root: true,
      },
    ]);
  });

  it('judges a self-signed leaf: its own key counts', async () => {
    const selfSigned = issueCertificate({ commonName: NODE, sans: [NODE], keyBits: 1024 });
    const dir = tempDir();
    writePem(dir, 'self.pem', selfSigned);
    const findings = await testCheck('MRA-CERT-008', {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [{ fqdn: NODE, role: 'cucm-publisher' }],
        certificates: [{ node: NODE, service: 'tomcat', file: 'self.pem' }],
        trust: [{ node: NODE, store: 'tomcat-trust', path: 'self.pem' }],
      },
    });
    const finding = findingFor(findings, 'self.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'weak' });
    expect(finding.message).toBe(
      `The chain of self.pem has weak keys or signatures: ${LEAF_SUBJECT} has an RSA 1024-bit key (minimum 2048).`,
    );
    expect(finding.evidence.certificates).toMatchObject([{ subject: LEAF_SUBJECT, root: false }]);
  });

  it('lists weak keys first, then keys above 4096 bits', async () => {
    const { rootA } = testPki();
    const weakCa = createCa('Weak CA', { keyBits: 1024 }, rootA);
    const big = withRsaKeyOfBits(leafFor(NODE, weakCa), weakCa, 8192);
    const findings = await judgeFiles('MRA-CERT-008', { 'mixed.pem': pem(big, weakCa) });
    const finding = findingFor(findings, 'mixed.pem');
    expect(finding).toMatchObject({ status: 'fail', messageId: 'weak' });
    expect(finding.message).toBe(
      `The chain of mixed.pem has weak keys or signatures: CN=Weak CA, O=mra-preflight lab has an RSA 1024-bit key (minimum 2048); ${LEAF_SUBJECT} has an RSA 8192-bit key.`,
    );
  });
});
