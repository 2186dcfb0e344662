import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicConstraints,
  GeneralName,
  SubjectAlternativeName,
  Time,
  id_ce_basicConstraints,
  id_ce_subjectAltName,
  type Name,
} from '@peculiar/asn1-x509';
import {
  createCa,
  extension,
  generateKeys,
  issueCertificate,
  nameOf,
  pemOfDer,
  signDraft,
  type Issued,
} from '../../../lab/pki.js';

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
 * `keyType` picks the maze keys: a hostile peer chooses whichever verification is slowest.
 */
export function certificateMaze(
  perName: number,
  keyType: 'rsa' | 'ec' = 'rsa',
): { leafPem: string; intermediatePems: string[]; leafKeyPem: string } {
  const keyA = generateKeys(keyType);
  const keyB = generateKeys(keyType);
  const leafKey = generateKeys(keyType);
  const nameA = nameOf('Maze CA A', 'maze');
  const nameB = nameOf('Maze CA B', 'maze');
  const issue = (subject: Name, issuer: Name, spki: Buffer, signer: KeyObject, ca: boolean, serial: number): string => {
    const der = signDraft(
      {
        serial: Buffer.from([0x10, serial >> 8, serial & 0xff]),
        subject,
        issuer,
        notBefore: new Time(new Date(Math.floor(Date.now() / 1000) * 1000 - 86_400_000)),
        notAfter: new Time(new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000 * 365)),
        publicKey: spki,
        extensions: [
          extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: ca })),
          ...(ca
            ? []
            : [
                extension(
                  id_ce_subjectAltName,
                  false,
                  new SubjectAlternativeName([new GeneralName({ dNSName: 'cucm-pub.example.com' })]),
                ),
              ]),
        ],
      },
      signer,
    );
    return pemOfDer(der);
  };
  const intermediatePems: string[] = [];
  for (let i = 0; i < perName; i++) {
    intermediatePems.push(issue(nameA, nameB, keyA.spki, keyB.privateKey, true, 2 * i));
    intermediatePems.push(issue(nameB, nameA, keyB.spki, keyA.privateKey, true, 2 * i + 1));
  }
  const leafPem = issue(nameOf('cucm-pub.example.com', 'maze'), nameA, leafKey.spki, keyA.privateKey, false, 9999);
  return { leafPem, intermediatePems, leafKeyPem: leafKey.keyPem };
}
