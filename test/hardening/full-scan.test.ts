import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadCatalog } from '../../src/engine/catalog.js';
import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import { runScan } from '../../src/engine/run.js';
import type { Report } from '../../src/engine/types.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import { startLab, type Lab } from '../../lab/index.js';
import { sntpServerReply, startSntpServer } from '../../lab/ntp.js';
import { startHostileDns } from '../helpers/hostile/dns.js';
import { startHostileHttp } from '../helpers/hostile/http.js';
import { startHostileNtp } from '../helpers/hostile/ntp.js';
import { startHostileTls } from '../helpers/hostile/tls.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, withPeakRss } from './scan.js';

/**
 * The whole embedded lab scanned with one hostile peer of every kind mixed in (a resolver sending
 * pointer loops, an NTP server sending junk, a TLS endpoint that stalls mid-handshake, an
 * Expressway whose status.xml is 200 MB), plus a dozen healthy NTP servers: every hostile target
 * is inconclusive, everything else in the lab is judged as without them, memory stays bounded,
 * and the scan prints no process warnings (a deployment with many peers is normal, not a leak).
 */
let lab: Lab;
const stops: Array<() => Promise<void>> = [];
const hostile = { dns: '', ntp: '', tls: '', status: '' };
const healthyNtp: string[] = [];
let data: Record<string, unknown> & {
  dns: { internal: string[] };
  ntp: { servers: string[] };
  nodes: Array<Record<string, unknown>>;
};

beforeAll(async () => {
  lab = await startLab();
  stops.push(() => lab.stop());
  const dns = await startHostileDns('pointer-loop');
  const ntp = await startHostileNtp('garbage');
  const tls = await startHostileTls('stall-mid-handshake');
  const status = await startHostileHttp('huge-chunked');
  stops.push(
    () => dns.stop(),
    () => ntp.stop(),
    () => tls.stop(),
    () => status.stop(),
  );
  Object.assign(hostile, { dns: dns.address, ntp: ntp.address, tls: tls.address, status: status.url });
  for (let i = 0; i < 12; i++) {
    const server = await startSntpServer((request) => sntpServerReply(request, { stratum: 2 }));
    stops.push(() => server.stop());
    healthyNtp.push(server.address);
  }
  data = parseYaml(readFileSync(lab.inventoryPath, 'utf8')) as typeof data;
  data.dns.internal.push(dns.address);
  data.ntp.servers.push(ntp.address, ...healthyNtp);
  data.nodes.push(
    { fqdn: 'cucm-sub9.example.com', ip: '10.1.1.19', role: 'cucm-subscriber', tls: { tomcat: tls.address } },
    {
      fqdn: 'expe9.example.com',
      ip: '203.0.113.39',
      role: 'expressway-e',
      status: { url: `${status.url}/status.xml`, caFile: status.caFile },
    },
  );
}, 180_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

async function scan(inventoryData: Record<string, unknown>): Promise<Report> {
  const catalog = await loadCatalog();
  const inventory = normalizeInventory(inventoryData, lab.inventoryPath, KNOWN_RULE_NAMES);
  return runScan({ inventory, catalog, timeoutMs: 2000, checkTimeoutMs: 40_000, env: lab.env });
}

/** ruleId + target -> status, for comparing two scans of the lab. */
const verdicts = (report: Report): Map<string, string> =>
  new Map(report.findings.map((finding) => [`${finding.ruleId} ${finding.target}`, finding.status]));

describe('a full scan of the lab with hostile peers mixed in', () => {
  it('marks each hostile target inconclusive and judges the rest of the lab as without them', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    let report: Report;
    let peakGrowthMb: number;
    try {
      ({ result: report, peakGrowthMb } = await withPeakRss(() => scan(data)));
    } finally {
      process.off('warning', onWarning);
    }
    const baseline = await scan(parseYaml(readFileSync(lab.inventoryPath, 'utf8')) as Record<string, unknown>);

    expectNoEngineFallbacks(report);
    expectTypedInconclusive(report, 'MRA-DNS-001', `_cisco-uds._tcp.example.com@${hostile.dns}`, 'queryFailed');
    expectTypedInconclusive(report, 'MRA-NTP-001', hostile.ntp, 'rejectedReply');
    expectTypedInconclusive(report, 'MRA-CERT-001', `cucm-sub9.example.com tomcat at ${hostile.tls}`, 'notObtained');
    expectTypedInconclusive(report, 'MRA-EXP-001', 'expe9.example.com', 'statusTooLarge');
    for (const server of healthyNtp)
      expect(findingsFor(report, 'MRA-NTP-001', server).map((f) => f.status)).toEqual(['pass']);

    // Every finding of the plain lab scan about a target the hostile peers do not touch is unchanged.
    const withHostile = verdicts(report);
    const touched = (key: string): boolean =>
      [hostile.dns, hostile.ntp, hostile.tls, 'expe9.example.com', 'cucm-sub9.example.com'].some((needle) =>
        key.includes(needle),
      ) ||
      // rules that judge a node over every internal resolver, or compare peers with each other
      /^MRA-(DNS-004|DNS-005|DNS-006|NTP-003|CERT-002|CERT-003|EXP-002) /.test(key);
    const compared = [...verdicts(baseline)].filter(([key]) => !touched(key));
    expect(compared.length).toBeGreaterThan(20);
    for (const [key, status] of compared) expect(withHostile.get(key), key).toBe(status);

    expect(peakGrowthMb).toBeLessThan(200);
    expect(warnings).toEqual([]);
  }, 120_000);
});
