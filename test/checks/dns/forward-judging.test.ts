import { describe, expect, it } from 'vitest';
import { forwardVerdict } from '../../../src/checks/dns/forward-internal.js';
import type { AddressLookup, DnsRecord } from '../../../src/probes/dns.js';
import { testCheck } from '../../helpers/check.js';
import { a, cname, fakeZone, type Entry } from './zone.js';

/**
 * MRA-DNS-004 answer by answer, on two resolvers that answer from tables: which outcome wins when
 * resolvers disagree (missing over wrong over unknown), what "only its inventory address" means for
 * IPv4 and IPv6, and what each message lists.
 */
const aaaa = (name: string, address: string): DnsRecord => ({ name, type: 'AAAA', ttl: 300, data: address, address });
const FQDN = 'cucm-pub.example.com';

async function judge(tables: [Record<string, Entry>, Record<string, Entry>], ip: string | null = '10.1.1.10') {
  const zones = tables.map((table) => fakeZone(table));
  const dns = {
    query: (
      resolver: string,
      name: string,
      type: Parameters<(typeof zones)[0]['dns']['query']>[2],
      signal?: AbortSignal,
    ) => zones[resolver.startsWith('10.9.9.1') ? 0 : 1]!.dns.query(resolver, name, type, signal),
    resolveAddresses: (resolver: string, name: string, signal?: AbortSignal) =>
      zones[resolver.startsWith('10.9.9.1') ? 0 : 1]!.dns.resolveAddresses(resolver, name, signal),
  };
  const [finding] = await testCheck('MRA-DNS-004', {
    inventory: {
      domains: ['example.com'],
      nodes: [{ fqdn: FQDN, ...(ip !== null ? { ip } : {}), role: 'cucm-publisher' }],
      dns: { internal: ['10.9.9.1', '10.9.9.2'] },
    },
    services: { dns },
  });
  return finding!;
}

const good = { [`${FQDN} A`]: [a(FQDN, '10.1.1.10')], [`${FQDN} AAAA`]: [] } satisfies Record<string, Entry>;

describe('MRA-DNS-004 answer by answer', () => {
  it('passes the inventory address on every resolver, naming them', async () => {
    const finding = await judge([good, good]);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'forwardOk' });
    expect(finding.message).toBe(
      `${FQDN} resolves to its inventory address 10.1.1.10 on every internal resolver (10.9.9.1:53, 10.9.9.2:53).`,
    );
    expect(finding.evidence).toMatchObject({ fqdn: FQDN, inventoryIp: '10.1.1.10' });
    expect(finding.evidence.resolvers).toHaveLength(2);
    // The slowest query of the lookups (the fake zone answers each in 5 ms).
    expect(finding.durationMs).toBe(5);
  });

  it('passes an address of the other family next to the inventory address (dual stack)', async () => {
    const finding = await judge([{ ...good, [`${FQDN} AAAA`]: [aaaa(FQDN, '2001:db8::10')] }, good]);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'forwardOk' });
  });

  it('fails a second address of the same family, or another address, as wrong', async () => {
    const extra = await judge([{ ...good, [`${FQDN} A`]: [a(FQDN, '10.1.1.10'), a(FQDN, '10.1.1.99')] }, good]);
    expect(extra).toMatchObject({ status: 'fail', messageId: 'forwardWrong' });
    expect(extra.message).toBe(
      `${FQDN} does not resolve to its inventory address 10.1.1.10 only: 10.9.9.1:53 gives 10.1.1.10, 10.1.1.99.`,
    );
    const other = await judge([good, { ...good, [`${FQDN} A`]: [a(FQDN, '10.1.1.11')] }]);
    expect(other.message).toBe(
      `${FQDN} does not resolve to its inventory address 10.1.1.10 only: 10.9.9.2:53 gives 10.1.1.11.`,
    );
    // The record lives in the node's parent zone on the internal view.
    expect(other.group).toEqual({ key: 'dns-zone:internal:example.com', label: 'internal DNS zone example.com' });
  });

  it('compares an IPv6 inventory address in canonical form', async () => {
    const v6 = { [`${FQDN} A`]: [], [`${FQDN} AAAA`]: [aaaa(FQDN, '2001:db8::10')] };
    expect(await judge([v6, v6], '2001:DB8:0:0:0:0:0:10')).toMatchObject({ status: 'pass', messageId: 'forwardOk' });
  });

  it('fails a resolver without the name before one with a wrong address, listing both', async () => {
    const finding = await judge([{}, { ...good, [`${FQDN} A`]: [a(FQDN, '10.1.1.11')] }]);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'forwardMissing' });
    expect(finding.message).toBe(
      `${FQDN} does not resolve internally: 10.9.9.1:53: NXDOMAIN; 10.9.9.2:53 gives 10.1.1.11.`,
    );
    const nodata = await judge([{ [`${FQDN} A`]: [], [`${FQDN} AAAA`]: [] }, good]);
    expect(nodata.message).toBe(`${FQDN} does not resolve internally: 10.9.9.1:53: no A/AAAA record.`);
  });

  it('fails a CNAME loop as missing, and is inconclusive only when nothing is known wrong', async () => {
    const loop = {
      [`${FQDN} A`]: [cname(FQDN, 'loop.example.com')],
      [`${FQDN} AAAA`]: [cname(FQDN, 'loop.example.com')],
      'loop.example.com A': [cname('loop.example.com', FQDN)],
      'loop.example.com AAAA': [cname('loop.example.com', FQDN)],
    };
    expect(await judge([loop, good])).toMatchObject({ status: 'fail', messageId: 'forwardMissing' });
    const failing = { [`${FQDN} A`]: 'servfail', [`${FQDN} AAAA`]: 'servfail' } satisfies Record<string, Entry>;
    const unsure = await judge([failing, good]);
    expect(unsure).toMatchObject({ status: 'inconclusive', messageId: 'forwardFailed' });
    expect(unsure.message).toMatch(
      /^Could not resolve cucm-pub\.example\.com on every internal resolver: 10\.9\.9\.1:53: /,
    );
    expect(await judge([failing, { ...good, [`${FQDN} A`]: [a(FQDN, '10.1.1.11')] }])).toMatchObject({
      status: 'fail',
      messageId: 'forwardWrong',
    });
  });

  it('passes any answer for a node without an inventory address, saying there was nothing to compare', async () => {
    const finding = await judge([good, { ...good, [`${FQDN} A`]: [a(FQDN, '10.1.1.11')] }], null);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'forwardOkNoIp' });
    expect(finding.message).toBe(
      `${FQDN} resolves on every internal resolver (10.9.9.1:53: 10.1.1.10; 10.9.9.2:53: 10.1.1.11); the inventory gives no ip to compare with.`,
    );
    expect(finding.evidence).not.toHaveProperty('inventoryIp');
  });
});

describe('MRA-DNS-004 verdict of one resolver (forwardVerdict)', () => {
  const lookup = (fields: Partial<AddressLookup>): AddressLookup => ({
    resolver: '10.9.9.1:53',
    name: FQDN,
    outcome: 'resolved',
    addresses: [],
    chain: [FQDN],
    queries: [],
    ...fields,
  });

  it('is unknown for a failed lookup, with its detail or "no answer"', () => {
    expect(forwardVerdict(lookup({ outcome: 'failed', detail: 'SERVFAIL for A' }), '10.1.1.10')).toEqual({
      kind: 'unknown',
      text: '10.9.9.1:53: SERVFAIL for A',
    });
    expect(forwardVerdict(lookup({ outcome: 'failed' }), '10.1.1.10')).toEqual({
      kind: 'unknown',
      text: '10.9.9.1:53: no answer',
    });
  });

  it('is missing for a CNAME loop, with its detail or "CNAME loop"', () => {
    expect(forwardVerdict(lookup({ outcome: 'cname-loop', detail: 'a -> b -> a' }), '10.1.1.10')).toEqual({
      kind: 'missing',
      text: '10.9.9.1:53: a -> b -> a',
    });
    expect(forwardVerdict(lookup({ outcome: 'cname-loop' }), '10.1.1.10')).toEqual({
      kind: 'missing',
      text: '10.9.9.1:53: CNAME loop',
    });
  });

  it('is ok for the inventory address, naming what the resolver gave', () => {
    expect(forwardVerdict(lookup({ addresses: ['10.1.1.10', '2001:db8::10'] }), '10.1.1.10')).toEqual({
      kind: 'ok',
      text: '10.9.9.1:53: 10.1.1.10, 2001:db8::10',
    });
  });
});
