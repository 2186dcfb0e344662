import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/probes/limiter.js';
import { sntpServerReply, type SntpServer } from '../../lab/ntp.js';
import {
  buildClientRequest,
  createNtpProbe,
  exchangeWith,
  NTP_MAX_ATTEMPTS,
  ntpTarget,
  parseNtpPacket,
  validateReply,
  writeNtpTimestamp,
  type NtpFailure,
  type NtpProbe,
  type NtpReply,
  type NtpResult,
} from '../../src/probes/ntp.js';
import { startChrony, type Chrony } from '../helpers/chrony.js';
import { fixtureInventory } from '../helpers/check.js';
import { startSntpResponder, type SntpScript } from '../helpers/sntp-responder.js';

function probeFor(timeoutMs: number, signal = new AbortController().signal): NtpProbe {
  return createNtpProbe({
    inventory: fixtureInventory({ inventory: { domains: ['example.com'] } }),
    offline: false,
    timeoutMs,
    limiter: new Limiter(8),
    signal,
    env: {},
  });
}

function replyOf(result: NtpResult): NtpReply {
  if (!result.ok) throw new Error(`expected a reply, got ${result.failure.kind}: ${result.failure.detail}`);
  return result.reply;
}

function failureOf(result: NtpResult): NtpFailure {
  if (result.ok) throw new Error(`expected a failure, got a reply at stratum ${result.reply.stratum}`);
  return result.failure;
}

const servers: SntpServer[] = [];
async function responder(script: SntpScript, host?: string): Promise<SntpServer> {
  const server = await startSntpResponder(script, host);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('NtpProbe against a real chronyd (local stratum 3)', () => {
  let chrony: Chrony;
  beforeAll(async () => {
    chrony = await startChrony();
  });
  afterAll(async () => {
    await chrony?.stop();
  });

  it('reports stratum 3, a synchronised leap indicator and a sub-second offset', async () => {
    const reply = replyOf(await probeFor(2000).query(chrony.address));
    expect(reply.server).toBe(chrony.address);
    expect(reply.address).toBe('127.0.0.1');
    expect(reply.port).toBe(chrony.port);
    expect(reply.mode).toBe(4);
    expect(reply.version).toBe(4);
    expect(reply.stratum).toBe(3);
    expect(reply.leap).not.toBe(3);
    expect(reply.kissCode).toBeUndefined();
    // chronyd's local reference clock identifies itself as 127.127.1.1.
    expect(reply.referenceId).toBe('127.127.1.1');
    expect(Math.abs(reply.offsetMs!)).toBeLessThan(1000);
    expect(reply.delayMs).toBeGreaterThanOrEqual(0);
    expect(reply.delayMs).toBeLessThan(1000);
    expect(reply.attempts).toBe(1);
    expect(reply.transmitTimeMs).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('is queried once per run: equivalent spellings of one server share the exchange', async () => {
    const probe = probeFor(2000);
    const [first, second] = await Promise.all([probe.query(chrony.address), probe.query(` ${chrony.address}`)]);
    expect(first).toBe(second);
  });
});

describe('NtpProbe against scripted responders', () => {
  it('returns a kiss-of-death as a reply carrying its code', async () => {
    const server = await responder({ kind: 'kiss', code: 'RATE' });
    const reply = replyOf(await probeFor(1000).query(server.address));
    expect(reply.stratum).toBe(0);
    expect(reply.kissCode).toBe('RATE');
    expect(reply.leap).toBe(3);
    expect(reply.offsetMs).toBeUndefined();
    expect(server.requests).toBe(1);
  });

  it('reports leap indicator 3 and stratum 16 as parsed', async () => {
    const server = await responder({ kind: 'serve', stratum: 16, leap: 3 });
    const reply = replyOf(await probeFor(1000).query(server.address));
    expect(reply.leap).toBe(3);
    expect(reply.stratum).toBe(16);
  });

  it('gives up on a silent server after its retries, saying how long it waited', async () => {
    const server = await responder({ kind: 'silent' });
    const failure = failureOf(await probeFor(150).query(server.address));
    expect(failure.kind).toBe('timeout');
    expect(failure.attempts).toBe(NTP_MAX_ATTEMPTS);
    expect(server.requests).toBe(NTP_MAX_ATTEMPTS);
    expect(failure.waitedMs).toBeGreaterThanOrEqual(NTP_MAX_ATTEMPTS * 150 - 5);
    expect(failure.timeoutMs).toBe(150);
    expect(failure.detail).toBe('no reply to 3 requests');
  });

  it('rejects a reply whose origin timestamp is not our transmit timestamp (spoofed)', async () => {
    const server = await responder({ kind: 'wrong-origin' });
    const failure = failureOf(await probeFor(500).query(server.address));
    expect(failure.kind).toBe('spoofed');
    expect(failure.detail).toMatch(/origin timestamp [0-9a-f]{16} does not echo any transmit timestamp we sent/);
  });

  it('rejects a packet shorter than the NTP header', async () => {
    const server = await responder({ kind: 'short', length: 47 });
    const failure = failureOf(await probeFor(500).query(server.address));
    expect(failure.kind).toBe('malformed');
    expect(failure.detail).toContain('47-byte packet');
  });

  it('rejects garbage', async () => {
    const server = await responder({ kind: 'garbage' });
    const failure = failureOf(await probeFor(500).query(server.address));
    expect(failure.kind).toBe('malformed');
    expect(failure.detail).toContain('mode 2, expected 4');
  });

  it.each([
    ['a client-mode packet', (reply: Buffer) => void (reply[0] = (reply[0]! & ~0b111) | 3), 'mode 3, expected 4'],
    [
      'version 2',
      (reply: Buffer) => void (reply[0] = (reply[0]! & 0b11000111) | (2 << 3)),
      'version 2, expected 3 or 4',
    ],
    ['a zero transmit timestamp', (reply: Buffer) => void reply.fill(0, 40, 48), 'transmit timestamp is zero'],
    ['a zero receive timestamp', (reply: Buffer) => void reply.fill(0, 32, 40), 'receive timestamp is zero'],
  ])('rejects %s', async (_name, mutate, detail) => {
    const server = await responder({ kind: 'mutate', mutate });
    const failure = failureOf(await probeFor(500).query(server.address));
    expect(failure.kind).toBe('malformed');
    expect(failure.detail).toContain(detail);
  });

  it('reads only the header of a huge datagram', async () => {
    const server = await responder({ kind: 'padded', length: 60_000 });
    const reply = replyOf(await probeFor(1000).query(server.address));
    expect(reply.length).toBe(60_000);
    expect(reply.stratum).toBe(2);
  });

  it('accepts NTP version 3 replies', async () => {
    const server = await responder({ kind: 'serve', stratum: 2, version: 3 });
    expect(replyOf(await probeFor(1000).query(server.address)).version).toBe(3);
  });

  it('accepts a slow reply to an earlier request while the retry is out', async () => {
    const server = await responder({ kind: 'serve', stratum: 2, delayMs: 450 });
    const reply = replyOf(await probeFor(300).query(server.address));
    expect(reply.stratum).toBe(2);
    expect(reply.attempts).toBe(1);
    expect(reply.delayMs).toBeGreaterThanOrEqual(400);
  });

  it('times out on a reply slower than the whole budget', async () => {
    const server = await responder({ kind: 'serve', stratum: 2, delayMs: 2000 });
    const failure = failureOf(await probeFor(100).query(server.address));
    expect(failure.kind).toBe('timeout');
  });

  it('measures the offset of a server whose clock is ahead', async () => {
    const server = await responder({ kind: 'serve', stratum: 2, clockOffsetMs: 5000 });
    const reply = replyOf(await probeFor(1000).query(server.address));
    expect(reply.offsetMs).toBeGreaterThan(4900);
    expect(reply.offsetMs).toBeLessThan(5100);
  });

  it('speaks IPv6 to [::1]:port', async () => {
    const server = await responder({ kind: 'serve', stratum: 2 }, '::1');
    expect(server.address).toMatch(/^\[::1\]:\d+$/);
    const reply = replyOf(await probeFor(1000).query(server.address));
    expect(reply.address).toBe('::1');
    expect(reply.server).toBe(server.address);
  });

  it('reports ICMP port unreachable as refused', async () => {
    const port = await closedUdpPort();
    const failure = failureOf(await probeFor(1000).query(`127.0.0.1:${port}`));
    expect(failure.kind).toBe('refused');
    expect(failure.port).toBe(port);
  });

  it('reports a name that does not resolve', async () => {
    const failure = failureOf(await probeFor(500).query('ntp.does-not-exist.invalid'));
    expect(failure.kind).toBe('unresolved');
    expect(failure.server).toBe('ntp.does-not-exist.invalid:123');
  });

  it('stops a caller that aborts without spoiling the shared exchange', async () => {
    const server = await responder({ kind: 'serve', stratum: 2, delayMs: 150 });
    const probe = probeFor(1000);
    const caller = new AbortController();
    const abandoned = probe.query(server.address, caller.signal);
    caller.abort();
    expect(failureOf(await abandoned).kind).toBe('aborted');
    expect(replyOf(await probe.query(server.address)).stratum).toBe(2);
    expect(server.requests).toBe(1);
  });

  it('honours the run signal', async () => {
    const server = await responder({ kind: 'silent' });
    const run = new AbortController();
    const pending = probeFor(5000, run.signal).query(server.address);
    setTimeout(() => run.abort(), 50);
    expect(failureOf(await pending).kind).toBe('aborted');
  });
});

describe('NTP packet codec', () => {
  it('round-trips timestamps in both NTP eras', () => {
    for (const unixMs of [Date.UTC(2026, 10, 25, 12, 0, 0, 250), Date.UTC(2040, 0, 1, 0, 0, 0, 500)]) {
      const packet = Buffer.alloc(48);
      packet[0] = (4 << 3) | 4;
      packet[1] = 2;
      writeNtpTimestamp(packet, 40, unixMs);
      expect(parseNtpPacket(packet).transmitTimeMs).toBeCloseTo(unixMs, 3);
    }
  });

  it('reads the reference id as a kiss code at stratum 0, a clock name at 1 and an address above', () => {
    const request = buildClientRequest(Buffer.from('0102030405060708', 'hex'));
    expect(parseNtpPacket(sntpServerReply(request, { stratum: 0, referenceId: 'DENY' })!).kissCode).toBe('DENY');
    expect(parseNtpPacket(sntpServerReply(request, { stratum: 1, referenceId: 'GPS' })!).referenceId).toBe('GPS');
    const secondary = parseNtpPacket(sntpServerReply(request, { stratum: 2, referenceId: '192.0.2.10' })!);
    expect(secondary.referenceId).toBe('192.0.2.10');
    expect(secondary.kissCode).toBeUndefined();
    expect(secondary.originTimestampHex).toBe('0102030405060708');
    expect(secondary.rootDelayMs).toBeCloseTo(12.3, 1);
    expect(secondary.precision).toBe(-20);
  });

  it('never throws on arbitrary datagrams, and accepts only those echoing our nonce', () => {
    const nonce = '0102030405060708';
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const verdict = validateReply(Buffer.from(bytes), (origin) => (origin === nonce ? 1 : undefined));
        if (verdict.ok) expect(verdict.packet.originTimestampHex).toBe(nonce);
      }),
    );
  });

  it('names targets with the default port 123', () => {
    expect(ntpTarget('10.1.1.123')).toBe('10.1.1.123:123');
    expect(ntpTarget('[::1]:11123')).toBe('[::1]:11123');
    expect(ntpTarget('::1')).toBe('[::1]:123');
  });

  it('exchangeWith rejects an invalid address without touching the network', async () => {
    const result = await exchangeWith('127.0.0.1:99999', 100, new AbortController().signal);
    expect(failureOf(result).kind).toBe('invalid-address');
  });
});
