import { readFileSync } from 'node:fs';
import { NODE_ROOTS, nodeRootCertificates, readablePems } from '../cert/roots.js';
import { parsePresented, type ChainResult } from '../cert/source.js';
import { AnchorSet } from '../cert/path.js';
import { formatAddress, parseAddress } from '../inventory/address.js';
import type { Inventory, TurnTransport } from '../inventory/types.js';
import type { DnsProbe } from '../probes/dns.js';
import { fetchEdgeConfig, type EdgeConfigResult } from '../probes/edge-config.js';
import { oncePerKey } from '../probes/once.js';
import type { ProbeOptions } from '../probes/options.js';
import { stunBinding, turnAllocate, type StunBindingResult, type TurnAllocateResult } from '../probes/stun/client.js';
import { probeTcpConnect, type TcpConnectResult } from '../probes/tcp.js';
import { fetchPresentedChain } from '../probes/tls.js';

/**
 * The edge as a remote Jabber client meets it (SPEC 8.7): `_collab-edge._tls.<domain>` from the
 * external resolvers, the address each target has there, and the exchanges a client makes with
 * it (TCP on 8443 and 5222, the TLS handshake, edge discovery, STUN/TURN). Every exchange is made
 * once per run, so MRA-EDGE-001..004 share them.
 */

export const COLLAB_EDGE_SERVICE = '_collab-edge._tls';
/** Jabber's XMPP port through the edge (MRA-EDGE-001, when IM and Presence is in the inventory). */
export const EDGE_XMPP_PORT = 5222;
export const DEFAULT_TURN_PORT = 3478;

/** One SRV target of `_collab-edge._tls.<domain>`, as the external view gives it. */
export interface EdgeTarget {
  domain: string;
  /** The SRV target name (the SNI and the name the certificate must carry). */
  host: string;
  /** The SRV port (8443 for MRA; MRA-DNS-003 judges it). */
  port: number;
  /** The addresses the external resolver gives for the target; empty when it gave none. */
  addresses: string[];
  /** The resolver that answered. */
  resolver: string;
  /** Why the target has no address (NXDOMAIN, no A/AAAA, a failed lookup). */
  addressProblem?: string;
}

export type EdgeDiscovery =
  | { ok: true; targets: EdgeTarget[] }
  /** No external resolver gave an SRV answer for any domain: MRA-DNS-003 says why. */
  | { ok: false; reason: string };

export type EdgeChain = ChainResult;

/** A TURN server to test, from `edge.turn`. */
export interface TurnSpec {
  server: string;
  host: string;
  port: number;
  transports: TurnTransport[];
  credentials?: { usernameEnv: string; passwordEnv: string };
}

export interface EdgeSource {
  discover(signal: AbortSignal): Promise<EdgeDiscovery>;
  connect(address: string, port: number, signal: AbortSignal): Promise<TcpConnectResult>;
  /** The chain the target presents with SNI = its name, read at one of its addresses. */
  chain(target: EdgeTarget, address: string, signal: AbortSignal): Promise<EdgeChain>;
  /** The roots MRA clients trust: edge.clientTrust, or Node's root store. */
  clientAnchors(): AnchorSet;
  /** Jabber's discovery request for the target's domain (with the test user when the inventory names one). */
  edgeConfig(target: EdgeTarget, address: string, signal: AbortSignal): Promise<EdgeConfigResult>;
  turnServers(): TurnSpec[];
  binding(server: TurnSpec, transport: TurnTransport, signal: AbortSignal): Promise<StunBindingResult>;
  allocate(server: TurnSpec, transport: TurnTransport, signal: AbortSignal): Promise<TurnAllocateResult>;
}

/** The network exchanges behind the source; the tests give scripted ones. */
export interface EdgeProbes {
  probeTcpConnect: typeof probeTcpConnect;
  fetchPresentedChain: typeof fetchPresentedChain;
  fetchEdgeConfig: typeof fetchEdgeConfig;
  stunBinding: typeof stunBinding;
  turnAllocate: typeof turnAllocate;
}

const NETWORK: EdgeProbes = { probeTcpConnect, fetchPresentedChain, fetchEdgeConfig, stunBinding, turnAllocate };

const pemCertificates = (text: string): string[] =>
  text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

export function createEdgeSource(options: ProbeOptions, dns: DnsProbe, probes: EdgeProbes = NETWORK): EdgeSource {
  const { inventory, limiter, timeoutMs } = options;
  // Read on first use, not at construction: SPEC 8.3 checks the files before the run starts.
  let clientTrust: string[] | undefined | null = null;
  const clientTrustPem = (): string[] | undefined => {
    if (clientTrust === null) {
      clientTrust = inventory.edge?.clientTrust?.flatMap((file) => pemCertificates(readFileSync(file, 'utf8')));
    }
    return clientTrust;
  };
  let anchors: AnchorSet | undefined;
  const discovered = oncePerKey<EdgeDiscovery>();
  const connections = oncePerKey<TcpConnectResult>();
  const chains = oncePerKey<EdgeChain>();
  const configs = oncePerKey<EdgeConfigResult>();
  const bindings = oncePerKey<StunBindingResult>();
  const allocations = oncePerKey<TurnAllocateResult>();
  const env = options.env;
  const discoveryUser = inventory.edge?.discovery;
  const credentials =
    discoveryUser && env[discoveryUser.usernameEnv] && env[discoveryUser.passwordEnv]
      ? { username: env[discoveryUser.usernameEnv]!, password: env[discoveryUser.passwordEnv]! }
      : undefined;

  return {
    discover: (signal) => discovered('all', () => discoverEdge(inventory, dns, signal)),
    connect: (address, port, signal) =>
      connections(`${address}\u0000${port}`, () =>
        limiter.run(() => probes.probeTcpConnect({ host: address, port, timeoutMs, signal })),
      ),
    chain: (target, address, signal) =>
      chains(`${target.host}\u0000${address}\u0000${target.port}`, async () => {
        const presented = await limiter.run(() =>
          probes.fetchPresentedChain({ host: address, port: target.port, servername: target.host, timeoutMs, signal }),
        );
        return parsePresented(presented);
      }),
    clientAnchors() {
      if (!anchors) {
        anchors = new AnchorSet();
        const trusted = clientTrustPem();
        const certificates = trusted ? readablePems(trusted) : nodeRootCertificates();
        for (const certificate of certificates) anchors.add(certificate, trusted ? 'edge.clientTrust' : NODE_ROOTS);
      }
      return anchors;
    },
    edgeConfig: (target, address, signal) =>
      configs(`${target.domain}\u0000${target.host}\u0000${address}\u0000${target.port}`, () =>
        limiter.run(() =>
          probes.fetchEdgeConfig({
            target: target.host,
            port: target.port,
            address,
            domain: target.domain,
            ...(clientTrustPem() ? { clientTrust: clientTrustPem()! } : {}),
            ...(credentials ? { credentials } : {}),
            timeoutMs,
            signal,
          }),
        ),
      ),
    turnServers: () => turnServersOf(inventory),
    binding: (server, transport, signal) =>
      bindings(`${server.server}\u0000${transport}`, () =>
        limiter.run(() =>
          probes.stunBinding(
            { host: server.host, port: server.port, transport },
            { timeoutMs, signal, ...(clientTrustPem() ? { tlsCa: clientTrustPem()! } : {}) },
          ),
        ),
      ),
    allocate: (server, transport, signal) =>
      allocations(`${server.server}\u0000${transport}`, () => {
        const { usernameEnv, passwordEnv } = server.credentials!;
        const turnCredentials = { username: env[usernameEnv] ?? '', password: env[passwordEnv] ?? '' };
        return limiter.run(() =>
          probes.turnAllocate({ host: server.host, port: server.port, transport }, turnCredentials, {
            timeoutMs,
            signal,
            ...(clientTrustPem() ? { tlsCa: clientTrustPem()! } : {}),
          }),
        );
      }),
  };
}

/**
 * Jabber's edge discovery: the _collab-edge SRV records of each domain from the first external
 * resolver that has them, each target host's addresses from that resolver.
 */
async function discoverEdge(inventory: Inventory, dns: DnsProbe, signal: AbortSignal): Promise<EdgeDiscovery> {
  const targets = new Map<string, EdgeTarget>();
  const problems: string[] = [];
  for (const domain of inventory.domains) {
    const name = `${COLLAB_EDGE_SERVICE}.${domain}`;
    for (const resolver of inventory.dns.external) {
      const answer = await dns.query(resolver, name, 'SRV', signal);
      const records = answer.answers.filter((record) => record.type === 'SRV' && record.target);
      if (records.length === 0) {
        problems.push(`${name} on ${resolver}: ${answer.outcome}`);
        continue;
      }
      for (const record of records) {
        const host = record.target!.toLowerCase();
        const port = record.port ?? 8443;
        const key = `${domain}\u0000${host}\u0000${port}`;
        if (targets.has(key)) continue;
        const lookup = await dns.resolveAddresses(resolver, host, signal);
        targets.set(key, {
          domain,
          host,
          port,
          addresses: lookup.addresses,
          resolver,
          ...(lookup.addresses.length === 0 ? { addressProblem: lookup.detail ?? lookup.outcome } : {}),
        });
      }
      break; // one external resolver that answers is the client's view; MRA-DNS-003 compares them all
    }
  }
  return targets.size > 0
    ? { ok: true, targets: [...targets.values()] }
    : { ok: false, reason: `no external resolver answers ${problems.join('; ') || 'the _collab-edge SRV records'}` };
}

/** The TURN servers of the inventory, with the names of their credential variables. */
function turnServersOf(inventory: Inventory): TurnSpec[] {
  return (inventory.edge?.turn ?? []).map((entry) => {
    const address = parseAddress(entry.server, DEFAULT_TURN_PORT);
    return {
      server: formatAddress(address),
      host: address.host,
      port: address.port,
      transports: entry.transports,
      ...(entry.usernameEnv && entry.passwordEnv
        ? { credentials: { usernameEnv: entry.usernameEnv, passwordEnv: entry.passwordEnv } }
        : {}),
    };
  });
}
