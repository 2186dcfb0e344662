import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeDomainMode } from '../../../lab/edge-server.js';
import { testCheck } from '../../helpers/check.js';
import { startEdgeFixture, type EdgeFixture } from './edge-fixture.js';

const RULE = 'MRA-EDGE-003';

describe("MRA-EDGE-003 edge-config (Jabber's get_edge_config against a real HTTPS edge server)", () => {
  const fixtures = new Map<EdgeDomainMode, EdgeFixture>();
  const modes: EdgeDomainMode[] = ['good', 'forbidden', 'empty', 'not-found', 'server-error', 'malformed'];
  beforeAll(async () => {
    for (const mode of modes) fixtures.set(mode, await startEdgeFixture({ domains: { 'example.com': mode } }));
  });
  afterAll(async () => {
    await Promise.allSettled([...fixtures.values()].map((fixture) => fixture.stop()));
  });

  const judge = async (mode: EdgeDomainMode) => {
    const fixture = fixtures.get(mode)!;
    const [finding] = await testCheck(RULE, { inventory: fixture.inventory(), vantage: 'external', timeoutMs: 1500 });
    return finding!;
  };

  it('passes an edge configuration that names the UDS servers', async () => {
    const finding = await judge('good');
    expect(finding).toMatchObject({
      status: 'pass',
      messageId: 'discovered',
      target: `example.com via ${fixtures.get('good')!.edge.target}:${fixtures.get('good')!.edge.port}`,
    });
    expect(finding.message).toContain('cucm-pub.example.com:8443, cucm-sub1.example.com:8443');
    expect(finding.evidence).toMatchObject({
      exchange: { httpStatus: 200, trust: 'client-trust', credentials: 'none' },
    });
  });

  it.each([
    ['forbidden', 'domainNotEnabled', 'likely not enabled for Unified CM registrations'],
    ['empty', 'noUdsServer', 'names no UDS server'],
    ['not-found', 'notFound', 'Mobile and Remote Access is likely not enabled'],
    ['server-error', 'edgeServerError', 'traversal zone'],
  ] as const)('fails %s with its likely cause (%s)', async (mode, messageId, text) => {
    const finding = await judge(mode);
    expect(finding).toMatchObject({ status: 'fail', messageId, severity: 'error' });
    expect(finding.message).toContain(text);
    expect(String(finding.evidence.likelyFix)).toMatch(/Expressway-[CE]/);
  });

  it('is inconclusive, never a pass, when the answer is not an edge configuration', async () => {
    expect(await judge('malformed')).toMatchObject({ status: 'inconclusive', messageId: 'notEdgeConfig' });
  });

  it('asks for a test user on 401, and passes with edge.discovery credentials that stay out of the report', async () => {
    const password = 'Edge-Test-Pa55word!';
    const secured = await startEdgeFixture({ credentials: { username: 'mra-test', password } });
    try {
      const [anonymous] = await testCheck(RULE, {
        inventory: secured.inventory(),
        vantage: 'external',
        timeoutMs: 1500,
      });
      expect(anonymous).toMatchObject({ status: 'inconclusive', messageId: 'authenticationRequired' });
      const discovery = { usernameEnv: 'MRA_TEST_USER', passwordEnv: 'MRA_TEST_PASS' };
      const inventory = secured.inventory({ edge: { clientTrust: [secured.trustFile], discovery } });
      const env = { MRA_TEST_USER: 'mra-test', MRA_TEST_PASS: password };
      const [authenticated] = await testCheck(RULE, { inventory, vantage: 'external', timeoutMs: 1500, env });
      expect(authenticated).toMatchObject({
        status: 'pass',
        messageId: 'discovered',
        evidence: { exchange: { credentials: 'basic' } },
      });
      expect(JSON.stringify(authenticated)).not.toContain(password);
    } finally {
      await secured.stop();
    }
  });
});
