import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { fakeNtp, ntpInventory, ntpReply, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

const responder = scriptedResponders();

describe('MRA-NTP-001 ntp-reachable against chronyd', () => {
  const chrony = realChrony();

  it('passes a synchronised stratum-3 chronyd, with the facts as evidence', async () => {
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([chrony().address]) });
    const finding = findingFor(findings, chrony().address);
    expect(finding.status).toBe('pass');
    expect(finding.severity).toBe('error');
    expect(finding.message).toMatch(/answers SNTP: stratum 3, reference 127\.127\.1\.1, offset -?\d+(\.\d+)? ms/);
    expect(finding.evidence).toMatchObject({
      server: chrony().address,
      address: '127.0.0.1',
      stratum: 3,
      mode: 4,
      version: 4,
      requests: 1,
    });
    expect(Math.abs(finding.evidence.offsetMs as number)).toBeLessThan(1000);
  });

  it('gives one finding per server: chronyd passes, a kiss-of-death fails', async () => {
    const kod = await responder({ kind: 'kiss', code: 'DENY' });
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([chrony().address, kod.address]) });
    expect(findings).toHaveLength(2);
    expect(findingFor(findings, chrony().address).status).toBe('pass');
    expect(findingFor(findings, kod.address).status).toBe('fail');
  });
});

describe('MRA-NTP-001 ntp-reachable against an unsynchronised chronyd', () => {
  // No `local` line and no source: chronyd answers stratum 0, leap indicator 3, reference id 0.
  const unsynchronised = realChrony({ localStratum: false });

  it('fails it as not synchronised, not as a kiss-of-death (RFC 5905 7.3/7.4: no kiss code in the reference id)', async () => {
    const server = unsynchronised().address;
    const finding = findingFor(await testCheck('MRA-NTP-001', { inventory: ntpInventory([server]) }), server);
    expect(finding).toMatchObject({ status: 'fail', severity: 'error', messageId: 'unsynchronised' });
    expect(finding.message).toBe(
      `${server} answers but is not synchronised (leap indicator 3, stratum 0); clients will not use its time.`,
    );
    expect(finding.message).not.toContain('kiss');
    expect(finding.evidence).toMatchObject({ stratum: 0, leapIndicator: 3, referenceId: '0x00000000' });
    expect(finding.evidence).not.toHaveProperty('kissCode');
  });
});

describe('MRA-NTP-001 ntp-reachable against scripted servers', () => {
  it('fails a kiss-of-death and names its code', async () => {
    const kod = await responder({ kind: 'kiss', code: 'RATE' });
    const finding = findingFor(await testCheck('MRA-NTP-001', { inventory: ntpInventory([kod.address]) }), kod.address);
    expect(finding.status).toBe('fail');
    expect(finding.messageId).toBe('kissOfDeath');
    expect(finding.message).toContain('kiss-of-death (RATE: rate exceeded');
    expect(finding.evidence).toMatchObject({ stratum: 0, kissCode: 'RATE', leapIndicator: 3 });
  });

  it('fails a server announcing leap indicator 3 (unsynchronised)', async () => {
    const server = await responder({ kind: 'serve', stratum: 4, leap: 3 });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]) }),
      server.address,
    );
    expect(finding.status).toBe('fail');
    expect(finding.messageId).toBe('unsynchronised');
    expect(finding.evidence).toMatchObject({ leapIndicator: 3, stratum: 4 });
  });

  it('tells an ntpd kiss-of-death (leap 3, stratum 0, ASCII code) from an unsynchronised server by its code', async () => {
    // ntpd sends its kisses with leap 3 too (LEAP_NOTINSYNC): the leap indicator alone decides nothing.
    const findings = await testCheck('MRA-NTP-001', {
      inventory: ntpInventory(['192.0.2.1:123', '192.0.2.2:123']),
      services: fakeNtp([
        ntpReply('192.0.2.1:123', { stratum: 0, leap: 3, referenceId: 'RATE', kissCode: 'RATE' }),
        ntpReply('192.0.2.2:123', { stratum: 0, leap: 3, referenceId: '0x00000000', kissCode: '0x00000000' }),
      ]),
    });
    expect(findingFor(findings, '192.0.2.1:123')).toMatchObject({ status: 'fail', messageId: 'kissOfDeath' });
    expect(findingFor(findings, '192.0.2.2:123')).toMatchObject({ status: 'fail', messageId: 'unsynchronised' });
  });

  it('fails stratum 0 without a kiss code and without leap 3 as out of range', async () => {
    const server = await responder({
      kind: 'mutate',
      mutate: (reply) => {
        reply[1] = 0;
        reply.writeUInt32BE(0, 12);
      },
    });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]) }),
      server.address,
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'stratumOutOfRange' });
    expect(finding.message).toContain('stratum 0, outside 1–15');
  });

  it('passes stratum 1 and 15, the ends of the synchronised range', async () => {
    const primary = await responder({ kind: 'serve', stratum: 1 });
    const last = await responder({ kind: 'serve', stratum: 15, referenceId: '192.0.2.15' });
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([primary.address, last.address]) });
    expect(findingFor(findings, primary.address)).toMatchObject({ status: 'pass', messageId: 'reachable' });
    expect(findingFor(findings, primary.address).message).toContain('stratum 1, reference GPS');
    expect(findingFor(findings, last.address)).toMatchObject({ status: 'pass', messageId: 'reachable' });
    expect(findingFor(findings, last.address).evidence).toMatchObject({ stratum: 15 });
  });

  it('fails stratum 16', async () => {
    const server = await responder({ kind: 'serve', stratum: 16 });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]) }),
      server.address,
    );
    expect(finding.status).toBe('fail');
    expect(finding.messageId).toBe('stratumOutOfRange');
    expect(finding.message).toContain('stratum 16, outside 1–15');
  });

  it('is inconclusive on silence and states the time waited', async () => {
    const server = await responder({ kind: 'silent' });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]), timeoutMs: 150 }),
      server.address,
    );
    expect(finding.status).toBe('inconclusive');
    expect(finding.messageId).toBe('noAnswer');
    const waited = finding.evidence.waitedMs as number;
    expect(waited).toBeGreaterThanOrEqual(3 * 150 - 5);
    expect(finding.message).toBe(`${server.address} did not answer 3 SNTP requests within ${waited} ms.`);
    expect(finding.evidence).toMatchObject({ failure: 'timeout', requests: 3, timeoutMs: 150 });
  });

  it('is inconclusive when the only reply is spoofed (wrong origin timestamp)', async () => {
    const server = await responder({ kind: 'wrong-origin' });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]), timeoutMs: 300 }),
      server.address,
    );
    expect(finding.status).toBe('inconclusive');
    expect(finding.messageId).toBe('rejectedReply');
    expect(finding.message).toContain('rejected as possibly spoofed');
    expect(finding.evidence).toMatchObject({ failure: 'spoofed' });
  });

  it('is inconclusive on garbage', async () => {
    const server = await responder({ kind: 'garbage' });
    const finding = findingFor(
      await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]), timeoutMs: 300 }),
      server.address,
    );
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'rejectedReply' });
    expect(finding.message).toContain('rejected as malformed');
  });

  it('is inconclusive, not a pass, when the port answers ICMP port unreachable', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const target = `127.0.0.1:${port}`;
    const finding = findingFor(await testCheck('MRA-NTP-001', { inventory: ntpInventory([target]) }), target);
    expect(finding.status).toBe('inconclusive');
    expect(finding.messageId).toBe('refused');
    expect(finding.message).toContain(`serves NTP on UDP port ${port}`);
  });

  it('examines a server listed twice once', async () => {
    const server = await responder({ kind: 'serve', stratum: 2 });
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address, server.address]) });
    expect(findings).toHaveLength(1);
    expect(server.requests).toBe(1);
  });

  it('is skipped offline without touching the network', async () => {
    const server = await responder({ kind: 'serve', stratum: 2 });
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([server.address]), offline: true });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ target: 'deployment', status: 'skipped', messageId: 'needUnavailable' });
    expect(server.requests).toBe(0);
  });

  it('is skipped when the inventory lists no NTP servers', async () => {
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([]) });
    expect(findings[0]).toMatchObject({ target: 'deployment', status: 'skipped' });
    expect(findings[0]!.message).toContain('no NTP servers');
  });
});
