import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileDns, type HostileDns, type HostileDnsBehaviour } from '../helpers/hostile/dns.js';
import type { UdpPeer } from '../helpers/hostile/udp.js';
import { startCountingResolver } from '../helpers/hostile/zone-dns.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, hostileScan, withPeakRss } from './scan.js';

/**
 * SPEC section 7: a resolver that answers with compression-pointer loops, wrong ids, truncated
 * headers, absurd record counts, junk, floods, silence, or a TCP retry that stalls, drips or
 * floods, yields `inconclusive` for its findings (from the DNS probe, within the timeout); the
 * healthy resolver next to it in the same scan is still judged.
 */
const BEHAVIOURS: HostileDnsBehaviour[] = [
  'pointer-loop',
  'pointer-ping-pong',
  'wrong-id',
  'truncated-header',
  'huge-counts',
  'garbage',
  'flood',
  'silent',
  'truncated-then-tcp-stall',
  'truncated-then-tcp-drip',
  'truncated-then-tcp-flood',
];

/** Peers whose SRV answer is fine by the probe's standards but whose address lookups never end. */
const LOOKUP_ONLY: HostileDnsBehaviour[] = ['endless-cname'];

const UDS = '_cisco-uds._tcp.example.com';
let good: UdpPeer;
const peers = new Map<HostileDnsBehaviour, HostileDns>();

beforeAll(async () => {
  good = await startCountingResolver({
    srv: { [UDS]: [{ target: 'cucm-pub.example.com', port: 8443 }] },
    a: { 'cucm-pub.example.com': '10.1.1.10' },
    ptr: { '10.1.1.10.in-addr.arpa': 'cucm-pub.example.com' },
  });
  for (const behaviour of BEHAVIOURS) peers.set(behaviour, await startHostileDns(behaviour));
});

afterAll(async () => {
  await Promise.all([good?.stop(), ...[...peers.values()].map((peer) => peer.stop())]);
});

describe('DNS checks against hostile resolvers', () => {
  it.each(LOOKUP_ONLY)(
    '%s: the per-node rules end within their budget, the healthy resolver still judged',
    async (behaviour) => {
      const peer = await startHostileDns(behaviour);
      try {
        const inventory = {
          domains: ['example.com'],
          dns: { internal: [peer.address, good.address] },
          nodes: [{ fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' }],
        };
        const report = await hostileScan(inventory, { only: ['MRA-DNS-001', 'MRA-DNS-004'], timeoutMs: 1000 });
        expectNoEngineFallbacks(report);
        const [node] = findingsFor(report, 'MRA-DNS-004', 'cucm-pub.example.com');
        expect(['fail', 'inconclusive']).toContain(node?.status);
        // A lookup follows at most a handful of CNAME hops (A and AAAA), not the peer's whim.
        expect(peer.received()).toBeLessThan(60);
        expect(findingsFor(report, 'MRA-DNS-001', `${UDS}@${good.address}`).map((f) => f.status)).toEqual(['pass']);
      } finally {
        await peer.stop();
      }
    },
  );

  it.each(BEHAVIOURS)(
    '%s: inconclusive on that resolver, bounded memory, the healthy resolver still judged',
    async (behaviour) => {
      const peer = peers.get(behaviour)!;
      const inventory = {
        domains: ['example.com'],
        dns: { internal: [peer.address, good.address] },
        nodes: [{ fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' }],
      };
      const { result: report, peakGrowthMb } = await withPeakRss(() =>
        hostileScan(inventory, { only: ['MRA-DNS-001', 'MRA-DNS-004', 'MRA-DNS-005'], timeoutMs: 1000 }),
      );
      expect(peer.received()).toBeGreaterThan(0);
      if (behaviour.startsWith('truncated-then-tcp')) expect(peer.tcpConnections()).toBeGreaterThan(0);
      expectTypedInconclusive(report, 'MRA-DNS-001', `${UDS}@${peer.address}`, 'queryFailed');
      expect(findingsFor(report, 'MRA-DNS-001', `${UDS}@${good.address}`).map((f) => f.status)).toEqual(['pass']);
      // Per-node rules ask both resolvers: the hostile one must not turn them into a pass or a crash.
      for (const ruleId of ['MRA-DNS-004', 'MRA-DNS-005']) {
        const statuses = report.findings
          .filter((finding) => finding.ruleId === ruleId)
          .map((finding) => finding.status);
        expect(statuses.length, ruleId).toBeGreaterThan(0);
        expect(statuses, ruleId).not.toContain('pass');
      }
      expectNoEngineFallbacks(report);
      expect(peakGrowthMb).toBeLessThan(150);
    },
  );
});
