import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/probes/limiter.js';
import { createDnsProbe, formatRecord, reverseName, type DnsProbe } from '../../src/probes/dns.js';
import { startNamed, type NamedInstance } from '../helpers/bind.js';
import { normalizeInventory } from '../../src/inventory/load.js';

function probeFor(resolvers: string[], timeoutMs = 2000): DnsProbe {
  const inventory = normalizeInventory(
    { domains: ['example.com'], dns: { internal: resolvers } },
    '<embedded>',
    new Set(),
  );
  return createDnsProbe({
    inventory,
    offline: false,
    timeoutMs,
    limiter: new Limiter(8),
    signal: new AbortController().signal,
    env: {},
  });
}

describe('DnsProbe against real BIND', () => {
  let named: NamedInstance;
  beforeAll(async () => {
    named = await startNamed('internal', ['good']);
  });
  afterAll(async () => {
    await named?.stop();
  });

  it('returns SRV answers with TTLs, rcode and the resolver asked', async () => {
    const result = await probeFor([named.ipv4]).query(named.ipv4, '_cisco-uds._tcp.example.com', 'SRV');
    expect(result.outcome).toBe('answer');
    expect(result.rcode).toBe('NOERROR');
    expect(result.resolver).toBe(named.ipv4);
    expect(result.tcp).toBe(false);
    expect(result.authoritative).toBe(true);
    expect(result.answers.map(formatRecord).sort()).toEqual([
      '_cisco-uds._tcp.example.com. 300 IN SRV 10 10 8443 cucm-pub.example.com.',
      '_cisco-uds._tcp.example.com. 300 IN SRV 10 10 8443 cucm-sub1.example.com.',
    ]);
  });

  it('tells NXDOMAIN from NODATA', async () => {
    const probe = probeFor([named.ipv4]);
    expect((await probe.query(named.ipv4, 'nothing-here.example.com', 'A')).outcome).toBe('nxdomain');
    expect((await probe.query(named.ipv4, 'cucm-pub.example.com', 'AAAA')).outcome).toBe('nodata');
  });

  it('answers REFUSED for a zone the server does not serve', async () => {
    const result = await probeFor([named.ipv4]).query(named.ipv4, 'www.example.org', 'A');
    expect(result.outcome).toBe('refused');
    expect(result.rcode).toBe('REFUSED');
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const result = await probeFor([named.ipv4]).query(named.ipv4, 'many.example.com', 'TXT');
    expect(result.tcp).toBe(true);
    expect(result.outcome).toBe('answer');
    expect(result.answers).toHaveLength(10);
  });

  it('asks an IPv6 resolver address with a custom port', async () => {
    const result = await probeFor([named.ipv6]).query(named.ipv6, 'cucm-pub.example.com', 'A');
    expect(result.resolver).toBe(`[::1]:${named.port}`);
    expect(result.answers.map((record) => record.address)).toEqual(['10.1.1.10']);
  });

  it('follows CNAME chains to the addresses', async () => {
    const lookup = await probeFor([named.ipv4]).resolveAddresses(named.ipv4, 'expc.example.com');
    expect(lookup.outcome).toBe('resolved');
    expect(lookup.addresses).toEqual(['10.1.1.30']);
    expect(lookup.chain).toEqual(['expc.example.com', 'expc-host.example.com']);
  });

  it('resolves AAAA records and IPv6 PTR names', async () => {
    const probe = probeFor([named.ipv4]);
    const lookup = await probe.resolveAddresses(named.ipv4, 'imp-sub.example.com');
    expect(lookup.addresses).toEqual(['2001:db8::20']);
    const ptr = await probe.query(named.ipv4, reverseName('2001:db8::20'), 'PTR');
    expect(ptr.answers.map((record) => record.target)).toEqual(['imp-sub.example.com']);
  });

  it('stops at a CNAME loop instead of looping', async () => {
    const lookup = await probeFor([named.ipv4]).resolveAddresses(named.ipv4, 'loop-a.example.com');
    expect(lookup.outcome).toBe('cname-loop');
    expect(lookup.addresses).toEqual([]);
  });

  it('sends identical queries once per run', async () => {
    const probe = probeFor([named.ipv4]);
    const [first, second] = await Promise.all([
      probe.query(named.ipv4, 'cucm-pub.example.com', 'A'),
      probe.query(`127.0.0.1:${named.port}`, 'CUCM-PUB.example.com.', 'A'),
    ]);
    expect(second).toBe(first);
  });
});

describe('reverseName', () => {
  it('builds in-addr.arpa and ip6.arpa names', () => {
    expect(reverseName('10.1.1.10')).toBe('10.1.1.10.in-addr.arpa');
    expect(reverseName('2001:db8::20')).toBe(
      '0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
});

describe('BIND helper', () => {
  it("fails loudly, with named's log, when a zone does not load", async () => {
    await expect(startNamed('internal', ['good', 'broken'])).rejects.toThrow(/zone failed to load[\s\S]*example\.com/);
  });
});
