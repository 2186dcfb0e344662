import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import DNS, { Packet, TCPClient, UDPClient } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/engine/package-root.js';
import { parseAddress } from '../../src/inventory/address.js';
import { startLabDnsServer, type LabDnsServer } from '../../lab/dns.js';
import { sendQuery } from '../../src/probes/dns.js';

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/**
 * dns2 3.1.1 declares engines node >= 22; the project supports Node 20. This proves the parts we
 * use — Packet, the UDP and TCP servers, the UDP and TCP clients — work on the running Node.
 */
describe(`dns2 on Node ${process.versions.node}`, () => {
  let server: LabDnsServer;
  beforeAll(async () => {
    server = await startLabDnsServer({
      zones: ['example.com'],
      records: [
        { name: 'cucm-pub.example.com', type: 'A', address: '10.1.1.10' },
        ...Array.from({ length: 12 }, (_, i) => ({
          name: 'big.example.com',
          type: 'TXT' as const,
          data: [`chunk-${i} ${'x'.repeat(60)}`],
        })),
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is the pinned 3.1.1 that declares node >= 22, running on Node 20 or later', () => {
    const pkg = readJson(join(PACKAGE_ROOT, 'package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.dns2).toBe('3.1.1');
    const installed = readJson(join(PACKAGE_ROOT, 'node_modules', 'dns2', 'package.json')) as {
      version: string;
      engines: { node: string };
    };
    expect(installed.version).toBe('3.1.1');
    expect(installed.engines.node).toBe('>=22');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });

  it("answers dns2's own UDP and TCP clients from dns2's servers", async () => {
    const viaUdp = await UDPClient({ dns: '127.0.0.1', port: server.port, timeout: 2000 })('cucm-pub.example.com', 'A');
    expect(viaUdp.answers.map((answer) => answer.address)).toEqual(['10.1.1.10']);
    const viaTcp = await TCPClient({ dns: '127.0.0.1', port: server.port })('cucm-pub.example.com', 'A');
    expect(viaTcp.answers.map((answer) => answer.address)).toEqual(['10.1.1.10']);
    const resolver = new DNS({ nameServers: ['127.0.0.1'], port: server.port, timeout: 2000 });
    expect((await resolver.resolveA('cucm-pub.example.com')).header.rcode).toBe(Packet.RCODE.NOERROR);
  });

  it("truncates a large UDP answer (dns2 server) and the probe completes it over dns2's TCP server", async () => {
    const result = await sendQuery(parseAddress(server.address, 53), 'big.example.com', 'TXT', 2000);
    expect(result).toMatchObject({ outcome: 'answer', tcp: true, rcode: 'NOERROR' });
    expect(result.answers).toHaveLength(12);
  });

  it('answers NXDOMAIN and REFUSED like an authoritative server', async () => {
    const address = parseAddress(server.address, 53);
    expect((await sendQuery(address, 'nothing.example.com', 'A', 2000)).outcome).toBe('nxdomain');
    expect((await sendQuery(address, 'cucm-pub.example.com', 'AAAA', 2000)).outcome).toBe('nodata');
    expect((await sendQuery(address, 'www.example.org', 'A', 2000)).outcome).toBe('refused');
  });
});
