import type { EdgeDiscovery, EdgeSource, EdgeTarget } from '../../../src/edge/source.js';
import type { Finding } from '../../../src/engine/types.js';
import type { TcpConnectResult } from '../../../src/probes/tcp.js';
import { testCheck } from '../../helpers/check.js';

/**
 * A fake edge source for judging tests of MRA-EDGE-002/003: discovery, TCP, chains and edge
 * discovery answers as a test scripts them, with every request recorded. The rules run through
 * the real engine, so their hidden prerequisites (MRA-EDGE-001, and MRA-EDGE-002 under
 * MRA-EDGE-003) ask the same fake.
 */
export const edgeTarget = (fields: Partial<EdgeTarget> = {}): EdgeTarget => ({
  domain: 'example.com',
  host: 'expe.example.com',
  port: 8443,
  addresses: ['203.0.113.30'],
  resolver: '198.51.100.53:53',
  ...fields,
});

export const openPort = (address: string, port: number): TcpConnectResult => ({
  ok: true,
  address,
  port,
  durationMs: 3,
});

export interface FakeEdge {
  edge: EdgeSource;
  /** `chain host@address`, `edgeConfig domain host@address`, in the order asked. */
  asked: string[];
}

export function fakeEdge(
  discovery: EdgeDiscovery,
  parts: Partial<Pick<EdgeSource, 'connect' | 'chain' | 'clientAnchors' | 'edgeConfig'>>,
): FakeEdge {
  const asked: string[] = [];
  const unused = (): never => {
    throw new Error('not asked by MRA-EDGE-001..003');
  };
  const edge: EdgeSource = {
    discover: async () => discovery,
    connect: parts.connect ?? (async (address, port) => openPort(address, port)),
    chain: async (target, address, signal) => {
      asked.push(`chain ${target.host}@${address}`);
      return (parts.chain ?? unused)(target, address, signal);
    },
    clientAnchors: parts.clientAnchors ?? unused,
    edgeConfig: async (target, address, signal) => {
      asked.push(`edgeConfig ${target.domain} ${target.host}@${address}`);
      return (parts.edgeConfig ?? unused)(target, address, signal);
    },
    turnServers: unused,
    binding: unused,
    allocate: unused,
  };
  return { edge, asked };
}

/** Findings of `rule` from outside, on the fake edge. */
export async function judgeEdge(rule: string, fake: FakeEdge): Promise<Finding[]> {
  return testCheck(rule, {
    inventory: {
      domains: ['example.com', 'example.org'],
      nodes: [{ fqdn: 'expe.example.com', role: 'expressway-e' }],
      dns: { external: ['198.51.100.53'] },
    },
    services: { edge: fake.edge },
    vantage: 'external',
  });
}
