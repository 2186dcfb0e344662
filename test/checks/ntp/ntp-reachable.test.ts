import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { ntpInventory, realChrony, scriptedResponders } from '../../helpers/ntp-fixtures.js';

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
    expect(finding.status).toBe('inconclusive');
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
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory(['127.0.0.1:9']), offline: true });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ target: 'deployment', status: 'skipped' });
  });

  it('is skipped when the inventory lists no NTP servers', async () => {
    const findings = await testCheck('MRA-NTP-001', { inventory: ntpInventory([]) });
    expect(findings[0]).toMatchObject({ target: 'deployment', status: 'skipped' });
    expect(findings[0]!.message).toContain('no NTP servers');
  });
});
