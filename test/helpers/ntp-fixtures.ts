import { afterAll, afterEach, beforeAll } from 'vitest';
import type { SntpServer } from '../../lab/ntp.js';
import type { NtpProbe, NtpReply, NtpResult } from '../../src/probes/ntp.js';
import { startChrony, type Chrony, type ChronyOptions } from './chrony.js';
import { startSntpResponder, type SntpScript } from './sntp-responder.js';

/** An inventory with these NTP servers (and policy overrides). */
export const ntpInventory = (servers: string[], policy: Record<string, unknown> = {}): Record<string, unknown> => ({
  domains: ['example.com'],
  ntp: { servers },
  policy,
});

/** Scripted SNTP responders a test starts; every one is stopped after the test. */
export function scriptedResponders(): (script: SntpScript) => Promise<SntpServer> {
  const servers: SntpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  return async (script) => {
    const server = await startSntpResponder(script);
    servers.push(server);
    return server;
  };
}

/** A real chronyd for the enclosing describe block (started before, stopped after). */
export function realChrony(options: ChronyOptions = {}): () => Chrony {
  let chrony: Chrony | undefined;
  beforeAll(async () => {
    chrony = await startChrony(options);
  });
  afterAll(async () => {
    await chrony?.stop();
  });
  return () => {
    if (!chrony) throw new Error('chronyd did not start');
    return chrony;
  };
}

/**
 * A synchronised stratum-2 reply from `server` with exactly this offset, as the probe would return
 * it: boundary tests need offsets a real exchange over loopback cannot hit to the millisecond.
 */
export function ntpReply(server: string, fields: Partial<NtpReply> = {}): NtpReply {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const offsetMs = fields.offsetMs ?? 0;
  return {
    leap: 0,
    version: 4,
    mode: 4,
    stratum: 2,
    poll: 6,
    precision: -20,
    rootDelayMs: 12.3,
    rootDispersionMs: 45.6,
    referenceIdHex: 'c0000201',
    referenceId: '192.0.2.1',
    referenceTimestampHex: '0'.repeat(16),
    originTimestampHex: '0'.repeat(16),
    receiveTimestampHex: '0'.repeat(16),
    transmitTimestampHex: '0'.repeat(16),
    referenceTimeMs: now - 64_000,
    receiveTimeMs: now + offsetMs,
    transmitTimeMs: now + offsetMs,
    length: 48,
    server,
    address: server.split(':')[0]!,
    port: Number(server.split(':')[1] ?? 123),
    clientTransmitMs: now,
    clientReceiveMs: now,
    offsetMs,
    delayMs: 0.4,
    attempts: 1,
    durationMs: 1,
    ...fields,
  };
}

/** An NTP probe answering each server with the given reply (servers it does not know: timeout). */
export function fakeNtp(replies: readonly NtpReply[]): { ntp: NtpProbe } {
  return {
    ntp: {
      query: async (server): Promise<NtpResult> => {
        const reply = replies.find((candidate) => candidate.server === server);
        if (reply) return { ok: true, reply };
        return {
          ok: false,
          failure: { kind: 'timeout', server, detail: 'no reply', attempts: 3, waitedMs: 30, timeoutMs: 10 },
        };
      },
    },
  };
}
