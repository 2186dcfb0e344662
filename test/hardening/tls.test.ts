import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostilePki, type HostilePki } from '../helpers/hostile/pki.js';
import { startTcpPeer, type TcpPeer } from '../helpers/hostile/tcp.js';
import { startHostileTls, type HostileTlsBehaviour } from '../helpers/hostile/tls.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, hostileScan, withPeakRss } from './scan.js';

/**
 * SPEC section 7: a TLS endpoint that stalls mid-handshake, drips, sends junk, resets, presents a
 * 1 MB chain, or (on the XMPP port) never offers STARTTLS or floods the stream, yields
 * `inconclusive` for that endpoint from the certificate probe itself, memory stays bounded, and a
 * healthy endpoint in the same scan is still judged.
 */
const BEHAVIOURS: HostileTlsBehaviour[] = [
  'silent',
  'stall-mid-handshake',
  'drip',
  'garbage',
  'reset',
  'huge-chain',
  'xmpp-stall',
  'xmpp-flood',
];

let pki: HostilePki;
let good: TcpPeer;
const peers = new Map<HostileTlsBehaviour, TcpPeer>();

beforeAll(async () => {
  pki = hostilePki();
  good = await startTcpPeer(
    (connection) => void connection.socket.resume(),
    createTlsServer({ key: pki.leaf.keyPem, cert: pki.leaf.certPem }),
  );
  for (const behaviour of BEHAVIOURS) peers.set(behaviour, await startHostileTls(behaviour));
});

afterAll(async () => {
  await Promise.all([good?.stop(), ...[...peers.values()].map((peer) => peer.stop())]);
  pki?.remove();
});

function inventoryFor(behaviour: HostileTlsBehaviour, peer: TcpPeer): Record<string, unknown> {
  const xmpp = behaviour.startsWith('xmpp');
  return {
    domains: ['example.com'],
    nodes: [
      xmpp
        ? { fqdn: 'imp-pub.example.com', role: 'imp-publisher', tls: { xmpp: peer.address } }
        : { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: peer.address } },
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.3.1', tls: { server: good.address } },
    ],
    trust: [{ node: 'expc.example.com', store: 'trusted-ca', path: pki.caFile }],
  };
}

describe('certificate checks against hostile TLS endpoints', () => {
  it.each(BEHAVIOURS)(
    '%s: MRA-CERT-001 is inconclusive for that endpoint, bounded memory, the healthy one still judged',
    async (behaviour) => {
      const peer = peers.get(behaviour)!;
      const xmpp = behaviour.startsWith('xmpp');
      const target = xmpp
        ? `imp-pub.example.com xmpp at ${peer.address}`
        : `cucm-pub.example.com tomcat at ${peer.address}`;
      const { result: report, peakGrowthMb } = await withPeakRss(() =>
        hostileScan(inventoryFor(behaviour, peer), { only: ['cert'], timeoutMs: 1500 }),
      );
      expectTypedInconclusive(report, 'MRA-CERT-001', target, 'notObtained');
      expect(
        findingsFor(report, 'MRA-CERT-001', `expc.example.com server at ${good.address}`).map((f) => f.status),
      ).toEqual(['pass']);
      expectNoEngineFallbacks(report);
      expect(peakGrowthMb).toBeLessThan(150);
    },
  );
});
