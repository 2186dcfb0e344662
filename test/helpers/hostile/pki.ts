import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { createCa, issueCertificate, type Issued } from '../../../lab/pki.js';

/**
 * One CA and a leaf for 127.0.0.1/localhost, for the hostile HTTPS and TLS peers: the probe must
 * get past certificate verification (caFile) so that the hostile part is what it meets.
 */
export interface HostilePki {
  ca: Issued;
  leaf: Issued;
  /** PEM file of the CA, for caFile in the inventory. */
  caFile: string;
  dir: string;
  remove(): void;
}

let shared: { ca: Issued; leaf: Issued } | undefined;

export function hostilePki(): HostilePki {
  shared ??= (() => {
    const ca = createCa('mra-preflight hostile test CA');
    const leaf = issueCertificate(
      { commonName: '127.0.0.1', sans: ['127.0.0.1', 'localhost'], extendedKeyUsage: ['serverAuth', 'clientAuth'] },
      ca,
    );
    return { ca, leaf };
  })();
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-hostile-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, shared.ca.certPem);
  return { ...shared, caFile, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A certificate "maze": `perName` intermediates named A (issued by B, all signed by B's one key)
 * and as many named B (issued by A, signed by A's key), plus a leaf issued by A. Every A verifies
 * under every B and the other way round, and none is trusted, so a path builder that tries every
 * ordering explores them all (each step has several equally valid issuers). Leaf first, PEM.
 */
export function certificateMaze(perName: number): { leafPem: string; intermediatePems: string[]; leafKeyPem: string } {
  const keyA = forgeKeys();
  const keyB = forgeKeys();
  const leafKey = forgeKeys();
  const nameA = [{ name: 'commonName', value: 'Maze CA A' }];
  const nameB = [{ name: 'commonName', value: 'Maze CA B' }];
  const issue = (
    subject: typeof nameA,
    issuer: typeof nameA,
    publicKey: forge.pki.rsa.PublicKey,
    signer: forge.pki.rsa.PrivateKey,
    ca: boolean,
    serial: number,
  ): string => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = (0x1000 + serial).toString(16);
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 365);
    cert.setSubject(subject);
    cert.setIssuer(issuer);
    cert.setExtensions([
      { name: 'basicConstraints', cA: ca, critical: true },
      ...(ca ? [] : [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'cucm-pub.example.com' }] }]),
    ]);
    cert.sign(signer, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  };
  const intermediatePems: string[] = [];
  for (let i = 0; i < perName; i++) {
    intermediatePems.push(issue(nameA, nameB, keyA.publicKey, keyB.privateKey, true, 2 * i));
    intermediatePems.push(issue(nameB, nameA, keyB.publicKey, keyA.privateKey, true, 2 * i + 1));
  }
  const leafPem = issue(
    [{ name: 'commonName', value: 'cucm-pub.example.com' }],
    nameA,
    leafKey.publicKey,
    keyA.privateKey,
    false,
    9999,
  );
  return { leafPem, intermediatePems, leafKeyPem: leafKey.keyPem };
}

function forgeKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}
