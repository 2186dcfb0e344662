import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxlClient, type AxlClientOptions } from '../../src/probes/axl/client.js';
import { startAxlServer, type AxlServer, type AxlServerOptions } from '../../lab/axl-server.js';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { createCa, issueCertificate, type Issued } from '../../lab/pki.js';

/**
 * The tests' CUCM publisher: the AXL server of lab/axl-server.ts on 127.0.0.1 with a
 * certificate from a test CA (written to `caFile`), and credentials a test can grep for.
 */
export const AXL_USER = 'axl-collector';
export const AXL_PASSWORD = 'Pa55-AXL-do-not-leak-7q';
export const AXL_ENV = { AXL_USER, AXL_PASS: AXL_PASSWORD };

let pki: { ca: Issued; leaf: Issued } | undefined;
function testPki(): { ca: Issued; leaf: Issued } {
  if (pki) return pki;
  const ca = createCa('mra-preflight test AXL CA');
  const leaf = issueCertificate(
    {
      commonName: 'cucm-pub.example.com',
      sans: ['cucm-pub.example.com', 'localhost', '127.0.0.1'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    },
    ca,
  );
  pki = { ca, leaf };
  return pki;
}

export interface TestAxl {
  server: AxlServer;
  url: string;
  dir: string;
  caFile: string;
  caPem: string;
  /** The inventory's cucm.axl block for this server. */
  axl: { url: string; version: string; usernameEnv: string; passwordEnv: string; caFile: string };
  /** Client options for direct client tests. */
  clientOptions(overrides?: Partial<AxlClientOptions>): AxlClientOptions;
  client(overrides?: Partial<AxlClientOptions>): AxlClient;
  stop(): Promise<void>;
}

export async function startTestAxl(
  snapshot: CucmSnapshot,
  options: Partial<Omit<AxlServerOptions, 'snapshot' | 'cert' | 'key'>> = {},
): Promise<TestAxl> {
  const { ca, leaf } = testPki();
  const server = await startAxlServer({
    snapshot,
    cert: leaf.certPem + ca.certPem,
    key: leaf.keyPem,
    username: AXL_USER,
    password: AXL_PASSWORD,
    ...options,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mra-axl-test-'));
  const caFile = join(dir, 'axl-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const clients: AxlClient[] = [];
  const clientOptions = (overrides: Partial<AxlClientOptions> = {}): AxlClientOptions => ({
    url: server.url,
    version: '15.0',
    username: AXL_USER,
    password: AXL_PASSWORD,
    ca: ca.certPem,
    timeoutMs: 5000,
    retryBaseMs: 10,
    ...overrides,
  });
  return {
    server,
    url: server.url,
    dir,
    caFile,
    caPem: ca.certPem,
    axl: { url: server.url, version: '15.0', usernameEnv: 'AXL_USER', passwordEnv: 'AXL_PASS', caFile },
    clientOptions,
    client(overrides = {}) {
      const client = new AxlClient(clientOptions(overrides));
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.allSettled(clients.map((client) => client.close()));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small cluster touching every section, with names that need XML escaping. */
export function sampleCluster(): CucmSnapshot {
  return {
    version: '15.0.1.11900(31)',
    services: [
      { node: 'cucm-pub.example.com', name: 'Cisco AXL Web Service', activated: true },
      { node: 'cucm-pub.example.com', name: 'Cisco CallManager', activated: true },
      { node: 'cucm-sub1.example.com', name: 'Cisco AXL Web Service', activated: false },
    ],
    phones: [
      {
        name: 'SEP00AA11BB22CC',
        model: 'Cisco 8845',
        protocol: 'SIP',
        devicePool: 'MRA_DP',
        securityProfile: 'ip8845-mra.example.com',
        commonPhoneProfile: 'MRA CPP',
        owner: 'jdoe',
      },
      {
        name: 'CSFJDOE',
        model: 'Cisco Unified Client Services Framework',
        protocol: 'SIP',
        devicePool: 'MRA_DP',
        securityProfile: 'csf-mra.example.com',
        owner: 'jdoe',
      },
      {
        name: 'SEP001122334455',
        model: 'Cisco 7841',
        protocol: 'SIP',
        devicePool: 'HQ_DP',
        securityProfile: 'Cisco 7841 - Standard SIP Non-Secure Profile',
      },
    ],
    securityProfiles: [
      {
        name: 'ip8845-mra.example.com',
        phoneType: 'Cisco 8845',
        protocol: 'SIP',
        deviceSecurityMode: 'Encrypted',
        transportType: 'TLS',
        tftpEncryptedConfig: true,
        enableOAuthAuthentication: false,
      },
      {
        name: 'csf-mra.example.com',
        phoneType: 'Cisco Unified Client Services Framework',
        protocol: 'SIP',
        deviceSecurityMode: 'Encrypted',
        transportType: 'TLS',
        tftpEncryptedConfig: false,
        enableOAuthAuthentication: true,
      },
      {
        name: 'Cisco 7841 - Standard SIP Non-Secure Profile',
        phoneType: 'Cisco 7841',
        protocol: 'SIP',
        deviceSecurityMode: 'Non Secure',
        transportType: 'TCP+UDP',
        tftpEncryptedConfig: false,
        enableOAuthAuthentication: false,
      },
    ],
    devicePools: [
      { name: 'MRA_DP', dateTimeGroup: 'CMLocal', region: 'MRA_Region' },
      { name: 'HQ_DP', dateTimeGroup: 'CMLocal', region: 'Default' },
      { name: 'Bare_DP' },
    ],
    dateTimeGroups: [
      { name: 'CMLocal', phoneNtpReferences: ['10.1.1.123', 'ntp2.example.com'] },
      { name: 'Empty <DTG> & co', phoneNtpReferences: [] },
    ],
    regions: [
      {
        name: 'MRA_Region',
        relations: [
          { region: 'Default', videoKbps: 384 },
          { region: 'MRA_Region', videoKbps: 6000 },
        ],
      },
      { name: 'Default', relations: [] },
    ],
    commonPhoneProfiles: [
      {
        name: 'MRA CPP',
        ice: {
          enabled: true,
          defaultCandidateType: 'Server Reflexive',
          serverReflexiveAddress: true,
          primaryTurnServer: 'expe.example.com',
          turnTransportType: 'Auto',
          turnUsername: 'turnuser',
          turnPasswordSet: true,
        },
      },
      { name: 'Standard Common Phone Profile' },
    ],
    userProfiles: [
      {
        name: 'Standard (Factory Default) User Profile',
        enableMra: true,
        mraPolicyDesktop: 'IM & Presence, Voice and Video calls',
        mraPolicyMobile: 'No Service',
        allowProvision: true,
        limitProvision: 25,
      },
      {
        name: 'MRA Users',
        enableMra: true,
        mraPolicyDesktop: 'IM & Presence, Voice and Video calls',
        mraPolicyMobile: 'IM & Presence, Voice and Video calls',
        allowProvision: false,
      },
    ],
    users: [
      { userid: 'jdoe', userProfile: 'MRA Users', jabber: true },
      { userid: 'asmith', userProfile: 'Standard (Factory Default) User Profile', jabber: true },
      { userid: 'noprofile', jabber: false },
    ],
    ils: { configured: true, role: 'Hub Cluster' },
    clusterSecurity: { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' },
  };
}

/** A generated cluster of `phones` phones (benchmarks, paging); users own every tenth phone. */
export function generatedCluster(phones: number): CucmSnapshot {
  const base = sampleCluster();
  const models = ['Cisco 8845', 'Cisco 7841', 'Cisco 8865', 'Cisco 8811'];
  const list = Array.from({ length: phones }, (_, index) => {
    const mac = index.toString(16).toUpperCase().padStart(12, '0');
    const mra = index % 3 === 0;
    return {
      name: `SEP${mac}`,
      model: models[index % models.length]!,
      protocol: 'SIP',
      devicePool: mra ? 'MRA_DP' : 'HQ_DP',
      securityProfile: mra ? 'ip8845-mra.example.com' : 'Cisco 7841 - Standard SIP Non-Secure Profile',
      ...(index % 10 === 0 ? { owner: `user${index}` } : {}),
    };
  });
  const users = list
    .filter((phone) => phone.owner)
    .map((phone, index) => ({
      userid: phone.owner!,
      ...(index % 2 === 0 ? { userProfile: 'MRA Users' } : {}),
      jabber: index % 4 === 0,
    }));
  return { ...base, phones: list, users };
}
