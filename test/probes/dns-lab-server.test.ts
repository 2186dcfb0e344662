import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabDnsServer, type LabDnsServer } from '../../lab/dns.js';
import { parseAddress } from '../../src/inventory/address.js';
import { sendQuery } from '../../src/probes/dns.js';

/** Twelve TXT records of ~70 octets: the answer exceeds 512 octets, so UDP must truncate it. */
const BIG_TXT = Array.from({ length: 12 }, (_, i) => `chunk-${i} ${'x'.repeat(60)}`);

function udpExchange(port: number, query: Buffer): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    socket.once('message', (reply) => resolve(reply));
    socket.once('error', reject);
    socket.send(query, port, '127.0.0.1');
  }).finally(() => socket.close());
}

/**
 * The demo lab's DNS server (our UDP + TCP framing over dns-packet), asked by an independent client:
 * Node's c-ares resolver, which retries over TCP after TC=1 as stub resolvers do.
 */
describe('lab DNS server', () => {
  let server: LabDnsServer;
  let resolver: Resolver;
  beforeAll(async () => {
    server = await startLabDnsServer({
      zones: ['example.com'],
      records: [
        { name: 'cucm-pub.example.com', type: 'A', address: '10.1.1.10' },
        { name: 'imp-sub.example.com', type: 'AAAA', address: '2001:db8::20' },
        { name: 'expc.example.com', type: 'CNAME', domain: 'expc-host.example.com' },
        { name: 'expc-host.example.com', type: 'A', address: '10.1.1.30' },
        {
          name: '_cisco-uds._tcp.example.com',
          type: 'SRV',
          priority: 10,
          weight: 5,
          port: 8443,
          target: 'cucm-pub.example.com',
        },
        ...BIG_TXT.map((text) => ({ name: 'big.example.com', type: 'TXT' as const, data: [text] })),
      ],
    });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([server.address]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers A, AAAA, SRV and CNAME chains to c-ares', async () => {
    expect(await resolver.resolve4('cucm-pub.example.com')).toEqual(['10.1.1.10']);
    expect(await resolver.resolve6('imp-sub.example.com')).toEqual(['2001:db8::20']);
    // toMatchObject: Node 24 adds `type: 'SRV'` to each record.
    expect(await resolver.resolveSrv('_cisco-uds._tcp.example.com')).toMatchObject([
      { name: 'cucm-pub.example.com', port: 8443, priority: 10, weight: 5 },
    ]);
    expect(await resolver.resolve4('expc.example.com')).toEqual(['10.1.1.30']);
  });

  it('gives c-ares NXDOMAIN, NODATA and REFUSED as an authoritative server does', async () => {
    await expect(resolver.resolve4('nothing.example.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('cucm-pub.example.com')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('www.example.org')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('truncates an answer over 512 octets on UDP and serves it whole over TCP (c-ares and our probe)', async () => {
    const query = dnsPacket.encode({ type: 'query', id: 7, questions: [{ name: 'big.example.com', type: 'TXT' }] });
    const udp = dnsPacket.decode(await udpExchange(server.port, query));
    expect(udp).toMatchObject({ id: 7, flag_tc: true, answers: [] });
    expect((await resolver.resolveTxt('big.example.com')).map((strings) => strings.join('')).sort()).toEqual(
      [...BIG_TXT].sort(),
    );
    const result = await sendQuery(parseAddress(server.address, 53), 'big.example.com', 'TXT', 2000);
    expect(result).toMatchObject({ outcome: 'answer', tcp: true, rcode: 'NOERROR', authoritative: true });
    expect(result.answers).toHaveLength(BIG_TXT.length);
  });

  it('answers several queries on one TCP connection, split across segments (RFC 7766 6.2.1)', async () => {
    const framed = [1, 2].map((id) =>
      dnsPacket.streamEncode({ type: 'query', id, questions: [{ name: 'cucm-pub.example.com', type: 'A' }] }),
    );
    const wire = Buffer.concat(framed);
    const replies = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const first = received.length >= 2 ? 2 + received.readUInt16BE(0) : Infinity;
        if (received.length >= first + 2 && received.length >= first + 2 + received.readUInt16BE(first)) {
          socket.destroy();
          resolve(received);
        }
      });
      // One octet first, then the rest: the server must reassemble the length prefix.
      socket.write(wire.subarray(0, 1), () => setTimeout(() => socket.write(wire.subarray(1)), 20));
    });
    const first = dnsPacket.streamDecode(replies);
    const second = dnsPacket.streamDecode(replies.subarray(2 + replies.readUInt16BE(0)));
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(first.answers).toMatchObject([{ type: 'A', data: '10.1.1.10' }]);
  });

  it('answers FORMERR with the id of a query it cannot decode', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f]);
    const reply = await udpExchange(server.port, garbage);
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply[2]! & 0x80).toBe(0x80);
    expect(reply[3]! & 0x0f).toBe(1);
  });
});
