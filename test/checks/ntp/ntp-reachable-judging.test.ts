import { describe, expect, it } from 'vitest';
import type { NtpFailure, NtpProbe, NtpResult } from '../../../src/probes/ntp.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { ntpInventory, ntpReply } from '../../helpers/ntp-fixtures.js';

/**
 * MRA-NTP-001's verdict per probe outcome and the evidence it records, judged on a fake NTP probe:
 * failure kinds and reply shapes a loopback server cannot produce on demand (unresolvable names,
 * socket errors, aborted runs, replies without timestamps). The real exchanges are in
 * ntp-reachable.test.ts.
 */
const RULE = 'MRA-NTP-001';

/** A probe answering each server as written with its scripted result; records what it was asked. */
function scriptedNtp(results: Record<string, NtpResult>): { services: { ntp: NtpProbe }; asked: string[] } {
  const asked: string[] = [];
  const ntp: NtpProbe = {
    query: async (server) => {
      asked.push(server);
      const result = results[server];
      if (!result) throw new Error(`no scripted result for ${server}`);
      return result;
    },
  };
  return { services: { ntp }, asked };
}

const failure = (server: string, fields: Partial<NtpFailure> & Pick<NtpFailure, 'kind' | 'detail'>): NtpResult => ({
  ok: false,
  failure: { server, attempts: 1, waitedMs: 12, timeoutMs: 1000, ...fields },
});

async function judge(results: Record<string, NtpResult>) {
  const { services, asked } = scriptedNtp(results);
  const findings = await testCheck(RULE, { inventory: ntpInventory(Object.keys(results)), services });
  return { findings, asked };
}

describe('MRA-NTP-001 failures the probe reports', () => {
  it('is inconclusive (unresolved) for a name that does not resolve, with the lookup error as evidence', async () => {
    const server = 'ntp.invalid:123';
    const { findings } = await judge({
      [server]: failure(server, { kind: 'unresolved', detail: 'getaddrinfo ENOTFOUND ntp.invalid' }),
    });
    const finding = findingFor(findings, server);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'unresolved' });
    expect(finding.message).toBe('ntp.invalid:123 could not be queried: getaddrinfo ENOTFOUND ntp.invalid.');
    expect(finding.evidence).toEqual({
      server,
      failure: 'unresolved',
      detail: 'getaddrinfo ENOTFOUND ntp.invalid',
      requests: 1,
      waitedMs: 12,
      timeoutMs: 1000,
    });
    expect(finding.group).toBeUndefined();
  });

  it.each([
    ['network', 'send EHOSTUNREACH 192.0.2.5:123'],
    ['aborted', 'the run was cancelled'],
    ['invalid-address', 'not an IP address or host name'],
  ] as const)('is inconclusive (probeFailed) on a %s failure, naming the detail', async (kind, detail) => {
    const server = '192.0.2.5:123';
    const { findings } = await judge({
      [server]: failure(server, { kind, detail, address: '192.0.2.5', port: 123, attempts: 2, waitedMs: 40 }),
    });
    const finding = findingFor(findings, server);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'probeFailed' });
    expect(finding.message).toBe(`192.0.2.5:123 could not be queried: ${detail}.`);
    expect(finding.evidence).toEqual({
      server,
      address: '192.0.2.5',
      port: 123,
      failure: kind,
      detail,
      requests: 2,
      waitedMs: 40,
      timeoutMs: 1000,
    });
  });

  it('names UDP port 123 when an ICMP port unreachable carries no port', async () => {
    const server = '192.0.2.6:123';
    const { findings } = await judge({
      [server]: failure(server, { kind: 'refused', detail: 'ECONNREFUSED', address: '192.0.2.6' }),
    });
    const finding = findingFor(findings, server);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'refused' });
    expect(finding.message).toContain('nothing reachable from this host serves NTP on UDP port 123');
    expect(finding.evidence).toMatchObject({ server, address: '192.0.2.6', failure: 'refused' });
    expect(finding.evidence).not.toHaveProperty('port');
  });

  it('queries a server listed under two spellings once, under the spelling written first', async () => {
    const { services, asked } = scriptedNtp({
      '192.0.2.7': failure('192.0.2.7', { kind: 'network', detail: 'ENETUNREACH' }),
      '192.0.2.7:123': failure('192.0.2.7:123', { kind: 'network', detail: 'ENETUNREACH' }),
    });
    const findings = await testCheck(RULE, { inventory: ntpInventory(['192.0.2.7', '192.0.2.7:123']), services });
    expect(asked).toEqual(['192.0.2.7']);
    expect(findings).toHaveLength(1);
    expect(findingFor(findings, '192.0.2.7:123').message).toBe('192.0.2.7 could not be queried: ENETUNREACH.');
  });
});

describe('MRA-NTP-001 replies', () => {
  it('records the reply as evidence: ISO times, rounded delays, no kiss code for a synchronised server', async () => {
    const server = '192.0.2.10:123';
    const { findings } = await judge({
      [server]: { ok: true, reply: ntpReply(server, { offsetMs: 12.34567, delayMs: 0.4444, attempts: 2 }) },
    });
    const finding = findingFor(findings, server);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'reachable' });
    expect(finding.message).toBe(
      '192.0.2.10:123 answers SNTP: stratum 2, reference 192.0.2.1, offset 12.3 ms, round trip 0.4 ms.',
    );
    expect(finding.evidence).toEqual({
      server,
      address: '192.0.2.10',
      port: 123,
      stratum: 2,
      leapIndicator: 0,
      version: 4,
      mode: 4,
      referenceId: '192.0.2.1',
      pollLog2: 6,
      precisionLog2: -20,
      rootDelayMs: 12.3,
      rootDispersionMs: 45.6,
      offsetMs: 12.346,
      delayMs: 0.444,
      referenceTime: '2026-03-01T11:58:56.000Z',
      receiveTime: '2026-03-01T12:00:00.012Z',
      transmitTime: '2026-03-01T12:00:00.012Z',
      requests: 2,
      replyBytes: 48,
    });
  });

  it('records a zero (absent) reference timestamp as null', async () => {
    const server = '192.0.2.11:123';
    const { findings } = await judge({
      [server]: { ok: true, reply: ntpReply(server, { referenceTimeMs: undefined }) },
    });
    expect(findingFor(findings, server).evidence).toMatchObject({
      referenceTime: null,
      receiveTime: '2026-03-01T12:00:00.000Z',
      transmitTime: '2026-03-01T12:00:00.000Z',
    });
  });

  it('fails a kiss-of-death with an unassigned code, and records no timestamps for it', async () => {
    const server = '192.0.2.12:123';
    const { findings } = await judge({
      [server]: {
        ok: true,
        reply: ntpReply(server, { stratum: 0, leap: 3, referenceId: 'XYZW', kissCode: 'XYZW' }),
      },
    });
    const finding = findingFor(findings, server);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'kissOfDeath' });
    expect(finding.message).toBe(
      '192.0.2.12:123 answered with a kiss-of-death (XYZW: unassigned kiss code); it gives this client no time.',
    );
    expect(finding.evidence).toMatchObject({ stratum: 0, kissCode: 'XYZW', referenceId: 'XYZW' });
    for (const time of ['referenceTime', 'receiveTime', 'transmitTime'])
      expect(finding.evidence).not.toHaveProperty(time);
    // One NTP server is fixed once, whichever NTP rules it fails.
    expect(finding.group).toEqual({ key: 'ntp-server:192.0.2.12:123', label: 'NTP server 192.0.2.12:123' });
  });

  it('is inconclusive, not a pass, on a reply without offset or without round trip', async () => {
    const noOffset = '192.0.2.13:123';
    const noDelay = '192.0.2.14:123';
    const { findings } = await judge({
      [noOffset]: { ok: true, reply: ntpReply(noOffset, { offsetMs: undefined }) },
      [noDelay]: { ok: true, reply: ntpReply(noDelay, { delayMs: undefined }) },
    });
    for (const server of [noOffset, noDelay]) {
      const finding = findingFor(findings, server);
      expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'probeFailed' });
      expect(finding.message).toBe(`${server} could not be queried: reply without timestamps.`);
    }
    expect(findingFor(findings, noOffset).evidence).not.toHaveProperty('offsetMs');
    expect(findingFor(findings, noDelay).evidence).not.toHaveProperty('delayMs');
  });
});
