import { createSocket, type Socket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/probes/limiter.js';
import { createDnsProbe, sendQuery, type DnsProbe } from '../../src/probes/dns.js';
import { normalizeInventory } from '../../src/inventory/load.js';

/** A fake resolver on 127.0.0.1: the handler gets each query and returns the raw reply (or nothing). */
type Handler = (query: Buffer) => Buffer | undefined;

const open: Array<Socket | Server> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
});

async function fakeResolver(handler: Handler, port = 0): Promise<{ address: string; port: number; queries: number }> {
  const socket = createSocket('udp4');
  const state = { address: '', port: 0, queries: 0 };
  socket.on('message', (message, rinfo) => {
    state.queries++;
    const reply = handler(message);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', resolve);
  });
  open.push(socket);
  state.port = socket.address().port;
  state.address = `127.0.0.1:${state.port}`;
  return state;
}

/**
 * A fake resolver whose UDP port also has a TCP listener (for the TCP retry after TC=1). The TCP
 * port is bound first (port 0) and UDP then takes the same number, tried again when another
 * process holds that UDP port: a fixed guess could be taken and leave the test waiting.
 */
async function fakeResolverWithTcp(
  handler: Handler,
  onConnection: (socket: TcpSocket) => void,
): Promise<{ address: string; port: number; queries: number }> {
  for (let attempt = 0; ; attempt++) {
    const tcp = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, '127.0.0.1', resolve);
    });
    open.push(tcp);
    try {
      return await fakeResolver(handler, (tcp.address() as AddressInfo).port);
    } catch (error) {
      if (attempt >= 9) throw error;
    }
  }
}

function probe(timeoutMs = 400): DnsProbe {
  const inventory = normalizeInventory({ domains: ['example.com'] }, '<embedded>', new Set());
  return createDnsProbe({
    inventory,
    offline: false,
    timeoutMs,
    limiter: new Limiter(4),
    signal: new AbortController().signal,
    env: {},
  });
}

/** RFC 1035 4.1.1 RCODEs, carried in the low four bits of the flags word. */
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** A well-formed response to `query` (same id, RD copied, its question), edited by the caller. */
function replyTo(
  query: Buffer,
  edit: (reply: Packet & { questions: NonNullable<Packet['questions']>; answers: Answer[] }) => void,
): Buffer {
  const request = dnsPacket.decode(query);
  const reply = {
    type: 'response' as const,
    id: request.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: request.questions ?? [],
    answers: [] as Answer[],
  };
  edit(reply);
  return dnsPacket.encode(reply);
}

const withRcode =
  (rcode: number) =>
  (reply: Packet): void => {
    reply.flags = (reply.flags ?? 0) | rcode;
  };

/** Header + the query's question section, with the counts given; no records follow. */
function rawReply(query: Buffer, counts: { an?: number; flags?: number } = {}): Buffer {
  const reply = Buffer.from(query);
  reply.writeUInt16BE(counts.flags ?? 0x8180, 2);
  reply.writeUInt16BE(counts.an ?? 0, 6);
  return reply;
}

describe('DnsProbe with hostile or failing resolvers', () => {
  it('reports SERVFAIL and REFUSED as such', async () => {
    const servfail = await fakeResolver((query) => replyTo(query, withRcode(RCODE.SERVFAIL)));
    const refused = await fakeResolver((query) => replyTo(query, withRcode(RCODE.REFUSED)));
    const dns = probe();
    expect((await dns.query(servfail.address, 'example.com', 'SRV')).outcome).toBe('servfail');
    const result = await dns.query(refused.address, 'example.com', 'SRV');
    expect(result.outcome).toBe('refused');
    expect(result.rcode).toBe('REFUSED');
  });

  it('reports other error codes (FORMERR) as error-rcode', async () => {
    const formerr = await fakeResolver((query) => replyTo(query, withRcode(RCODE.FORMERR)));
    const result = await probe().query(formerr.address, 'example.com', 'A');
    expect(result).toMatchObject({ outcome: 'error-rcode', rcode: 'FORMERR' });
  });

  it('turns a reply with the wrong id into malformed', async () => {
    const fake = await fakeResolver((query) => {
      const reply = rawReply(query);
      reply.writeUInt16BE((query.readUInt16BE(0) + 1) & 0xffff, 0);
      return reply;
    });
    const result = await probe().query(fake.address, 'example.com', 'A');
    expect(result.outcome).toBe('malformed');
    expect(result.detail).toMatch(/does not match query id/);
  });

  it('turns a reply shorter than the header into malformed', async () => {
    const fake = await fakeResolver((query) => query.subarray(0, 5));
    const result = await probe().query(fake.address, 'example.com', 'A');
    expect(result.outcome).toBe('malformed');
    expect(result.detail).toMatch(/shorter than the 12-octet DNS header/);
  });

  it('turns huge record counts without records into malformed', async () => {
    const fake = await fakeResolver((query) => rawReply(query, { an: 0xffff }));
    const result = await probe().query(fake.address, 'example.com', 'A');
    expect(result.outcome).toBe('malformed');
  });

  it('turns a compression pointer loop into malformed', async () => {
    const fake = await fakeResolver((query) => {
      const head = rawReply(query, { an: 1 });
      const offset = head.length;
      // Answer owner name: a pointer to itself (RFC 1035 4.1.4 offsets count from the header).
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc000 | offset, 0);
      record.writeUInt16BE(1, 2); // A
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(300, 6);
      record.writeUInt16BE(0, 10);
      return Buffer.concat([head, record]);
    });
    const result = await probe().query(fake.address, 'example.com', 'A');
    expect(result.outcome).toBe('malformed');
    expect(result.detail).toMatch(/pointer/);
  });

  it('turns an answer to another question into malformed', async () => {
    const fake = await fakeResolver((query) =>
      replyTo(query, (reply) => {
        reply.questions = [{ name: 'other.example.com', type: 'A', class: 'IN' }];
      }),
    );
    const result = await probe().query(fake.address, 'example.com', 'A');
    expect(result.outcome).toBe('malformed');
    expect(result.detail).toMatch(/other\.example\.com/);
  });

  it('gives timeout, not a hang, when the resolver never answers', async () => {
    const silent = await fakeResolver(() => undefined);
    const result = await probe(300).query(silent.address, 'example.com', 'SRV');
    expect(result.outcome).toBe('timeout');
    expect(result.detail).toBe('no reply within 300 ms');
    // UDP is resent inside the one deadline.
    expect(silent.queries).toBe(3);
  });

  it('gives network-error when nothing listens on the port', async () => {
    const fake = await fakeResolver(() => undefined);
    const port = fake.port;
    await new Promise<void>((resolve) => (open.pop() as Socket).close(() => resolve()));
    const result = await probe().query(`127.0.0.1:${port}`, 'example.com', 'A');
    expect(result.outcome).toBe('network-error');
    expect(result.detail).toMatch(/unreachable/);
  });

  it('gives network-error with tcp=true when the TCP retry is refused', async () => {
    const fake = await fakeResolver((query) => rawReply(query, { flags: 0x8380 })); // QR, RD, TC, RA
    const result = await probe().query(fake.address, 'example.com', 'TXT');
    expect(result).toMatchObject({ outcome: 'network-error', tcp: true });
  });

  it('bounds a TCP retry to a server that accepts and never answers', async () => {
    // TCP reads and never answers.
    const fake = await fakeResolverWithTcp(
      (query) => rawReply(query, { flags: 0x8380 }),
      (socket) => socket.resume(),
    );
    const result = await probe(300).query(fake.address, 'example.com', 'TXT');
    expect(result).toMatchObject({ outcome: 'timeout', tcp: true });
  });

  it('turns a TCP reply cut short into malformed', async () => {
    const fake = await fakeResolverWithTcp(
      (query) => rawReply(query, { flags: 0x8380 }),
      (socket) => socket.resume().end(Buffer.from([0x01, 0x00, 0xab, 0xcd])),
    );
    const result = await probe().query(fake.address, 'example.com', 'TXT');
    expect(result).toMatchObject({ outcome: 'malformed', tcp: true });
  });

  it('ends a slow, endless CNAME chain within 3 x timeout', async () => {
    // Every answer is a CNAME to the next name, sent after 0.8 x timeout: each query is in time,
    // the chain as a whole is not.
    const fake = await fakeResolver(() => undefined);
    const socket = open[open.length - 1] as Socket;
    socket.removeAllListeners('message');
    socket.on('message', (message, rinfo) => {
      const reply = replyTo(message, (packet) => {
        const question = packet.questions[0]!;
        const hop = Number(/^hop(\d+)/.exec(question.name)?.[1] ?? 0);
        packet.answers.push({
          name: question.name,
          type: 'CNAME',
          class: 'IN',
          ttl: 60,
          data: `hop${hop + 1}.example.com`,
        });
      });
      setTimeout(() => {
        try {
          socket.send(reply, rinfo.port, rinfo.address);
        } catch {
          // The test is over and the socket closed: late replies have nowhere to go.
        }
      }, 160);
    });
    const lookup = await probe(200).resolveAddresses(fake.address, 'hop0.example.com');
    expect(lookup.outcome).toBe('failed');
    expect(lookup.detail).toContain('budget of 600 ms');
    expect(lookup.chain.length).toBeLessThan(8);
  });

  it('sends identical (resolver, name, type) queries once per run', async () => {
    const fake = await fakeResolver((query) => replyTo(query, withRcode(RCODE.NXDOMAIN)));
    const dns = probe();
    await Promise.all([
      dns.query(fake.address, 'a.example.com', 'A'),
      dns.query(fake.address, 'A.example.com.', 'A'),
      dns.resolveAddresses(fake.address, 'a.example.com'),
    ]);
    await dns.query(fake.address, 'a.example.com', 'A');
    // One A (shared by all four callers) and one AAAA from the address lookup.
    expect(fake.queries).toBe(2);
  });

  it('accepts a resolver given by host name', async () => {
    const fake = await fakeResolver((query) => replyTo(query, withRcode(RCODE.NXDOMAIN)));
    const result = await probe().query(`localhost:${fake.port}`, 'example.com', 'A');
    expect(result).toMatchObject({ resolver: `localhost:${fake.port}`, outcome: 'nxdomain' });
  });

  it('stops when its signal is aborted', async () => {
    const silent = await fakeResolver(() => undefined);
    const controller = new AbortController();
    const pending = sendQuery({ host: '127.0.0.1', port: silent.port }, 'example.com', 'A', 60_000, controller.signal);
    controller.abort();
    expect((await pending).outcome).toBe('timeout');
  });
});
