import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, type Issued } from '../../../src/lab/pki.js';

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
    const leaf = issueCertificate({ commonName: '127.0.0.1', sans: ['127.0.0.1', 'localhost'], extendedKeyUsage: ['serverAuth', 'clientAuth'] }, ca);
    return { ca, leaf };
  })();
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-hostile-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, shared.ca.certPem);
  return { ...shared, caFile, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
