import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../src/cert/certificate.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';

/**
 * MRA-CERT-002 on exported files (offline): which roles count, how roots are grouped and named,
 * and what is said when a root cannot be determined.
 */
const ROOT_A = 'CN=Test Root CA A, O=mra-preflight lab';
const ROOT_B = 'CN=Test Root CA B, O=mra-preflight lab';
const ISSUING_A = 'CN=Test Issuing CA A1, O=mra-preflight lab';

type Chain = 'root-a' | 'root-b' | 'no-issuer';

/** MRA-CERT-002 on one tomcat certificate per node: under root A, root B, or without its issuing CA. */
async function judge(nodes: Array<{ fqdn: string; role: string; chain: Chain }>) {
  const { rootA, rootB, intermediateA } = testPki();
  const dir = tempDir();
  writePem(dir, 'roots.pem', rootA, rootB);
  for (const { fqdn, chain } of nodes) {
    if (chain === 'root-a') writePem(dir, `${fqdn}.pem`, leafFor(fqdn, intermediateA), intermediateA);
    if (chain === 'root-b') writePem(dir, `${fqdn}.pem`, leafFor(fqdn, rootB), rootB);
    if (chain === 'no-issuer') writePem(dir, `${fqdn}.pem`, leafFor(fqdn, intermediateA));
  }
  const findings = await testCheck('MRA-CERT-002', {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains: ['example.com'],
      nodes: nodes.map(({ fqdn, role }) => ({ fqdn, role })),
      certificates: nodes.map(({ fqdn }) => ({ node: fqdn, service: 'tomcat', file: `${fqdn}.pem` })),
      trust: [{ node: nodes[0]!.fqdn, store: 'tomcat-trust', path: 'roots.pem' }],
    },
  });
  return findingFor(findings, 'deployment');
}

describe('MRA-CERT-002 common-ca in detail', () => {
  it('groups subscribers by root, names each group, and points to one fix', async () => {
    const finding = await judge([
      { fqdn: 'cucm-sub1.example.com', role: 'cucm-subscriber', chain: 'root-a' },
      { fqdn: 'imp-sub1.example.com', role: 'imp-subscriber', chain: 'root-b' },
      { fqdn: 'expc.example.com', role: 'expressway-c', chain: 'root-a' },
    ]);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'differentRoots' });
    expect(finding.message).toBe(
      `The CUCM, IM&P and Expressway leaf certificates chain to 2 different roots: ${ROOT_A} (cucm-sub1.example.com tomcat, expc.example.com tomcat); ${ROOT_B} (imp-sub1.example.com tomcat); each system must then hold the others' roots (MRA-CERT-003).`,
    );
    expect(finding.group).toEqual({
      key: 'certificate-authority',
      label: 'the certificate authority that signs the MRA certificates',
    });
    const { rootA, rootB } = testPki();
    expect(finding.evidence.roots).toMatchObject([
      {
        subject: ROOT_A,
        sha256: parseCertificate(rootA.certDer).sha256,
        leaves: ['cucm-sub1.example.com tomcat', 'expc.example.com tomcat'],
      },
      { subject: ROOT_B, sha256: parseCertificate(rootB.certDer).sha256, leaves: ['imp-sub1.example.com tomcat'] },
    ]);
    expect(finding.evidence.leaves).toEqual([
      {
        endpoint: 'cucm-sub1.example.com.pem',
        subject: 'CN=cucm-sub1.example.com, O=mra-preflight lab',
        issuer: ISSUING_A,
      },
      { endpoint: 'imp-sub1.example.com.pem', subject: 'CN=imp-sub1.example.com, O=mra-preflight lab', issuer: ROOT_B },
      { endpoint: 'expc.example.com.pem', subject: 'CN=expc.example.com, O=mra-preflight lab', issuer: ISSUING_A },
    ]);
  });

  it('names the root found and every certificate whose root is not known', async () => {
    const finding = await judge([
      { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', chain: 'root-a' },
      { fqdn: 'expc.example.com', role: 'expressway-c', chain: 'no-issuer' },
      { fqdn: 'expe.example.com', role: 'expressway-e', chain: 'no-issuer' },
    ]);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'undetermined' });
    expect(finding.message).toBe(
      `The leaf certificates read so far chain to ${ROOT_A}, but the root of expc.example.com tomcat (no self-signed root above ${ISSUING_A}), expe.example.com tomcat (no self-signed root above ${ISSUING_A}) could not be determined.`,
    );
  });

  it('says "no root" when no root could be determined at all', async () => {
    const finding = await judge([{ fqdn: 'expc.example.com', role: 'expressway-c', chain: 'no-issuer' }]);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'undetermined' });
    expect(finding.message).toBe(
      `The leaf certificates read so far chain to no root, but the root of expc.example.com tomcat (no self-signed root above ${ISSUING_A}) could not be determined.`,
    );
  });
});
