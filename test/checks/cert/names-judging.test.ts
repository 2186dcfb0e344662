import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CertOptions } from '../../../lab/pki.js';
import { createCa, issueCertificate } from '../../../lab/pki.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { DAY, tempDir, testPki, writePem } from '../../helpers/pki.js';

/**
 * MRA-CERT-004/006/007/009 on one exported certificate file per node (offline), each with exact
 * messages and evidence: names, EKUs, expiry order, and the Expressway-E SANs per domain.
 */

/** `rule` on one certificate file of `fqdn` (leaf options as given, issued by issuing CA A). */
async function judgeLeaf(
  rule: string,
  fqdn: string,
  role: string,
  options: Partial<CertOptions> & { commonName?: string },
  domains = ['example.com'],
) {
  const { rootA, intermediateA } = testPki();
  const dir = tempDir();
  writePem(dir, 'root-a.pem', rootA);
  writePem(
    dir,
    'leaf.pem',
    issueCertificate(
      { commonName: fqdn, sans: [fqdn], extendedKeyUsage: ['serverAuth', 'clientAuth'], ...options },
      intermediateA,
    ),
    intermediateA,
  );
  const findings = await testCheck(rule, {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains,
      nodes: [{ fqdn, role }],
      certificates: [{ node: fqdn, service: 'server', file: 'leaf.pem' }],
      trust: [{ node: fqdn, store: 'trusted-ca', path: 'root-a.pem' }],
    },
  });
  return findingFor(findings, 'leaf.pem');
}

describe('MRA-CERT-009 hostname-match', () => {
  it('fails a certificate with neither SAN nor CN', async () => {
    const finding = await judgeLeaf('MRA-CERT-009', 'cucm-pub.example.com', 'cucm-publisher', {
      commonName: '',
      sans: [],
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'noNames' });
    expect(finding.message).toBe(
      'The certificate of leaf.pem has neither a DNS SAN nor a CN, so it cannot match cucm-pub.example.com.',
    );
    expect(finding.evidence).toMatchObject({ sans: [], matchedAgainst: 'none', fqdn: 'cucm-pub.example.com' });
  });
});

describe('MRA-CERT-007 client-auth-eku', () => {
  it('names what is missing and what is there', async () => {
    const finding = await judgeLeaf('MRA-CERT-007', 'expc.example.com', 'expressway-c', {
      extendedKeyUsage: ['serverAuth'],
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'missingEku' });
    expect(finding.message).toBe(
      'The certificate of leaf.pem lacks clientAuth extended key usage (it has serverAuth).',
    );
    expect(finding.evidence).toMatchObject({ extendedKeyUsage: ['serverAuth'] });
  });

  it('names both when neither is listed', async () => {
    const finding = await judgeLeaf('MRA-CERT-007', 'expc.example.com', 'expressway-c', {
      extendedKeyUsage: [],
    });
    expect(finding.status).toBe('fail');
    expect(finding.message).toMatch(
      /^The certificate of leaf\.pem (lacks serverAuth and clientAuth extended key usage|has no extended key usage extension)/,
    );
  });

  it('passes both, stating so', async () => {
    const finding = await judgeLeaf('MRA-CERT-007', 'expe.example.com', 'expressway-e', {});
    expect(finding).toMatchObject({ status: 'pass', messageId: 'bothPresent' });
    expect(finding.message).toBe(
      'The certificate of leaf.pem carries both serverAuth and clientAuth extended key usage.',
    );
    expect(finding.evidence).toMatchObject({ subject: 'CN=expe.example.com, O=mra-preflight lab' });
  });
});

describe('MRA-CERT-004 cert-expiry', () => {
  /** The rule on a leaf (200 days left, or as given) under a CA of its own with these dates. */
  async function judgeChain(ca: Partial<CertOptions>, leaf: Partial<CertOptions> = {}) {
    const { rootA } = testPki();
    const now = Date.now();
    const issuing = createCa('Short CA', { keyBits: 2048, ...ca }, rootA);
    const dir = tempDir();
    writePem(dir, 'root-a.pem', rootA);
    writePem(
      dir,
      'leaf.pem',
      issueCertificate(
        {
          commonName: 'cucm-pub.example.com',
          sans: ['cucm-pub.example.com'],
          notBefore: new Date(now - 2 * DAY),
          notAfter: new Date(now + 200 * DAY),
          ...leaf,
        },
        issuing,
      ),
      issuing,
    );
    const findings = await testCheck('MRA-CERT-004', {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
        certificates: [{ node: 'cucm-pub.example.com', service: 'tomcat', file: 'leaf.pem' }],
        trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root-a.pem' }],
      },
    });
    return findingFor(findings, 'leaf.pem');
  }

  it('names the certificate that expires first, even when it is not the leaf', async () => {
    const now = Date.now();
    const finding = await judgeChain({ notBefore: new Date(now - 2 * DAY), notAfter: new Date(now + 100 * DAY) });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'valid' });
    expect(finding.message).toMatch(
      /^No certificate in the chain of leaf\.pem expires within 30 days of \S+; the first to expire is CN=Short CA, O=mra-preflight lab on \S+ \(100 days left\)\.$/,
    );
  });

  it('lists every expired certificate of the chain', async () => {
    const now = Date.now();
    const finding = await judgeChain(
      { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 10 * DAY) },
      { notBefore: new Date(now - 300 * DAY), notAfter: new Date(now - 5 * DAY) },
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'expired' });
    expect(finding.message).toMatch(
      /^The chain of leaf\.pem holds an expired certificate at \S+: CN=cucm-pub\.example\.com, O=mra-preflight lab expired on \S+; CN=Short CA, O=mra-preflight lab expired on \S+\.$/,
    );
  });
});

describe('MRA-CERT-006 expe-san-domains', () => {
  it('passes SANs covering the FQDN and every domain, naming the domains', async () => {
    const finding = await judgeLeaf(
      'MRA-CERT-006',
      'expe.example.com',
      'expressway-e',
      { sans: ['expe.example.com', 'example.com', 'collab-edge.example.net'] },
      ['example.com', 'example.net'],
    );
    expect(finding).toMatchObject({ status: 'pass', messageId: 'covered' });
    expect(finding.message).toBe(
      'The SANs of leaf.pem cover its FQDN expe.example.com and every domain (example.com, example.net).',
    );
    expect(finding.evidence.domains).toEqual([
      { domain: 'example.com', coveredBy: ['example.com'] },
      { domain: 'example.net', coveredBy: ['collab-edge.example.net'] },
    ]);
  });

  it('lists every name it misses, and the wildcards that do not count', async () => {
    const finding = await judgeLeaf(
      'MRA-CERT-006',
      'expe.example.com',
      'expressway-e',
      { commonName: 'expe.example.com', sans: ['*.example.com', '*.example.net'] },
      ['example.com', 'example.net'],
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'wildcardOnly' });
    expect(finding.message).toBe(
      'The SANs of leaf.pem do not cover its FQDN expe.example.com; domain example.com (neither example.com nor collab-edge.example.com); domain example.net (neither example.net nor collab-edge.example.net); the wildcard *.example.com, *.example.net does not count: Expressway does not support wildcard certificates.',
    );
  });

  it('lists the names it misses without wildcards', async () => {
    const finding = await judgeLeaf(
      'MRA-CERT-006',
      'expe.example.com',
      'expressway-e',
      { sans: ['expe.example.com'] },
      ['example.com', 'example.net'],
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'missingNames' });
    expect(finding.message).toBe(
      'The SANs of leaf.pem do not cover domain example.com (neither example.com nor collab-edge.example.com); domain example.net (neither example.net nor collab-edge.example.net).',
    );
  });
});
