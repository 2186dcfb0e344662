import { createServer as createTlsServer, rootCertificates } from 'node:tls';
import { parseBundle, parseCertificate } from '../../src/cert/certificate.js';
import { AnchorSet } from '../../src/cert/path.js';
import { PATH_CANDIDATE_BUDGET, validatePath } from '../../src/cert/validate.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateMaze } from '../helpers/hostile/pki.js';
import { startTcpPeer, type TcpPeer } from '../helpers/hostile/tcp.js';
import type { UdpPeer } from '../helpers/hostile/udp.js';
import { startCountingResolver } from '../helpers/hostile/zone-dns.js';
import { expectNoEngineFallbacks, findingsFor, hostileScan } from './scan.js';

/**
 * A TLS endpoint presenting 16 certificates that cross-sign each other (8 named A, issued by B;
 * 7 named B, issued by A; each verifies under every certificate of the other name) offers a path
 * builder millions of orderings. Path building is synchronous: unless its work is bounded, one
 * such peer blocks the event loop for seconds per path, every other probe's timer fires late, and
 * healthy peers in the same scan come out as timeouts. The maze endpoint must get certificate
 * findings of its own, and a slow-but-healthy resolver asked at the same time must still pass.
 */
const UDS = '_cisco-uds._tcp.example.com';
let maze: TcpPeer;
let resolver: UdpPeer;

beforeAll(async () => {
  const { leafPem, intermediatePems, leafKeyPem } = certificateMaze(8);
  const chain = leafPem + intermediatePems.slice(0, 15).join('');
  maze = await startTcpPeer(
    (connection) => void connection.socket.resume(),
    createTlsServer({ key: leafKeyPem, cert: chain }),
  );
  resolver = await startCountingResolver(
    {
      srv: { [UDS]: [{ target: 'cucm-pub.example.com', port: 8443 }] },
      a: { 'cucm-pub.example.com': '10.1.1.10' },
      ptr: {},
    },
    { delayMs: 300 },
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([maze?.stop(), resolver?.stop()]);
});

describe('certificate rules against a cross-signed certificate maze', () => {
  it('validatePath fails the maze as "no valid path within N candidates" and holds the event loop briefly', () => {
    const anchors = new AnchorSet();
    for (const pem of rootCertificates) {
      for (const certificate of parseBundle(Buffer.from(pem)).certificates) anchors.add(certificate, 'Node root store');
    }
    for (const keyType of ['rsa', 'ec'] as const) {
      const { leafPem, intermediatePems } = certificateMaze(8, keyType);
      const presented = [leafPem, ...intermediatePems.slice(0, 15)].map((pem) =>
        parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')),
      );
      const started = performance.now();
      const verdict = validatePath(presented, anchors, { at: new Date() });
      // Synchronous work is event-loop blocking time; bench/cert-paths.ts measures ~5-15 ms here.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(verdict.valid).toBe(false);
      if (verdict.valid) continue;
      expect(verdict.failure.condition).toBe('no-valid-path-within-budget');
      expect(verdict.candidates).toBe(PATH_CANDIDATE_BUDGET);
    }
  });

  it('judge the maze endpoint without stalling the rest of the scan', async () => {
    const inventory = {
      domains: ['example.com'],
      dns: { internal: [resolver.address] },
      nodes: [
        { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher', tls: { tomcat: maze.address } },
        { fqdn: 'expc.example.com', ip: '10.1.1.30', role: 'expressway-c', version: 'X14.3.1' },
      ],
    };
    const report = await hostileScan(inventory, { only: ['cert', 'MRA-DNS-001'], timeoutMs: 1500 });
    expectNoEngineFallbacks(report);
    const chain = findingsFor(report, 'MRA-CERT-001', `cucm-pub.example.com tomcat at ${maze.address}`);
    expect(chain.map((finding) => finding.status)).toEqual(['fail']);
    expect(findingsFor(report, 'MRA-DNS-001', `${UDS}@${resolver.address}`).map((finding) => finding.status)).toEqual([
      'pass',
    ]);
  }, 120_000);
});
