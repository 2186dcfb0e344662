import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { failingDns, inventory, NODES, goodAndFaultyNamed } from './fixture.js';

describe('MRA-DNS-005 reverse-internal', () => {
  const named = goodAndFaultyNamed('internal');

  it('passes when every address has a PTR naming the node, confirmed forward (real BIND, IPv4 and IPv6)', async () => {
    const findings = await testCheck('MRA-DNS-005', {
      inventory: inventory({ internal: [named.good.ipv4, named.good.ipv6] }),
    });
    expect(findings.map((finding) => [finding.target, finding.status])).toEqual(
      NODES.map((node) => [node.fqdn, 'pass']),
    );
    const impSub = findingFor(findings, 'imp-sub.example.com');
    expect(impSub.evidence).toMatchObject({
      ip: '2001:db8::20',
      ptrName: '0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    });
  });

  it('fails on a missing PTR, a PTR naming another host and a PTR not confirmed forward', async () => {
    const findings = await testCheck('MRA-DNS-005', { inventory: inventory({ internal: [named.faulty.ipv4] }) });
    expect(findingFor(findings, 'cucm-pub.example.com').status).toBe('pass');
    expect(findingFor(findings, 'expe.example.com').status).toBe('pass');
    const sub = findingFor(findings, 'cucm-sub1.example.com');
    expect(sub).toMatchObject({ status: 'fail', messageId: 'ptrMissing' });
    expect(sub.message).toContain('NXDOMAIN for 11.1.1.10.in-addr.arpa');
    const imp = findingFor(findings, 'imp-pub.example.com');
    expect(imp).toMatchObject({ status: 'fail', messageId: 'ptrOtherHost' });
    expect(imp.message).toContain('says expc.example.com');
    const expc = findingFor(findings, 'expc.example.com');
    expect(expc).toMatchObject({ status: 'fail', messageId: 'ptrNotConfirmed' });
    expect(expc.message).toContain('expc.example.com gives 10.1.1.31');
    expect(findingFor(findings, 'imp-sub.example.com')).toMatchObject({ status: 'fail', messageId: 'ptrNotConfirmed' });
  });

  it('skips a node without an inventory address', async () => {
    const [finding] = await testCheck('MRA-DNS-005', {
      inventory: inventory({ internal: [named.good.ipv4] }, [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }]),
    });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'noAddress', target: 'cucm-pub.example.com' });
  });

  it('is skipped for the deployment when there are no nodes', async () => {
    const [finding] = await testCheck('MRA-DNS-005', { inventory: inventory({ internal: [named.good.ipv4] }, []) });
    expect(finding).toMatchObject({ status: 'skipped', target: 'deployment' });
  });

  it.each(['servfail', 'refused', 'timeout', 'malformed'] as const)('is inconclusive on %s', async (outcome) => {
    const findings = await testCheck('MRA-DNS-005', {
      inventory: inventory({ internal: ['10.1.1.53'] }),
      services: { dns: failingDns(outcome) },
    });
    expect(findings.map((finding) => finding.messageId)).toEqual(NODES.map(() => 'reverseFailed'));
  });
});
