import { afterAll, beforeAll } from 'vitest';
import { startNamed, type NamedInstance } from '../../helpers/bind.js';
import { createSocket, type Socket } from 'node:dgram';
import { createDnsProbeFrom, type DnsOutcome, type DnsQueryType, type DnsResult } from '../../../src/probes/dns.js';

/** The deployment the BIND fixtures (fixtures/bind) describe. */
export const NODES = [
  { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
  { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' },
  { fqdn: 'imp-pub.example.com', ip: '10.1.1.20', role: 'imp-publisher' },
  { fqdn: 'imp-sub.example.com', ip: '2001:db8::20', role: 'imp-subscriber' },
  { fqdn: 'expc.example.com', ip: '10.1.1.30', role: 'expressway-c' },
  { fqdn: 'expe.example.com', ip: '203.0.113.30', role: 'expressway-e' },
];

export function inventory(
  dns: { internal?: string[]; external?: string[]; timeoutMs?: number },
  nodes: object[] = NODES,
): Record<string, unknown> {
  return { domains: ['example.com'], dns, nodes };
}

/** A UDP "resolver" on 127.0.0.1 that never answers; returns its address and how to close it. */
export async function silentResolver(): Promise<{ address: string; close(): Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', () => {});
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A probe whose every query ends the same way (SERVFAIL, REFUSED, malformed...). */
export function failingDns(outcome: DnsOutcome, detail?: string) {
  const rcode: Partial<Record<DnsOutcome, string>> = {
    servfail: 'SERVFAIL',
    refused: 'REFUSED',
    'error-rcode': 'NOTIMP',
  };
  return createDnsProbeFrom((resolver: string, name: string, type: DnsQueryType): DnsResult => ({
    resolver,
    name,
    type,
    outcome,
    ...(rcode[outcome] ? { rcode: rcode[outcome] } : {}),
    answers: [],
    tcp: false,
    ...(detail ? { detail } : {}),
    durationMs: 0,
  }));
}

/**
 * A real `named` serving the good zones and one serving the faulty ones, for one view, started
 * before the file's tests and stopped after. Read `.good` / `.faulty` inside the tests.
 */
export function goodAndFaultyNamed(view: 'internal' | 'external'): { good: NamedInstance; faulty: NamedInstance } {
  const pair = {} as { good: NamedInstance; faulty: NamedInstance };
  beforeAll(async () => {
    [pair.good, pair.faulty] = await Promise.all([startNamed(view, ['good']), startNamed(view, ['faulty'])]);
  });
  afterAll(async () => {
    await Promise.all([pair.good, pair.faulty].map((named) => named?.stop()));
  });
  return pair;
}
