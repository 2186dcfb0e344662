import { afterEach, describe, expect, it } from 'vitest';
import { randomLoopbackAddress } from '../../lab/loopback.js';
import { startTurnResponder, type TurnResponder, type TurnResponderBehaviour } from '../../lab/turn.js';
import { stunBinding, turnAllocate, type StunFailure } from '../../src/probes/stun/client.js';
import { StunMethod } from '../../src/probes/stun/message.js';

/**
 * Hostile and scripted STUN/TURN peers (lab/turn.ts behaviours): each gives a typed failure
 * within the timeout, never a crash or a hang; 438 Stale Nonce is retried exactly once.
 */

const live = (): AbortSignal => new AbortController().signal;
const responders: TurnResponder[] = [];
afterEach(async () => {
  await Promise.all(responders.splice(0).map((responder) => responder.stop()));
});

async function responder(behaviour: TurnResponderBehaviour, users?: Record<string, string>): Promise<TurnResponder> {
  const started = await startTurnResponder({
    host: randomLoopbackAddress(),
    port: 0,
    behaviour,
    ...(users ? { users } : {}),
  });
  responders.push(started);
  return started;
}

const TIMEOUT_MS = 800;

describe('hostile STUN answers', () => {
  const cases: Array<[TurnResponderBehaviour, 'udp' | 'tcp', StunFailure, RegExp]> = [
    ['garbage', 'udp', 'malformed', /not valid STUN/],
    ['garbage', 'tcp', 'malformed', /not a STUN message|magic cookie/],
    ['wrong-transaction', 'udp', 'mismatch', /another transaction id/],
    ['wrong-transaction', 'tcp', 'mismatch', /another transaction id/],
    ['wrong-cookie', 'udp', 'malformed', /magic cookie 0xdeadbeef/],
    ['wrong-cookie', 'tcp', 'malformed', /magic cookie 0xdeadbeef/],
    ['attribute-past-end', 'udp', 'malformed', /past the end/],
    ['attribute-past-end', 'tcp', 'malformed', /past the end/],
    ['many-attributes', 'udp', 'malformed', /more than 128 attributes/],
    ['many-attributes', 'tcp', 'malformed', /more than 128 attributes/],
    ['legacy-mapped', 'udp', 'malformed', /XOR-MAPPED-ADDRESS.*RFC 3489/],
    ['trickle', 'tcp', 'timeout', /800 ms/],
    ['huge-length', 'tcp', 'timeout', /800 ms/],
    ['silent', 'udp', 'timeout', /800 ms/],
    ['silent', 'tcp', 'timeout', /800 ms/],
  ];
  it.each(cases)('%s over %s gives %s', async (behaviour, transport, failure, detail) => {
    const peer = await responder(behaviour);
    const started = performance.now();
    const result = await stunBinding(
      { host: peer.host, port: peer.port, transport },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, failure });
    expect(result.ok === false && result.detail).toMatch(detail);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 400);
    expect(JSON.stringify(result).length).toBeLessThan(2000);
  });
});

describe('the lab responder as a TURN server', () => {
  const users = { alice: 'correct horse battery' };

  it('answers Binding on UDP and TCP', async () => {
    const peer = await responder('normal');
    for (const transport of ['udp', 'tcp'] as const) {
      const result = await stunBinding(
        { host: peer.host, port: peer.port, transport },
        { timeoutMs: TIMEOUT_MS, signal: live() },
      );
      expect(result, transport).toMatchObject({ ok: true, mapped: { family: 'IPv4' } });
    }
  });

  it('allocates and releases with the long-term credential mechanism', async () => {
    const peer = await responder('normal', users);
    const result = await turnAllocate(
      { host: peer.host, port: peer.port, transport: 'udp' },
      { username: 'alice', password: users.alice },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    expect(result).toMatchObject({
      ok: true,
      realm: 'mra-lab',
      relayed: { address: peer.host },
      release: { ok: true },
      staleNonceRetries: 0,
    });
    expect(peer.allocations()).toBe(0);
    // challenge, authenticated Allocate, Refresh(0)
    expect(peer.requests.map((request) => [request.method, request.authenticated])).toEqual([
      [StunMethod.Allocate, false],
      [StunMethod.Allocate, true],
      [StunMethod.Refresh, true],
    ]);
  });

  it('retries a 438 Stale Nonce once with the new nonce', async () => {
    const peer = await responder('stale-nonce-once', users);
    const result = await turnAllocate(
      { host: peer.host, port: peer.port, transport: 'tcp' },
      { username: 'alice', password: users.alice },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    expect(result).toMatchObject({ ok: true, staleNonceRetries: 1, release: { ok: true } });
    expect(peer.requests.filter((request) => request.method === StunMethod.Allocate)).toHaveLength(3);
  });

  it('gives up after one retry when every nonce is stale', async () => {
    const peer = await responder('stale-nonce-always', users);
    const result = await turnAllocate(
      { host: peer.host, port: peer.port, transport: 'udp' },
      { username: 'alice', password: users.alice },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, stage: 'allocate', failure: 'error-response', errorCode: 438 });
    expect(peer.requests.filter((request) => request.method === StunMethod.Allocate)).toHaveLength(3);
  });

  it('reports wrong credentials as unauthorized without the password', async () => {
    const peer = await responder('normal', users);
    const result = await turnAllocate(
      { host: peer.host, port: peer.port, transport: 'udp' },
      { username: 'alice', password: 'wrong-horse-xyz' },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, failure: 'unauthorized', errorCode: 401 });
    expect(JSON.stringify(result)).not.toContain('wrong-horse-xyz');
  });

  it('gives typed failures for a garbage answer to Allocate', async () => {
    const peer = await responder('garbage', users);
    const result = await turnAllocate(
      { host: peer.host, port: peer.port, transport: 'tcp' },
      { username: 'alice', password: users.alice },
      { timeoutMs: TIMEOUT_MS, signal: live() },
    );
    expect(result).toMatchObject({ ok: false, stage: 'challenge', failure: 'malformed' });
  });
});
