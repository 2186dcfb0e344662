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
import type { LabContext, LabDraft, LabPart } from './part.js';
import { LAB_DOMAIN, LAB_NODES } from './topology.js';

export type { LabContext, LabDraft, LabEdge, LabPart } from './part.js';

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
