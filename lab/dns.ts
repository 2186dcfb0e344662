import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { canonicalName, reverseName } from '../src/probes/dns.js';
import type { LabEdge, LabPart } from './part.js';
import { LAB_DOMAIN, LAB_NODES } from './topology.js';

/** One resource record of a lab zone. */
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
/** RFC 1035 4.2.1: a UDP message without EDNS carries at most 512 octets; longer answers set TC. */
const UDP_LIMIT = 512;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

function resource(record: LabRecord): Answer {
  const base = { name: record.name, class: 'IN' as const, ttl: record.ttl ?? TTL };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: record.type, data: record.address };
    case 'CNAME':
    case 'PTR':
      return { ...base, type: record.type, data: record.domain };
    case 'SRV':
      return {
        ...base,
        type: 'SRV',
        data: { priority: record.priority, weight: record.weight, port: record.port, target: record.target },
      };
    case 'TXT':
      return { ...base, type: 'TXT', data: record.data };
  }
}

function soa(apex: string): Answer {
  return {
    name: apex,
    type: 'SOA',
    class: 'IN',
    ttl: TTL,
    data: {
      mname: `ns1.${LAB_DOMAIN}`,
      rname: `hostmaster.${LAB_DOMAIN}`,
      serial: 2026112501,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: TTL,
    },
  };
}

/** A response to `request` carrying `rcode` (the low four bits of the flags word), RD copied. */
function responseTo(
  request: DecodedPacket,
  rcode: number,
  authoritative = false,
): Packet & { answers: Answer[]; authorities: Answer[] } {
  const flags =
    (request.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rcode;
  return {
    type: 'response',
    id: request.id ?? 0,
    flags,
    questions: request.questions ?? [],
    answers: [],
    authorities: [],
  };
}

/** An authoritative answer from zone data: records, CNAME chains inside the data, NODATA, NXDOMAIN, REFUSED. */
export function answerFromZone(data: LabZoneData, request: DecodedPacket): Packet {
  const question = request.questions?.[0];
  if (!question) return responseTo(request, RCODE.FORMERR);
  const name = canonicalName(question.name);
  const apex = data.zones.find((zone) => name === zone || name.endsWith(`.${zone}`));
  if (!apex) return responseTo(request, RCODE.REFUSED);
  const response = responseTo(request, RCODE.NOERROR, true);
  const wanted = question.type;
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
    if (!exists && response.answers.length === 0) response.flags = (response.flags ?? 0) | RCODE.NXDOMAIN;
    response.authorities.push(soa(apex));
    return response;
  }
  return { ...response, flags: ((response.flags ?? 0) & ~0x0f) | RCODE.SERVFAIL };
}

/**
 * The wire answer to one query, or nothing for a datagram too short to carry an id. A query that does
 * not decode gets FORMERR with its id, as BIND answers it.
 */
export function answerQuery(data: LabZoneData, query: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
  if (query.length < 12) return undefined;
  let request: DecodedPacket;
  try {
    request = dnsPacket.decode(query);
  } catch {
    const formerr = Buffer.alloc(12);
    query.copy(formerr, 0, 0, 2);
    formerr.writeUInt16BE(0x8000 | RCODE.FORMERR, 2);
    return formerr;
  }
  if (request.flag_qr) return undefined;
  const response = answerFromZone(data, request);
  const wire = dnsPacket.encode(response);
  if (transport === 'tcp' || wire.length <= UDP_LIMIT) return wire;
  // Truncated: the question alone with TC set, so the client retries over TCP (RFC 7766 section 5).
  return dnsPacket.encode({
    ...response,
    flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: [],
  });
}

export interface LabDnsServer {
  port: number;
  /** As written in an inventory: 127.0.0.1:40123. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Serves length-prefixed DNS messages on one TCP connection (RFC 1035 4.2.2, RFC 7766 section 6.2.1:
 * several queries may share it).
 */
function serveTcp(data: LabZoneData, socket: Socket): void {
  let buffered = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const length = buffered.readUInt16BE(0);
      const reply = answerQuery(data, buffered.subarray(2, 2 + length), 'tcp');
      buffered = buffered.subarray(2 + length);
      if (!reply) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}

/** An authoritative server on 127.0.0.1 over UDP and TCP on one port; UDP answers over 512 octets set TC. */
export async function startLabDnsServer(data: LabZoneData, host = '127.0.0.1'): Promise<LabDnsServer> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', (query, from) => {
      const reply = answerQuery(data, query, 'udp');
      if (reply) udp.send(reply, from.port, from.address, () => undefined);
    });
    udp.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const connections = new Set<Socket>();
    const tcp = createServer((socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
      serveTcp(data, socket);
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
  throw new Error(`lab DNS: no port free for both UDP and TCP on ${host}`);
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
