import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sntpServerReply, startSntpServer, type SntpServer } from '../../lab/ntp.js';
import { startHostileNtp, type HostileNtpBehaviour } from '../helpers/hostile/ntp.js';
import type { UdpPeer } from '../helpers/hostile/udp.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, hostileScan } from './scan.js';

/**
 * SPEC section 7: an NTP peer that sends short, garbage, oversized or flooding datagrams (or
 * nothing) yields `inconclusive` from the probe itself, within the timeout, and the healthy server
 * next to it is still judged.
 */
const BEHAVIOURS: HostileNtpBehaviour[] = ['short', 'garbage', 'zeros', 'echo', 'huge', 'flood', 'silent'];

/** MRA-NTP-001's message for each: a reply it could not accept, or none at all. */
const EXPECTED: Record<HostileNtpBehaviour, string> = {
  short: 'rejectedReply',
  garbage: 'rejectedReply',
  zeros: 'rejectedReply',
  echo: 'rejectedReply',
  huge: 'rejectedReply',
  flood: 'rejectedReply',
  silent: 'noAnswer',
};

let good: SntpServer;
const hostile = new Map<HostileNtpBehaviour, UdpPeer>();

beforeAll(async () => {
  good = await startSntpServer((request) => sntpServerReply(request, { stratum: 2 }));
  for (const behaviour of BEHAVIOURS) hostile.set(behaviour, await startHostileNtp(behaviour));
});

afterAll(async () => {
  await Promise.all([good?.stop(), ...[...hostile.values()].map((peer) => peer.stop())]);
});

describe('NTP checks against hostile servers', () => {
  it.each(BEHAVIOURS)(
    '%s: MRA-NTP-001 is inconclusive for that server, the good server still passes',
    async (behaviour) => {
      const peer = hostile.get(behaviour)!;
      const report = await hostileScan(
        { domains: ['example.com'], ntp: { servers: [peer.address, good.address] } },
        { only: ['ntp'], timeoutMs: 1000 },
      );
      const finding = expectTypedInconclusive(report, 'MRA-NTP-001', peer.address, EXPECTED[behaviour]);
      expect(peer.received).toBeGreaterThan(0);
      expect(finding.evidence).toMatchObject({ server: peer.address, failure: expect.any(String) });
      // A failure is reported once, where it belongs: the stratum and offset rules skip that server.
      for (const ruleId of ['MRA-NTP-002', 'MRA-NTP-003']) {
        expect(findingsFor(report, ruleId, peer.address)).toMatchObject([
          { status: 'skipped', messageId: 'prerequisiteFailed', evidence: { prerequisite: { ruleId: 'MRA-NTP-001' } } },
        ]);
      }
      expect(findingsFor(report, 'MRA-NTP-001', good.address).map((f) => f.status)).toEqual(['pass']);
      expectNoEngineFallbacks(report);
    },
  );

  it('keeps the number of requests to a flooding server bounded', async () => {
    const peer = hostile.get('flood')!;
    const before = peer.received;
    await hostileScan(
      { domains: ['example.com'], ntp: { servers: [peer.address] } },
      { only: ['MRA-NTP-001'], timeoutMs: 1000 },
    );
    // Fifty junk replies per request must not turn into fifty new requests each.
    expect(peer.received - before).toBeLessThanOrEqual(3);
  });
});
