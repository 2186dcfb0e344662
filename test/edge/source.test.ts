import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEdgeSource, type EdgeProbes, type EdgeTarget, type TurnSpec } from '../../src/edge/source.js';
import type { EdgeConfigResult } from '../../src/probes/edge-config.js';
import type { StunBindingResult, TurnAllocateResult } from '../../src/probes/stun/client.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { AddressLookup, DnsProbe, DnsRecord, DnsResult } from '../../src/probes/dns.js';
import { Limiter } from '../../src/probes/limiter.js';
import { fixtureInventory } from '../helpers/check.js';

/**
 * createEdgeSource with a scripted DNS view and scripted network exchanges: which SRV answers
 * become targets, what the failure reason says, and that each exchange is made once per key.
 */

const probes = { calls: [] as Array<{ probe: string; args: unknown[] }> };

/** Scripted exchanges: each records its arguments and answers at once. */
const scripted: EdgeProbes = {
  probeTcpConnect: async (...args) => {
    probes.calls.push({ probe: 'tcp', args });
    return { ok: true, address: args[0].host, port: args[0].port, durationMs: 1 };
  },
  fetchPresentedChain: async (...args) => {
    probes.calls.push({ probe: 'tls', args });
    return { ok: false, failure: 'timeout', detail: 'scripted', durationMs: 1 };
  },
  fetchEdgeConfig: async (...args) => {
    probes.calls.push({ probe: 'edge-config', args });
    return { ok: true } as unknown as EdgeConfigResult;
  },
  stunBinding: async (...args) => {
    probes.calls.push({ probe: 'binding', args });
    return { ok: true } as unknown as StunBindingResult;
  },
  turnAllocate: async (...args) => {
    probes.calls.push({ probe: 'allocate', args });
    return { ok: true } as unknown as TurnAllocateResult;
  },
};

afterEach(() => {
  probes.calls.length = 0;
});

const R1 = '198.51.100.53:53';
const R2 = '198.51.100.54:53';
const signal = new AbortController().signal;

const srv = (target: string | undefined, port?: number): DnsRecord => ({
  name: 'x',
  type: 'SRV',
  ttl: 60,
  data: '',
  ...(target === undefined ? {} : { target }),
  ...(port === undefined ? {} : { port }),
});

/** A DNS view scripted per `resolver name`; every query and lookup recorded in order. */
function fakeDns(
  answers: Record<string, { outcome?: DnsResult['outcome']; records: DnsRecord[] }>,
  addresses: Record<string, Partial<AddressLookup>> = {},
) {
  const asked: string[] = [];
  const dns: DnsProbe = {
    async query(resolver, name, type) {
      asked.push(`${type} ${name} @${resolver}`);
      const answer = answers[`${resolver} ${name}`] ?? { outcome: 'nxdomain', records: [] };
      return {
        resolver,
        name,
        type,
        outcome: answer.outcome ?? 'answer',
        answers: answer.records,
        tcp: false,
        durationMs: 1,
      };
    },
    async resolveAddresses(resolver, name) {
      asked.push(`addresses ${name} @${resolver}`);
      return {
        resolver,
        name,
        outcome: 'resolved',
        addresses: [],
        chain: [name],
        queries: [],
        ...addresses[`${resolver} ${name}`],
      };
    },
  };
  return { dns, asked };
}

function inventoryOf(raw: Record<string, unknown>): Inventory {
  return fixtureInventory({ inventory: { domains: ['example.com'], nodes: [], ...raw } });
}

function edgeSource(inventory: Inventory, dns: DnsProbe = fakeDns({}).dns, env: NodeJS.ProcessEnv = {}) {
  return createEdgeSource(
    { inventory, offline: false, timeoutMs: 1500, limiter: new Limiter(2), signal, env },
    dns,
    scripted,
  );
}

const SRV_NAME = '_collab-edge._tls.example.com';
const SRV_NAME_2 = '_collab-edge._tls.example.org';

describe('edge discovery', () => {
  it('keeps the SRV records with a target, from the first external resolver that has them', async () => {
    const { dns, asked } = fakeDns(
      {
        [`${R1} ${SRV_NAME}`]: { outcome: 'nodata', records: [] },
        [`${R2} ${SRV_NAME}`]: {
          records: [
            srv('Expe1.Example.com', 8443),
            { name: 'x', type: 'CNAME', ttl: 60, data: '', target: 'other.example.com' },
            srv(undefined, 8443),
            srv('expe2.example.com'),
          ],
        },
      },
      {
        [`${R2} expe1.example.com`]: { addresses: ['203.0.113.30', '2001:db8::30'] },
        [`${R2} expe2.example.com`]: { outcome: 'nxdomain', detail: 'NXDOMAIN for expe2.example.com' },
      },
    );
    const edge = edgeSource(inventoryOf({ dns: { external: [R1, R2, '198.51.100.55:53'] } }), dns);
    expect(await edge.discover(signal)).toStrictEqual({
      ok: true,
      targets: [
        {
          domain: 'example.com',
          host: 'expe1.example.com',
          port: 8443,
          addresses: ['203.0.113.30', '2001:db8::30'],
          resolver: R2,
        },
        {
          domain: 'example.com',
          host: 'expe2.example.com',
          port: 8443,
          addresses: [],
          resolver: R2,
          addressProblem: 'NXDOMAIN for expe2.example.com',
        },
      ],
    });
    expect(asked).toStrictEqual([
      `SRV ${SRV_NAME} @${R1}`,
      `SRV ${SRV_NAME} @${R2}`,
      `addresses expe1.example.com @${R2}`,
      `addresses expe2.example.com @${R2}`,
    ]);
    // Discovery runs once per source.
    await edge.discover(signal);
    expect(asked).toHaveLength(4);
  });

  it('gives the lookup outcome as the address problem when it has no detail', async () => {
    const { dns } = fakeDns(
      { [`${R1} ${SRV_NAME}`]: { records: [srv('expe.example.com', 443)] } },
      { [`${R1} expe.example.com`]: { outcome: 'nodata' } },
    );
    expect(await edgeSource(inventoryOf({ dns: { external: [R1] } }), dns).discover(signal)).toStrictEqual({
      ok: true,
      targets: [
        {
          domain: 'example.com',
          host: 'expe.example.com',
          port: 443,
          addresses: [],
          resolver: R1,
          addressProblem: 'nodata',
        },
      ],
    });
  });

  it('looks up a target named twice for a domain once, and the same target again for another domain', async () => {
    const { dns, asked } = fakeDns(
      {
        [`${R1} ${SRV_NAME}`]: {
          records: [srv('expe.example.com', 8443), srv('EXPE.example.com', 8443), srv('expe.example.com', 9443)],
        },
        [`${R1} ${SRV_NAME_2}`]: { records: [srv('expe.example.com', 8443)] },
      },
      { [`${R1} expe.example.com`]: { addresses: ['203.0.113.30'] } },
    );
    const edge = edgeSource(inventoryOf({ domains: ['example.com', 'example.org'], dns: { external: [R1] } }), dns);
    const target = (domain: string, port: number): EdgeTarget => ({
      domain,
      host: 'expe.example.com',
      port,
      addresses: ['203.0.113.30'],
      resolver: R1,
    });
    expect(await edge.discover(signal)).toStrictEqual({
      ok: true,
      targets: [target('example.com', 8443), target('example.com', 9443), target('example.org', 8443)],
    });
    expect(asked.filter((line) => line.startsWith('addresses'))).toHaveLength(3);
  });

  it('says which resolver had no records for which name when none answers', async () => {
    const { dns } = fakeDns({
      [`${R1} ${SRV_NAME}`]: { outcome: 'servfail', records: [] },
      [`${R2} ${SRV_NAME}`]: { records: [srv(undefined, 8443)] },
    });
    expect(await edgeSource(inventoryOf({ dns: { external: [R1, R2] } }), dns).discover(signal)).toStrictEqual({
      ok: false,
      reason: `no external resolver answers ${SRV_NAME} on ${R1}: servfail; ${SRV_NAME} on ${R2}: answer`,
    });
  });

  it('names the SRV records when there is no external resolver to ask', async () => {
    const { dns, asked } = fakeDns({});
    expect(await edgeSource(inventoryOf({}), dns).discover(signal)).toStrictEqual({
      ok: false,
      reason: 'no external resolver answers the _collab-edge SRV records',
    });
    expect(asked).toStrictEqual([]);
  });
});

describe('edge exchanges, once per key', () => {
  const target = (fields: Partial<EdgeTarget> = {}): EdgeTarget => ({
    domain: 'example.com',
    host: 'expe.example.com',
    port: 8443,
    addresses: ['203.0.113.30'],
    resolver: R1,
    ...fields,
  });
  const asked = (probe: string): unknown[][] =>
    probes.calls.filter((call) => call.probe === probe).map((call) => call.args);

  it('connects once per address and port', async () => {
    const edge = edgeSource(inventoryOf({}));
    await edge.connect('203.0.113.30', 8443, signal);
    await edge.connect('203.0.113.30', 8443, signal);
    await edge.connect('203.0.113.30', 5222, signal);
    await edge.connect('203.0.113.31', 8443, signal);
    expect(asked('tcp')).toStrictEqual([
      [{ host: '203.0.113.30', port: 8443, timeoutMs: 1500, signal }],
      [{ host: '203.0.113.30', port: 5222, timeoutMs: 1500, signal }],
      [{ host: '203.0.113.31', port: 8443, timeoutMs: 1500, signal }],
    ]);
  });

  it('reads the chain once per name, address and port, with the name as SNI', async () => {
    const edge = edgeSource(inventoryOf({}));
    expect(await edge.chain(target(), '203.0.113.30', signal)).toStrictEqual({
      ok: false,
      failure: 'timeout',
      detail: 'scripted',
      durationMs: 1,
    });
    await edge.chain(target({ domain: 'example.org' }), '203.0.113.30', signal);
    await edge.chain(target({ host: 'expe2.example.com' }), '203.0.113.30', signal);
    await edge.chain(target(), '203.0.113.31', signal);
    await edge.chain(target({ port: 9443 }), '203.0.113.30', signal);
    const fetch = (servername: string, host: string, port: number) => [
      { host, port, servername, timeoutMs: 1500, signal },
    ];
    expect(asked('tls')).toStrictEqual([
      fetch('expe.example.com', '203.0.113.30', 8443),
      fetch('expe2.example.com', '203.0.113.30', 8443),
      fetch('expe.example.com', '203.0.113.31', 8443),
      fetch('expe.example.com', '203.0.113.30', 9443),
    ]);
  });

  it('asks for the edge configuration once per domain, name, address and port, with the test user', async () => {
    const edge = edgeSource(
      inventoryOf({ edge: { discovery: { usernameEnv: 'EDGE_USER', passwordEnv: 'EDGE_PASS' } } }),
      undefined,
      { EDGE_USER: 'jabber', EDGE_PASS: 'secret' },
    );
    for (const [fields, address] of [
      [{}, '203.0.113.30'],
      [{}, '203.0.113.30'],
      [{ domain: 'example.org' }, '203.0.113.30'],
      [{ host: 'expe2.example.com' }, '203.0.113.30'],
      [{}, '203.0.113.31'],
      [{ port: 9443 }, '203.0.113.30'],
    ] as const)
      await edge.edgeConfig(target(fields), address, signal);
    const config = (domain: string, host: string, address: string, port: number) => [
      {
        target: host,
        port,
        address,
        domain,
        credentials: { username: 'jabber', password: 'secret' },
        timeoutMs: 1500,
        signal,
      },
    ];
    expect(asked('edge-config')).toStrictEqual([
      config('example.com', 'expe.example.com', '203.0.113.30', 8443),
      config('example.org', 'expe.example.com', '203.0.113.30', 8443),
      config('example.com', 'expe2.example.com', '203.0.113.30', 8443),
      config('example.com', 'expe.example.com', '203.0.113.31', 8443),
      config('example.com', 'expe.example.com', '203.0.113.30', 9443),
    ]);
  });

  it('keeps one set of client anchors', () => {
    const edge = edgeSource(inventoryOf({}));
    const anchors = edge.clientAnchors();
    expect(edge.clientAnchors()).toBe(anchors);
  });

  it('lists the TURN servers with credential names only when both are given', () => {
    expect(edgeSource(inventoryOf({})).turnServers()).toStrictEqual([]);
    expect(edgeSource(inventoryOf({ edge: {} })).turnServers()).toStrictEqual([]);
    const inventory = inventoryOf({
      edge: {
        turn: [
          { server: 'turn.example.com', transports: ['udp'], usernameEnv: 'TURN_USER', passwordEnv: 'TURN_PASS' },
          { server: '203.0.113.40:5349', transports: ['tls'] },
        ],
      },
    });
    // The loader refuses one name without the other; the source does not rely on it.
    const half = {
      ...inventory,
      edge: { turn: [{ server: '[2001:db8::40]', transports: ['tcp'], usernameEnv: 'U' }] },
    };
    expect(edgeSource(inventory).turnServers()).toStrictEqual([
      {
        server: 'turn.example.com:3478',
        host: 'turn.example.com',
        port: 3478,
        transports: ['udp'],
        credentials: { usernameEnv: 'TURN_USER', passwordEnv: 'TURN_PASS' },
      },
      { server: '203.0.113.40:5349', host: '203.0.113.40', port: 5349, transports: ['tls'] },
    ]);
    expect(edgeSource(half as Inventory).turnServers()).toStrictEqual([
      { server: '[2001:db8::40]:3478', host: '2001:db8::40', port: 3478, transports: ['tcp'] },
    ]);
  });

  it('sends a STUN binding and a TURN allocation once per server and transport', async () => {
    const edge = edgeSource(inventoryOf({}), undefined, { TURN_USER: 'turner', TURN2_PASS: 'pw2' });
    const server = (name: string): TurnSpec => ({
      server: `${name}:3478`,
      host: name,
      port: 3478,
      transports: ['udp', 'tcp'],
      credentials: name.startsWith('turn2')
        ? { usernameEnv: 'TURN2_USER', passwordEnv: 'TURN2_PASS' }
        : { usernameEnv: 'TURN_USER', passwordEnv: 'TURN_PASS' },
    });
    for (const [name, transport] of [
      ['turn1.example.com', 'udp'],
      ['turn1.example.com', 'udp'],
      ['turn1.example.com', 'tcp'],
      ['turn2.example.com', 'udp'],
    ] as const) {
      await edge.binding(server(name), transport, signal);
      await edge.allocate(server(name), transport, signal);
    }
    const where = (host: string, transport: string) => ({ host, port: 3478, transport });
    expect(asked('binding')).toStrictEqual([
      [where('turn1.example.com', 'udp'), { timeoutMs: 1500, signal }],
      [where('turn1.example.com', 'tcp'), { timeoutMs: 1500, signal }],
      [where('turn2.example.com', 'udp'), { timeoutMs: 1500, signal }],
    ]);
    // An unset variable is sent as an empty user or password (the server refuses it: a finding).
    const credentials = { username: 'turner', password: '' };
    expect(asked('allocate')).toStrictEqual([
      [where('turn1.example.com', 'udp'), credentials, { timeoutMs: 1500, signal }],
      [where('turn1.example.com', 'tcp'), credentials, { timeoutMs: 1500, signal }],
      [where('turn2.example.com', 'udp'), { username: '', password: 'pw2' }, { timeoutMs: 1500, signal }],
    ]);
  });
});

describe('edge client trust', () => {
  const PEM_A = '-----BEGIN CERTIFICATE-----\nQUFBQQ==\n-----END CERTIFICATE-----';
  const PEM_B = '-----BEGIN CERTIFICATE-----\nQkJCQg==\n-----END CERTIFICATE-----';
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads the edge.clientTrust files once, on first use, and hands their certificates to every exchange', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mra-edge-source-'));
    const first = join(dir, 'roots.pem');
    const empty = join(dir, 'notes.txt');
    const second = join(dir, 'more.pem');
    writeFileSync(first, `a root\n${PEM_A}\n`);
    writeFileSync(empty, 'no certificate here\n');
    writeFileSync(second, `${PEM_B}\ntrailing text\n`);
    const edge = edgeSource(inventoryOf({ edge: { clientTrust: [first, empty, second] } }), undefined, {
      U: 'user',
      P: 'pass',
    });
    await edge.edgeConfig(
      { domain: 'example.com', host: 'expe.example.com', port: 8443, addresses: [], resolver: R1 },
      '203.0.113.30',
      signal,
    );
    // Read once: later exchanges do not go back to the files.
    rmSync(dir, { recursive: true, force: true });
    const server: TurnSpec = {
      server: 'turn.example.com:3478',
      host: 'turn.example.com',
      port: 3478,
      transports: ['tls'],
      credentials: { usernameEnv: 'U', passwordEnv: 'P' },
    };
    await edge.binding(server, 'tls', signal);
    await edge.allocate(server, 'tls', signal);
    const trusted = [PEM_A, PEM_B];
    expect(probes.calls).toStrictEqual([
      {
        probe: 'edge-config',
        args: [
          {
            target: 'expe.example.com',
            port: 8443,
            address: '203.0.113.30',
            domain: 'example.com',
            clientTrust: trusted,
            timeoutMs: 1500,
            signal,
          },
        ],
      },
      {
        probe: 'binding',
        args: [
          { host: 'turn.example.com', port: 3478, transport: 'tls' },
          { timeoutMs: 1500, signal, tlsCa: trusted },
        ],
      },
      {
        probe: 'allocate',
        args: [
          { host: 'turn.example.com', port: 3478, transport: 'tls' },
          { username: 'user', password: 'pass' },
          { timeoutMs: 1500, signal, tlsCa: trusted },
        ],
      },
    ]);
  });
});
