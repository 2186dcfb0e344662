import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNamed, type NamedInstance } from '../../helpers/bind.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { failingDns, inventory, silentResolver } from './fixture.js';

const NAME = '_cisco-uds._tcp.example.com';

describe('MRA-DNS-001 uds-srv-internal', () => {
  let good: NamedInstance;
  let faulty: NamedInstance;
  let large: NamedInstance;
  beforeAll(async () => {
    [good, faulty, large] = await Promise.all([
      startNamed('internal', ['good']),
      startNamed('internal', ['faulty']),
      startNamed('internal', ['good', 'large']),
    ]);
  });
  afterAll(async () => {
    await Promise.all([good, faulty, large].map((named) => named?.stop()));
  });

  it('passes when every internal resolver points to CUCM nodes on 8443 (real BIND, IPv4 and IPv6)', async () => {
    const findings = await testCheck('MRA-DNS-001', { inventory: inventory({ internal: [good.ipv4, good.ipv6] }) });
    expect(findings).toHaveLength(2);
    const finding = findingFor(findings, `${NAME}@${good.ipv4}`);
    expect(finding.status).toBe('pass');
    expect(finding.message).toContain('cucm-pub.example.com:8443');
    expect(finding.evidence).toMatchObject({ rcode: 'NOERROR', tcp: false, resolver: good.ipv4 });
    expect(finding.evidence.answers).toContain(
      '_cisco-uds._tcp.example.com. 300 IN SRV 10 10 8443 cucm-sub1.example.com.',
    );
    expect(findingFor(findings, `${NAME}@[::1]:${good.port}`).status).toBe('pass');
  });

  it('fails on a wrong port and a target that is not a CUCM node', async () => {
    const [finding] = await testCheck('MRA-DNS-001', { inventory: inventory({ internal: [faulty.ipv4] }) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid', target: `${NAME}@${faulty.ipv4}` });
    expect(finding?.message).toContain('cucm-sub1.example.com is on port 8080, not 8443');
    expect(finding?.message).toContain('imp-pub.example.com is not a CUCM node of the inventory');
  });

  it('fails on the resolver that lacks the record, even when another has it', async () => {
    const external = await startNamed('external', ['good']);
    try {
      const findings = await testCheck('MRA-DNS-001', {
        inventory: inventory({ internal: [good.ipv4, external.ipv4] }),
      });
      expect(findingFor(findings, `${NAME}@${good.ipv4}`).status).toBe('pass');
      expect(findingFor(findings, `${NAME}@${external.ipv4}`)).toMatchObject({
        status: 'fail',
        messageId: 'srvMissing',
      });
    } finally {
      await external.stop();
    }
  });

  it('reads a truncated SRV set over TCP', async () => {
    const [finding] = await testCheck('MRA-DNS-001', { inventory: inventory({ internal: [large.ipv4] }) });
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toMatchObject({ tcp: true });
    expect(finding?.evidence.answers).toHaveLength(24);
  });

  it('fails when an SRV target does not resolve on that resolver', async () => {
    const dangling = await startNamed('internal', ['good', 'dangling']);
    try {
      const nodes = [
        { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
        { fqdn: 'cucm-sub2.example.com', ip: '10.1.1.12', role: 'cucm-subscriber' },
      ];
      const [finding] = await testCheck('MRA-DNS-001', { inventory: inventory({ internal: [dangling.ipv4] }, nodes) });
      expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
      expect(finding?.message).toContain(`cucm-sub2.example.com does not resolve on ${dangling.ipv4} (NXDOMAIN)`);
      expect(finding?.message).not.toContain('cucm-pub');
    } finally {
      await dangling.stop();
    }
  });

  it('fails with NXDOMAIN where the record does not exist', async () => {
    const publicView = await startNamed('external', ['faulty']);
    try {
      const [missing] = await testCheck('MRA-DNS-001', { inventory: inventory({ internal: [publicView.ipv4] }) });
      expect(missing).toMatchObject({ status: 'fail', messageId: 'srvMissing' });
      expect(missing?.message).toContain('NXDOMAIN');
    } finally {
      await publicView.stop();
    }
  });

  it('is inconclusive, within the timeout, when the resolver never answers', async () => {
    const silent = await silentResolver();
    try {
      const [finding] = await testCheck('MRA-DNS-001', {
        inventory: inventory({ internal: [silent.address], timeoutMs: 300 }),
        checkTimeoutMs: 60_000,
      });
      expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'queryFailed' });
      expect(finding?.evidence).toMatchObject({ outcome: 'timeout', detail: 'no reply within 300 ms' });
    } finally {
      await silent.close();
    }
  });

  it.each(['servfail', 'refused', 'malformed'] as const)('is inconclusive on %s', async (outcome) => {
    const [finding] = await testCheck('MRA-DNS-001', {
      inventory: inventory({ internal: ['10.9.9.9'] }),
      services: { dns: failingDns(outcome, 'bad reply') },
    });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'queryFailed', target: `${NAME}@10.9.9.9:53` });
  });

  it('is skipped without internal resolvers', async () => {
    const [finding] = await testCheck('MRA-DNS-001', { inventory: inventory({}) });
    expect(finding).toMatchObject({ status: 'skipped', target: 'deployment' });
  });
});
