import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AxlClient } from '../src/probes/axl/client.js';
import { collectSnapshot } from '../src/cucm/collect.js';
import { startAxlServer } from '../lab/axl-server.js';
import type { CucmSnapshot } from '../src/cucm/snapshot.js';
import { createCa, issueCertificate } from '../lab/pki.js';

/**
 * Benchmark: collect a generated cluster of N phones (default 50,000) from the local AXL server,
 * which runs in a child process so the collector's peak RSS is its own.
 * Usage: node dist/bench/axl-collect.js [phones]
 */
const USER = 'bench-axl';
const PASSWORD = 'bench-password-not-secret';

function cluster(phones: number): CucmSnapshot {
  const models = ['Cisco 8845', 'Cisco 7841', 'Cisco 8865', 'Cisco 8811', 'Cisco Unified Client Services Framework'];
  const list = Array.from({ length: phones }, (_, index) => {
    const mra = index % 3 === 0;
    return {
      name: `SEP${index.toString(16).toUpperCase().padStart(12, '0')}`,
      model: models[index % models.length]!,
      protocol: 'SIP',
      devicePool: mra ? 'MRA_DP' : `HQ_DP_${index % 20}`,
      securityProfile: mra ? 'ip8845-mra.example.com' : 'Cisco 7841 - Standard SIP Non-Secure Profile',
      commonPhoneProfile: 'Standard Common Phone Profile',
      ...(index % 2 === 0 ? { owner: `user${index}` } : {}),
    };
  });
  return {
    version: '15.0.1.11900(31)',
    services: [{ node: 'cucm-pub.example.com', name: 'Cisco AXL Web Service', activated: true }],
    phones: list,
    securityProfiles: [
      {
        name: 'ip8845-mra.example.com',
        phoneType: 'Cisco 8845',
        protocol: 'SIP',
        deviceSecurityMode: 'Encrypted',
        transportType: 'TLS',
        tftpEncryptedConfig: false,
      },
      {
        name: 'Cisco 7841 - Standard SIP Non-Secure Profile',
        phoneType: 'Cisco 7841',
        protocol: 'SIP',
        deviceSecurityMode: 'Non Secure',
        transportType: 'TCP+UDP',
        tftpEncryptedConfig: false,
      },
    ],
    devicePools: [
      { name: 'MRA_DP', dateTimeGroup: 'CMLocal', region: 'MRA' },
      ...Array.from({ length: 20 }, (_, i) => ({ name: `HQ_DP_${i}`, dateTimeGroup: 'CMLocal', region: 'Default' })),
    ],
    dateTimeGroups: [{ name: 'CMLocal', phoneNtpReferences: ['10.1.1.123'] }],
    regions: [
      { name: 'MRA', relations: [{ region: 'Default', videoKbps: 1000 }] },
      { name: 'Default', relations: [] },
    ],
    commonPhoneProfiles: [{ name: 'Standard Common Phone Profile' }],
    userProfiles: [
      {
        name: 'Standard (Factory Default) User Profile',
        enableMra: true,
        mraPolicyDesktop: 'IM & Presence, Voice and Video calls',
        mraPolicyMobile: 'IM & Presence, Voice and Video calls',
        allowProvision: false,
      },
    ],
    users: list
      .filter((phone) => phone.owner)
      .map((phone) => ({
        userid: phone.owner!,
        userProfile: 'Standard (Factory Default) User Profile',
        jabber: false,
      })),
    ils: { configured: false },
  };
}

async function serve(phones: number): Promise<void> {
  const ca = createCa('bench AXL CA');
  const leaf = issueCertificate({ commonName: '127.0.0.1', sans: ['127.0.0.1'], extendedKeyUsage: ['serverAuth'] }, ca);
  const server = await startAxlServer({
    snapshot: cluster(phones),
    cert: leaf.certPem + ca.certPem,
    key: leaf.keyPem,
    username: USER,
    password: PASSWORD,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, ca: ca.certPem })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

async function main(phones: number): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', String(phones)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const { url, ca } = JSON.parse(line) as { url: string; ca: string };
  const client = new AxlClient({ url, version: '15.0', username: USER, password: PASSWORD, ca, timeoutMs: 30_000 });
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const snapshot = await collectSnapshot(client);
  const elapsed = performance.now() - started;
  await client.close();
  child.stdin!.end();
  const collected = snapshot.phones.length;
  process.stdout.write(
    `${JSON.stringify({
      phones: collected,
      users: snapshot.users.length,
      seconds: Number((elapsed / 1000).toFixed(2)),
      phonesPerSecond: Math.round(collected / (elapsed / 1000)),
      rssBeforeMiB: Math.round(rssBefore / 1048576),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

const [mode, count] = process.argv.slice(2);
if (mode === 'serve') await serve(Number(count));
else await main(Number(mode ?? 50_000));
