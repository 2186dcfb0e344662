import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueEcCertificate } from '../../../lab/pki.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki, withRsaKeyOfBits, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-008';

describe('MRA-CERT-008 key-and-signature', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    deployment = await startDeployment({
      presented: {
        cucmTomcat: { leaf: leafFor('cucm-pub.example.com', intermediateA, { keyBits: 1024 }), chain: [intermediateA] },
        impTomcat: { leaf: leafFor('imp-pub.example.com', intermediateA, { digest: 'sha1' }), chain: [intermediateA] },
        expe: {
          leaf: issueEcCertificate({ commonName: 'expe.example.com', sans: ['expe.example.com'] }, intermediateA),
          chain: [intermediateA],
        },
      },
    });
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it('passes sound RSA and EC chains; fails a 1024-bit key and a SHA-1 signature', async () => {
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findingFor(findings, deployment.targets.expc)).toMatchObject({ status: 'pass', messageId: 'sound' });
    expect(findingFor(findings, deployment.targets.expe).message).toContain('EC prime256v1');
    const small = findingFor(findings, deployment.targets.cucmTomcat);
    expect(small).toMatchObject({ status: 'fail', messageId: 'weak', severity: 'error' });
    expect(small.message).toContain(
      'CN=cucm-pub.example.com, O=mra-preflight lab has an RSA 1024-bit key (minimum 2048)',
    );
    const sha1 = findingFor(findings, deployment.targets.impTomcat);
    expect(sha1.message).toContain('CN=imp-pub.example.com, O=mra-preflight lab is signed with sha1WithRSAEncryption');
  });

  it('ignores the digest of a root self-signature and warns above 4096 bits', async () => {
    const dir = tempDir();
    const md5Root = createCa('MD5 Root', { digest: 'md5' });
    writePem(dir, 'root.pem', md5Root);
    writePem(dir, 'ok.pem', leafFor('cucm-pub.example.com', md5Root), md5Root);
    writePem(
      dir,
      'large.pem',
      // A 4160-bit public key without the seconds of generating its private key.
      withRsaKeyOfBits(
        leafFor('cucm-pub.example.com', md5Root, { commonName: 'cucm-pub.example.com-ms' }),
        md5Root,
        4160,
      ),
    );
    const findings = await testCheck(RULE, {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
        certificates: [
          { node: 'cucm-pub.example.com', service: 'tomcat', file: 'ok.pem' },
          { node: 'cucm-pub.example.com', service: 'callmanager', file: 'large.pem' },
        ],
        trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root.pem' }],
      },
    });
    expect(findingFor(findings, 'ok.pem').status).toBe('pass');
    expect(findingFor(findings, 'large.pem')).toMatchObject({
      status: 'fail',
      messageId: 'keyTooLarge',
      severity: 'warning',
    });
  });

  it('passes RSA 2048 and 4096, fails 2047 and 1024, warns at 4097 and 8192 (the bounds, both sides)', async () => {
    const { rootA, intermediateA } = testPki();
    const dir = tempDir();
    writePem(dir, 'root.pem', rootA);
    const sizes = [1024, 2047, 2048, 4096, 4097, 8192];
    const nodes = sizes.map((bits) => `cucm-sub${bits}.example.com`);
    sizes.forEach((bits, i) => {
      const leaf = withRsaKeyOfBits(leafFor(nodes[i]!, intermediateA), intermediateA, bits);
      writePem(dir, `rsa-${bits}.pem`, leaf, intermediateA);
    });
    const findings = await testCheck(RULE, {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: nodes.map((fqdn) => ({ fqdn, role: 'cucm-subscriber' })),
        certificates: sizes.map((bits, i) => ({ node: nodes[i], service: 'tomcat', file: `rsa-${bits}.pem` })),
        trust: [{ node: nodes[0], store: 'tomcat-trust', path: 'root.pem' }],
      },
    });
    const verdict = (bits: number) => {
      const finding = findingFor(findings, `rsa-${bits}.pem`);
      return [bits, finding.status, finding.messageId, finding.severity];
    };
    expect(sizes.map(verdict)).toEqual([
      [1024, 'fail', 'weak', 'error'],
      [2047, 'fail', 'weak', 'error'],
      [2048, 'pass', 'sound', 'error'],
      [4096, 'pass', 'sound', 'error'],
      [4097, 'fail', 'keyTooLarge', 'warning'],
      [8192, 'fail', 'keyTooLarge', 'warning'],
    ]);
    expect(findingFor(findings, 'rsa-2047.pem').message).toContain('has an RSA 2047-bit key (minimum 2048)');
    expect(findingFor(findings, 'rsa-8192.pem').message).toContain(
      `CN=${nodes[5]}, O=mra-preflight lab has an RSA 8192-bit key`,
    );
    expect(findingFor(findings, 'rsa-4096.pem').message).toContain('RSA 4096, sha256WithRSAEncryption');
  });
});
