import { randomBytes } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { startTcpPeer, type TcpPeer } from './tcp.js';
import { startUdpPeer, type UdpPeer } from './udp.js';

/**
 * Scripted DNS peers on 127.0.0.1. Each behaviour is one way a broken or hostile resolver answers;
 * the probe must turn every one into a typed failure (malformed / timeout), never a crash or hang.
 */
export type HostileDnsBehaviour =
  /** The answer's owner name is a compression pointer to itself (RFC 1035 4.1.4 abused). */
  | 'pointer-loop'
  /** Two pointers that point at each other. */
  | 'pointer-ping-pong'
  /** A well-formed NXDOMAIN whose id is not the query's. */
  | 'wrong-id'
  /** Five octets: shorter than the 12-octet header. */
  | 'truncated-header'
  /** Header claims 65,535 records in every section; none follow. */
  | 'huge-counts'
  /** Random octets with the query's id (so only the decoder can reject it). */
  | 'garbage'
  /** Fifty datagrams with wrong ids for every query (a reflection flood). */
  | 'flood'
  /** Receives and never answers. */
  | 'silent'
  /**
   * Answers SRV and PTR questions with 1,500 records naming distinct hosts, and never answers
   * the A/AAAA questions that follow: every record invites a lookup that costs a full timeout.
   */
  | 'answer-flood'
  /** Every A/AAAA question gets a CNAME to a new, never-seen name: a chain without end. */
  | 'endless-cname'
  /** TC=1 over UDP, then a TCP listener that accepts and never answers. */
  | 'truncated-then-tcp-stall'
  /** TC=1 over UDP, then TCP announcing 65,535 octets and dripping one per second. */
  | 'truncated-then-tcp-drip'
  /** TC=1 over UDP, then TCP sending garbage forever (bounded at 64 MB). */
  | 'truncated-then-tcp-flood';

export interface HostileDns {
  address: string;
  port: number;
  /** UDP queries received. */
  received(): number;
  /** TCP connections accepted (after truncation). */
  tcpConnections(): number;
  stop(): Promise<void>;
}

/** The question section of a query (right after the 12-octet header). */
function questionOf(query: Buffer): Buffer {
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) offset += query[offset]! + 1;
  return query.subarray(12, Math.min(query.length, offset + 5));
}

/** Header (id, flags, counts) + the query's question. */
function header(query: Buffer, flags: number, counts: [number, number, number, number]): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(query.length >= 2 ? query.readUInt16BE(0) : 0, 0);
  head.writeUInt16BE(flags, 2);
  counts.forEach((count, i) => head.writeUInt16BE(count, 4 + 2 * i));
  return Buffer.concat([head, questionOf(query)]);
}

/** A resource record of type A whose owner name is `name` (raw wire bytes). */
function aRecord(name: Buffer): Buffer {
  const fixed = Buffer.alloc(14);
  fixed.writeUInt16BE(1, 0); // TYPE A
  fixed.writeUInt16BE(1, 2); // CLASS IN
  fixed.writeUInt32BE(300, 4);
  fixed.writeUInt16BE(4, 8);
  Buffer.from([10, 1, 1, 10]).copy(fixed, 10);
  return Buffer.concat([name, fixed]);
}

/** RCODE 3 (RFC 1035 4.1.1), the low four bits of the flags word. */
const NXDOMAIN = 3;
const NOERROR_RESPONSE = 0x8180;
const NXDOMAIN_RESPONSE = 0x8183;
const TRUNCATED_RESPONSE = 0x8380;

export function hostileDnsReply(behaviour: HostileDnsBehaviour, query: Buffer): Buffer | Buffer[] | undefined {
  switch (behaviour) {
    case 'pointer-loop': {
      const head = header(query, NOERROR_RESPONSE, [1, 1, 0, 0]);
      const self = Buffer.from([0xc0 | (head.length >> 8), head.length & 0xff]);
      return Buffer.concat([head, aRecord(self)]);
    }
    case 'pointer-ping-pong': {
      const head = header(query, NOERROR_RESPONSE, [1, 1, 0, 0]);
      // Label "a" then a pointer back to the record's start: a -> a -> a ... via two hops.
      const start = head.length;
      const name = Buffer.from([1, 0x61, 0xc0 | (start >> 8), start & 0xff]);
      return Buffer.concat([head, aRecord(name)]);
    }
    case 'wrong-id': {
      const reply = header(query, NXDOMAIN_RESPONSE, [1, 0, 0, 0]);
      reply.writeUInt16BE((reply.readUInt16BE(0) + 1) & 0xffff, 0);
      return reply;
    }
    case 'truncated-header':
      return header(query, NOERROR_RESPONSE, [1, 0, 0, 0]).subarray(0, 5);
    case 'huge-counts':
      return header(query, NOERROR_RESPONSE, [1, 0xffff, 0xffff, 0xffff]);
    case 'garbage': {
      const junk = randomBytes(300);
      query.copy(junk, 0, 0, 2);
      junk[2] = 0x81;
      return junk;
    }
    case 'flood':
      return Array.from({ length: 50 }, (_, i) => {
        const reply = header(query, NXDOMAIN_RESPONSE, [1, 0, 0, 0]);
        reply.writeUInt16BE((reply.readUInt16BE(0) + 1 + i) & 0xffff, 0);
        return reply;
      });
    case 'silent':
      return undefined;
    case 'answer-flood':
      return answerFlood(query);
    case 'endless-cname': {
      const target = wireName(`c${randomBytes(6).toString('hex')}.example.com`);
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0);
      fixed.writeUInt16BE(5, 2); // CNAME
      fixed.writeUInt16BE(1, 4);
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(target.length, 10);
      return Buffer.concat([header(query, NOERROR_RESPONSE, [1, 1, 0, 0]), fixed, target]);
    }
    case 'truncated-then-tcp-stall':
    case 'truncated-then-tcp-drip':
    case 'truncated-then-tcp-flood':
      return header(query, TRUNCATED_RESPONSE, [1, 0, 0, 0]);
  }
}

/** As many as fit one UDP datagram (SRV records with these names take ~37 octets each). */
export const ANSWER_FLOOD_RECORDS = 1500;

/** A host name in wire format (uncompressed labels). */
function wireName(name: string): Buffer {
  return Buffer.concat([
    ...name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])),
    Buffer.from([0]),
  ]);
}

/** Encoded once: the records are the same for every question, only the header and question differ. */
const floodRecords = new Map<number, Buffer>();

function answerFlood(query: Buffer): Buffer | undefined {
  const question = questionOf(query);
  if (question.length < 5) return undefined;
  const type = question.readUInt16BE(question.length - 4);
  if (type !== 33 && type !== 12) return undefined; // SRV, PTR; A/AAAA stay unanswered
  let records = floodRecords.get(type);
  if (!records) {
    const list: Buffer[] = [];
    for (let i = 0; i < ANSWER_FLOOD_RECORDS; i++) {
      const target = wireName(`h${i}.example.com`);
      // SRV: priority 1, weight 1, port 8443, then the target.
      const rdata = type === 33 ? Buffer.concat([Buffer.from([0, 1, 0, 1, 0x20, 0xfb]), target]) : target;
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0); // owner: pointer to the question name
      fixed.writeUInt16BE(type, 2);
      fixed.writeUInt16BE(1, 4);
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      list.push(fixed, rdata);
    }
    records = Buffer.concat(list);
    floodRecords.set(type, records);
  }
  return Buffer.concat([header(query, NOERROR_RESPONSE, [1, ANSWER_FLOOD_RECORDS, 0, 0]), records]);
}

/**
 * Starts a hostile resolver: UDP and TCP on the same port number when the behaviour needs TCP
 * (a resolver's TCP retry goes to the same port).
 */
export async function startHostileDns(behaviour: HostileDnsBehaviour): Promise<HostileDns> {
  const needsTcp = behaviour.startsWith('truncated-then-tcp');
  for (let attempt = 0; ; attempt++) {
    let tcp: TcpPeer | undefined;
    if (needsTcp) {
      tcp = await startTcpPeer(async (connection) => {
        connection.socket.resume();
        if (behaviour === 'truncated-then-tcp-drip') {
          if (!(await connection.write(Buffer.from([0xff, 0xff])))) return;
          for (let i = 0; i < 3600 && (await connection.pause(1000)); i++) {
            if (!(await connection.write(Buffer.from([0x41])))) return;
          }
        } else if (behaviour === 'truncated-then-tcp-flood') {
          const junk = randomBytes(64 * 1024);
          for (let sent = 0; sent < 64 * 1024 * 1024; sent += junk.length) {
            if (!(await connection.write(junk))) return;
          }
        }
        // truncated-then-tcp-stall: hold the connection open, say nothing.
      });
    }
    let udp: UdpPeer;
    try {
      udp = await bindUdp(behaviour, tcp?.port ?? 0);
    } catch (error) {
      await tcp?.stop();
      // The TCP port's UDP twin was taken by someone else: try another pair.
      if (attempt < 20) continue;
      throw error;
    }
    return {
      address: udp.address,
      port: udp.port,
      received: () => udp.received,
      tcpConnections: () => tcp?.connections ?? 0,
      async stop() {
        await Promise.all([udp.stop(), tcp?.stop()]);
      },
    };
  }
}

async function bindUdp(behaviour: HostileDnsBehaviour, port: number): Promise<UdpPeer> {
  return startUdpPeer((query) => hostileDnsReply(behaviour, query), port);
}

/** A well-behaved resolver for the rest of the scan: NXDOMAIN for every name (counts queries). */
export async function startNxdomainDns(): Promise<UdpPeer> {
  return startUdpPeer((query) => {
    const request = dnsPacket.decode(query);
    return dnsPacket.encode({
      type: 'response',
      id: request.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | NXDOMAIN,
      questions: request.questions ?? [],
    });
  });
}
