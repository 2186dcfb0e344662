import { afterAll, afterEach, beforeAll } from 'vitest';
import type { SntpServer } from '../../lab/ntp.js';
import { startChrony, type Chrony } from './chrony.js';
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
export function realChrony(): () => Chrony {
  let chrony: Chrony | undefined;
  beforeAll(async () => {
    chrony = await startChrony();
  });
  afterAll(async () => {
    await chrony?.stop();
  });
  return () => {
    if (!chrony) throw new Error('chronyd did not start');
    return chrony;
  };
}
