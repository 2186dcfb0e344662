import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sntpServerReply, startSntpServer, type SntpServer } from '../../lab/ntp.js';
import { startHostileDns, type HostileDns } from '../helpers/hostile/dns.js';
import type { UdpPeer } from '../helpers/hostile/udp.js';
import { startCountingResolver } from '../helpers/hostile/zone-dns.js';
import { expectNoEngineFallbacks, findingsFor, hostileScan } from './scan.js';

/**
 * A resolver that answers the SRV (or PTR) question with 1,500 records naming distinct hosts and
 * then never answers their A/AAAA lookups: each record invites a lookup that costs a whole timeout.
 * SPEC section 2 bounds all the work against one peer to 4 × --timeout, and the run's limiter is
 * shared, so following every record would starve the rest of the scan. The finding must be
 * reported by the rule itself (not the engine's deadline) in a readable message, and the healthy resolver and an NTP
 * server in the same scan must still be judged (the lookups must not starve the shared limiter).
 */
const UDS = '_cisco-uds._tcp.example.com';
let flood: HostileDns;
let good: UdpPeer;
let ntp: SntpServer;

beforeAll(async () => {
  flood = await startHostileDns('answer-flood');
  good = await startCountingResolver({
    srv: { [UDS]: [{ target: 'cucm-pub.example.com', port: 8443 }] },
    a: { 'cucm-pub.example.com': '10.1.1.10' },
    ptr: { '10.1.1.10.in-addr.arpa': 'cucm-pub.example.com' },
  });
  ntp = await startSntpServer((request) => sntpServerReply(request, { stratum: 2 }));
});

afterAll(async () => {
  await Promise.all([flood?.stop(), good?.stop(), ntp?.stop()]);
});

describe('DNS rules against a resolver that floods SRV/PTR answers', () => {
  it('bounds the lookups behind one answer; the rest of the scan is still judged', async () => {
    const inventory = {
      domains: ['example.com'],
      dns: { internal: [flood.address, good.address] },
      ntp: { servers: [ntp.address] },
      nodes: [{ fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' }],
    };
    const report = await hostileScan(inventory, {
      only: ['MRA-DNS-001', 'MRA-DNS-005', 'MRA-NTP-001'],
      timeoutMs: 1000,
    });
    expectNoEngineFallbacks(report);
    const [uds] = findingsFor(report, 'MRA-DNS-001', `${UDS}@${flood.address}`);
    expect(['fail', 'inconclusive']).toContain(uds?.status);
    // 1,500 records may not turn into 3,000 lookups.
    expect(flood.received()).toBeLessThan(500);
    expect(findingsFor(report, 'MRA-DNS-001', `${UDS}@${good.address}`).map((f) => f.status)).toEqual(['pass']);
    expect(uds!.message.length).toBeLessThan(2000);
    expect(findingsFor(report, 'MRA-NTP-001', ntp.address).map((f) => f.status)).toEqual(['pass']);
  }, 60_000);
});
