import { describe, expect, it } from 'vitest';
import { startNamed } from '../../helpers/bind.js';
import { testCheck } from '../../helpers/check.js';
import { failingDns, inventory, goodAndFaultyNamed } from './fixture.js';

const NAME = '_collab-edge._tls.example.com';

describe('MRA-DNS-003 collab-edge-srv-external', () => {
  const named = goodAndFaultyNamed('external');

  it('passes when the public view points to Expressway-E on 8443 (real BIND)', async () => {
    const [finding] = await testCheck('MRA-DNS-003', { inventory: inventory({ external: [named.good.ipv4] }) });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'srvValid', target: `${NAME}@${named.good.ipv4}` });
    expect(finding?.message).toContain('expe.example.com:8443');
    expect(finding?.evidence.targets).toEqual([
      expect.objectContaining({
        target: 'expe.example.com',
        port: 8443,
        expectedRole: true,
        lookup: expect.objectContaining({ addresses: ['203.0.113.30'] }),
      }),
    ]);
  });

  it('fails on a wrong port and a target that is not an Expressway-E', async () => {
    const [finding] = await testCheck('MRA-DNS-003', { inventory: inventory({ external: [named.faulty.ipv4] }) });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'srvInvalid' });
    expect(finding?.message).toContain('expe.example.com is on port 5061, not 8443');
    expect(finding?.message).toContain('expc.example.com is not an Expressway-E of the inventory');
  });

  it('fails when the record is missing (the internal view has none)', async () => {
    const internal = await startNamed('internal', ['good']);
    try {
      const [finding] = await testCheck('MRA-DNS-003', { inventory: inventory({ external: [internal.ipv4] }) });
      expect(finding).toMatchObject({ status: 'fail', messageId: 'srvMissing' });
    } finally {
      await internal.stop();
    }
  });

  it.each(['servfail', 'refused', 'timeout', 'malformed'] as const)('is inconclusive on %s', async (outcome) => {
    const [finding] = await testCheck('MRA-DNS-003', {
      inventory: inventory({ external: ['198.51.100.53:5353'] }),
      services: { dns: failingDns(outcome) },
    });
    expect(finding).toMatchObject({
      status: 'inconclusive',
      messageId: 'queryFailed',
      target: `${NAME}@198.51.100.53:5353`,
    });
  });
});
