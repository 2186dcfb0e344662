import { describe, expect, it } from 'vitest';
import type { SntpServer } from '../../../lab/ntp.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { ntpInventory, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

const responder = scriptedResponders();
const offsetServer = (clockOffsetMs: number): Promise<SntpServer> =>
  responder({ kind: 'serve', stratum: 2, clockOffsetMs });

describe('MRA-NTP-003 ntp-offset against chronyd', () => {
  const chrony = realChrony();

  it('passes chronyd serving this host’s own clock, with offset, delay and spread as evidence', async () => {
    const finding = findingFor(
      await testCheck('MRA-NTP-003', { inventory: ntpInventory([chrony().address]) }),
      chrony().address,
    );
    expect(finding.status).toBe('pass');
    expect(finding.messageId).toBe('offsetWithinPolicy');
    expect(Math.abs(finding.evidence.offsetMs as number)).toBeLessThan(1000);
    expect(finding.evidence).toMatchObject({ spreadMs: 0, serversCompared: 1, maxClockOffsetMs: 1000 });
    expect(finding.evidence.delayMs).toBeTypeOf('number');
  });

  it('fails a server 5 s ahead of chronyd and this host, and only that one', async () => {
    const ahead = await offsetServer(5000);
    const findings = await testCheck('MRA-NTP-003', { inventory: ntpInventory([chrony().address, ahead.address]) });
    expect(findingFor(findings, ahead.address).status).toBe('fail');
    expect(findingFor(findings, ahead.address).messageId).toBe('hostOffsetTooLarge');
    // Two servers 5 s apart: neither can be preferred, so chronyd fails on spread.
    expect(findingFor(findings, chrony().address).messageId).toBe('spreadTooLarge');
  });
});

describe('MRA-NTP-003 ntp-offset spread between servers', () => {
  it('fails the outlier of three servers on spread and passes the two that agree', async () => {
    const low = await offsetServer(-700);
    const middle = await offsetServer(0);
    const high = await offsetServer(700);
    const findings = await testCheck('MRA-NTP-003', {
      inventory: ntpInventory([low.address, middle.address, high.address]),
    });
    // Spread 1400 ms > 1000 ms; median 0: ±700 ms deviates more than half the limit.
    expect(findingFor(findings, middle.address).status).toBe('pass');
    for (const outlier of [low, high]) {
      const finding = findingFor(findings, outlier.address);
      expect(finding.status).toBe('fail');
      expect(finding.messageId).toBe('spreadTooLarge');
      expect(finding.message).toMatch(/^The NTP servers disagree by \d+(\.\d)? ms \(policy: at most 1000 ms\)/);
      expect(finding.evidence.spreadMs).toBeGreaterThan(1300);
      expect(finding.evidence.spreadMs).toBeLessThan(1500);
    }
    expect(findingFor(findings, high.address).evidence).toMatchObject({ serversCompared: 3 });
  });

  it('passes servers whose spread is within the limit', async () => {
    const a = await offsetServer(0);
    const b = await offsetServer(100);
    const c = await offsetServer(800);
    const findings = await testCheck('MRA-NTP-003', { inventory: ntpInventory([a.address, b.address, c.address]) });
    expect(findings.map((finding) => finding.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('honours policy.maxClockOffsetMs', async () => {
    const server = await offsetServer(300);
    const finding = findingFor(
      await testCheck('MRA-NTP-003', { inventory: ntpInventory([server.address], { maxClockOffsetMs: 100 }) }),
      server.address,
    );
    expect(finding.status).toBe('fail');
    const escaped = server.address.replace(/\./g, '\\.');
    expect(finding.message).toMatch(
      new RegExp(`^This host's clock is \\d+(\\.\\d)? ms off ${escaped}, more than the policy maximum of 100 ms\\.$`),
    );
    expect(finding.evidence.offsetMs).toBeGreaterThan(250);
  });

  it('skips a kiss-of-death server (naming MRA-NTP-001) and leaves it out of the spread', async () => {
    const kod = await responder({ kind: 'kiss', code: 'DENY' });
    const good = await offsetServer(0);
    const findings = await testCheck('MRA-NTP-003', { inventory: ntpInventory([kod.address, good.address]) });
    expect(findingFor(findings, kod.address).status).toBe('skipped');
    expect(findingFor(findings, kod.address).message).toContain(`MRA-NTP-001 reports ${kod.address} as fail`);
    expect(findingFor(findings, kod.address).message).toContain('kiss-of-death (DENY');
    expect(findingFor(findings, good.address).status).toBe('pass');
    expect(findingFor(findings, good.address).evidence).toMatchObject({ serversCompared: 1 });
  });
});
