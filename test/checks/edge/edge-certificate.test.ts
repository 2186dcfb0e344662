import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { startEdgeFixture, type EdgeFixture } from './edge-fixture.js';

const RULE = 'MRA-EDGE-002';

describe('MRA-EDGE-002 edge-certificate (real TLS from the edge server, judged by RFC 5280 path validation)', () => {
  let trusted: EdgeFixture;
  let untrusted: EdgeFixture;
  let refused: number;
  beforeAll(async () => {
    refused = await refusingPort('127.0.0.1');
    trusted = await startEdgeFixture({
      records: (edge) => [
        // Another name for the same edge: its certificate does not carry it.
        {
          name: '_collab-edge._tls.example.com',
          type: 'SRV',
          priority: 20,
          weight: 10,
          port: edge.port,
          target: 'alias.example.com',
        },
        { name: 'alias.example.com', type: 'A', address: edge.host },
        {
          name: '_collab-edge._tls.example.com',
          type: 'SRV',
          priority: 30,
          weight: 10,
          port: refused,
          target: 'closed.example.com',
        },
        { name: 'closed.example.com', type: 'A', address: '127.0.0.1' },
      ],
    });
    untrusted = await startEdgeFixture({ untrusted: true });
  });
  afterAll(async () => {
    await Promise.allSettled([trusted?.stop(), untrusted?.stop()]);
  });

  it('passes a chain to edge.clientTrust that names the SRV target; fails another name; skips a closed port naming MRA-EDGE-001', async () => {
    const findings = await testCheck(RULE, { inventory: trusted.inventory(), vantage: 'external', timeoutMs: 800 });
    const { edge } = trusted;
    const good = findingFor(findings, `${edge.target}:${edge.port}`);
    expect(good).toMatchObject({ status: 'pass', messageId: 'valid' });
    expect(good.message).toContain('CN=Test Public Root CA');
    expect(good.evidence).toMatchObject({ trustedBy: ['edge.clientTrust'], address: edge.host });
    expect(findingFor(findings, `alias.example.com:${edge.port}`)).toMatchObject({
      status: 'fail',
      messageId: 'nameMismatch',
    });
    const closed = findingFor(findings, `closed.example.com:${refused}`);
    expect(closed).toMatchObject({ status: 'skipped', messageId: 'prerequisiteFailed' });
    expect(closed.message).toContain('MRA-EDGE-001 reports closed.example.com');
  });

  it('fails a chain to a root MRA clients do not trust, naming the condition', async () => {
    const findings = await testCheck(RULE, { inventory: untrusted.inventory(), vantage: 'external', timeoutMs: 800 });
    const [finding] = findings;
    expect(finding).toMatchObject({ status: 'fail', messageId: 'untrusted', severity: 'error' });
    expect(finding?.message).toMatch(/Test Private Root CA/);
  });

  it("judges against Node's root store without edge.clientTrust, where the lab root is unknown", async () => {
    const inventory = trusted.inventory();
    delete (inventory as { edge?: unknown }).edge;
    const findings = await testCheck(RULE, { inventory, vantage: 'external', timeoutMs: 800 });
    expect(findingFor(findings, `${trusted.edge.target}:${trusted.edge.port}`)).toMatchObject({
      status: 'fail',
      messageId: 'untrusted',
    });
  });
});
