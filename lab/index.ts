import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { axlLabPart } from './axl.js';
import { dnsLabPart } from './dns.js';
import { edgeLabPart } from './edge.js';
import { expresswayLabPart } from './expressway.js';
import { ntpLabPart } from './ntp.js';
import { tlsLabPart } from './tls.js';
import { LAB_DOMAIN, LAB_NODES } from './topology.js';

/**
 * The inventory being written for the lab, as plain YAML data. Each part fills in its own keys
 * (resolvers, NTP servers, TLS endpoints, AXL URL...) once its servers listen.
 */
export interface LabDraft {
  domains: string[];
  dns: { internal: string[]; external: string[]; timeoutMs?: number };
  ntp: { servers: string[] };
  nodes: Array<{
    fqdn: string;
    ip: string;
    role: string;
    version?: string;
    tls?: Record<string, string>;
    status?: Record<string, unknown>;
  }>;
  certificates: Array<Record<string, string>>;
  trust: Array<Record<string, string>>;
  cucm: Record<string, unknown>;
  clusters: number;
  policy: Record<string, unknown>;
  rules: Record<string, string>;
  edge?: { clientTrust: string[]; turn: Array<Record<string, unknown>> };
}

export interface LabContext {
  /** Temporary folder the lab may write files to (certificates, snapshots); removed on stop. */
  dir: string;
  draft: LabDraft;
  /** Environment variables the lab's secrets live in (the scan reads them from here). */
  env: Record<string, string>;
  /** Where the Expressway-E listens for remote clients, once the edge part runs (the external DNS view points there). */
  edge?: LabEdge;
}

export interface LabEdge {
  fqdn: string;
  /** The loopback address standing for the Expressway-E's public address. */
  address: string;
  /** Edge discovery (8443 unless taken). */
  port: number;
  /** The XMPP port remote clients use (5222 unless taken). */
  xmppPort: number;
}

/** One kind of lab server (DNS, NTP, TLS, AXL, Expressway); returns how to stop it. */
export type LabPart = (context: LabContext) => Promise<() => Promise<void>>;

export interface Lab {
  inventoryPath: string;
  env: Record<string, string>;
  dir: string;
  stop(): Promise<void>;
}

/** Parts register here; the order is the start order (the edge first: the external DNS view names its address). */
export const LAB_PARTS: LabPart[] = [edgeLabPart, dnsLabPart, ntpLabPart, tlsLabPart, axlLabPart, expresswayLabPart];

/** The lab's inventory before any part has filled in its servers. */
export function newLabDraft(): LabDraft {
  return {
    domains: [LAB_DOMAIN],
    dns: { internal: [], external: [] },
    ntp: { servers: [] },
    nodes: LAB_NODES.map((node) => ({ ...node })),
    certificates: [],
    trust: [],
    cucm: { mraDevicePools: ['MRA_DP'] },
    clusters: 1,
    policy: {},
    rules: {},
  };
}

export async function startLab(parts: readonly LabPart[] = LAB_PARTS): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-lab-'));
  const draft = newLabDraft();
  const env: Record<string, string> = {};
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(stops.reverse().map((stopPart) => stopPart()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const context: LabContext = { dir, draft, env };
    for (const part of parts) stops.push(await part(context));
  } catch (error) {
    await stop();
    throw error;
  }
  const inventoryPath = join(dir, 'mra-preflight.yaml');
  writeFileSync(inventoryPath, `# Written by mra-preflight demo for its embedded lab.\n${stringify(draft)}`);
  return { inventoryPath, env, dir, stop };
}
