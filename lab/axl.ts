import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAxlServer } from './axl-server.js';
import { LAB_CLUSTER } from './cluster.js';
import type { LabPart } from './part.js';
import { createCa, issueCertificate } from './pki.js';

export const LAB_AXL_USER_ENV = 'AXL_USER';
export const LAB_AXL_PASSWORD_ENV = 'AXL_PASS';

/**
 * The lab's CUCM publisher: the AXL server on loopback (HTTPS with a certificate from a lab CA
 * written to the lab folder as caFile, Basic auth with a random password in AXL_PASS), answering
 * from LAB_CLUSTER (src/lab/cluster.ts). The scan collects the cluster live, as it would from a real publisher.
 */
export const axlLabPart: LabPart = async ({ dir, draft, env }) => {
  const ca = createCa('mra-preflight lab CUCM tomcat CA');
  const leaf = issueCertificate(
    {
      commonName: 'cucm-pub.example.com',
      sans: ['cucm-pub.example.com', '127.0.0.1'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    },
    ca,
  );
  const caFile = join(dir, 'cucm-axl-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const username = 'mra-lab-axl';
  const password = randomBytes(18).toString('base64url');
  const server = await startAxlServer({
    snapshot: LAB_CLUSTER,
    cert: leaf.certPem + ca.certPem,
    key: leaf.keyPem,
    username,
    password,
  });
  env[LAB_AXL_USER_ENV] = username;
  env[LAB_AXL_PASSWORD_ENV] = password;
  draft.cucm.axl = {
    url: server.url,
    version: '15.0',
    usernameEnv: LAB_AXL_USER_ENV,
    passwordEnv: LAB_AXL_PASSWORD_ENV,
    caFile,
  };
  return () => server.close();
};
