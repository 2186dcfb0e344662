import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { a, cname, fakeZone, srv, type Entry } from './zone.js';

/**
 * The SRV rules record by record, against a resolver that answers from a table: what each kind of
 * wrong record says, what is looked up (only targets of the expected role), and when the verdict
 * is inconclusive instead of a fail.
 */
const UDS = '_cisco-uds._tcp.example.com';
const EDGE = '_collab-edge._tls.example.com';
const RESOLVER = '10.9.9.9:53';
const NODES = [
  { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
  { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' },
  { fqdn: 'expe.example.com', ip: '203.0.113.30', role: 'expressway-e' },
];
const HOSTS = {
  'cucm-pub.example.com A': [a('cucm-pub.example.com', '10.1.1.10')],
  'cucm-sub1.example.com A': [a('cucm-sub1.example.com', '10.1.1.11')],
  'expe.example.com A': [a('expe.example.com', '203.0.113.30')],
} satisfies Record<string, Entry>;

async function judge(rule: 'MRA-DNS-001' | 'MRA-DNS-003', table: Record<string, Entry>) {
  const zone = fakeZone({ ...HOSTS, ...table });
  const view = rule === 'MRA-DNS-001' ? 'internal' : 'external';
  const findings = await testCheck(rule, {
    inventory: { domains: ['example.com'], nodes: NODES, dns: { [view]: ['10.9.9.9'] } },
    services: { dns: zone.dns },
  });
  return { finding: findingFor(findings, `${rule === 'MRA-DNS-001' ? UDS : EDGE}@${RESOLVER}`), asked: zone.asked };
}

describe('SRV records judged one by one (MRA-DNS-001)', () => {
  it('passes CUCM targets on 8443 that resolve there', async () => {
    const { finding } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com'), srv(UDS, 'cucm-sub1.example.com', 8443, 20)],
    });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'srvValid' });
    expect(finding.message).toBe(
      `${UDS} on ${RESOLVER} points to CUCM nodes of the inventory on port 8443, and each resolves: cucm-pub.example.com:8443, cucm-sub1.example.com:8443.`,
    );
    expect(finding.evidence.targets).toMatchObject([
      { target: 'cucm-pub.example.com', port: 8443, priority: 10, weight: 10, expectedRole: true, lookup: {} },
      { target: 'cucm-sub1.example.com', port: 8443, priority: 20, expectedRole: true },
    ]);
    // The SRV query and the slowest target lookup: 5 ms each.
    expect(finding.durationMs).toBe(10);
  });

  it('names each wrong record: port, role, the "." target; and looks up only CUCM targets', async () => {
    const { finding, asked } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com', 8080), srv(UDS, 'imp-pub.example.com'), srv(UDS, '')],
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(finding.message).toBe(
      `${UDS} on ${RESOLVER} is wrong: cucm-pub.example.com is on port 8080, not 8443; imp-pub.example.com is not a CUCM node of the inventory (role cucm-publisher/cucm-subscriber); ${UDS}. 300 IN SRV 10 10 8443 . has target "." (service explicitly not offered).`,
    );
    expect(finding.group).toEqual({ key: 'dns-zone:internal:example.com', label: 'internal DNS zone example.com' });
    expect(asked.filter((question) => question.startsWith('imp-pub'))).toEqual([]);
    expect(asked).toContain('cucm-pub.example.com A');
    expect(finding.evidence.targets).toMatchObject([
      { target: 'cucm-pub.example.com', expectedRole: true },
      { target: 'imp-pub.example.com', expectedRole: false },
      { target: '.', expectedRole: false },
    ]);
    expect(finding.evidence.targets as object[]).toSatisfy((targets: Array<Record<string, unknown>>) =>
      targets.slice(1).every((entry) => !('lookup' in entry)),
    );
  });

  it('fails a CUCM target that does not resolve on that resolver, saying how', async () => {
    const { finding } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com'), srv(UDS, 'cucm-sub1.example.com')],
      'cucm-pub.example.com A': 'nxdomain',
      'cucm-pub.example.com AAAA': 'nxdomain',
      'cucm-sub1.example.com A': [],
      'cucm-sub1.example.com AAAA': [],
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(finding.message).toBe(
      `${UDS} on ${RESOLVER} is wrong: cucm-pub.example.com does not resolve on ${RESOLVER} (NXDOMAIN); cucm-sub1.example.com does not resolve on ${RESOLVER} (no A/AAAA).`,
    );
  });

  it('fails a target in a CNAME loop', async () => {
    const { finding } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com')],
      'cucm-pub.example.com A': [cname('cucm-pub.example.com', 'loop.example.com')],
      'cucm-pub.example.com AAAA': [cname('cucm-pub.example.com', 'loop.example.com')],
      'loop.example.com A': [cname('loop.example.com', 'cucm-pub.example.com')],
      'loop.example.com AAAA': [cname('loop.example.com', 'cucm-pub.example.com')],
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(finding.message).toBe(
      `${UDS} on ${RESOLVER} is wrong: cucm-pub.example.com does not resolve: CNAME chain cucm-pub.example.com -> loop.example.com loops or exceeds 8 hops.`,
    );
  });

  it('is inconclusive, not a fail, when only the target lookup could not be answered', async () => {
    const { finding } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com')],
      'cucm-pub.example.com A': 'servfail',
      'cucm-pub.example.com AAAA': 'servfail',
    });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'targetLookupFailed' });
    expect(finding.message).toMatch(
      new RegExp(
        `^${UDS} on ${RESOLVER} has SRV records, but their targets could not be resolved there: cucm-pub\\.example\\.com: `,
      ),
    );
    // A wrong record next to it is still a fail: the fault is known.
    const { finding: mixed } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com'), srv(UDS, 'cucm-sub1.example.com', 443)],
      'cucm-pub.example.com A': 'servfail',
      'cucm-pub.example.com AAAA': 'servfail',
    });
    expect(mixed).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
  });

  it('says NXDOMAIN or NODATA when the SRV name has no records', async () => {
    const { finding: none } = await judge('MRA-DNS-001', {});
    expect(none).toMatchObject({ status: 'fail', messageId: 'srvMissing' });
    expect(none.message).toBe(`${UDS} has no SRV answer on internal resolver ${RESOLVER}: NXDOMAIN.`);
    const { finding: empty } = await judge('MRA-DNS-001', {
      [`${UDS} TXT`]: [{ name: UDS, type: 'TXT', ttl: 1, data: '"x"' }],
      [`${UDS} SRV`]: [{ name: UDS, type: 'TXT', ttl: 1, data: '"x"' }],
    });
    expect(empty.message).toBe(`${UDS} has no SRV answer on internal resolver ${RESOLVER}: no SRV records (NODATA).`);
  });

  it('keeps the message to ten problems however many records come back', async () => {
    // Short problems, so that the message argument stays under its 500-character cut.
    const records = Array.from({ length: 13 }, (_, i) => srv(UDS, 'cucm-pub.example.com', i + 1));
    const { finding } = await judge('MRA-DNS-001', { [`${UDS} SRV`]: records });
    const problems = finding.message
      .replace(/^.* is wrong: /, '')
      .replace(/\.$/, '')
      .split('; ');
    expect(problems).toHaveLength(11);
    expect(problems[9]).toBe('cucm-pub.example.com is on port 10, not 8443');
    expect(problems[10]).toBe('3 more (see evidence)');
    expect(finding.evidence.targets).toHaveLength(13);
  });
});

describe('SRV records judged one by one (MRA-DNS-003)', () => {
  it('passes an Expressway-E target on 8443 and fails a CUCM node there', async () => {
    const { finding: good } = await judge('MRA-DNS-003', { [`${EDGE} SRV`]: [srv(EDGE, 'expe.example.com')] });
    expect(good).toMatchObject({ status: 'pass', messageId: 'srvValid' });
    const { finding: bad } = await judge('MRA-DNS-003', { [`${EDGE} SRV`]: [srv(EDGE, 'cucm-pub.example.com')] });
    expect(bad).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(bad.message).toContain('cucm-pub.example.com is not an Expressway-E');
    // The public zone of the domain, where _collab-edge is published.
    expect(bad.group).toEqual({ key: 'dns-zone:external:example.com', label: 'public DNS zone example.com' });
  });
});

describe('SRV messages in detail (MRA-DNS-001)', () => {
  it('names every target that could not be resolved, and why', async () => {
    const { finding } = await judge('MRA-DNS-001', {
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com'), srv(UDS, 'cucm-sub1.example.com')],
      'cucm-pub.example.com A': 'servfail',
      'cucm-pub.example.com AAAA': 'servfail',
      'cucm-sub1.example.com A': 'timeout',
      'cucm-sub1.example.com AAAA': 'timeout',
    });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'targetLookupFailed' });
    expect(finding.message).toBe(
      `${UDS} on ${RESOLVER} has SRV records, but their targets could not be resolved there: cucm-pub.example.com: the resolver answered SERVFAIL; cucm-sub1.example.com: no reply within the timeout.`,
    );
  });

  it('says why the SRV query itself failed', async () => {
    const { finding } = await judge('MRA-DNS-001', { [`${UDS} SRV`]: 'servfail' });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'queryFailed' });
    expect(finding.message).toBe(
      `Could not get ${UDS} SRV from internal resolver ${RESOLVER}: the resolver answered SERVFAIL.`,
    );
  });

  it('lists exactly ten problems without a "more" note', async () => {
    const records = Array.from({ length: 10 }, (_, i) => srv(UDS, 'cucm-pub.example.com', i + 1));
    const { finding } = await judge('MRA-DNS-001', { [`${UDS} SRV`]: records });
    const problems = finding.message
      .replace(/^.* is wrong: /, '')
      .replace(/\.$/, '')
      .split('; ');
    expect(problems).toHaveLength(10);
    expect(problems[9]).toBe('cucm-pub.example.com is on port 10, not 8443');
  });

  it('times only the SRV query when no target is looked up', async () => {
    const { finding } = await judge('MRA-DNS-001', { [`${UDS} SRV`]: [srv(UDS, 'imp-pub.example.com')] });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(finding.durationMs).toBe(5);
  });
});
