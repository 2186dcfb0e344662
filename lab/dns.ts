import type { Socket } from 'node:net';
import { createTCPServer, createUDPServer, Packet } from 'dns2';
import { canonicalName, reverseName } from '../src/probes/dns.js';
import type { LabEdge, LabPart } from './index.js';
import { LAB_DOMAIN, LAB_NODES } from './topology.js';

/** One resource record of a lab zone, in the fields dns2's encoder takes. */
export type LabRecord =
  | { name: string; type: 'A' | 'AAAA'; address: string; ttl?: number }
  | { name: string; type: 'CNAME' | 'PTR'; domain: string; ttl?: number }
  | { name: string; type: 'SRV'; priority: number; weight: number; port: number; target: string; ttl?: number }
  | { name: string; type: 'TXT'; data: string[]; ttl?: number };

export interface LabZoneData {
  /** Zone apexes served; a question outside them is REFUSED, as BIND does. */
  zones: string[];
  records: LabRecord[];
}

const TTL = 300;
const MAX_CHAIN = 8;

function resource(record: LabRecord): InstanceType<typeof Packet.Resource> {
  const { type, ttl, ...fields } = record;
  return { ...fields, type: Packet.TYPE[type], class: Packet.CLASS.IN, ttl: ttl ?? TTL } as unknown as InstanceType<
    typeof Packet.Resource
  >;
}

function soa(apex: string): InstanceType<typeof Packet.Resource> {
  return {
    name: apex,
    type: Packet.TYPE.SOA,
    class: Packet.CLASS.IN,
    ttl: TTL,
    primary: `ns1.${LAB_DOMAIN}`,
    admin: `hostmaster.${LAB_DOMAIN}`,
    serial: 2026112501,
    refresh: 3600,
    retry: 600,
    expiration: 86400,
    minimum: TTL,
  } as unknown as InstanceType<typeof Packet.Resource>;
}

/** An authoritative answer from zone data: records, CNAME chains inside the data, NODATA, NXDOMAIN, REFUSED. */
export function answerFromZone(data: LabZoneData, request: InstanceType<typeof Packet>): InstanceType<typeof Packet> {
  const response = Packet.createResponseFromRequest(request);
  const question = request.questions[0];
  if (!question) {
    response.header.rcode = Packet.RCODE.FORMERR;
    return response;
  }
  const name = canonicalName(question.name);
  const apex = data.zones.find((zone) => name === zone || name.endsWith(`.${zone}`));
  if (!apex) {
    response.header.rcode = Packet.RCODE.REFUSED;
    return response;
  }
  response.header.aa = 1;
  const wanted = Packet.typeName(question.type);
  let owner = name;
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const owned = data.records.filter((record) => record.name === owner);
    const matching = owned.filter((record) => record.type === wanted);
    if (matching.length > 0) {
      response.answers.push(...matching.map((record) => resource(record)));
      return response;
    }
    const cname = owned.find((record) => record.type === 'CNAME');
    if (cname && cname.type === 'CNAME' && wanted !== 'CNAME') {
      response.answers.push(resource(cname));
      owner = canonicalName(cname.domain);
      continue;
    }
    const exists =
      owned.length > 0 || data.records.some((record) => record.name.endsWith(`.${owner}`)) || owner === apex;
    if (!exists && response.answers.length === 0) response.header.rcode = Packet.RCODE.NXDOMAIN;
    response.authorities.push(soa(apex));
    return response;
  }
  response.header.rcode = Packet.RCODE.SERVFAIL;
  return response;
}

export interface LabDnsServer {
  port: number;
  /** As written in an inventory: 127.0.0.1:40123. */
  address: string;
  stop(): Promise<void>;
}

/**
 * An authoritative server on 127.0.0.1 over UDP and TCP on one port, built on dns2's own servers.
 * dns2's UDP server sets TC when an answer exceeds 512 octets, so clients must retry over TCP.
 */
export async function startLabDnsServer(data: LabZoneData, host = '127.0.0.1'): Promise<LabDnsServer> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const handle = (
      request: InstanceType<typeof Packet>,
      send: (response: InstanceType<typeof Packet>) => unknown,
    ): void => {
      void Promise.resolve(send(answerFromZone(data, request))).catch(() => {});
    };
    const udp = createUDPServer({ type: host.includes(':') ? 'udp6' : 'udp4' });
    udp.on('request', handle);
    udp.on('error', () => {});
    udp.on('requestError', () => {});
    await udp.listen(0, host);
    const port = udp.address().port;
    const tcp = createTCPServer();
    tcp.on('request', handle);
    tcp.on('requestError', () => {});
    const connections = new Set<Socket>();
    tcp.on('connection', (socket: Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!listening) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      continue;
    }
    return {
      port,
      address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
      async stop() {
        for (const socket of connections) socket.destroy();
        await Promise.all([
          new Promise<void>((resolve) => udp.close(() => resolve())),
          new Promise<void>((resolve) => tcp.close(() => resolve())),
        ]);
      },
    };
  }
  throw new Error('lab DNS: no port free for both UDP and TCP on 127.0.0.1');
}

const node = (fqdn: string): (typeof LAB_NODES)[number] => {
  const found = LAB_NODES.find((candidate) => candidate.fqdn === fqdn);
  if (!found) throw new Error(`lab topology has no node ${fqdn}`);
  return found;
};

const addressRecord = (fqdn: string, ip: string): LabRecord =>
  ip.includes(':') ? { name: fqdn, type: 'AAAA', address: ip } : { name: fqdn, type: 'A', address: ip };

/**
 * The inside view. Deliberate faults (MRA-DNS-005): cucm-sub1 has no PTR, and the PTR of imp-pub's
 * address names expc instead.
 */
export function internalLabZone(): LabZoneData {
  const cucm = LAB_NODES.filter((candidate) => candidate.role.startsWith('cucm-'));
  const imp = LAB_NODES.filter((candidate) => candidate.role === 'imp-publisher');
  const ptrFor = (fqdn: string): string | undefined => {
    if (fqdn === 'cucm-sub1.example.com') return undefined;
    if (fqdn === 'imp-pub.example.com') return 'expc.example.com';
    return fqdn;
  };
  return {
    zones: [LAB_DOMAIN, 'in-addr.arpa', 'ip6.arpa'],
    records: [
      ...LAB_NODES.map((candidate) => addressRecord(candidate.fqdn, candidate.ip)),
      ...cucm.map((candidate): LabRecord => ({
        name: `_cisco-uds._tcp.${LAB_DOMAIN}`,
        type: 'SRV',
        priority: 10,
        weight: 10,
        port: 8443,
        target: candidate.fqdn,
      })),
      ...imp.map((candidate): LabRecord => ({
        name: `_cuplogin._tcp.${LAB_DOMAIN}`,
        type: 'SRV',
        priority: 10,
        weight: 10,
        port: 8443,
        target: candidate.fqdn,
      })),
      ...LAB_NODES.flatMap((candidate): LabRecord[] => {
        const target = ptrFor(candidate.fqdn);
        return target ? [{ name: reverseName(candidate.ip), type: 'PTR', domain: target }] : [];
      }),
    ],
  };
}

/**
 * The public view. Deliberate fault (MRA-DNS-002): `_cuplogin._tcp` leaks IM and Presence. With
 * the lab's edge running, the Expressway-E's A record is the edge's loopback address and the
 * `_collab-edge` SRV record its discovery port, so a scan from outside reaches it as a client would.
 */
export function externalLabZone(edge?: LabEdge): LabZoneData {
  const expe = node('expe.example.com');
  const imp = node('imp-pub.example.com');
  return {
    zones: [LAB_DOMAIN],
    records: [
      addressRecord(expe.fqdn, edge?.address ?? expe.ip),
      {
        name: `_collab-edge._tls.${LAB_DOMAIN}`,
        type: 'SRV',
        priority: 10,
        weight: 10,
        port: edge?.port ?? 8443,
        target: expe.fqdn,
      },
      { name: `_cuplogin._tcp.${LAB_DOMAIN}`, type: 'SRV', priority: 10, weight: 10, port: 8443, target: imp.fqdn },
      addressRecord(imp.fqdn, imp.ip),
    ],
  };
}

/**
 * The lab's resolvers: two internal servers with the same data (so MRA-DNS-006 has something to
 * compare) and one external server.
 */
export const dnsLabPart: LabPart = async ({ draft, edge }) => {
  const servers: LabDnsServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(servers.map((server) => server.stop()));
  };
  try {
    servers.push(
      await startLabDnsServer(internalLabZone()),
      await startLabDnsServer(internalLabZone()),
      await startLabDnsServer(externalLabZone(edge)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const [primary, secondary, external] = servers as [LabDnsServer, LabDnsServer, LabDnsServer];
  draft.dns.internal.push(primary.address, secondary.address);
  draft.dns.external.push(external.address);
  return stop;
};
