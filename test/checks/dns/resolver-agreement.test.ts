import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNamed, type NamedInstance } from '../../helpers/bind.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { failingDns, inventory, NODES, silentResolver } from './fixture.js';

describe('MRA-DNS-006 resolver-agreement', () => {
  let good: NamedInstance;
  let goodTwin: NamedInstance;
  let faulty: NamedInstance;
  beforeAll(async () => {
    [good, goodTwin, faulty] = await Promise.all([
      startNamed('internal', ['good']),
      startNamed('internal', ['good']),
      startNamed('internal', ['faulty']),
    ]);
  });
  afterAll(async () => {
    await Promise.all([good, goodTwin, faulty].map((named) => named?.stop()));
  });

  it('passes when two BIND servers serve the same data', async () => {
    const findings = await testCheck('MRA-DNS-006', { inventory: inventory({ internal: [good.ipv4, goodTwin.ipv6] }) });
    // One SRV name, then A/AAAA and PTR for every node.
    expect(findings).toHaveLength(1 + 2 * NODES.length);
    expect(findings.every((finding) => finding.status === 'pass')).toBe(true);
    expect(findingFor(findings, 'expc.example.com A/AAAA').message).toContain('expc-host.example.com A 10.1.1.30');
  });

  it('fails (warning) on each name the resolvers disagree on', async () => {
    const findings = await testCheck('MRA-DNS-006', { inventory: inventory({ internal: [good.ipv4, faulty.ipv4] }) });
    const failed = findings.filter((finding) => finding.status === 'fail').map((finding) => finding.target);
    expect(failed.sort()).toEqual(
      [
        '_cisco-uds._tcp.example.com SRV',
        'expc.example.com A/AAAA',
        'imp-sub.example.com A/AAAA',
        '11.1.1.10.in-addr.arpa PTR',
        '20.1.1.10.in-addr.arpa PTR',
      ].sort(),
    );
    const srv = findingFor(findings, '_cisco-uds._tcp.example.com SRV');
    expect(srv.severity).toBe('warning');
    expect(srv.message).toContain(
      `from ${faulty.ipv4}: _cisco-uds._tcp.example.com SRV 10 10 8080 cucm-sub1.example.com |`,
    );
    expect(findingFor(findings, 'cucm-pub.example.com A/AAAA').status).toBe('pass');
  });

  it('is inconclusive where a resolver does not answer and the others agree', async () => {
    const silent = await silentResolver();
    try {
      const findings = await testCheck('MRA-DNS-006', {
        inventory: inventory({ internal: [good.ipv4, silent.address], timeoutMs: 200 }, NODES.slice(0, 1)),
        checkTimeoutMs: 60_000,
      });
      expect(findings.map((finding) => [finding.status, finding.messageId])).toEqual([
        ['inconclusive', 'compareFailed'],
        ['inconclusive', 'compareFailed'],
        ['inconclusive', 'compareFailed'],
      ]);
    } finally {
      await silent.close();
    }
  });

  it.each(['servfail', 'refused', 'malformed'] as const)(
    'is inconclusive, not a crash nor an agreement, when every resolver answers %s',
    async (outcome) => {
      const findings = await testCheck('MRA-DNS-006', {
        inventory: inventory({ internal: ['10.9.9.1', '10.9.9.2'] }, NODES.slice(0, 1)),
        services: { dns: failingDns(outcome, 'bad reply') },
      });
      expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
        ['_cisco-uds._tcp.example.com SRV', 'inconclusive', 'compareFailed'],
        ['cucm-pub.example.com A/AAAA', 'inconclusive', 'compareFailed'],
        ['10.1.1.10.in-addr.arpa PTR', 'inconclusive', 'compareFailed'],
      ]);
    },
  );

  it('is skipped with a single internal resolver', async () => {
    const [finding] = await testCheck('MRA-DNS-006', { inventory: inventory({ internal: [good.ipv4] }) });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'nothingInScope', target: 'deployment' });
  });
});
