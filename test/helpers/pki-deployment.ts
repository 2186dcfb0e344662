import { join } from 'node:path';
import type { Issued, IssuedEc } from '../../lab/pki.js';
import { leafFor, tempDir, testPki, writePem } from './pki.js';
import { serveChain, type RunningServer } from './tls-server.js';

/** One served certificate: the leaf and what the server presents after it. */
export interface Presented {
  leaf: Issued | IssuedEc;
  chain?: Array<Issued | IssuedEc>;
}

export type ServiceKey = 'cucmTomcat' | 'cucmCallManager' | 'impTomcat' | 'expc' | 'expe';

const SERVICES: Record<ServiceKey, { node: string; service: string }> = {
  cucmTomcat: { node: 'cucm-pub.example.com', service: 'tomcat' },
  cucmCallManager: { node: 'cucm-pub.example.com', service: 'callmanager' },
  impTomcat: { node: 'imp-pub.example.com', service: 'tomcat' },
  expc: { node: 'expc.example.com', service: 'server' },
  expe: { node: 'expe.example.com', service: 'server' },
};

export interface DeploymentOptions {
  /** Which services to serve; a key set to null is left out of the inventory. */
  presented?: Partial<Record<ServiceKey, Presented | null>>;
  /** Trust stores as [node, store, certificates]; default: every store holds root A. */
  trust?: Array<[string, string, Array<Issued | IssuedEc>]>;
}

export interface Deployment {
  inventory: Record<string, unknown>;
  inventoryFile: string;
  dir: string;
  /** Finding target of each served service. */
  targets: Record<ServiceKey, string>;
  close(): Promise<void>;
}

/** Default: one CA (root A, issuing CA A1) for everything; Expressways with both EKUs and the right SANs. */
export function healthyPresented(): Record<ServiceKey, Presented> {
  const { intermediateA } = testPki();
  return {
    cucmTomcat: { leaf: leafFor('cucm-pub.example.com', intermediateA), chain: [intermediateA] },
    cucmCallManager: {
      leaf: leafFor('cucm-pub.example.com', intermediateA, { commonName: 'cucm-pub.example.com-ms' }),
      chain: [intermediateA],
    },
    impTomcat: { leaf: leafFor('imp-pub.example.com', intermediateA), chain: [intermediateA] },
    expc: {
      // RSA: MRA-CERT-001's evidence test reads an RSA 2048 key here.
      leaf: leafFor('expc.example.com', intermediateA, {
        sans: ['expc.example.com', 'csf-mra.example.com'],
        keyBits: 2048,
      }),
      chain: [intermediateA],
    },
    expe: {
      leaf: leafFor('expe.example.com', intermediateA, { sans: ['expe.example.com', 'collab-edge.example.com'] }),
      chain: [intermediateA],
    },
  };
}

let healthy: Record<ServiceKey, Presented> | undefined;

/**
 * A CUCM/IM&P/Expressway deployment served by real node:tls servers on loopback, with trust store
 * exports on disk and the user-style inventory that describes it.
 */
export async function startDeployment(options: DeploymentOptions = {}): Promise<Deployment> {
  healthy ??= healthyPresented();
  const { rootA } = testPki();
  const dir = tempDir();
  const servers: RunningServer[] = [];
  const tlsByNode = new Map<string, Record<string, string>>();
  const targets = {} as Record<ServiceKey, string>;
  try {
    for (const key of Object.keys(SERVICES) as ServiceKey[]) {
      const presented = options.presented && key in options.presented ? options.presented[key] : healthy[key];
      if (!presented) continue;
      const server = await serveChain(presented.leaf, ...(presented.chain ?? []));
      servers.push(server);
      const { node, service } = SERVICES[key];
      tlsByNode.set(node, { ...tlsByNode.get(node), [service]: server.endpoint });
      targets[key] = `${node} ${service} at ${server.endpoint}`;
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  const trust = (
    options.trust ?? [
      ['cucm-pub.example.com', 'tomcat-trust', [rootA]],
      ['cucm-pub.example.com', 'callmanager-trust', [rootA]],
      ['imp-pub.example.com', 'tomcat-trust', [rootA]],
      ['imp-pub.example.com', 'cup-xmpp-trust', [rootA]],
      ['expc.example.com', 'trusted-ca', [rootA]],
    ]
  ).map(([node, store, certificates]) => ({
    node,
    store,
    path: writePem(dir, `${node}-${store}.pem`, ...certificates),
  }));
  const node = (fqdn: string, role: string): Record<string, unknown> => ({
    fqdn,
    role,
    ...(tlsByNode.has(fqdn) ? { tls: tlsByNode.get(fqdn) } : {}),
  });
  return {
    inventory: {
      domains: ['example.com'],
      nodes: [
        node('cucm-pub.example.com', 'cucm-publisher'),
        node('imp-pub.example.com', 'imp-publisher'),
        node('expc.example.com', 'expressway-c'),
        node('expe.example.com', 'expressway-e'),
      ],
      trust,
      cucm: { mraDevicePools: ['MRA_DP'] },
    },
    inventoryFile: join(dir, 'mra-preflight.yaml'),
    dir,
    targets,
    close: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
