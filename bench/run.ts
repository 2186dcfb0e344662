import { spawn, spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import type { Services } from '../src/checks/rule.js';
import { loadCatalog, ruleNames } from '../src/engine/catalog.js';
import { Limiter } from '../src/probes/limiter.js';
import { runScan } from '../src/engine/run.js';
import { createServices } from '../src/checks/services.js';
import type { Report } from '../src/engine/types.js';
import { normalizeInventory } from '../src/inventory/load.js';
import { startLab } from '../lab/index.js';
import { sntpServerReply, startSntpServer } from '../lab/ntp.js';
import { serveTls } from '../lab/tls.js';
import { createDnsProbe, createDnsProbeFrom, type DnsQueryType } from '../src/probes/dns.js';
import { startHostileHttp } from '../test/helpers/hostile/http.js';
import { startHostileDns } from '../test/helpers/hostile/dns.js';
import { startHostileNtp } from '../test/helpers/hostile/ntp.js';
import { hostilePki } from '../test/helpers/hostile/pki.js';
import { startHostileTls } from '../test/helpers/hostile/tls.js';
import { startCountingResolver, type ScriptedZone } from '../test/helpers/hostile/zone-dns.js';
import { certPathFigures } from './cert-paths.js';
import { evidenceFloodFigures } from './evidence-flood.js';
import { printWorstCaseReports } from './reports.js';
import { generateSnapshot } from './snapshot.js';

/**
 * `npm run bench`: the figures of issue 10, measured in one run on this machine, loopback only.
 *   1. a live scan of ~60 targets, some of which never answer: engine wall time against the sum
 *      of the probe times and against the slowest probe;
 *   2. DNS queries the resolver actually received against queries the checks asked for;
 *   3. offline lint of a generated 100,000-phone snapshot by the built CLI: time and peak RSS;
 *   4. CLI start-up time for --version (median);
 *   5. certificate path validation (bench/cert-paths.ts);
 *   6. 50,000 failing MRA endpoints in every report format: peak RSS per format (bench/reports.ts).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RSS_REPORTER = join(ROOT, 'dist', 'bench', 'rss-reporter.js');
const SCAN_TIMEOUT_MS = 1000;

const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(0);
const ms = (value: number): string => `${Math.round(value)} ms`;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

// ---------------------------------------------------------------------------------------------
// 1 + 2: live scan of the lab, widened to ~60 targets with peers that never answer
// ---------------------------------------------------------------------------------------------

interface ScanFigures {
  concurrency: number;
  report: Report;
  wallMs: number;
  /** Network operations (one DNS query, NTP exchange, TLS handshake, HTTP request), timed inside the limiter. */
  operations: number;
  operationSumMs: number;
  slowestOperationMs: number;
  dnsAsked: number;
  dnsReceived: number;
}

interface LiveFigures {
  /**
   * Peers and questions examined over the network (DNS name@resolver, NTP servers, TLS endpoints, Expressways,
   * AXL).
   */
  networkTargets: number;
  findings: number;
  silentPeers: number;
  runs: ScanFigures[];
}

/**
 * Every probe wraps each network operation in the run's limiter; timing the operation inside its
 * slot gives each probe's own duration, without the time it queued.
 */
class MeasuringLimiter extends Limiter {
  readonly durations: number[] = [];

  override run<T>(operation: () => Promise<T>): Promise<T> {
    return super.run(async () => {
      const began = performance.now();
      try {
        return await operation();
      } finally {
        this.durations.push(performance.now() - began);
      }
    });
  }
}

async function liveScan(): Promise<LiveFigures> {
  const lab = await startLab();
  const stops: Array<() => Promise<void>> = [lab.stop];
  try {
    const draft = parseYaml(readFileSync(lab.inventoryPath, 'utf8')) as {
      dns: { internal: string[]; external: string[] };
      ntp: { servers: string[] };
      nodes: Array<Record<string, unknown>>;
      trust: Array<Record<string, string>>;
    };
    const pki = hostilePki();
    stops.push(async () => pki.remove());
    let silentPeers = 0;

    // TLS: four more subscribers with a healthy tomcat endpoint, two whose endpoint never answers.
    const zone: ScriptedZone = { srv: {}, a: {}, ptr: {} };
    for (let i = 0; i < 6; i++) {
      const fqdn = `cucm-sub${i + 10}.example.com`;
      const ip = `10.1.2.${i + 10}`;
      let endpoint: string;
      if (i < 4) {
        const server = await serveTls({ chainPem: pki.leaf.certPem + pki.ca.certPem, keyPem: pki.leaf.keyPem });
        stops.push(() => server.close());
        endpoint = server.endpoint;
      } else {
        const silent = await startHostileTls('silent');
        stops.push(() => silent.stop());
        endpoint = silent.address;
        silentPeers++;
      }
      draft.nodes.push({ fqdn, ip, role: 'cucm-subscriber', tls: { tomcat: endpoint } });
      zone.a[fqdn] = ip;
      zone.ptr[`${ip.split('.').reverse().join('.')}.in-addr.arpa`] = fqdn;
    }
    draft.trust.push({ node: 'cucm-sub10.example.com', store: 'tomcat-trust', path: pki.caFile });

    // NTP: two more healthy servers, two silent ones.
    for (let i = 0; i < 2; i++) {
      const server = await startSntpServer((request) => sntpServerReply(request, { stratum: 2 }));
      stops.push(() => server.stop());
      draft.ntp.servers.push(server.address);
    }
    for (let i = 0; i < 2; i++) {
      const silent = await startHostileNtp('silent');
      stops.push(() => silent.stop());
      draft.ntp.servers.push(silent.address);
      silentPeers++;
    }

    // DNS: a counting resolver for each view, plus a silent internal one.
    for (const node of draft.nodes) {
      const fqdn = String(node.fqdn);
      const ip = String(node.ip);
      zone.a[fqdn] ??= ip;
      zone.ptr[`${ip.split('.').reverse().join('.')}.in-addr.arpa`] ??= fqdn;
    }
    zone.srv['_cisco-uds._tcp.example.com'] = [{ target: 'cucm-pub.example.com', port: 8443 }];
    zone.srv['_collab-edge._tls.example.com'] = [{ target: 'expe.example.com', port: 8443 }];
    const internal = await startCountingResolver(zone);
    const external = await startCountingResolver({
      srv: { '_collab-edge._tls.example.com': zone.srv['_collab-edge._tls.example.com'] },
      a: { 'expe.example.com': '203.0.113.30' },
      ptr: {},
    });
    stops.push(
      () => internal.stop(),
      () => external.stop(),
    );
    const silentResolver = await startHostileDns('silent');
    stops.push(() => silentResolver.stop());
    draft.dns.internal.push(internal.address, silentResolver.address);
    draft.dns.external.push(external.address);
    silentPeers++;

    // Expressway: a second Expressway-E whose status.xml server accepts and never answers.
    const stalled = await startHostileHttp('stall');
    stops.push(() => stalled.stop());
    draft.nodes.push({
      fqdn: 'expe2.example.com',
      ip: '203.0.113.31',
      role: 'expressway-e',
      status: { url: `${stalled.url}/status.xml`, caFile: stalled.caFile },
    });
    silentPeers++;

    writeFileSync(lab.inventoryPath, stringify(draft));
    const catalog = await loadCatalog();
    const inventory = normalizeInventory(draft, lab.inventoryPath, new Set(ruleNames(catalog.entries)));
    const env = { ...process.env, ...lab.env };

    const scan = async (concurrency: number): Promise<ScanFigures> => {
      const limiter = new MeasuringLimiter(concurrency);
      // As runScan does for the services it builds: many exchanges listen on the run's signal at once.
      const signal = new AbortController().signal;
      setMaxListeners(0, signal);
      const real = createServices({ inventory, offline: false, timeoutMs: SCAN_TIMEOUT_MS, limiter, signal, env });
      // Count what the checks ask of the resolvers (asked) next to what the resolvers receive (sent).
      const asked = new Map<string, number>();
      const dns = createDnsProbeFrom((resolver, name, type) => {
        asked.set(resolver, (asked.get(resolver) ?? 0) + 1);
        return real.dns.query(resolver, name, type);
      });
      const services: Services = Object.assign(real, { dns });
      const receivedBefore = internal.received + external.received;
      const began = performance.now();
      const report = await runScan({
        inventory,
        catalog,
        vantage: 'both',
        timeoutMs: SCAN_TIMEOUT_MS,
        concurrency,
        env,
        services,
      });
      const wallMs = performance.now() - began;
      await services.close();
      return {
        concurrency,
        report,
        wallMs,
        operations: limiter.durations.length,
        operationSumMs: limiter.durations.reduce((sum, value) => sum + value, 0),
        slowestOperationMs: Math.max(...limiter.durations),
        dnsAsked: (asked.get(internal.address) ?? 0) + (asked.get(external.address) ?? 0),
        dnsReceived: internal.received + external.received - receivedBefore,
      };
    };
    const runs = [await scan(32), await scan(64), await scan(128)];
    const first = runs[0]!.report;
    const networkTargets = new Set(
      first.findings
        .filter((finding) => ['dns', 'ntp', 'cert', 'exp'].includes(finding.area) && finding.target !== 'deployment')
        .map((finding) => `${finding.area} ${finding.target}`),
    );
    return { networkTargets: networkTargets.size + 1, findings: first.findings.length, silentPeers, runs };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Deduplication measured on the probe alone: many identical concurrent questions, counted at the server. */
async function dnsDedup(): Promise<{ requested: number; received: number; unique: number }> {
  const zone: ScriptedZone = { srv: {}, a: {}, ptr: {} };
  const names = Array.from({ length: 40 }, (_, i) => `host${i}.example.com`);
  for (const [i, name] of names.entries()) zone.a[name] = `10.9.0.${i + 1}`;
  const resolver = await startCountingResolver(zone);
  try {
    const inventory = normalizeInventory(
      { domains: ['example.com'], dns: { internal: [resolver.address] } },
      '<embedded>',
      new Set(),
    );
    const probe = createDnsProbe({
      inventory,
      offline: false,
      timeoutMs: 2000,
      limiter: new Limiter(32),
      signal: new AbortController().signal,
      env: {},
    });
    const types: DnsQueryType[] = ['A', 'AAAA'];
    const asks: Array<Promise<unknown>> = [];
    for (let round = 0; round < 25; round++) {
      for (const name of names)
        for (const type of types)
          asks.push(probe.query(resolver.address, round % 2 ? name.toUpperCase() : `${name}.`, type));
    }
    await Promise.all(asks);
    await probe.close?.();
    return { requested: asks.length, received: resolver.received, unique: names.length * types.length };
  } finally {
    await resolver.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3: offline lint of a 100,000-phone snapshot by the built CLI, in a child process
// ---------------------------------------------------------------------------------------------

interface LintFigures {
  phones: number;
  snapshotMb: number;
  wallMs: number;
  peakRssMb: number;
  exitCode: number | null;
  findings: number;
}

async function offlineLint(
  phones: number,
  nonCompliantEvery: number,
  formats: readonly string[],
): Promise<LintFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-bench-'));
  try {
    const snapshotFile = join(dir, 'snapshot.json');
    const text = JSON.stringify(generateSnapshot(phones, nonCompliantEvery));
    writeFileSync(snapshotFile, text);
    const inventoryFile = join(dir, 'inventory.yaml');
    writeFileSync(
      inventoryFile,
      stringify({
        domains: ['example.com'],
        cucm: { snapshot: 'snapshot.json', mraDevicePools: ['MRA_DP', 'MRA_DP2'] },
      }),
    );
    const rssFile = join(dir, 'rss.json');
    const reportFile = join(dir, 'report.json');
    const began = performance.now();
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          RSS_REPORTER,
          CLI,
          'check',
          '-i',
          inventoryFile,
          '--offline',
          '--quiet',
          '--report',
          `json=${reportFile}`,
          ...formats.flatMap((format) => ['--report', `${format}=${join(dir, `report.${format}`)}`]),
        ],
        { env: { ...process.env, MRA_BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 4000)));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 2) process.stderr.write(stderr);
        resolve(code);
      });
    });
    const wallMs = performance.now() - began;
    const { maxRssKb } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number };
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    return {
      phones,
      snapshotMb: Buffer.byteLength(text) / (1024 * 1024),
      wallMs,
      peakRssMb: maxRssKb / 1024,
      exitCode,
      findings: report.findings.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 4: start-up time of `--version`
// ---------------------------------------------------------------------------------------------

/** SPEC 8.10: the commands a user waits on at the prompt, each within 150 ms of a bare node. */
const STARTUP_COMMANDS: ReadonlyArray<readonly string[]> = [
  ['--version'],
  ['--help'],
  ['rules'],
  ['explain', 'MRA-DNS-002'],
];

function startup(runs: number): { commands: Array<{ command: string; ms: number }>; nodeMs: number } {
  const time = (args: readonly string[]): number => {
    const began = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    return performance.now() - began;
  };
  time([CLI, '--version']); // warm the file cache
  const bare = Array.from({ length: runs }, () => time(['-e', '']));
  const commands = STARTUP_COMMANDS.map((command) => ({
    command: command.join(' '),
    ms: median(Array.from({ length: runs }, () => time([CLI, ...command]))),
  }));
  return { commands, nodeMs: median(bare) };
}

async function main(): Promise<void> {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  out(
    `mra-preflight benchmark: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${mb(totalmem())} MB RAM`,
  );
  out();

  const live = await liveScan();
  out(
    `1. Live scan of the lab: ${live.networkTargets} network targets (${live.silentPeers} peers never answer), --timeout ${SCAN_TIMEOUT_MS} ms, ${live.findings} findings`,
  );
  for (const run of live.runs) {
    out(
      `   --concurrency ${run.concurrency}: ${run.operations} network operations, sum ${ms(run.operationSumMs)}, slowest ${ms(run.slowestOperationMs)}`,
    );
    out(
      `     engine wall time ${ms(run.wallMs)}   wall / sum = ${(run.wallMs / run.operationSumMs).toFixed(3)}   wall / slowest = ${(run.wallMs / run.slowestOperationMs).toFixed(2)}  (target <= 1.2 + overhead)`,
    );
  }
  out();

  const dedup = await dnsDedup();
  out('2. DNS deduplication (counted at the resolver)');
  const dnsRun = live.runs[0]!;
  out(
    `   live scan: queries asked by the checks ${dnsRun.dnsAsked}, received by the two answering resolvers ${dnsRun.dnsReceived}` +
      (dnsRun.dnsAsked > 0
        ? `  (sent / asked = ${(dnsRun.dnsReceived / dnsRun.dnsAsked).toFixed(2)})`
        : '  (no DNS checks implemented yet)'),
  );
  out(
    `   probe alone: ${dedup.requested} concurrent queries over ${dedup.unique} distinct (name, type), received ${dedup.received}  (sent / asked = ${(dedup.received / dedup.requested).toFixed(3)})`,
  );
  out();

  const lint = await offlineLint(100_000, 50, ['sarif']);
  out(
    `3. Offline lint of a ${lint.phones.toLocaleString('en-US')}-phone snapshot (${lint.snapshotMb.toFixed(1)} MB JSON) by the built CLI, JSON + SARIF reports`,
  );
  out(
    `   wall time ${ms(lint.wallMs)} (target < 5000 ms), peak RSS ${lint.peakRssMb.toFixed(0)} MB (target < 500 MB), ${lint.findings} findings, exit ${lint.exitCode}`,
  );
  out('   (the worst case, every MRA endpoint failing, is section 6)');
  out();

  const start = startup(21);
  out(`4. CLI start-up, median of 21 runs; bare \`node -e ""\` ${ms(start.nodeMs)}`);
  for (const { command, ms: took } of start.commands) {
    const over = took - start.nodeMs;
    out(`   mra-preflight ${command.padEnd(22)} ${ms(took)}  (+${ms(over)} over node; target <= +150 ms)`);
  }
  out();
  certPathFigures(out);
  out();
  await printWorstCaseReports(out);
  out();
  await evidenceFloodFigures(CLI, RSS_REPORTER, out);
}

await main();
