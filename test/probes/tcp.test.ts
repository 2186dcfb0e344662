import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomLoopbackAddress, refusingPort } from '../../lab/loopback.js';
import { probeTcpConnect } from '../../src/probes/tcp.js';
import { startSilentTcpPort, type SilentPort } from '../helpers/silent-port.js';

/** The TCP connect probe against a listening port, a refusing port and a port whose SYNs are dropped. */

const live = (): AbortSignal => new AbortController().signal;
const host = randomLoopbackAddress();
let listening: Server;
let listeningPort: number;
let silent: SilentPort;

beforeAll(async () => {
  listening = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listening.listen(0, host, () => resolve()));
  listeningPort = (listening.address() as { port: number }).port;
  silent = await startSilentTcpPort(host);
});
afterAll(async () => {
  await new Promise<void>((resolve) => listening.close(() => resolve()));
  await silent.stop();
});

describe('probeTcpConnect', () => {
  it('passes for a port that accepts, naming the address and port', async () => {
    const result = await probeTcpConnect({ host, port: listeningPort, timeoutMs: 1000, signal: live() });
    expect(result).toMatchObject({ ok: true, address: host, port: listeningPort });
  });

  it('gives refused at once for a port nothing listens on (RST)', async () => {
    const port = await refusingPort(host);
    const result = await probeTcpConnect({ host, port, timeoutMs: 2000, signal: live() });
    expect(result).toMatchObject({ ok: false, failure: 'refused', address: host, port });
    expect(result.durationMs).toBeLessThan(500);
  });

  it('gives timeout within the budget for a port whose SYNs are dropped (filtered or down)', async () => {
    const started = performance.now();
    const result = await probeTcpConnect({ host, port: silent.port, timeoutMs: 700, signal: live() });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, failure: 'timeout', address: host, port: silent.port });
    expect(result.ok === false && result.detail).toMatch(/filtered or down/);
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(1200);
  });

  it('gives unresolved for a name that does not resolve, keeping the name as the address', async () => {
    const result = await probeTcpConnect({
      host: 'expe.does-not-exist.invalid',
      port: 8443,
      timeoutMs: 3000,
      signal: live(),
    });
    expect(result).toMatchObject({ ok: false, failure: 'unresolved', address: 'expe.does-not-exist.invalid' });
  });

  it('gives cancelled when the run is aborted while waiting', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await probeTcpConnect({ host, port: silent.port, timeoutMs: 5000, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, failure: 'cancelled' });
    expect(result.durationMs).toBeLessThan(1000);
  });
});
