import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalIp, formatRecord, sendQuery, type DnsQueryType } from '../../src/probes/dns.js';

/**
 * What the probe makes of each record type on the wire (dns-packet decodes, src/probes/dns.ts
 * presents): the strings dig would print, so evidence can be compared with `dig @resolver`.
 */
const ANSWERS: Record<string, Answer[]> = {
  'a.example.com A': [{ name: 'A.Example.COM', type: 'A', ttl: 60, data: '10.1.1.10' }],
  'aaaa.example.com AAAA': [{ name: 'aaaa.example.com', type: 'AAAA', ttl: 60, data: '2001:0db8:0:0:1:0:0:1' }],
  'srv.example.com SRV': [
    {
      name: 'srv.example.com',
      type: 'SRV',
      ttl: 300,
      data: { priority: 10, weight: 20, port: 8443, target: 'EXPE.example.com.' },
    },
  ],
  'txt.example.com TXT': [{ name: 'txt.example.com', type: 'TXT', ttl: 5, data: ['v=spf1 -all', 'say "hi"'] }],
  'soa.example.com SOA': [
    {
      name: 'soa.example.com',
      type: 'SOA',
      ttl: 300,
      data: {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        serial: 7,
        refresh: 3600,
        retry: 600,
        expire: 86400,
        minimum: 300,
      },
    },
  ],
  'ns.example.com NS': [{ name: 'ns.example.com', type: 'NS', ttl: 300, data: 'NS1.example.com' }],
  // Records of types the probe never asks for still appear as dig shows them (RFC 3597 for the unknown).
  'cname.example.com CNAME': [
    { name: 'cname.example.com', type: 'CNAME', ttl: 60, data: 'target.example.com' },
    { name: 'target.example.com', type: 'MX', ttl: 60, data: { preference: 10, exchange: 'mail.example.com' } },
    { name: 'target.example.com', type: 'NULL', ttl: 60, data: Buffer.from([0xde, 0xad]) },
  ],
};

let socket: Socket;
let port: number;
beforeAll(async () => {
  socket = createSocket('udp4');
  socket.on('message', (query, from) => {
    const request = dnsPacket.decode(query);
    const question = request.questions?.[0];
    const answers = question ? (ANSWERS[`${question.name} ${question.type}`] ?? []) : [];
    const reply = dnsPacket.encode({
      type: 'response',
      id: request.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: request.questions ?? [],
      answers,
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  port = socket.address().port;
});
afterAll(() => new Promise<void>((resolve) => socket.close(() => resolve())));

async function ask(name: string, type: DnsQueryType): Promise<string[]> {
  const result = await sendQuery({ host: '127.0.0.1', port }, name, type, 2000);
  expect(result).toMatchObject({ outcome: 'answer', rcode: 'NOERROR', tcp: false, authoritative: false });
  return result.answers.map(formatRecord);
}

describe('DNS records as the probe presents them', () => {
  it('lower-cases owner names and writes A, AAAA (RFC 5952), SRV, NS and SOA as dig does', async () => {
    expect(await ask('a.example.com', 'A')).toEqual(['a.example.com. 60 IN A 10.1.1.10']);
    expect(await ask('aaaa.example.com', 'AAAA')).toEqual(['aaaa.example.com. 60 IN AAAA 2001:db8::1:0:0:1']);
    expect(await ask('srv.example.com', 'SRV')).toEqual(['srv.example.com. 300 IN SRV 10 20 8443 expe.example.com.']);
    expect(await ask('ns.example.com', 'NS')).toEqual(['ns.example.com. 300 IN NS ns1.example.com.']);
    expect(await ask('soa.example.com', 'SOA')).toEqual([
      'soa.example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 7 3600 600 86400 300',
    ]);
  });

  it('keeps the character-strings of a TXT record apart, quoted', async () => {
    expect(await ask('txt.example.com', 'TXT')).toEqual(['txt.example.com. 5 IN TXT "v=spf1 -all" "say \\"hi\\""']);
  });

  it('gives the SRV fields and CNAME targets to the checks, other types in presentation form', async () => {
    const srv = await sendQuery({ host: '127.0.0.1', port }, 'srv.example.com', 'SRV', 2000);
    expect(srv.answers[0]).toMatchObject({ target: 'expe.example.com', priority: 10, weight: 20, port: 8443 });
    expect(await ask('cname.example.com', 'CNAME')).toEqual([
      'cname.example.com. 60 IN CNAME target.example.com.',
      'target.example.com. 60 IN MX 10 mail.example.com.',
      'target.example.com. 60 IN NULL \\# 2 dead',
    ]);
  });
});

describe('canonicalIp (RFC 5952 section 4)', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['::ffff:10.1.1.1', '::ffff:a01:101'],
    ['10.1.1.10', '10.1.1.10'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });
});
