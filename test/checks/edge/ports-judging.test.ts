import { describe, expect, it } from 'vitest';
import type { EdgeDiscovery, EdgeSource } from '../../../src/edge/source.js';
import type { TcpConnectResult } from '../../../src/probes/tcp.js';
import { testCheck } from '../../helpers/check.js';
import { edgeTarget } from './fake-edge.js';

/**
 * MRA-EDGE-001's verdict per connection outcome, which ports it asks for, and what it asks once,
 * judged on a fake edge source (the real TCP probe is tested against refusing and silent ports in
 * test/probes/tcp.test.ts and edge-ports.test.ts).
 */
const RULE = 'MRA-EDGE-001';
const target = edgeTarget;

function fakeEdge(discovery: EdgeDiscovery, outcome: (address: string, port: number) => TcpConnectResult) {
  const asked: string[] = [];
  const unused = (): never => {
    throw new Error('not part of MRA-EDGE-001');
  };
  const edge: EdgeSource = {
    discover: async () => discovery,
    connect: async (address, port) => {
      asked.push(`${address}:${port}`);
      return outcome(address, port);
    },
    chain: unused,
    clientAnchors: unused,
    edgeConfig: unused,
    turnServers: unused,
    binding: unused,
    allocate: unused,
  };
  return { edge, asked };
}

const open = (address: string, port: number): TcpConnectResult => ({ ok: true, address, port, durationMs: 3 });
const closed =
  (failure: string, detail: string) =>
  (address: string, port: number): TcpConnectResult =>
    ({ ok: false, failure, detail, address, port, durationMs: 4 }) as TcpConnectResult;

async function judge(discovery: EdgeDiscovery, outcome = open, withImp = false) {
  const { edge, asked } = fakeEdge(discovery, outcome);
  const nodes = [
    { fqdn: 'expe.example.com', role: 'expressway-e' },
    ...(withImp ? [{ fqdn: 'imp-pub.example.com', role: 'imp-publisher' }] : []),
  ];
  const findings = await testCheck(RULE, {
    inventory: { domains: ['example.com'], nodes, dns: { external: ['198.51.100.53'] } },
    services: { edge },
    vantage: 'external',
  });
  return { findings, asked };
}

describe('MRA-EDGE-001 judging', () => {
  it('asks the SRV port only without IM&P, and 5222 too with it; each address once', async () => {
    const without = await judge({ ok: true, targets: [target(), target({ domain: 'example.org' })] });
    expect(without.asked).toEqual(['203.0.113.30:8443']);
    expect(without.findings).toMatchObject([
      {
        target: 'expe.example.com:8443 at 203.0.113.30',
        status: 'pass',
        messageId: 'open',
        message: 'expe.example.com accepts TCP on 8443 at 203.0.113.30 (edge discovery, UDS and HTTPS).',
        evidence: { srvTarget: 'expe.example.com', resolver: '198.51.100.53:53', ok: true, port: 8443 },
      },
    ]);
    const withImp = await judge(
      { ok: true, targets: [target({ addresses: ['203.0.113.30', '2001:db8::30'] })] },
      open,
      true,
    );
    expect(withImp.asked).toEqual(['203.0.113.30:8443', '203.0.113.30:5222', '2001:db8::30:8443', '2001:db8::30:5222']);
    expect(withImp.findings[1]!.message).toBe(
      'expe.example.com accepts TCP on 5222 at 203.0.113.30 (XMPP for IM and Presence).',
    );
  });

  it.each([
    ['refused', 'fail', 'refused'],
    ['timeout', 'inconclusive', 'filtered'],
    ['unreachable', 'inconclusive', 'unreachable'],
  ])('a connection that ends %s is %s (%s)', async (failure, status, messageId) => {
    const { findings } = await judge({ ok: true, targets: [target()] }, closed(failure, 'the detail'));
    expect(findings).toMatchObject([{ status, messageId, durationMs: 4 }]);
    if (messageId !== 'refused') expect(findings[0]!.message).toContain('the detail');
    expect(findings[0]!.group).toEqual(
      status === 'fail'
        ? { key: 'edge:expe.example.com', label: 'Expressway-E expe.example.com as remote clients reach it' }
        : undefined,
    );
  });

  it('fails a target without an address once, with the reason the lookup gave', async () => {
    const { findings, asked } = await judge({
      ok: true,
      targets: [
        target({ addresses: [], addressProblem: 'NXDOMAIN' }),
        target({ addresses: [], addressProblem: 'NXDOMAIN', domain: 'example.org' }),
        target({ host: 'expe2.example.com', addresses: [] }),
      ],
    });
    expect(asked).toEqual([]);
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId, finding.message])).toEqual([
      [
        'expe.example.com:8443',
        'fail',
        'noAddress',
        'expe.example.com has no address in the external view (NXDOMAIN), so remote clients cannot reach it.',
      ],
      [
        'expe2.example.com:8443',
        'fail',
        'noAddress',
        'expe2.example.com has no address in the external view (no A/AAAA record), so remote clients cannot reach it.',
      ],
    ]);
    expect(findings[0]!.evidence).toEqual({
      srvTarget: 'expe.example.com',
      resolver: '198.51.100.53:53',
      domain: 'example.com',
    });
  });

  it('has nothing in scope when discovery found no target, pointing at MRA-DNS-003', async () => {
    const { findings } = await judge({ ok: false, reason: 'no external resolver answers _collab-edge' });
    expect(findings).toMatchObject([
      {
        status: 'skipped',
        messageId: 'nothingInScope',
        message: 'Nothing to examine: no external resolver answers _collab-edge; MRA-DNS-003 reports the SRV records.',
      },
    ]);
  });
});
