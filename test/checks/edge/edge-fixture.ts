import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabDnsServer, type LabDnsServer, type LabRecord } from '../../../lab/dns.js';
import type { EdgeDomainMode } from '../../../lab/edge-server.js';
import { startTestEdge, type TestEdge } from '../../helpers/edge-server.js';

/**
 * One Expressway-E as a remote client meets it: the edge server of lab/edge-server.ts (its own
 * 127.x.y.z, 8443 when free), an external DNS view whose `_collab-edge._tls.example.com` names it,
 * and an inventory that looks from outside. Extra DNS records and inventory keys per test.
 */
export interface EdgeFixture {
  edge: TestEdge;
  dns: LabDnsServer;
  /** clientTrust file (the "public" root the edge certificate chains to). */
  trustFile: string;
  inventory(extra?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startEdgeFixture(
  options: {
    domains?: Record<string, EdgeDomainMode>;
    untrusted?: boolean;
    /** The edge asks for this user (401 otherwise), as a real Expressway-E does. */
    credentials?: { username: string; password: string };
    records?: (edge: TestEdge) => LabRecord[];
    imp?: boolean;
  } = {},
): Promise<EdgeFixture> {
  const edge = await startTestEdge({
    domains: options.domains ?? { 'example.com': 'good' },
    ...(options.untrusted ? { untrusted: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const records: LabRecord[] = [
    {
      name: '_collab-edge._tls.example.com',
      type: 'SRV',
      priority: 10,
      weight: 10,
      port: edge.port,
      target: edge.target,
    },
    { name: edge.target, type: 'A', address: edge.host },
    ...(options.records?.(edge) ?? []),
  ];
  const dns = await startLabDnsServer({ zones: ['example.com'], records });
  const dir = mkdtempSync(join(tmpdir(), 'mra-edge-'));
  const trustFile = join(dir, 'client-roots.pem');
  writeFileSync(trustFile, edge.trustedRoot.certPem);
  return {
    edge,
    dns,
    trustFile,
    inventory: (extra = {}) => ({
      domains: ['example.com'],
      dns: { external: [dns.address] },
      nodes: [
        { fqdn: edge.target, role: 'expressway-e' },
        ...(options.imp ? [{ fqdn: 'imp-pub.example.com', role: 'imp-publisher' }] : []),
      ],
      edge: { clientTrust: [trustFile] },
      ...extra,
    }),
    async stop() {
      await Promise.allSettled([edge.close(), dns.stop()]);
    },
  };
}
