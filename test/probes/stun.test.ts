import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, randomLoopbackAddress } from '../../lab/loopback.js';
import { stunBinding, turnAllocate, type StunTransport } from '../../src/probes/stun/client.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';

/** The STUN/TURN client against a real coturn on loopback (RFC 5389 Binding, RFC 5766 Allocate/Refresh). */

const live = (): AbortSignal => new AbortController().signal;
let coturn: Coturn;

beforeAll(async () => {
  coturn = await startCoturn();
}, 30_000);
afterAll(async () => {
  await coturn?.stop();
});

const portFor = (transport: StunTransport): number => (transport === 'tls' ? coturn.tlsPort : coturn.port);

describe('STUN Binding against coturn', () => {
  it.each(['udp', 'tcp', 'tls'] as const)('answers over %s with a valid XOR-MAPPED-ADDRESS', async (transport) => {
    const result = await stunBinding(
      { host: coturn.host, port: portFor(transport), transport },
      { timeoutMs: 2000, signal: live(), tlsCa: [coturn.caPem] },
    );
    if (!result.ok) throw new Error(`${transport}: ${result.failure} ${result.detail}\n${coturn.log().slice(-2000)}`);
    expect(result.transport).toBe(transport);
    expect(result.address).toBe(coturn.host);
    // Loopback traffic leaves from a 127/8 address; the server reflects it back XORed with the cookie.
    expect(result.mapped.family).toBe('IPv4');
    expect(isIPv4(result.mapped.address) && result.mapped.address.startsWith('127.')).toBe(true);
    expect(result.mapped.port).toBeGreaterThan(0);
    expect(result.retransmits).toBe(0);
    if (transport === 'tls') expect(result.tls).toMatchObject({ authorized: true });
  });

  it('reports an unverified TURN TLS certificate without failing the Binding', async () => {
    const result = await stunBinding(
      { host: coturn.host, port: coturn.tlsPort, transport: 'tls' },
      { timeoutMs: 2000, signal: live() },
    );
    expect(result.ok).toBe(true);
    expect(result.tls?.authorized).toBe(false);
    expect(result.tls?.authorizationError).toMatch(/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/);
  });
});

describe('TURN Allocate against coturn', () => {
  it.each(['udp', 'tcp', 'tls'] as const)(
    'allocates over %s with the right credentials and releases with LIFETIME 0',
    async (transport) => {
      const result = await turnAllocate(
        { host: coturn.host, port: portFor(transport), transport },
        { username: coturn.username, password: coturn.password },
        { timeoutMs: 2000, signal: live(), tlsCa: [coturn.caPem] },
      );
      if (!result.ok)
        throw new Error(`${result.stage}: ${result.failure} ${result.detail}\n${coturn.log().slice(-3000)}`);
      expect(result.realm).toBe(coturn.realm);
      expect(result.relayed.address).toBe(coturn.host);
      expect(result.relayed.port).toBeGreaterThanOrEqual(50_000);
      expect(result.lifetimeSeconds).toBeGreaterThan(0);
      expect(result.release).toEqual({ ok: true });
      expect(result.mapped?.address.startsWith('127.')).toBe(true);
      expect(JSON.stringify(result)).not.toContain(coturn.password);
    },
  );

  it('fails with 401 after MESSAGE-INTEGRITY when the password is wrong, and never shows it', async () => {
    const wrong = 'not-the-password-Zq8';
    const result = await turnAllocate(
      { host: coturn.host, port: coturn.port, transport: 'udp' },
      { username: coturn.username, password: wrong },
      { timeoutMs: 2000, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, stage: 'allocate', failure: 'unauthorized', errorCode: 401 });
    expect(result.ok === false && result.realm).toBe(coturn.realm);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('fails with 401 for an unknown user over TCP', async () => {
    const result = await turnAllocate(
      { host: coturn.host, port: coturn.port, transport: 'tcp' },
      { username: 'nobody-here', password: coturn.password },
      { timeoutMs: 2000, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, failure: 'unauthorized' });
    expect(JSON.stringify(result)).not.toContain(coturn.password);
  });
});

describe('unreachable STUN servers', () => {
  let silent: UdpSocket;
  let silentPort: number;
  const host = randomLoopbackAddress();
  beforeAll(async () => {
    // Bound and open, reading every datagram and answering none: a firewall that drops the reply.
    silent = createSocket('udp4');
    silent.on('message', () => {});
    await new Promise<void>((resolve) => silent.bind(0, host, () => resolve()));
    silentPort = silent.address().port;
  });
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  it('gives timeout within the budget on a silent UDP port, after RFC 5389 retransmissions', async () => {
    const started = performance.now();
    const result = await stunBinding({ host, port: silentPort, transport: 'udp' }, { timeoutMs: 1200, signal: live() });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, failure: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(1150);
    expect(elapsed).toBeLessThan(1700);
  });

  it('gives refused for a closed UDP port (ICMP port unreachable) and a closed TCP port (RST)', async () => {
    const closed = await freePort(host, true);
    for (const transport of ['udp', 'tcp', 'tls'] as const) {
      const result = await stunBinding({ host, port: closed, transport }, { timeoutMs: 1500, signal: live() });
      expect(result, transport).toMatchObject({ ok: false, failure: 'refused' });
    }
  });

  it('gives cancelled when the run is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await stunBinding(
      { host, port: silentPort, transport: 'udp' },
      { timeoutMs: 5000, signal: controller.signal },
    );
    expect(result).toMatchObject({ ok: false, failure: 'cancelled' });
    expect(result.durationMs).toBeLessThan(1000);
  });

  it('gives unresolved for a name that does not resolve', async () => {
    const result = await stunBinding(
      { host: 'turn.does-not-exist.invalid', port: 3478, transport: 'udp' },
      { timeoutMs: 3000, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, failure: 'unresolved' });
  });
});
