import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { startSilentTcpPort, type SilentPort } from '../../helpers/silent-port.js';
import { startEdgeFixture, type EdgeFixture } from './edge-fixture.js';

const RULE = 'MRA-EDGE-001';

describe('MRA-EDGE-001 edge-ports (a real edge server, a port that refuses, a port that stays silent)', () => {
  let fixture: EdgeFixture;
  let silent: SilentPort;
  let refused: number;
  beforeAll(async () => {
    silent = await startSilentTcpPort('127.0.0.1');
    refused = await refusingPort('127.0.0.1');
    fixture = await startEdgeFixture({
      imp: true,
      records: () => [
        {
          name: '_collab-edge._tls.example.com',
          type: 'SRV',
          priority: 20,
          weight: 10,
          port: silent.port,
          target: 'quiet.example.com',
        },
        { name: 'quiet.example.com', type: 'A', address: silent.host },
        {
          name: '_collab-edge._tls.example.com',
          type: 'SRV',
          priority: 30,
          weight: 10,
          port: refused,
          target: 'closed.example.com',
        },
        { name: 'closed.example.com', type: 'A', address: '127.0.0.1' },
        {
          name: '_collab-edge._tls.example.com',
          type: 'SRV',
          priority: 40,
          weight: 10,
          port: 8443,
          target: 'ghost.example.com',
        },
      ],
    });
  });
  afterAll(async () => {
    await Promise.allSettled([fixture?.stop(), silent?.stop()]);
  });

  it('passes the port edge discovery listens on, fails a refused 5222 and a refused SRV port, and is inconclusive on silence', async () => {
    const findings = await testCheck(RULE, { inventory: fixture.inventory(), vantage: 'external', timeoutMs: 400 });
    const { edge } = fixture;
    expect(findingFor(findings, `${edge.target}:${edge.port} at ${edge.host}`)).toMatchObject({
      status: 'pass',
      messageId: 'open',
      evidence: { ok: true, address: edge.host, port: edge.port },
    });
    // IM&P is in the inventory, so 5222 must be open too; nothing listens there on this address.
    expect(findingFor(findings, `${edge.target}:5222 at ${edge.host}`)).toMatchObject({
      status: 'fail',
      messageId: 'refused',
    });
    expect(findingFor(findings, `closed.example.com:${refused} at 127.0.0.1`)).toMatchObject({
      status: 'fail',
      messageId: 'refused',
      severity: 'error',
    });
    const quiet = findingFor(findings, `quiet.example.com:${silent.port} at ${silent.host}`);
    expect(quiet).toMatchObject({ status: 'inconclusive', messageId: 'filtered' });
    expect(quiet.message).toContain('filtered or down');
    expect(findingFor(findings, 'ghost.example.com:8443')).toMatchObject({ status: 'fail', messageId: 'noAddress' });
  });

  it('is skipped from the internal vantage, naming --vantage external', async () => {
    const [finding] = await testCheck(RULE, { inventory: fixture.inventory(), vantage: 'internal' });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'wrongVantage' });
    expect(finding?.message).toContain('--vantage external');
  });

  it('has nothing in scope when no external resolver answers _collab-edge, pointing at MRA-DNS-003', async () => {
    const inventory = fixture.inventory({ domains: ['example.org'] });
    const [finding] = await testCheck(RULE, { inventory, vantage: 'external', timeoutMs: 400 });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'nothingInScope' });
    expect(finding?.message).toContain('MRA-DNS-003');
  });
});
