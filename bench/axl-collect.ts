import { spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AxlClient } from '../src/probes/axl/client.js';
import { collectSnapshot, DEFAULT_PAGE_ROWS } from '../src/cucm/collect.js';
import { SNAPSHOT_SECTIONS, type CucmSnapshot, type Phone } from '../src/cucm/snapshot.js';
import { startAxlServer, type AxlServerStats } from '../lab/axl-server.js';
import { createCa, issueCertificate } from '../lab/pki.js';
import { baselineFetch } from './axl-baseline.js';

/**
 * SPEC 8.10: `collect` of a 100,000-phone cluster against the lab AXL server in CUCM's throttling
 * mode (8 MB answers, 16 MB in flight, 503 beyond 4 requests in flight, 20 ms per request plus
 * 5 µs per row, only the returnedTags the AXL 15.0 list types define), next to the plain fetch of
 * the same data at two in flight (bench/axl-baseline.ts). The server runs in its own process, and
 * so does each fetcher, so every peak RSS is the fetcher's own; the server counts what it saw.
 * Runs alternate (baseline, collect, ...) after one warm-up round and the median of each is reported.
 *
 * Usage: node dist/bench/axl-collect.js [phones] [rounds]
 */
const USER = 'bench-axl';
const PASSWORD = 'bench-password-not-secret';

/** A cluster of `phones` phones, half of them owned, with a few of each get-only object. */
export function benchCluster(phones: number): CucmSnapshot {
  const models = ['Cisco 8845', 'Cisco 7841', 'Cisco 8865', 'Cisco 8811', 'Cisco Unified Client Services Framework'];
  const list: Phone[] = Array.from({ length: phones }, (_, index) => {
    const mra = index % 3 === 0;
    return {
      name: `SEP${index.toString(16).toUpperCase().padStart(12, '0')}`,
      model: models[index % models.length]!,
      protocol: 'SIP',
      devicePool: mra ? 'MRA_DP' : `HQ_DP_${index % 20}`,
      securityProfile: mra ? 'ip8845-mra.example.com' : 'Cisco 7841 - Standard SIP Non-Secure Profile',
      commonPhoneProfile: `CPP ${index % 5}`,
      ...(index % 2 === 0 ? { owner: `user${index}` } : {}),
    };
  });
  return {
    version: '15.0.1.11900(31)',
    services: ['cucm-pub', 'cucm-sub1', 'cucm-sub2'].flatMap((node) =>
      ['Cisco AXL Web Service', 'Cisco CallManager', 'Cisco TFTP', 'Cisco UDS Service'].map((name) => ({
        node: `${node}.example.com`,
        name,
        activated: true,
      })),
    ),
    phones: list,
    securityProfiles: [
      {
        name: 'ip8845-mra.example.com',
        phoneType: 'Cisco 8845',
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
      { name: 'MRA_DP', dateTimeGroup: 'DTG 0', region: 'Region 0' },
      ...Array.from({ length: 20 }, (_, i) => ({
        name: `HQ_DP_${i}`,
        dateTimeGroup: `DTG ${i % 5}`,
        region: `Region ${i % 10}`,
      })),
    ],
    dateTimeGroups: Array.from({ length: 5 }, (_, i) => ({ name: `DTG ${i}`, phoneNtpReferences: [`10.1.1.${i}`] })),
    regions: Array.from({ length: 10 }, (_, i) => ({
      name: `Region ${i}`,
      relations: Array.from({ length: 10 }, (_, j) => ({ region: `Region ${j}`, videoKbps: 384 + 100 * j })),
    })),
    commonPhoneProfiles: Array.from({ length: 5 }, (_, i) => ({
      name: `CPP ${i}`,
      ice: { enabled: i === 0, primaryTurnServer: 'turn.example.com', turnPasswordSet: true },
    })),
    userProfiles: Array.from({ length: 3 }, (_, i) => ({
      name: `User Profile ${i}`,
      enableMra: true,
      mraPolicyDesktop: 'IM & Presence, Voice and Video calls',
      mraPolicyMobile: 'IM & Presence, Voice and Video calls',
      allowProvision: i === 0,
      ...(i === 0 ? { limitProvision: 10 } : {}),
    })),
    users: list
      .filter((phone) => phone.owner)
      .map((phone, index) => ({
        userid: phone.owner!,
        userProfile: `User Profile ${index % 3}`,
        jabber: index % 4 === 0,
      })),
    ils: { configured: false },
    clusterSecurity: { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' },
  };
}

export interface FetchRun {
  fetcher: 'collect' | 'baseline';
  wallMs: number;
  peakRssMb: number;
  /** What the server saw during the run. */
  server: AxlServerStats;
}

export interface AxlCollectFigures {
  phones: number;
  users: number;
  runs: FetchRun[];
  collect: FetchRun;
  baseline: FetchRun;
  /** Median collect / median baseline. */
  ratio: number;
  /** Fastest collect / fastest baseline: the runs the shared machine disturbed least. */
  bestRatio: number;
}

/** The server process: serves the cluster in throttling mode, answers `stats` lines on stdin. */
async function serve(phones: number): Promise<void> {
  const ca = createCa('bench AXL CA');
  const leaf = issueCertificate({ commonName: '127.0.0.1', sans: ['127.0.0.1'], extendedKeyUsage: ['serverAuth'] }, ca);
  const server = await startAxlServer({
    snapshot: benchCluster(phones),
    cert: leaf.certPem + ca.certPem,
    key: leaf.keyPem,
    username: USER,
    password: PASSWORD,
    throttle: {},
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, ca: ca.certPem })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'stats') {
      process.stdout.write(`${JSON.stringify(server.stats())}\n`);
      server.resetStats();
    }
  });
  lines.on('close', () => void server.close().then(() => process.exit(0)));
}

/** One fetcher process: runs, then prints its wall time and peak RSS. */
async function fetchOnce(fetcher: 'collect' | 'baseline', url: string, ca: string): Promise<void> {
  const started = performance.now();
  if (fetcher === 'baseline') {
    await baselineFetch({ url, username: USER, password: PASSWORD, ca, pageRows: DEFAULT_PAGE_ROWS });
  } else {
    const client = new AxlClient({ url, version: '15.0', username: USER, password: PASSWORD, ca, timeoutMs: 30_000 });
    const snapshot = await collectSnapshot(client, { sections: new Set(SNAPSHOT_SECTIONS.filter((s) => s !== 'ils')) });
    await client.close();
    if (snapshot.unavailable) throw new Error(`collect left sections out: ${JSON.stringify(snapshot.unavailable)}`);
  }
  const wallMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

const median = (runs: FetchRun[]): FetchRun =>
  [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;

function readLine(lines: Interface): Promise<string> {
  return new Promise((resolve) => lines.once('line', resolve));
}

export async function axlCollectBench(phones = 100_000, rounds = 3): Promise<AxlCollectFigures> {
  const self = fileURLToPath(import.meta.url);
  const server = spawn(process.execPath, [self, 'serve', String(phones)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const serverLines = createInterface({ input: server.stdout! });
  try {
    const { url, ca } = JSON.parse(await readLine(serverLines)) as { url: string; ca: string };
    const runs: FetchRun[] = [];
    // Round 0 warms the server (it renders each list's rows once) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (const fetcher of ['baseline', 'collect'] as const) {
        const child = spawn(process.execPath, [self, fetcher, url], { stdio: ['pipe', 'pipe', 'inherit'] });
        child.stdin!.end(ca);
        const line = await readLine(createInterface({ input: child.stdout! }));
        const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
        if (code !== 0) throw new Error(`${fetcher} run exited ${code}`);
        const measured = JSON.parse(line) as { wallMs: number; peakRssMb: number };
        server.stdin!.write('stats\n');
        const stats = JSON.parse(await readLine(serverLines)) as AxlServerStats;
        if (round > 0) runs.push({ fetcher, ...measured, server: stats });
      }
    }
    const collect = median(runs.filter((run) => run.fetcher === 'collect'));
    const baseline = median(runs.filter((run) => run.fetcher === 'baseline'));
    const fastest = (fetcher: FetchRun['fetcher']): number =>
      Math.min(...runs.filter((run) => run.fetcher === fetcher).map((run) => run.wallMs));
    return {
      phones,
      users: Math.ceil(phones / 2),
      runs,
      collect,
      baseline,
      ratio: collect.wallMs / baseline.wallMs,
      bestRatio: fastest('collect') / fastest('baseline'),
    };
  } finally {
    server.stdin!.end();
  }
}

export function formatAxlCollect(figures: AxlCollectFigures): string[] {
  const cell = (value: string | number, width: number): string => String(value).padStart(width);
  const row = (run: FetchRun): string => {
    const busy = run.server.inFlightMs.reduce((sum, ms) => sum + ms, 0);
    const atTwo = run.server.inFlightMs.slice(2).reduce((sum, ms) => sum + ms, 0);
    return [
      run.fetcher.padEnd(8),
      cell(run.server.requests, 8),
      cell((run.server.bytes / 1048576).toFixed(1), 7),
      cell(run.server.peakInFlight, 4),
      cell(busy > 0 ? `${Math.round((100 * atTwo) / busy)} %` : '-', 9),
      cell(run.server.unavailable, 4),
      cell(run.server.memoryFaults + run.server.tooLarge, 6),
      cell(Math.round(run.wallMs), 7),
      cell(run.peakRssMb.toFixed(0), 6),
    ].join('  ');
  };
  return [
    `   ${figures.phones.toLocaleString('en-US')} phones, ${figures.users.toLocaleString('en-US')} users; median of ${figures.runs.length / 2} alternating runs each (as the server counted them)`,
    `   fetcher   requests  MB sent  peak  2+ in flight  503s  faults  wall ms  RSS MB`,
    `   ${row(figures.baseline)}`,
    `   ${row(figures.collect)}`,
    `   collect / baseline = ${figures.ratio.toFixed(2)} (medians), ${figures.bestRatio.toFixed(2)} (fastest runs)  (target <= 1.10)`,
  ];
}

const [mode, arg] = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (mode === 'serve') await serve(Number(arg));
  else if (mode === 'collect' || mode === 'baseline') {
    let ca = '';
    for await (const chunk of process.stdin) ca += String(chunk);
    await fetchOnce(mode, arg!, ca);
  } else {
    const figures = await axlCollectBench(Number(mode ?? 100_000), Number(arg ?? 3));
    for (const line of formatAxlCollect(figures)) process.stdout.write(`${line}\n`);
  }
}
