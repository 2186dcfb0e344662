import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { failingDns, inventory, NODES, goodAndFaultyNamed } from './fixture.js';

describe('MRA-DNS-004 forward-internal', () => {
  const named = goodAndFaultyNamed('internal');

  it('passes for every node, following CNAMEs and AAAA (real BIND)', async () => {
    const findings = await testCheck('MRA-DNS-004', {
      inventory: inventory({ internal: [named.good.ipv4, named.good.ipv6] }),
    });
    expect(findings).toHaveLength(NODES.length);
    expect(findings.map((finding) => finding.status)).toEqual(NODES.map(() => 'pass'));
    const expc = findingFor(findings, 'expc.example.com');
    expect(expc.evidence.resolvers).toEqual([
      expect.objectContaining({
        resolver: named.good.ipv4,
        addresses: ['10.1.1.30'],
        cnameChain: ['expc.example.com', 'expc-host.example.com'],
      }),
      expect.objectContaining({ resolver: `[::1]:${named.good.port}`, addresses: ['10.1.1.30'] }),
    ]);
    expect(findingFor(findings, 'imp-sub.example.com').message).toContain('2001:db8::20');
  });

  it('fails on a wrong address and on a missing record', async () => {
    const findings = await testCheck('MRA-DNS-004', { inventory: inventory({ internal: [named.faulty.ipv4] }) });
    expect(findingFor(findings, 'cucm-pub.example.com').status).toBe('pass');
    const expc = findingFor(findings, 'expc.example.com');
    expect(expc).toMatchObject({ status: 'fail', messageId: 'forwardWrong' });
    expect(expc.message).toContain(`${named.faulty.ipv4} gives 10.1.1.31`);
    expect(findingFor(findings, 'imp-sub.example.com')).toMatchObject({ status: 'fail', messageId: 'forwardMissing' });
  });

  it('fails when one of two resolvers is wrong, naming that resolver', async () => {
    const findings = await testCheck('MRA-DNS-004', {
      inventory: inventory({ internal: [named.good.ipv4, named.faulty.ipv4] }),
    });
    const expc = findingFor(findings, 'expc.example.com');
    expect(expc.status).toBe('fail');
    expect(expc.message).toContain(named.faulty.ipv4);
    expect(expc.message).not.toContain(named.good.ipv4);
  });

  it('passes a node without inventory ip when its name resolves', async () => {
    const [finding] = await testCheck('MRA-DNS-004', {
      inventory: inventory({ internal: [named.good.ipv4] }, [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }]),
    });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'forwardOkNoIp' });
  });

  it('fails on a CNAME loop', async () => {
    const [finding] = await testCheck('MRA-DNS-004', {
      inventory: inventory({ internal: [named.good.ipv4] }, [
        { fqdn: 'loop-a.example.com', ip: '10.1.1.99', role: 'expressway-c' },
      ]),
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'forwardMissing' });
    expect(finding?.message).toContain('loop');
  });

  it.each(['servfail', 'refused', 'timeout', 'malformed'] as const)('is inconclusive on %s', async (outcome) => {
    const findings = await testCheck('MRA-DNS-004', {
      inventory: inventory({ internal: ['10.1.1.53'] }),
      services: { dns: failingDns(outcome) },
    });
    expect(findings.map((finding) => [finding.status, finding.messageId])).toEqual(
      NODES.map(() => ['inconclusive', 'forwardFailed']),
    );
  });
});
