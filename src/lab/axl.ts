import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAxlServer } from '../axl/lab-server.js';
import type { CucmSnapshot } from '../cucm/snapshot.js';
import type { LabPart } from './index.js';
import { createCa, issueCertificate } from './pki.js';
import { LAB_ENCRYPTED_PROFILES } from './topology.js';

export const LAB_AXL_USER_ENV = 'AXL_USER';
export const LAB_AXL_PASSWORD_ENV = 'AXL_PASS';

/**
 * Stand-in for the lab cluster until the CUCM side's LAB_CLUSTER (src/lab/cluster.ts) lands: the
 * publisher with AXL activated, one MRA pool and two MRA endpoints, one of them on a profile that
 * is not MRA-ready.
 */
const PLACEHOLDER_CLUSTER: CucmSnapshot = {
  version: '15.0.1.11900(31)',
  services: [
    { node: 'cucm-pub.example.com', name: 'Cisco AXL Web Service', activated: true },
    { node: 'cucm-pub.example.com', name: 'Cisco CallManager', activated: true },
    { node: 'cucm-sub1.example.com', name: 'Cisco CallManager', activated: true },
  ],
  phones: [
    { name: 'CSFJDOE', model: 'Cisco Unified Client Services Framework', protocol: 'SIP', devicePool: 'MRA_DP', securityProfile: LAB_ENCRYPTED_PROFILES[0]!, owner: 'jdoe' },
    { name: 'SEP00AA11BB22CC', model: 'Cisco 7841', protocol: 'SIP', devicePool: 'MRA_DP', securityProfile: 'Cisco 7841 - Standard SIP Non-Secure Profile' },
  ],
  securityProfiles: [
    { name: LAB_ENCRYPTED_PROFILES[0]!, phoneType: 'Cisco Unified Client Services Framework', protocol: 'SIP', deviceSecurityMode: 'Encrypted', transportType: 'TLS', tftpEncryptedConfig: false },
    { name: 'Cisco 7841 - Standard SIP Non-Secure Profile', phoneType: 'Cisco 7841', protocol: 'SIP', deviceSecurityMode: 'Authenticated', transportType: 'TCP', tftpEncryptedConfig: false },
  ],
  devicePools: [{ name: 'MRA_DP', dateTimeGroup: 'CMLocal', region: 'MRA_Region' }],
  dateTimeGroups: [{ name: 'CMLocal', phoneNtpReferences: [] }],
  regions: [{ name: 'MRA_Region', relations: [{ region: 'MRA_Region', videoKbps: 384 }] }],
  commonPhoneProfiles: [{ name: 'Standard Common Phone Profile' }],
  userProfiles: [
    { name: 'Standard (Factory Default) User Profile', enableMra: true, mraPolicyDesktop: 'IM & Presence, Voice and Video calls', mraPolicyMobile: 'No Service', allowProvision: true, limitProvision: 25 },
  ],
  users: [{ userid: 'jdoe', userProfile: 'Standard (Factory Default) User Profile', jabber: true }],
  ils: { configured: false },
};

/**
 * The lab's CUCM publisher: the AXL server on loopback (HTTPS with a certificate from a lab CA
 * written to the lab folder as caFile, Basic auth with a random password in AXL_PASS), answering
 * from the lab cluster. The scan collects the cluster live, as it would from a real publisher.
 */
export const axlLabPart: LabPart = async ({ dir, draft, env }) => {
  const ca = createCa('mra-preflight lab CUCM tomcat CA');
  const leaf = issueCertificate(
    { commonName: 'cucm-pub.example.com', sans: ['cucm-pub.example.com', '127.0.0.1'], extendedKeyUsage: ['serverAuth', 'clientAuth'] },
    ca,
  );
  const caFile = join(dir, 'cucm-axl-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const username = 'mra-lab-axl';
  const password = randomBytes(18).toString('base64url');
  const server = await startAxlServer({ snapshot: PLACEHOLDER_CLUSTER, cert: leaf.certPem + ca.certPem, key: leaf.keyPem, username, password });
  env[LAB_AXL_USER_ENV] = username;
  env[LAB_AXL_PASSWORD_ENV] = password;
  draft.cucm.axl = { url: server.url, version: '15.0', usernameEnv: LAB_AXL_USER_ENV, passwordEnv: LAB_AXL_PASSWORD_ENV, caFile };
  return () => server.close();
};
