import type { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpresswaySource, type StatusProbes } from '../../src/expressway/source.js';
import type { HttpsClientConfig, InventoryNode } from '../../src/inventory/types.js';
import { Limiter } from '../../src/probes/limiter.js';
import type { StatusFetchResult } from '../../src/probes/status.js';
import { fixtureInventory } from '../helpers/check.js';

/**
 * createExpresswaySource with scripted status exchanges: which HTTPS pool each node's request
 * uses (one per caFile + insecure), that close() destroys each pool, and how an unreadable caFile
 * becomes a result. The real exchange is tested in status-source.test.ts.
 */

interface FakeAgent {
  id: number;
  config: Pick<HttpsClientConfig, 'caFile' | 'insecure'>;
  destroy: () => Promise<void>;
}

const probe = {
  agents: [] as FakeAgent[],
  destroyed: [] as number[],
  /** A caFile whose pool cannot be built, and the error that building it throws. */
  unreadable: new Map<string, Error>(),
  /** The pool each fetch was sent through, by URL. */
  dispatched: [] as Array<{ url: string; agent: number }>,
};

/** Scripted status exchanges: fake pools, and every fetch answers X14.3.1. */
const scripted: StatusProbes = {
  createStatusAgent: (config) => {
    const failure = config.caFile === undefined ? undefined : probe.unreadable.get(config.caFile);
    if (failure) throw failure;
    const id = probe.agents.length + 1;
    const agent: FakeAgent = {
      id,
      config,
      destroy: async () => {
        probe.destroyed.push(id);
      },
    };
    probe.agents.push(agent);
    return agent as unknown as Agent;
  },
  fetchStatusVersion: async (config, options): Promise<StatusFetchResult> => {
    probe.dispatched.push({
      url: config.url,
      agent: (options.dispatcher as unknown as FakeAgent | undefined)?.id ?? 0,
    });
    return {
      ok: true,
      version: 'X14.3.1',
      facts: {},
      exchange: { url: config.url, tlsVerification: 'on', durationMs: 1 },
    };
  },
};

afterEach(() => {
  probe.agents.length = 0;
  probe.destroyed.length = 0;
  probe.dispatched.length = 0;
  probe.unreadable.clear();
});

function source(nodes: Array<Record<string, unknown>>) {
  const inventory = fixtureInventory({ inventory: { domains: ['example.com'], nodes } });
  return {
    expressway: createExpresswaySource(
      {
        inventory,
        offline: false,
        timeoutMs: 2000,
        limiter: new Limiter(4),
        signal: new AbortController().signal,
        env: {},
      },
      scripted,
    ),
    node: (fqdn: string): InventoryNode => inventory.nodes.find((n) => n.fqdn === fqdn)!,
  };
}

const url = (name: string): string => `https://${name}.example.com/status.xml`;

describe('createExpresswaySource HTTPS pools', () => {
  it('shares one pool per caFile and insecure setting, and close() destroys each once', async () => {
    const { expressway, node } = source([
      { fqdn: 'a.example.com', role: 'expressway-c', status: { url: url('a'), caFile: '/ca/one.pem' } },
      { fqdn: 'b.example.com', role: 'expressway-e', status: { url: url('b'), caFile: '/ca/one.pem' } },
      { fqdn: 'c.example.com', role: 'expressway-e', status: { url: url('c'), caFile: '/ca/two.pem' } },
      {
        fqdn: 'd.example.com',
        role: 'expressway-e',
        status: { url: url('d'), caFile: '/ca/one.pem', insecure: true },
      },
      { fqdn: 'e.example.com', role: 'expressway-e', status: { url: url('e') } },
      { fqdn: 'f.example.com', role: 'expressway-e', status: { url: url('f'), insecure: false } },
      { fqdn: 'g.example.com', role: 'expressway-e', status: { url: url('g'), insecure: true } },
    ]);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await expressway.version(node(`${name}.example.com`));
    expect(probe.dispatched).toStrictEqual([
      { url: url('a'), agent: 1 },
      { url: url('b'), agent: 1 },
      { url: url('c'), agent: 2 },
      { url: url('d'), agent: 3 },
      { url: url('e'), agent: 4 },
      { url: url('f'), agent: 4 },
      { url: url('g'), agent: 5 },
    ]);
    expect(probe.agents.map((agent) => agent.config)).toStrictEqual([
      { url: url('a'), caFile: '/ca/one.pem' },
      { url: url('c'), caFile: '/ca/two.pem' },
      { url: url('d'), caFile: '/ca/one.pem', insecure: true },
      { url: url('e') },
      { url: url('g'), insecure: true },
    ]);
    expect(probe.destroyed).toStrictEqual([]);
    await expressway.close?.();
    expect(probe.destroyed).toStrictEqual([1, 2, 3, 4, 5]);
    await expressway.close?.();
    expect(probe.destroyed).toStrictEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the inventory version as evidence only when there is one', async () => {
    const { expressway, node } = source([
      { fqdn: 'a.example.com', role: 'expressway-c', version: 'X8.9', status: { url: url('a') } },
      { fqdn: 'b.example.com', role: 'expressway-c', status: { url: url('b') } },
    ]);
    const exchange = (name: string) => ({ url: url(name), tlsVerification: 'on', durationMs: 1 });
    expect(await expressway.version(node('a.example.com'))).toStrictEqual({
      fqdn: 'a.example.com',
      role: 'expressway-c',
      inventoryVersion: 'X8.9',
      kind: 'version',
      source: 'status.xml',
      raw: 'X14.3.1',
      facts: {},
      exchange: exchange('a'),
    });
    expect(await expressway.version(node('b.example.com'))).toStrictEqual({
      fqdn: 'b.example.com',
      role: 'expressway-c',
      kind: 'version',
      source: 'status.xml',
      raw: 'X14.3.1',
      facts: {},
      exchange: exchange('b'),
    });
  });

  it('returns a pool that cannot be built as a configuration failure naming the caFile and the error code', async () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    probe.unreadable.set('/ca/missing.pem', enoent);
    probe.unreadable.set('/ca/odd.pem', new Error('not a PEM file'));
    const { expressway, node } = source([
      {
        fqdn: 'a.example.com',
        role: 'expressway-c',
        version: 'X14.0.2',
        status: { url: url('a'), caFile: '/ca/missing.pem' },
      },
      {
        fqdn: 'b.example.com',
        role: 'expressway-e',
        status: { url: 'https://user@b.example.com/status.xml', caFile: '/ca/odd.pem', insecure: true },
      },
    ]);
    expect(await expressway.version(node('a.example.com'))).toStrictEqual({
      fqdn: 'a.example.com',
      role: 'expressway-c',
      inventoryVersion: 'X14.0.2',
      kind: 'failure',
      source: 'status.xml',
      failure: { kind: 'config', detail: 'caFile /ca/missing.pem cannot be read (ENOENT)' },
      exchange: { url: url('a'), tlsVerification: 'on', durationMs: 0 },
    });
    expect(await expressway.version(node('b.example.com'))).toStrictEqual({
      fqdn: 'b.example.com',
      role: 'expressway-e',
      kind: 'failure',
      source: 'status.xml',
      failure: { kind: 'config', detail: 'caFile /ca/odd.pem cannot be read (unreadable)' },
      exchange: { url: url('b'), tlsVerification: 'off', durationMs: 0 },
    });
    expect(probe.dispatched).toStrictEqual([]);
  });

  it('refuses a node that is not an Expressway', async () => {
    const { expressway, node } = source([
      { fqdn: 'cucm.example.com', role: 'cucm-publisher' },
      { fqdn: 'imp.example.com', role: 'imp-subscriber' },
    ]);
    await expect(expressway.version(node('cucm.example.com'))).rejects.toThrow(
      new Error('cucm.example.com is not an Expressway (role cucm-publisher)'),
    );
    await expect(expressway.version(node('imp.example.com'))).rejects.toThrow(
      new Error('imp.example.com is not an Expressway (role imp-subscriber)'),
    );
  });
});
