import { describe, expect, it } from 'vitest';
import { startChrony } from '../../helpers/chrony.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { fakeNtp, ntpInventory, ntpReply, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

const responder = scriptedResponders();

describe('MRA-NTP-002 ntp-stratum against a chronyd at local stratum 12', () => {
  const distant = realChrony({ localStratum: 12 });

  it('fails it above the default maximum of 3, while MRA-NTP-001 finds it synchronised', async () => {
    const server = distant().address;
    const finding = findingFor(await testCheck('MRA-NTP-002', { inventory: ntpInventory([server]) }), server);
    expect(finding).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'stratumTooHigh' });
    expect(finding.message).toBe(`${server} is at stratum 12, above the policy maximum of 3.`);
    expect(finding.evidence).toMatchObject({ stratum: 12, leapIndicator: 0, maxNtpStratum: 3 });
    const reachable = findingFor(await testCheck('MRA-NTP-001', { inventory: ntpInventory([server]) }), server);
    expect(reachable).toMatchObject({ status: 'pass', messageId: 'reachable' });
  });

  it('passes it when the policy allows 12, and fails it at 11', async () => {
    const server = distant().address;
    const at = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([server], { maxNtpStratum: 12 }) }),
      server,
    );
    expect(at).toMatchObject({ status: 'pass', messageId: 'stratumWithinPolicy' });
    const below = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([server], { maxNtpStratum: 11 }) }),
      server,
    );
    expect(below).toMatchObject({ status: 'fail', messageId: 'stratumTooHigh' });
  });
});

describe('MRA-NTP-002 ntp-stratum', () => {
  const chrony = realChrony();

  it('passes chronyd at stratum 3 under the default policy (3)', async () => {
    const finding = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([chrony().address]) }),
      chrony().address,
    );
    expect(finding.status).toBe('pass');
    expect(finding.message).toBe(`${chrony().address} is at stratum 3 (policy: at most 3).`);
    expect(finding.evidence).toMatchObject({ stratum: 3, maxNtpStratum: 3 });
  });

  it('fails chronyd at stratum 3 when the policy allows only 2', async () => {
    const finding = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([chrony().address], { maxNtpStratum: 2 }) }),
      chrony().address,
    );
    expect(finding.status).toBe('fail');
    expect(finding.severity).toBe('warning');
  });

  it('passes stratum maxNtpStratum and fails maxNtpStratum + 1, under the default (3) and a policy of 5', async () => {
    const servers = [2, 3, 4, 5, 6].map((stratum) => ntpReply(`192.0.2.${stratum}:123`, { stratum }));
    const inventory = (policy: Record<string, unknown>) =>
      ntpInventory(
        servers.map((server) => server.server),
        policy,
      );
    const verdicts = async (policy: Record<string, unknown>) =>
      (await testCheck('MRA-NTP-002', { inventory: inventory(policy), services: fakeNtp(servers) })).map((finding) => [
        finding.evidence.stratum,
        finding.status,
        finding.messageId,
      ]);
    expect(await verdicts({})).toEqual([
      [2, 'pass', 'stratumWithinPolicy'],
      [3, 'pass', 'stratumWithinPolicy'],
      [4, 'fail', 'stratumTooHigh'],
      [5, 'fail', 'stratumTooHigh'],
      [6, 'fail', 'stratumTooHigh'],
    ]);
    expect(await verdicts({ maxNtpStratum: 5 })).toEqual([
      [2, 'pass', 'stratumWithinPolicy'],
      [3, 'pass', 'stratumWithinPolicy'],
      [4, 'pass', 'stratumWithinPolicy'],
      [5, 'pass', 'stratumWithinPolicy'],
      [6, 'fail', 'stratumTooHigh'],
    ]);
  });

  it('fails a stratum-5 server and passes it when the policy allows 5', async () => {
    const server = await responder({ kind: 'serve', stratum: 5 });
    const strict = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([server.address]) }),
      server.address,
    );
    expect(strict.status).toBe('fail');
    expect(strict.message).toBe(`${server.address} is at stratum 5, above the policy maximum of 3.`);
    const relaxed = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([server.address], { maxNtpStratum: 5 }) }),
      server.address,
    );
    expect(relaxed.status).toBe('pass');
  });

  it('is skipped for an unsynchronised chronyd, naming MRA-NTP-001 and its "not synchronised" verdict', async () => {
    const chrony = await startChrony({ localStratum: false });
    try {
      const finding = findingFor(
        await testCheck('MRA-NTP-002', { inventory: ntpInventory([chrony.address]) }),
        chrony.address,
      );
      expect(finding).toMatchObject({
        status: 'skipped',
        messageId: 'prerequisiteFailed',
        evidence: { prerequisite: { ruleId: 'MRA-NTP-001', status: 'fail', messageId: 'unsynchronised' } },
      });
    } finally {
      await chrony.stop();
    }
  });

  it('is skipped for a kiss-of-death server, naming MRA-NTP-001', async () => {
    const kod = await responder({ kind: 'kiss', code: 'RSTR' });
    const finding = findingFor(await testCheck('MRA-NTP-002', { inventory: ntpInventory([kod.address]) }), kod.address);
    expect(finding.status).toBe('skipped');
    expect(finding.message).toBe(
      `Not judged: MRA-NTP-001 reports ${kod.address} as fail (${kod.address} answered with a kiss-of-death (RSTR: access denied due to local policy); it gives this client no time.).`,
    );
    expect(finding.evidence).toMatchObject({
      prerequisite: { ruleId: 'MRA-NTP-001', status: 'fail', messageId: 'kissOfDeath' },
    });
  });

  it('is skipped for a silent server, naming MRA-NTP-001', async () => {
    const silent = await responder({ kind: 'silent' });
    const finding = findingFor(
      await testCheck('MRA-NTP-002', { inventory: ntpInventory([silent.address]), timeoutMs: 100 }),
      silent.address,
    );
    expect(finding.status).toBe('skipped');
    expect(finding.message).toMatch(
      /^Not judged: MRA-NTP-001 reports \S+ as inconclusive \(\S+ did not answer 3 SNTP requests within/,
    );
    expect(finding.evidence).toMatchObject({ prerequisite: { ruleId: 'MRA-NTP-001', messageId: 'noAnswer' } });
  });
});
