import { describe, expect, it } from 'vitest';
import type { DnsQueryType, DnsRecord } from '../../../src/probes/dns.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { a, fakeZone, srv, type Entry } from './zone.js';

/**
 * MRA-DNS-006 on three table resolvers: answers compared as sets (order and TTL do not count, a
 * trailing dot neither), a disagreement listed by group of resolvers, and a resolver that does not
 * answer never hiding a disagreement of the others.
 */
const UDS = '_cisco-uds._tcp.example.com';
const FQDN = 'cucm-pub.example.com';
const RESOLVERS = ['10.9.9.1', '10.9.9.2', '10.9.9.3'];

async function judge(tables: Array<Record<string, Entry>>) {
  const zones = tables.map((table) => fakeZone(table, 3));
  const pick = (resolver: string) => zones[RESOLVERS.findIndex((ip) => resolver.startsWith(`${ip}:`))]!.dns;
  const dns = {
    query: (resolver: string, name: string, type: DnsQueryType, signal?: AbortSignal) =>
      pick(resolver).query(resolver, name, type, signal),
    resolveAddresses: (resolver: string, name: string, signal?: AbortSignal) =>
      pick(resolver).resolveAddresses(resolver, name, signal),
  };
  return testCheck('MRA-DNS-006', {
    inventory: {
      domains: ['example.com'],
      nodes: [{ fqdn: FQDN, role: 'cucm-publisher' }],
      dns: { internal: RESOLVERS.slice(0, tables.length) },
    },
    services: { dns },
  });
}

const withTtl = (record: DnsRecord, ttl: number): DnsRecord => ({ ...record, ttl });
const SRV1 = srv(UDS, FQDN);
const SRV2 = srv(UDS, 'cucm-sub1.example.com', 8443, 20);

describe('MRA-DNS-006 answer sets', () => {
  it('agrees on the same records in another order, with other TTLs, with or without the final dot', async () => {
    const findings = await judge([
      { [`${UDS} SRV`]: [SRV1, SRV2], [`${FQDN} A`]: [a(FQDN, '10.1.1.10')], [`${FQDN} AAAA`]: [] },
      {
        [`${UDS} SRV`]: [withTtl(SRV2, 17), withTtl(SRV1, 3)],
        [`${FQDN} A`]: [{ ...a(FQDN, '10.1.1.10'), ttl: 1 }],
        [`${FQDN} AAAA`]: [],
      },
    ]);
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      [`${UDS} SRV`, 'pass', 'agree'],
      [`${FQDN} A/AAAA`, 'pass', 'agree'],
    ]);
    expect(findings[1]!.message).toBe(
      `The 2 internal resolvers give the same answer for ${FQDN} A/AAAA: ${FQDN} A 10.1.1.10.`,
    );
    expect(findings[0]!.durationMs).toBe(3);
    const none = await judge([{}, {}]);
    expect(findingFor(none, `${FQDN} A/AAAA`).message).toContain(`for ${FQDN} A/AAAA: no records.`);
  });

  it('lists each group of resolvers with its answers when they disagree', async () => {
    const one = { [`${UDS} SRV`]: [SRV1], [`${FQDN} A`]: [a(FQDN, '10.1.1.10')], [`${FQDN} AAAA`]: [] };
    const findings = await judge([one, { ...one, [`${FQDN} A`]: [a(FQDN, '10.1.1.99')] }, one]);
    const disagree = findingFor(findings, `${FQDN} A/AAAA`);
    expect(disagree).toMatchObject({ status: 'fail', messageId: 'disagree', severity: 'warning' });
    expect(disagree.message).toBe(
      `Internal resolvers disagree on ${FQDN} A/AAAA: from 10.9.9.1:53, 10.9.9.3:53: ${FQDN} A 10.1.1.10; from 10.9.9.2:53: ${FQDN} A 10.1.1.99.`,
    );
    expect(disagree.group).toEqual({
      key: `resolver-agreement:${FQDN} A/AAAA`,
      label: `internal resolvers' answers for ${FQDN} A/AAAA`,
    });
    expect(disagree.evidence).toMatchObject({
      question: `${FQDN} A/AAAA`,
      resolvers: [
        { resolver: '10.9.9.1:53', answerSet: `${FQDN} A 10.1.1.10` },
        { resolver: '10.9.9.2:53', answerSet: `${FQDN} A 10.1.1.99` },
        { resolver: '10.9.9.3:53', answerSet: `${FQDN} A 10.1.1.10` },
      ],
    });
    expect(findingFor(findings, `${UDS} SRV`).status).toBe('pass');
  });

  it('fails a disagreement of the resolvers that answered even when another did not answer', async () => {
    const one = { [`${FQDN} A`]: [a(FQDN, '10.1.1.10')], [`${FQDN} AAAA`]: [] };
    const findings = await judge([
      one,
      { [`${FQDN} A`]: [a(FQDN, '10.1.1.99')], [`${FQDN} AAAA`]: [] },
      { [`${FQDN} A`]: 'servfail', [`${FQDN} AAAA`]: [] },
    ]);
    expect(findingFor(findings, `${FQDN} A/AAAA`)).toMatchObject({ status: 'fail', messageId: 'disagree' });
    const unsure = await judge([one, { [`${FQDN} A`]: 'refused', [`${FQDN} AAAA`]: [] }]);
    const finding = findingFor(unsure, `${FQDN} A/AAAA`);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'compareFailed' });
    expect(finding.message).toMatch(
      new RegExp(`^Could not compare ${FQDN} A/AAAA across internal resolvers: 10\\.9\\.9\\.2:53: `),
    );
    expect(finding.evidence.resolvers).toMatchObject([{ answerSet: `${FQDN} A 10.1.1.10` }, { answerSet: null }]);
  });

  it('asks the reverse name of each node with an address, and has nothing to compare with one resolver', async () => {
    const single = await testCheck('MRA-DNS-006', {
      inventory: { domains: ['example.com'], nodes: [], dns: { internal: ['10.9.9.1'] } },
      services: { dns: fakeZone({}).dns },
    });
    expect(single).toMatchObject([{ status: 'skipped', messageId: 'nothingInScope' }]);
    expect(single[0]!.message).toBe(
      'Nothing to examine: only one internal resolver (10.9.9.1:53) in the inventory; there is nothing to compare.',
    );
  });
});

describe('MRA-DNS-006 when resolvers do not answer', () => {
  it('names every resolver that did not answer, and why', async () => {
    const good = { [`${FQDN} A`]: [a(FQDN, '10.1.1.10')], [`${FQDN} AAAA`]: [] } satisfies Record<string, Entry>;
    const findings = await judge([
      { ...good, [`${UDS} SRV`]: 'servfail' },
      { ...good, [`${UDS} SRV`]: 'timeout' },
      { ...good, [`${UDS} SRV`]: [SRV1] },
    ]);
    const finding = findingFor(findings, `${UDS} SRV`);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'compareFailed' });
    expect(finding.message).toBe(
      `Could not compare ${UDS} SRV across internal resolvers: 10.9.9.1:53: the resolver answered SERVFAIL; 10.9.9.2:53: no reply within the timeout.`,
    );
  });
});
