import { afterAll, beforeAll } from 'vitest';
import { HOSTILE_HTTP_BEHAVIOURS, startHostileHttp, type HostileHttp, type HostileHttpBehaviour } from './http.js';

/** One hostile HTTPS peer per behaviour for the whole test file (started before, stopped after). */
export function hostileHttpPeers(flavour: 'Status' | 'soap'): Map<HostileHttpBehaviour, HostileHttp> {
  const peers = new Map<HostileHttpBehaviour, HostileHttp>();
  beforeAll(async () => {
    for (const behaviour of HOSTILE_HTTP_BEHAVIOURS)
      peers.set(behaviour, await startHostileHttp(behaviour, { flavour }));
  });
  afterAll(async () => {
    await Promise.all([...peers.values()].map((peer) => peer.stop()));
  });
  return peers;
}
