import { readFileSync } from 'node:fs';
import { parseCertificate } from '../../src/cert/certificate.js';
import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsLabPart } from '../../lab/dns.js';
import { edgeLabPart, LAB_TURN_PASSWORD_ENV, LAB_TURN_USER_ENV } from '../../lab/edge.js';
import { startLab, type Lab } from '../../lab/index.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { parseAddress } from '../../src/inventory/address.js';
import { createDnsProbe } from '../../src/probes/dns.js';
import { judgeEdgeConfig } from '../../src/edge/discovery.js';
import { fetchEdgeConfig } from '../../src/probes/edge-config.js';
import { Limiter } from '../../src/probes/limiter.js';
import { stunBinding, turnAllocate } from '../../src/probes/stun/client.js';
import { probeTcpConnect } from '../../src/probes/tcp.js';
import { fetchPresentedChain } from '../../src/probes/tls.js';

/**
 * The demo lab's edge, walked as a remote client does: `_collab-edge` on the external resolver,
 * the Expressway-E's public A record, 8443 and 5222, the discovery request, TURN. Everything
 * passes except the deliberate fault: 5222 refuses.
 */

const live = (): AbortSignal => new AbortController().signal;
let lab: Lab;
let inventory: Inventory;
let edgeAddress: string;
let edgePort: number;

beforeAll(async () => {
  lab = await startLab([edgeLabPart, dnsLabPart]);
  inventory = loadInventory(lab.inventoryPath, KNOWN_RULE_NAMES);
  const dns = createDnsProbe({
    inventory,
    offline: false,
    timeoutMs: 1500,
    limiter: new Limiter(4),
    signal: live(),
    env: {},
  });
  const external = inventory.dns.external[0]!;
  const srv = await dns.query(external, '_collab-edge._tls.example.com', 'SRV');
  const record = srv.answers[0];
  if (srv.outcome !== 'answer' || !record?.port) throw new Error(`SRV: ${JSON.stringify(srv)}`);
  expect(record.target).toBe('expe.example.com');
  edgePort = record.port;
  const a = await dns.resolveAddresses(external, 'expe.example.com');
  if (a.outcome !== 'resolved' || !a.addresses[0]) throw new Error(`A: ${JSON.stringify(a)}`);
  edgeAddress = a.addresses[0];
  await dns.close?.();
}, 30_000);
afterAll(async () => {
  await lab?.stop();
});

describe('the lab edge seen from outside', () => {
  it('publishes the Expressway-E on a loopback address with _collab-edge on 8443', () => {
    expect(edgeAddress).toMatch(/^127\./);
    expect(edgePort).toBe(8443);
  });

  it('accepts 8443 and refuses 5222 (the deliberate fault)', async () => {
    expect(await probeTcpConnect({ host: edgeAddress, port: edgePort, timeoutMs: 1000, signal: live() })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await probeTcpConnect({ host: edgeAddress, port: 5222, timeoutMs: 1000, signal: live() })).toMatchObject({
      ok: false,
      failure: 'refused',
    });
  });

  it('presents a chain under edge.clientTrust naming the SRV target', async () => {
    const chain = await fetchPresentedChain({
      host: edgeAddress,
      port: edgePort,
      servername: 'expe.example.com',
      timeoutMs: 1500,
      signal: live(),
    });
    if (!chain.ok) throw new Error(chain.detail);
    const certificates = chain.der.map((der) => parseCertificate(der));
    expect(certificates[0]?.dnsNames).toContain('expe.example.com');
    expect(certificates.at(-1)?.issuer).toMatch(/Lab Public Root CA/);
  });

  it('answers the discovery request for example.com with the lab Unified CM nodes', async () => {
    const clientTrust = inventory.edge!.clientTrust!.map((file) => readFileSync(file, 'utf8'));
    const result = await fetchEdgeConfig({
      target: 'expe.example.com',
      port: edgePort,
      address: edgeAddress,
      domain: 'example.com',
      clientTrust,
      timeoutMs: 1500,
      signal: live(),
    });
    expect(judgeEdgeConfig(result, 'example.com')).toMatchObject({
      verdict: 'pass',
      udsServers: ['cucm-pub.example.com:8443', 'cucm-sub1.example.com:8443'],
    });
    expect(result.ok && result.config.turnEdgeServers[0]?.host).toBe('expe.example.com');
  });

  it('answers STUN Binding on UDP and TCP and grants a TURN allocation to the lab user', async () => {
    const turn = inventory.edge!.turn[0]!;
    expect(turn.transports).toEqual(['udp', 'tcp']);
    const { host, port } = parseAddress(turn.server, 3478);
    for (const transport of turn.transports) {
      const binding = await stunBinding({ host, port, transport }, { timeoutMs: 1000, signal: live() });
      expect(binding, transport).toMatchObject({ ok: true });
      const allocation = await turnAllocate(
        { host, port, transport },
        { username: lab.env[LAB_TURN_USER_ENV]!, password: lab.env[LAB_TURN_PASSWORD_ENV]! },
        { timeoutMs: 1000, signal: live() },
      );
      expect(allocation, transport).toMatchObject({ ok: true, realm: 'example.com', release: { ok: true } });
    }
    expect(readFileSync(lab.inventoryPath, 'utf8')).not.toContain(lab.env[LAB_TURN_PASSWORD_ENV]!);
  });
});
