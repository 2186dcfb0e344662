import dnsPacket, { type Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  canonicalName,
  createDnsProbeFrom,
  decodeReply,
  describeFailure,
  formatRecord,
  lookupEvidence,
  MalformedReply,
  queryEvidence,
  rcodeName,
  toRecord,
  type DnsOutcome,
  type DnsQueryType,
  type DnsResult,
} from '../../src/probes/dns-answer.js';

/**
 * What src/probes/dns-answer.ts decides about a reply, without sockets: the text dig would print,
 * the replies refused as not ours, and where a CNAME chain ends (one answer or one zone per reply).
 */

const RESOLVER = '10.1.1.53:53';
const RCODE_OF: Partial<Record<DnsOutcome, string>> = {
  answer: 'NOERROR',
  nodata: 'NOERROR',
  nxdomain: 'NXDOMAIN',
  servfail: 'SERVFAIL',
  refused: 'REFUSED',
};

function result(name: string, type: DnsQueryType, outcome: DnsOutcome, answers: Answer[] = [], detail?: string) {
  const rcode = RCODE_OF[outcome];
  return {
    resolver: RESOLVER,
    name,
    type,
    outcome,
    ...(rcode ? { rcode } : {}),
    answers: answers.map(toRecord),
    tcp: false,
    ...(detail ? { detail } : {}),
    durationMs: 1,
  } satisfies DnsResult;
}

const cname = (name: string, target: string): Answer => ({ name, type: 'CNAME', ttl: 60, data: target });
const a = (name: string, address: string): Answer => ({ name, type: 'A', ttl: 60, data: address });
const aaaa = (name: string, address: string): Answer => ({ name, type: 'AAAA', ttl: 60, data: address });

/** A probe answering from a table of `name type` questions; any other question fails the test. */
function probeOf(table: Record<string, DnsResult>) {
  return createDnsProbeFrom((_resolver, name, type) => {
    const reply = table[`${name} ${type}`];
    if (!reply) throw new Error(`unexpected query ${name} ${type}`);
    return reply;
  });
}

/** `h0.example.com`, `h1.example.com`, ... */
const hop = (index: number) => `h${index}.example.com`;

/**
 * A chain h0 -> h1 -> ... -> h<hops> ending in 10.1.1.10 (no AAAA), as a resolver returns it: the
 * whole chain in one answer, or (an authoritative server at each zone's edge) one CNAME per reply.
 */
function chainProbe(hops: number, perReply: 'whole chain' | 'one hop') {
  const table: Record<string, DnsResult> = {};
  const tail = (type: DnsQueryType) => (type === 'A' ? [a(hop(hops), '10.1.1.10')] : []);
  for (const type of ['A', 'AAAA'] as const) {
    if (perReply === 'whole chain') {
      const answers = [...Array.from({ length: hops }, (_, i) => cname(hop(i), hop(i + 1))), ...tail(type)];
      table[`${hop(0)} ${type}`] = result(hop(0), type, 'answer', answers);
      // A chain that ends without records of the type is asked again at its end (a zone's edge?).
      if (type === 'AAAA') table[`${hop(hops)} AAAA`] = result(hop(hops), 'AAAA', 'nodata');
      continue;
    }
    for (let i = 0; i < hops; i++)
      table[`${hop(i)} ${type}`] = result(hop(i), type, 'answer', [cname(hop(i), hop(i + 1))]);
    const last = tail(type);
    table[`${hop(hops)} ${type}`] = result(hop(hops), type, last.length > 0 ? 'answer' : 'nodata', last);
  }
  return probeOf(table);
}

const questions = (queries: readonly DnsResult[]) => queries.map((query) => `${query.name} ${query.type}`);

describe('names, addresses and response codes', () => {
  it('compares names in lower case without blanks or the trailing dot', () => {
    expect(canonicalName(' Expe.Example.COM. ')).toBe('expe.example.com');
  });

  it('reads addresses with blanks around them, and IPv6 with a dotted IPv4 tail of multi-digit octets', () => {
    expect(canonicalIp(' 10.1.1.10 ')).toBe('10.1.1.10');
    expect(canonicalIp(' 2001:DB8::0:1 ')).toBe('2001:db8::1');
    expect(canonicalIp('::ffff:192.168.100.200')).toBe('::ffff:c0a8:64c8');
    expect(canonicalIp('64:ff9b::10.1.1.99')).toBe('64:ff9b::a01:163');
    expect(canonicalIp('2001:0DB8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
  });

  it('names the response codes, and the unassigned ones by number', () => {
    expect([0, 3, 5, 11].map(rcodeName)).toEqual(['NOERROR', 'NXDOMAIN', 'REFUSED', 'DSOTYPENI']);
    expect(rcodeName(12)).toBe('RCODE12');
  });
});

describe('records as dig prints them', () => {
  it('presents a DNAME like a CNAME: the target, lower case, with its dot', () => {
    const record = toRecord({ name: 'Old.Example.com', type: 'DNAME', ttl: 300, data: 'New.Example.COM.' });
    expect(record).toStrictEqual({
      name: 'old.example.com',
      type: 'DNAME',
      ttl: 300,
      data: 'new.example.com.',
      target: 'new.example.com',
    });
    expect(formatRecord(record)).toBe('old.example.com. 300 IN DNAME new.example.com.');
  });

  it('quotes a TXT record given as one string', () => {
    expect(formatRecord(toRecord({ name: 'txt.example.com', type: 'TXT', ttl: 5, data: 'v=spf1 -all' }))).toBe(
      'txt.example.com. 5 IN TXT "v=spf1 -all"',
    );
  });

  it('leaves the data of a decoded type it does not present empty, not a garbled generic form', () => {
    const caa: Answer = {
      name: 'example.com',
      type: 'CAA',
      ttl: 60,
      data: { flags: 0, tag: 'issue', value: 'ca.test' },
    };
    expect(toRecord(caa)).toStrictEqual({ name: 'example.com', type: 'CAA', ttl: 60, data: '' });
  });
});

describe('queryEvidence and describeFailure', () => {
  it('gives the facts of a query, with no rcode key when no reply was decoded', () => {
    expect(queryEvidence(result('expe.example.com', 'A', 'timeout', [], 'no reply within 2000 ms'))).toStrictEqual({
      resolver: RESOLVER,
      question: 'expe.example.com A',
      outcome: 'timeout',
      answers: [],
      tcp: false,
      detail: 'no reply within 2000 ms',
    });
    expect(
      queryEvidence(result('expe.example.com', 'A', 'answer', [a('Expe.example.com', '10.1.1.10')])),
    ).toStrictEqual({
      resolver: RESOLVER,
      question: 'expe.example.com A',
      outcome: 'answer',
      rcode: 'NOERROR',
      answers: ['expe.example.com. 60 IN A 10.1.1.10'],
      tcp: false,
    });
  });

  it('names the response code of a refusal or another error code', () => {
    expect(describeFailure(result('expe.example.com', 'A', 'refused'))).toBe('the resolver answered REFUSED');
    expect(describeFailure({ ...result('expe.example.com', 'A', 'error-rcode'), rcode: 'NOTIMP' })).toBe(
      'the resolver answered NOTIMP',
    );
  });

  it('gives the detail of a malformed reply or a socket error, else the outcome', () => {
    const malformed = result('expe.example.com', 'A', 'malformed', [], 'reply id 7 does not match query id 9');
    expect(describeFailure(malformed)).toBe('reply id 7 does not match query id 9');
    expect(describeFailure(result('expe.example.com', 'A', 'network-error'))).toBe('network-error');
  });
});

describe('decodeReply', () => {
  const QUESTION = { name: 'expe.example.com', type: 'A' as const };

  it('takes a bare 12-octet header and refuses anything shorter', () => {
    const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeReply(header, 0x1234, 'expe.example.com', 'A')).toStrictEqual({
      rcode: 0,
      truncated: false,
      authoritative: false,
      answers: [],
    });
    expect(() => decodeReply(header.subarray(0, 11), 0x1234, 'expe.example.com', 'A')).toThrow(
      new MalformedReply('reply is 11 octets, shorter than the 12-octet DNS header'),
    );
  });

  it('refuses a query sent back (QR bit clear)', () => {
    const query = dnsPacket.encode({ type: 'query', id: 7, questions: [QUESTION] });
    expect(() => decodeReply(query, 7, 'expe.example.com', 'A')).toThrow(
      new MalformedReply('reply has the QR bit clear (it is a query, not a response)'),
    );
  });

  it('keeps only the header of a truncated reply that ends mid-record, and refuses that cut without TC', () => {
    const packet = (flags: number) =>
      dnsPacket
        .encode({
          type: 'response',
          id: 9,
          flags,
          questions: [QUESTION],
          answers: [a('expe.example.com', '10.1.1.10'), a('expe.example.com', '10.1.1.11')],
        })
        .subarray(0, -12);
    const cut = packet(dnsPacket.TRUNCATED_RESPONSE | dnsPacket.AUTHORITATIVE_ANSWER);
    expect(decodeReply(cut, 9, 'expe.example.com', 'A')).toStrictEqual({
      rcode: 0,
      truncated: true,
      authoritative: true,
      answers: [],
    });
    expect(() => decodeReply(packet(0), 9, 'expe.example.com', 'A')).toThrow(/^reply cannot be decoded: /);
  });

  it('refuses the reply to another type, and matches names without case or trailing dot', () => {
    const reply = (type: 'A' | 'AAAA') =>
      dnsPacket.encode({
        type: 'response',
        id: 3,
        questions: [{ name: 'EXPE.Example.com', type }],
        answers: type === 'A' ? [a('expe.example.com', '10.1.1.10')] : [],
      });
    expect(() => decodeReply(reply('AAAA'), 3, 'expe.example.com', 'A')).toThrow(
      new MalformedReply('reply is for expe.example.com AAAA, not expe.example.com A'),
    );
    const decoded = decodeReply(reply('A'), 3, 'expe.example.com.', 'A');
    expect(decoded.answers.map(toRecord).map(formatRecord)).toEqual(['expe.example.com. 60 IN A 10.1.1.10']);
  });
});

describe('resolveAddresses: CNAME chains', () => {
  it('takes the addresses of the chain end only, not other records the answer carries', async () => {
    const probe = probeOf({
      'www.example.com A': result('www.example.com', 'A', 'answer', [
        cname('www.example.com', 'edge.example.com'),
        a('other.example.com', '10.9.9.9'),
        aaaa('edge.example.com', '2001:db8::4'),
        a('edge.example.com', '10.1.1.10'),
      ]),
      'www.example.com AAAA': result('www.example.com', 'AAAA', 'answer', [
        cname('www.example.com', 'edge.example.com'),
        aaaa('www.example.com', '2001:db8::99'),
        aaaa('edge.example.com', '2001:db8::10'),
      ]),
    });
    const lookup = await probe.resolveAddresses(RESOLVER, 'WWW.example.com.');
    expect(lookup.outcome).toBe('resolved');
    expect(lookup.addresses).toEqual(['10.1.1.10', '2001:db8::10']);
    expect(lookup.chain).toEqual(['www.example.com', 'edge.example.com']);
    expect(lookupEvidence(lookup)).toStrictEqual({
      resolver: RESOLVER,
      name: 'www.example.com',
      outcome: 'resolved',
      addresses: ['10.1.1.10', '2001:db8::10'],
      cnameChain: ['www.example.com', 'edge.example.com'],
      queries: [
        {
          resolver: RESOLVER,
          question: 'www.example.com A',
          outcome: 'answer',
          rcode: 'NOERROR',
          answers: [
            'www.example.com. 60 IN CNAME edge.example.com.',
            'other.example.com. 60 IN A 10.9.9.9',
            'edge.example.com. 60 IN AAAA 2001:db8::4',
            'edge.example.com. 60 IN A 10.1.1.10',
          ],
          tcp: false,
        },
        {
          resolver: RESOLVER,
          question: 'www.example.com AAAA',
          outcome: 'answer',
          rcode: 'NOERROR',
          answers: [
            'www.example.com. 60 IN CNAME edge.example.com.',
            'www.example.com. 60 IN AAAA 2001:db8::99',
            'edge.example.com. 60 IN AAAA 2001:db8::10',
          ],
          tcp: false,
        },
      ],
    });
  });

  it('follows the CNAME of a name the server also gave other data (RFC 2181 10.1 forbids it)', async () => {
    const probe = probeOf({
      'www.example.com A': result('www.example.com', 'A', 'answer', [
        a('www.example.com', '10.9.9.9'),
        cname('www.example.com', 'edge.example.com'),
        a('edge.example.com', '10.1.1.10'),
      ]),
      'www.example.com AAAA': result('www.example.com', 'AAAA', 'answer', [
        cname('www.example.com', 'edge.example.com'),
        aaaa('edge.example.com', '2001:db8::10'),
      ]),
    });
    const lookup = await probe.resolveAddresses(RESOLVER, 'www.example.com');
    expect(lookup.chain).toEqual(['www.example.com', 'edge.example.com']);
    expect(lookup.addresses).toEqual(['10.1.1.10', '2001:db8::10']);
  });

  it(`follows ${8} hops in one answer and calls a ninth a loop`, async () => {
    const eight = await chainProbe(8, 'whole chain').resolveAddresses(RESOLVER, hop(0));
    expect(eight.outcome).toBe('resolved');
    expect(eight.addresses).toEqual(['10.1.1.10']);
    expect(eight.chain).toEqual(Array.from({ length: 9 }, (_, i) => hop(i)));

    const nine = await chainProbe(9, 'whole chain').resolveAddresses(RESOLVER, hop(0));
    expect(nine.outcome).toBe('cname-loop');
    expect(nine.addresses).toEqual([]);
    expect(nine.detail).toBe(
      `CNAME chain ${Array.from({ length: 9 }, (_, i) => hop(i)).join(' -> ')} loops or exceeds 8 hops`,
    );
  });

  it('asks again at each zone edge: 8 hops over 9 replies resolve, a ninth hop is a loop', async () => {
    const eight = await chainProbe(8, 'one hop').resolveAddresses(RESOLVER, hop(0));
    expect(eight.outcome).toBe('resolved');
    expect(eight.addresses).toEqual(['10.1.1.10']);
    expect(eight.chain).toEqual(Array.from({ length: 9 }, (_, i) => hop(i)));
    expect(questions(eight.queries)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `${hop(i)} A`),
      ...Array.from({ length: 9 }, (_, i) => `${hop(i)} AAAA`),
    ]);

    const nine = await chainProbe(9, 'one hop').resolveAddresses(RESOLVER, hop(0));
    expect(nine.outcome).toBe('cname-loop');
    expect(nine.queries).toHaveLength(18);
  });

  it('stops at an NXDOMAIN that ends a chain: the target does not exist, nothing to ask again', async () => {
    const gone = (type: DnsQueryType) =>
      result('www.example.com', type, 'nxdomain', [cname('www.example.com', 'gone.example.com')]);
    const probe = createDnsProbeFrom((_resolver, name, type) =>
      name === 'www.example.com' ? gone(type) : result(name, type, 'answer', [a(name, '10.9.9.9')]),
    );
    const lookup = await probe.resolveAddresses(RESOLVER, 'www.example.com');
    expect(lookup).toStrictEqual({
      resolver: RESOLVER,
      name: 'www.example.com',
      addresses: [],
      chain: ['www.example.com', 'gone.example.com'],
      queries: [gone('A'), gone('AAAA')],
      outcome: 'nxdomain',
    });
  });
});

describe('resolveAddresses: A and AAAA together', () => {
  it('is NODATA when the name has neither, and when only one family says NXDOMAIN', async () => {
    const nodata = probeOf({
      'mail.example.com A': result('mail.example.com', 'A', 'nodata'),
      'mail.example.com AAAA': result('mail.example.com', 'AAAA', 'nodata'),
    });
    expect((await nodata.resolveAddresses(RESOLVER, 'mail.example.com')).outcome).toBe('nodata');

    const split = probeOf({
      'mail.example.com A': result('mail.example.com', 'A', 'nxdomain'),
      'mail.example.com AAAA': result('mail.example.com', 'AAAA', 'nodata'),
    });
    expect((await split.resolveAddresses(RESOLVER, 'mail.example.com')).outcome).toBe('nodata');
    const splitV6 = probeOf({
      'mail.example.com A': result('mail.example.com', 'A', 'nodata'),
      'mail.example.com AAAA': result('mail.example.com', 'AAAA', 'nxdomain'),
    });
    expect((await splitV6.resolveAddresses(RESOLVER, 'mail.example.com')).outcome).toBe('nodata');

    const both = probeOf({
      'mail.example.com A': result('mail.example.com', 'A', 'nxdomain'),
      'mail.example.com AAAA': result('mail.example.com', 'AAAA', 'nxdomain'),
    });
    expect((await both.resolveAddresses(RESOLVER, 'mail.example.com')).outcome).toBe('nxdomain');
  });

  it('fails on the first query without an answer, whichever family it was', async () => {
    const servfail = result('expe.example.com', 'A', 'servfail');
    const v4Failed = probeOf({
      'expe.example.com A': servfail,
      'expe.example.com AAAA': result('expe.example.com', 'AAAA', 'nodata'),
    });
    const lookup = await v4Failed.resolveAddresses(RESOLVER, 'expe.example.com');
    expect(lookup.outcome).toBe('failed');
    expect(lookup.failure).toBe(servfail);
    expect(lookup.detail).toBe('the resolver answered SERVFAIL');

    const timeout = result('expe.example.com', 'AAAA', 'timeout', [], 'no reply within 2000 ms');
    const v6Failed = probeOf({
      'expe.example.com A': result('expe.example.com', 'A', 'nodata'),
      'expe.example.com AAAA': timeout,
    });
    const v6 = await v6Failed.resolveAddresses(RESOLVER, 'expe.example.com');
    expect(v6.outcome).toBe('failed');
    expect(v6.failure).toBe(timeout);
    expect(v6.detail).toBe('no reply within 2000 ms');
  });

  it('reports a loop seen by either family before a failure of the other, with the longer chain', async () => {
    // BIND answers SERVFAIL for a looping chain and includes the loop.
    const loop = (type: DnsQueryType) =>
      result('a.example.com', type, 'servfail', [
        cname('a.example.com', 'b.example.com'),
        cname('b.example.com', 'a.example.com'),
      ]);
    const timeout = (type: DnsQueryType) => result('a.example.com', type, 'timeout', [], 'no reply within 2000 ms');
    for (const [v4, v6] of [
      [loop('A'), timeout('AAAA')],
      [timeout('A'), loop('AAAA')],
    ]) {
      const probe = probeOf({ 'a.example.com A': v4!, 'a.example.com AAAA': v6! });
      const lookup = await probe.resolveAddresses(RESOLVER, 'a.example.com');
      expect(lookup.outcome).toBe('cname-loop');
      expect(lookup.chain).toEqual(['a.example.com', 'b.example.com']);
      expect(lookup.detail).toBe('CNAME chain a.example.com -> b.example.com loops or exceeds 8 hops');
    }
  });

  it('shows the A chain when the two families went through different names of the same length', async () => {
    const probe = probeOf({
      'www.example.com A': result('www.example.com', 'A', 'answer', [
        cname('www.example.com', 'edge4.example.com'),
        a('edge4.example.com', '10.1.1.10'),
      ]),
      'www.example.com AAAA': result('www.example.com', 'AAAA', 'answer', [
        cname('www.example.com', 'edge6.example.com'),
        aaaa('edge6.example.com', '2001:db8::10'),
      ]),
    });
    const lookup = await probe.resolveAddresses(RESOLVER, 'www.example.com');
    expect(lookup.chain).toEqual(['www.example.com', 'edge4.example.com']);
    expect(lookup.addresses).toEqual(['10.1.1.10', '2001:db8::10']);
  });

  it('gives evidence without a chain or detail when the name answered itself', async () => {
    const answer = result('expe.example.com', 'A', 'answer', [a('expe.example.com', '10.1.1.10')]);
    const probe = probeOf({
      'expe.example.com A': answer,
      'expe.example.com AAAA': result('expe.example.com', 'AAAA', 'nodata'),
    });
    expect(lookupEvidence(await probe.resolveAddresses(RESOLVER, 'expe.example.com'))).toStrictEqual({
      resolver: RESOLVER,
      name: 'expe.example.com',
      outcome: 'resolved',
      addresses: ['10.1.1.10'],
      queries: [
        {
          resolver: RESOLVER,
          question: 'expe.example.com A',
          outcome: 'answer',
          rcode: 'NOERROR',
          answers: ['expe.example.com. 60 IN A 10.1.1.10'],
          tcp: false,
        },
        {
          resolver: RESOLVER,
          question: 'expe.example.com AAAA',
          outcome: 'nodata',
          rcode: 'NOERROR',
          answers: [],
          tcp: false,
        },
      ],
    });
  });

  it('gives the detail of a failed lookup in its evidence', async () => {
    const probe = probeOf({
      'expe.example.com A': result('expe.example.com', 'A', 'refused'),
      'expe.example.com AAAA': result('expe.example.com', 'AAAA', 'refused'),
    });
    const evidence = lookupEvidence(await probe.resolveAddresses(RESOLVER, 'expe.example.com'));
    expect(evidence['outcome']).toBe('failed');
    expect(evidence['detail']).toBe('the resolver answered REFUSED');
  });
});
