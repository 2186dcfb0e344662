import { describe, expect, it } from 'vitest';
import type { SntpServer } from '../../../lab/ntp.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { fakeNtp, ntpInventory, ntpReply, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

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

describe('MRA-NTP-003 ntp-offset at the bounds (exact offsets from a fake probe)', () => {
  /** Verdict per server for servers at these offsets (ms), under policy.maxClockOffsetMs 1000. */
  async function verdicts(offsets: number[]): Promise<Array<[number, string, string]>> {
    const replies = offsets.map((offsetMs, i) => ntpReply(`192.0.2.${i + 1}:123`, { offsetMs }));
    const findings = await testCheck('MRA-NTP-003', {
      inventory: ntpInventory(replies.map((reply) => reply.server)),
      services: fakeNtp(replies),
    });
    return findings.map((finding) => [finding.evidence.offsetMs as number, finding.status, finding.messageId]);
  }

  it('passes a host offset of exactly maxClockOffsetMs either way, and fails just over it', async () => {
    expect(await verdicts([1000])).toEqual([[1000, 'pass', 'offsetWithinPolicy']]);
    expect(await verdicts([-1000])).toEqual([[-1000, 'pass', 'offsetWithinPolicy']]);
    expect(await verdicts([1000.5])).toEqual([[1000.5, 'fail', 'hostOffsetTooLarge']]);
    expect(await verdicts([-1000.5])).toEqual([[-1000.5, 'fail', 'hostOffsetTooLarge']]);
  });

  it('passes a spread of exactly maxClockOffsetMs, and fails both of two servers just over it', async () => {
    expect(await verdicts([-500, 500])).toEqual([
      [-500, 'pass', 'offsetWithinPolicy'],
      [500, 'pass', 'offsetWithinPolicy'],
    ]);
    expect(await verdicts([-500, 500.5])).toEqual([
      [-500, 'fail', 'spreadTooLarge'],
      [500.5, 'fail', 'spreadTooLarge'],
    ]);
  });

  it('fails no server when the spread is exactly the limit, however far one is from the median', async () => {
    // Spread 1000 ms, median 0: the third server deviates 1000 ms, but the servers agree within policy.
    expect(await verdicts([0, 0, 1000])).toEqual([
      [0, 'pass', 'offsetWithinPolicy'],
      [0, 'pass', 'offsetWithinPolicy'],
      [1000, 'pass', 'offsetWithinPolicy'],
    ]);
  });

  it('takes the median of the offsets in order of size, not in inventory order', async () => {
    const replies = [400, -50, 100].map((offsetMs, i) => ntpReply(`192.0.2.${i + 1}:123`, { offsetMs }));
    const findings = await testCheck('MRA-NTP-003', {
      inventory: ntpInventory(replies.map((reply) => reply.server)),
      services: fakeNtp(replies),
    });
    expect(findingFor(findings, '192.0.2.1:123').evidence).toMatchObject({
      medianOffsetMs: 100,
      deviationFromMedianMs: 300,
      spreadMs: 450,
    });
    expect(findingFor(findings, '192.0.2.2:123').message).toBe(
      '192.0.2.2:123 is -50 ms from this host and 150 ms from the median of 3 server(s); spread 450 ms (policy: at most 1000 ms).',
    );
  });

  it('fails on spread only a server more than half the limit from the median', async () => {
    // Spread 1000.5 ms; median 0: -500 deviates exactly half the limit (pass), 500.5 just over (fail).
    expect(await verdicts([-500, 0, 500.5])).toEqual([
      [-500, 'pass', 'offsetWithinPolicy'],
      [0, 'pass', 'offsetWithinPolicy'],
      [500.5, 'fail', 'spreadTooLarge'],
    ]);
  });

  it('states median, deviation and spread in the message and the evidence', async () => {
    const replies = [0, 100, 400].map((offsetMs, i) => ntpReply(`192.0.2.${i + 1}:123`, { offsetMs }));
    const findings = await testCheck('MRA-NTP-003', {
      inventory: ntpInventory(replies.map((reply) => reply.server)),
      services: fakeNtp(replies),
    });
    const last = findingFor(findings, '192.0.2.3:123');
    expect(last.message).toBe(
      '192.0.2.3:123 is 400 ms from this host and 300 ms from the median of 3 server(s); spread 400 ms (policy: at most 1000 ms).',
    );
    expect(last.evidence).toMatchObject({
      medianOffsetMs: 100,
      deviationFromMedianMs: 300,
      spreadMs: 400,
      serversCompared: 3,
      maxClockOffsetMs: 1000,
    });
    // An even count takes the mean of the middle two as the median.
    const even = [0, 100, 300, 1000].map((offsetMs, i) => ntpReply(`192.0.2.${i + 1}:123`, { offsetMs }));
    const four = await testCheck('MRA-NTP-003', {
      inventory: ntpInventory(even.map((reply) => reply.server)),
      services: fakeNtp(even),
    });
    expect(findingFor(four, '192.0.2.1:123').evidence).toMatchObject({
      medianOffsetMs: 200,
      deviationFromMedianMs: -200,
    });
  });
});
