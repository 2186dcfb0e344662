import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPart } from './part.js';
import { createCa, issueCertificate } from './pki.js';
import { startStatusServer, statusDocument } from './status-server.js';

/**
 * The lab's Expressway pair, deliberately on different releases so MRA-EXP-002 warns: the
 * Expressway-C's version comes live from a status.xml server on loopback (HTTPS, Basic auth,
 * certificate from a lab CA given as caFile), the Expressway-E's from the inventory `version`.
 * Both are above X8.10, so MRA-EXP-001 passes.
 */
export const LAB_EXPC_VERSION = 'X14.3.1';
export const LAB_EXPE_VERSION = 'X14.0.2';
export const LAB_STATUS_USER_ENV = 'EXP_USER';
export const LAB_STATUS_PASSWORD_ENV = 'EXP_PASS';

export const expresswayLabPart: LabPart = async ({ dir, draft, env }) => {
  const ca = createCa('mra-preflight lab Expressway status CA');
  const leaf = issueCertificate({ commonName: '127.0.0.1', sans: ['127.0.0.1'], extendedKeyUsage: ['serverAuth'] }, ca);
  const caFile = join(dir, 'expressway-status-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const username = 'mra-lab-admin';
  const password = randomBytes(18).toString('base64url');
  const server = await startStatusServer({
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
    username,
    password,
    routes: {
      '/status.xml': {
        kind: 'document',
        body: statusDocument({ version: LAB_EXPC_VERSION, serialNumber: 'LABEXPC01' }),
      },
    },
  });
  env[LAB_STATUS_USER_ENV] = username;
  env[LAB_STATUS_PASSWORD_ENV] = password;
  for (const node of draft.nodes) {
    if (node.role === 'expressway-c') {
      node.status = {
        url: server.url('/status.xml'),
        usernameEnv: LAB_STATUS_USER_ENV,
        passwordEnv: LAB_STATUS_PASSWORD_ENV,
        caFile,
      };
    } else if (node.role === 'expressway-e') {
      node.version = LAB_EXPE_VERSION;
    }
  }
  return () => server.close();
};
