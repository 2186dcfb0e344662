import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { ntpInventory, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

const responder = scriptedResponders();

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
