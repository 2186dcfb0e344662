import { describe, expect, it } from 'vitest';
import type { DnsQueryType, DnsRecord } from '../../../src/probes/dns.js';
import { testCheck } from '../../helpers/check.js';
import { a, fakeZone, type Entry } from './zone.js';

/**
 * MRA-DNS-005 answer by answer on two table resolvers: PTR missing, naming another host, or not
 * confirmed forward; the worst problem names the finding and every resolver's problem is listed.
 */
const FQDN = 'cucm-pub.example.com';
const PTR = '10.1.1.10.in-addr.arpa';
const ptr = (target: string): DnsRecord => ({ name: PTR, type: 'PTR', ttl: 300, data: `${target}.`, target });
const GOOD = {
  [`${PTR} PTR`]: [ptr(FQDN)],
  [`${FQDN} A`]: [a(FQDN, '10.1.1.10')],
  [`${FQDN} AAAA`]: [],
} satisfies Record<string, Entry>;

async function judge(
  first: Record<string, Entry>,
  second: Record<string, Entry> = GOOD,
  ip: string | null = '10.1.1.10',
) {
  const zones = [fakeZone(first), fakeZone(second)];
  const pick = (resolver: string) => zones[resolver.startsWith('10.9.9.1') ? 0 : 1]!.dns;
  const dns = {
    query: (resolver: string, name: string, type: DnsQueryType, signal?: AbortSignal) =>
      pick(resolver).query(resolver, name, type, signal),
    resolveAddresses: (resolver: string, name: string, signal?: AbortSignal) =>
      pick(resolver).resolveAddresses(resolver, name, signal),
  };
  const [finding] = await testCheck('MRA-DNS-005', {
    inventory: {
      domains: ['example.com'],
      nodes: [{ fqdn: FQDN, ...(ip !== null ? { ip } : {}), role: 'cucm-publisher' }],
      dns: { internal: ['10.9.9.1', '10.9.9.2'] },
    },
    services: { dns },
  });
  return { finding: finding!, asked: zones.map((zone) => zone.asked) };
}

describe('MRA-DNS-005 answer by answer', () => {
  it('passes a PTR naming the node that resolves back, on every resolver', async () => {
    const { finding } = await judge(GOOD);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'reverseOk' });
    expect(finding.message).toBe(
      `10.1.1.10 has a PTR naming ${FQDN} on every internal resolver, and ${FQDN} resolves back to 10.1.1.10.`,
    );
    expect(finding.evidence).toMatchObject({ fqdn: FQDN, ip: '10.1.1.10', ptrName: PTR });
    expect(finding.evidence.resolvers as unknown[]).toHaveLength(2);
  });

  it('fails a missing PTR (NXDOMAIN or none), naming the reverse name', async () => {
    const { finding } = await judge({}, { ...GOOD, [`${PTR} PTR`]: [] });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'ptrMissing' });
    expect(finding.message).toBe(
      `10.1.1.10 (${FQDN}) has no PTR record internally: 10.9.9.1:53: NXDOMAIN for ${PTR}; 10.9.9.2:53: no PTR record for ${PTR}.`,
    );
    // The PTR belongs in the /24 reverse zone of the address.
    expect(finding.group).toEqual({
      key: 'dns-zone:reverse:1.1.10.in-addr.arpa',
      label: 'reverse DNS zone 1.1.10.in-addr.arpa',
    });
  });

  it('fails a PTR naming another host, without a forward lookup for it', async () => {
    const { finding, asked } = await judge({ ...GOOD, [`${PTR} PTR`]: [ptr('old-pub.example.com')] });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'ptrOtherHost' });
    expect(finding.message).toBe(`The PTR of 10.1.1.10 does not name ${FQDN}: 10.9.9.1:53 says old-pub.example.com.`);
    expect(asked[0]).toEqual([`${PTR} PTR`]);
  });

  it('fails a PTR whose name does not lead back to the address', async () => {
    const { finding } = await judge(
      { ...GOOD, [`${FQDN} A`]: [a(FQDN, '10.1.1.99')] },
      { ...GOOD, [`${FQDN} A`]: 'nxdomain', [`${FQDN} AAAA`]: 'nxdomain' },
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'ptrNotConfirmed' });
    expect(finding.message).toBe(
      `The PTR of 10.1.1.10 names ${FQDN}, but ${FQDN} does not resolve back to 10.1.1.10: 10.9.9.1:53: ${FQDN} gives 10.1.1.99; 10.9.9.2:53: ${FQDN} gives NXDOMAIN.`,
    );
    const nodata = await judge({ ...GOOD, [`${FQDN} A`]: [] });
    expect(nodata.finding.message).toContain(`10.9.9.1:53: ${FQDN} gives nodata`);
  });

  it('names the worst problem: missing over other host over not confirmed over unknown', async () => {
    const otherHost = { ...GOOD, [`${PTR} PTR`]: [ptr('old-pub.example.com')] };
    expect((await judge(otherHost, {})).finding.messageId).toBe('ptrMissing');
    expect((await judge(otherHost, { ...GOOD, [`${FQDN} A`]: [] })).finding.messageId).toBe('ptrOtherHost');
    const failing = { [`${PTR} PTR`]: 'servfail' } satisfies Record<string, Entry>;
    expect((await judge(failing, { ...GOOD, [`${FQDN} A`]: [] })).finding.messageId).toBe('ptrNotConfirmed');
    const unsure = (await judge(failing)).finding;
    expect(unsure).toMatchObject({ status: 'inconclusive', messageId: 'reverseFailed' });
    expect(unsure.message).toMatch(
      /^Could not check the reverse record of 10\.1\.1\.10 \(cucm-pub\.example\.com\): 10\.9\.9\.1:53: /,
    );
    const forwardFails = (await judge({ ...GOOD, [`${FQDN} A`]: 'servfail', [`${FQDN} AAAA`]: 'servfail' })).finding;
    expect(forwardFails).toMatchObject({ status: 'inconclusive', messageId: 'reverseFailed' });
  });

  it('looks up the canonical reverse name of an IPv6 address, and skips a node without an address', async () => {
    const v6 = '2001:db8::10';
    const name = '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
    const record: DnsRecord = { name, type: 'PTR', ttl: 300, data: `${FQDN}.`, target: FQDN };
    const aaaa: DnsRecord = { name: FQDN, type: 'AAAA', ttl: 300, data: v6, address: v6 };
    const table = { [`${name} PTR`]: [record], [`${FQDN} A`]: [], [`${FQDN} AAAA`]: [aaaa] };
    const { finding } = await judge(table, table, '2001:DB8:0::10');
    expect(finding).toMatchObject({ status: 'pass', messageId: 'reverseOk', evidence: { ip: v6, ptrName: name } });
    const { finding: none } = await judge(GOOD, GOOD, null);
    expect(none).toMatchObject({
      status: 'skipped',
      messageId: 'noAddress',
      message: `The inventory gives ${FQDN} no ip, so there is no address to look up in reverse.`,
    });
  });
});

describe('MRA-DNS-005 fix group of an IPv6 address', () => {
  it('groups a missing IPv6 PTR under its /64 ip6.arpa zone', async () => {
    const v6 = '2001:db8::10';
    const table = { [`${FQDN} A`]: [], [`${FQDN} AAAA`]: [] };
    const { finding } = await judge(table, table, v6);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'ptrMissing' });
    expect(finding.group).toEqual({
      key: 'dns-zone:reverse:0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
      label: 'reverse DNS zone 0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    });
  });
});

describe('MRA-DNS-005 answers in detail', () => {
  it('counts only PTR records: a CNAME alone in the answer is no PTR', async () => {
    const alias: DnsRecord = {
      name: PTR,
      type: 'CNAME',
      ttl: 300,
      data: '10.0-25.1.1.10.in-addr.arpa.',
      target: '10.0-25.1.1.10.in-addr.arpa',
    };
    const { finding } = await judge(
      { ...GOOD, [`${PTR} PTR`]: [alias] },
      { ...GOOD, [`${PTR} PTR`]: [alias, ptr(FQDN)] },
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'ptrMissing' });
    expect(finding.message).toBe(
      `10.1.1.10 (${FQDN}) has no PTR record internally: 10.9.9.1:53: no PTR record for ${PTR}.`,
    );
    expect(finding.evidence.resolvers).toMatchObject([
      { resolver: '10.9.9.1:53', question: `${PTR} PTR`, outcome: 'answer' },
      { resolver: '10.9.9.2:53', question: `${PTR} PTR`, outcome: 'answer' },
    ]);
  });

  it('names every host the PTR records name', async () => {
    const { finding } = await judge({ ...GOOD, [`${PTR} PTR`]: [ptr('a.example.com'), ptr('b.example.com')] });
    expect(finding.message).toBe(
      `The PTR of 10.1.1.10 does not name ${FQDN}: 10.9.9.1:53 says a.example.com, b.example.com.`,
    );
  });

  it('names every address the name gives instead, and why a forward lookup failed', async () => {
    const { finding: other } = await judge({
      ...GOOD,
      [`${FQDN} A`]: [a(FQDN, '10.1.1.98'), a(FQDN, '10.1.1.99')],
    });
    expect(other).toMatchObject({ status: 'fail', messageId: 'ptrNotConfirmed' });
    expect(other.message).toContain(`10.9.9.1:53: ${FQDN} gives 10.1.1.98, 10.1.1.99`);
    const { finding: failed } = await judge({ ...GOOD, [`${FQDN} A`]: 'servfail', [`${FQDN} AAAA`]: 'servfail' });
    expect(failed).toMatchObject({ status: 'inconclusive', messageId: 'reverseFailed' });
    expect(failed.message).toBe(
      `Could not check the reverse record of 10.1.1.10 (${FQDN}): 10.9.9.1:53: the resolver answered SERVFAIL.`,
    );
  });
});
