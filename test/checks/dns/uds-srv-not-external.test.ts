import { describe, expect, it } from 'vitest';
import { startNamed } from '../../helpers/bind.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { failingDns, inventory, silentResolver, goodAndFaultyNamed } from './fixture.js';

const UDS = '_cisco-uds._tcp.example.com';
const CUPLOGIN = '_cuplogin._tcp.example.com';

describe('MRA-DNS-002 uds-srv-not-external', () => {
  const named = goodAndFaultyNamed('external');

  it('passes on NODATA and NXDOMAIN from the public view (real BIND)', async () => {
    const findings = await testCheck('MRA-DNS-002', { inventory: inventory({ external: [named.good.ipv4] }) });
    expect(findings).toHaveLength(2);
    expect(findingFor(findings, `${UDS}@${named.good.ipv4}`)).toMatchObject({
      status: 'pass',
      messageId: 'notPublished',
    });
    expect(findingFor(findings, `${UDS}@${named.good.ipv4}`).evidence).toMatchObject({
      outcome: 'nodata',
      rcode: 'NOERROR',
    });
    expect(findingFor(findings, `${CUPLOGIN}@${named.good.ipv4}`).evidence).toMatchObject({
      outcome: 'nxdomain',
      rcode: 'NXDOMAIN',
    });
  });

  it('fails on a leaked _cuplogin record and shows it', async () => {
    const findings = await testCheck('MRA-DNS-002', { inventory: inventory({ external: [named.faulty.ipv6] }) });
    const leak = findingFor(findings, `${CUPLOGIN}@[::1]:${named.faulty.port}`);
    expect(leak).toMatchObject({ status: 'fail', messageId: 'leaked' });
    expect(leak.message).toContain('_cuplogin._tcp.example.com. 300 IN SRV 10 10 8443 imp-pub.example.com.');
    expect(findingFor(findings, `${UDS}@[::1]:${named.faulty.port}`).status).toBe('pass');
  });

  it('fails when the internal view is reachable as an external resolver', async () => {
    const internal = await startNamed('internal', ['good']);
    try {
      const findings = await testCheck('MRA-DNS-002', { inventory: inventory({ external: [internal.ipv4] }) });
      expect(findings.map((finding) => finding.status)).toEqual(['fail', 'fail']);
    } finally {
      await internal.stop();
    }
  });

  it('is inconclusive, never pass, when the resolver does not answer', async () => {
    const silent = await silentResolver();
    try {
      const findings = await testCheck('MRA-DNS-002', {
        inventory: inventory({ external: [silent.address], timeoutMs: 250 }),
        checkTimeoutMs: 60_000,
      });
      expect(findings.map((finding) => [finding.status, finding.messageId, finding.evidence.outcome])).toEqual([
        ['inconclusive', 'queryFailed', 'timeout'],
        ['inconclusive', 'queryFailed', 'timeout'],
      ]);
      expect(findings[0]?.message).toContain('no reply within 250 ms');
    } finally {
      await silent.close();
    }
  });

  it.each(['servfail', 'refused', 'malformed', 'network-error'] as const)('is inconclusive on %s', async (outcome) => {
    const findings = await testCheck('MRA-DNS-002', {
      inventory: inventory({ external: ['198.51.100.53'] }),
      services: { dns: failingDns(outcome, 'reply id 1 does not match query id 2') },
    });
    // Never a pass: a resolver that does not say NXDOMAIN/NODATA has not shown the name unpublished.
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['_cisco-uds._tcp.example.com@198.51.100.53:53', 'inconclusive', 'queryFailed'],
      ['_cuplogin._tcp.example.com@198.51.100.53:53', 'inconclusive', 'queryFailed'],
    ]);
  });
});
