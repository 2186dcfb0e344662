import { createServer as createHttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/engine/types.js';
import { statusDocument } from '../../../lab/status-server.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { STATUS_ENV, STATUS_PASSWORD, startStatusFixture, type StatusFixture } from '../../helpers/status-server.js';

const RULE = 'MRA-EXP-001';

let fixture: StatusFixture;
beforeAll(async () => {
  fixture = await startStatusFixture();
});
afterAll(async () => {
  await fixture?.close();
});

const inventoryWith = (
  nodes: Array<Record<string, unknown>>,
  policy: Record<string, unknown> = {},
): Record<string, unknown> => ({
  domains: ['example.com'],
  nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }, ...nodes],
  policy,
});

const status = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  url: fixture.url(name),
  usernameEnv: 'EXP_USER',
  passwordEnv: 'EXP_PASS',
  caFile: fixture.caFile,
  ...extra,
});

async function run(
  nodes: Array<Record<string, unknown>>,
  options: { policy?: Record<string, unknown>; offline?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Finding[]> {
  const findings = await testCheck(RULE, {
    inventory: inventoryWith(nodes, options.policy),
    env: options.env ?? STATUS_ENV,
    ...(options.offline ? { offline: true } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  // SPEC: secrets never appear anywhere in a finding.
  expect(JSON.stringify(findings)).not.toContain(STATUS_PASSWORD);
  return findings;
}

describe('MRA-EXP-001 expressway-version (inventory versions)', () => {
  it('fails an Expressway-C at X8.9.2 and names the minimum', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.9.2' }]);
    const finding = findingFor(findings, 'expc.example.com');
    expect(finding).toMatchObject({ status: 'fail', severity: 'error', messageId: 'versionBelowMinimum' });
    expect(finding.message).toContain('X8.10');
    expect(finding.message).toContain('X8.9.2');
    expect(finding.evidence).toMatchObject({ version: 'X8.9.2', source: 'inventory', minimum: 'X8.10' });
  });

  it('passes an Expressway-C at X8.10, and one per Expressway', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.10' },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X15.2.4.' },
    ]);
    expect(findings).toHaveLength(2);
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'pass',
      messageId: 'versionAtLeastMinimum',
    });
    expect(findingFor(findings, 'expe.example.com')).toMatchObject({
      status: 'pass',
      evidence: { normalized: 'X15.2.4' },
    });
  });

  it('compares by number against an overridden minimum (X14.0.2 < X14.0.11)', async () => {
    const findings = await run(
      [
        { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.0.2' },
        { fqdn: 'expe.example.com', role: 'expressway-e', version: 'x14.0.11' },
      ],
      { policy: { minExpresswayVersion: 'X14.0.11' } },
    );
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({ status: 'fail' });
    expect(findingFor(findings, 'expc.example.com').message).toContain('X14.0.11');
    expect(findingFor(findings, 'expe.example.com')).toMatchObject({ status: 'pass' });
  });

  it('passes a version equal to the minimum and fails the release just below it, by number', async () => {
    const verdicts = async (minimum: string, versions: string[]) => {
      const findings = await run(
        versions.map((version, i) => ({ fqdn: `exp${i}.example.com`, role: 'expressway-c', version })),
        { policy: { minExpresswayVersion: minimum } },
      );
      return versions.map((version, i) => [version, findingFor(findings, `exp${i}.example.com`).messageId]);
    };
    expect(await verdicts('X8.10', ['X8.10', 'X8.10.0', 'x8.10.', 'X8.9.9', 'X8.9', 'X8.1', 'X8.11'])).toEqual([
      ['X8.10', 'versionAtLeastMinimum'],
      ['X8.10.0', 'versionAtLeastMinimum'],
      ['x8.10.', 'versionAtLeastMinimum'],
      ['X8.9.9', 'versionBelowMinimum'],
      ['X8.9', 'versionBelowMinimum'],
      ['X8.1', 'versionBelowMinimum'],
      ['X8.11', 'versionAtLeastMinimum'],
    ]);
    expect(await verdicts('X14.0.11', ['X14.0.11', 'X14.0.10', 'X14.0.11 RC1', 'X14.0.12', 'X13.99.99'])).toEqual([
      ['X14.0.11', 'versionAtLeastMinimum'],
      ['X14.0.10', 'versionBelowMinimum'],
      // A release candidate comes before the release it leads to.
      ['X14.0.11 RC1', 'versionBelowMinimum'],
      ['X14.0.12', 'versionAtLeastMinimum'],
      ['X13.99.99', 'versionBelowMinimum'],
    ]);
  });

  it('is inconclusive for every Expressway, never pass, when the policy minimum is not a release it can compare', async () => {
    // The schema lets "X8.10.0.0.0.0.0" through (digits and dots); seven components are no Expressway release.
    const findings = await run(
      [
        { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X15.0' },
        { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X8.1' },
      ],
      { policy: { minExpresswayVersion: 'X8.10.0.0.0.0.0' } },
    );
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['expc.example.com', 'inconclusive', 'minimumUnparseable'],
      ['expe.example.com', 'inconclusive', 'minimumUnparseable'],
    ]);
    expect(findings[0]!.message).toBe(
      'policy.minExpresswayVersion "X8.10.0.0.0.0.0" is not an Expressway release number; Expressway-C expc.example.com cannot be judged.',
    );
    expect(findings[0]!.evidence).toMatchObject({ minimum: 'X8.10.0.0.0.0.0', version: 'X15.0' });
  });

  it('is inconclusive, never pass, for a version that is not a release number, with the raw string as evidence', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', version: 'latest-ish' }]);
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'versionUnparseable',
      evidence: { raw: 'latest-ish' },
    });
  });

  it('skips a node with neither version nor status, saying why', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c' }]);
    const finding = findingFor(findings, 'expc.example.com');
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'versionUnknown' });
    expect(finding.message).toContain('neither a version nor a status');
  });

  it('is skipped for the deployment when the inventory has no Expressway', async () => {
    const findings = await run([]);
    expect(findingFor(findings, 'deployment')).toMatchObject({ status: 'skipped', messageId: 'needUnavailable' });
  });
});

describe('MRA-EXP-001 against the local HTTPS status.xml server', () => {
  it('passes a good status.xml, which wins over the inventory version', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.9', status: status('good') },
    ]);
    const finding = findingFor(findings, 'expc.example.com');
    expect(finding).toMatchObject({
      status: 'pass',
      evidence: {
        version: 'X14.3.1',
        source: 'status.xml',
        inventoryVersion: 'X8.9',
        tlsVerification: 'on',
        httpStatus: 200,
        product: 'TANDBERG VCS',
      },
    });
    expect(finding.message).toContain(fixture.url('good'));
    expect(findings).toHaveLength(1);
  });

  it('fails an old status.xml (X8.9.2) with the minimum in the message', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', status: status('old') }]);
    const finding = findingFor(findings, 'expc.example.com');
    expect(finding).toMatchObject({ status: 'fail', evidence: { version: 'X8.9.2' } });
    expect(finding.message).toContain('minimum X8.10');
  });

  it.each([
    ['missing', 'statusMissingElement', 'Status/SystemUnit/Software/Version'],
    ['garbage', 'statusMalformed', 'not XML'],
    ['unauthorized', 'statusAuthRejected', 'HTTP 401'],
    ['forbidden', 'statusAuthRejected', 'HTTP 403'],
  ])('is inconclusive for %s', async (name, messageId, text) => {
    const findings = await run([{ fqdn: 'expe.example.com', role: 'expressway-e', status: status(name) }]);
    const finding = findingFor(findings, 'expe.example.com');
    expect(finding).toMatchObject({ status: 'inconclusive', messageId });
    expect(finding.message).toContain(text);
  });

  it('is inconclusive for a wrong password, and the password appears nowhere', async () => {
    const env = { EXP_USER: 'mra-admin', EXP_PASS: 'hunter2-not-it' };
    const findings = await testCheck(RULE, {
      inventory: inventoryWith([{ fqdn: 'expc.example.com', role: 'expressway-c', status: status('good') }]),
      env,
    });
    const finding = findingFor(findings, 'expc.example.com');
    expect(finding).toMatchObject({
      status: 'inconclusive',
      messageId: 'statusAuthRejected',
      evidence: { httpStatus: 401, credentialsFrom: 'EXP_USER/EXP_PASS' },
    });
    const serialized = JSON.stringify(findings);
    expect(serialized).not.toContain('hunter2-not-it');
    expect(serialized).not.toContain(STATUS_PASSWORD);
  });

  it('is inconclusive within the timeout for a slow-loris server', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', status: status('slow') }], {
      timeoutMs: 500,
    });
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'statusTimeout',
    });
  });

  it('is inconclusive when TLS verification fails (unrelated caFile)', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('good', { caFile: fixture.otherCaFile }) },
    ]);
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'inconclusive',
      messageId: 'statusTlsFailed',
    });
  });

  it('with insecure: true also reports, at warning, that TLS verification is off', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('good', { caFile: undefined, insecure: true }) },
    ]);
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'pass',
      severity: 'error',
      evidence: { tlsVerification: 'off' },
    });
    const warning = findingFor(findings, 'expc.example.com status.xml TLS');
    expect(warning).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'tlsVerificationOff' });
    expect(warning.message).toContain('insecure: true');
  });

  it('reports a plain http:// status URL as TLS verification off (no credentials are sent over it)', async () => {
    const server = createHttpServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/xml' }).end(statusDocument({ version: 'X14.3.1' })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/status.xml`;
      const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', status: { url } }]);
      const finding = findingFor(findings, 'expc.example.com');
      expect(finding).toMatchObject({ status: 'pass', messageId: 'versionAtLeastMinimum' });
      // Exactly these facts: no credentials were named, so none are reported (not even as undefined).
      expect(finding.evidence).toStrictEqual({
        node: 'expc.example.com',
        role: 'expressway-c',
        version: 'X14.3.1',
        source: 'status.xml',
        statusUrl: url,
        tlsVerification: 'none',
        httpStatus: 200,
        bytes: expect.any(Number),
        element: 'Status/SystemUnit/Software/Version',
        product: 'TANDBERG VCS',
        build: '14.3.1-b1',
        releaseDate: '2024-02-14',
        normalized: 'X14.3.1',
        minimum: 'X8.10',
      });
      const warning = findingFor(findings, 'expc.example.com status.xml TLS');
      expect(warning).toMatchObject({ status: 'fail', severity: 'warning' });
      expect(warning.message).toContain('plain HTTP');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('uses the inventory version offline, and skips a status-only node', async () => {
    const findings = await run(
      [
        { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.9.2', status: status('good') },
        { fqdn: 'expe.example.com', role: 'expressway-e', status: status('good') },
      ],
      { offline: true },
    );
    expect(findingFor(findings, 'expc.example.com')).toMatchObject({
      status: 'fail',
      evidence: { source: 'inventory' },
    });
    expect(findingFor(findings, 'expe.example.com')).toMatchObject({ status: 'skipped' });
  });
});

describe('MRA-EXP-001 evidence, durations and fix groups', () => {
  const one = async (node: Record<string, unknown>, timeoutMs?: number) => run([node], timeoutMs ? { timeoutMs } : {});

  it('states an inventory version as such: message source, exact evidence, no exchange time', async () => {
    const [finding] = await one({ fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.9' });
    expect(finding!.message).toBe(
      'Expressway-C expc.example.com runs X8.9 (from the inventory), older than the minimum X8.10 that the MRA access policy for Cisco Jabber requires.',
    );
    expect(finding!.evidence).toStrictEqual({
      node: 'expc.example.com',
      role: 'expressway-c',
      version: 'X8.9',
      source: 'inventory',
      normalized: 'X8.9',
      minimum: 'X8.10',
    });
    expect(finding!.durationMs).toBe(0);
    // One Expressway is one thing to fix, whichever of its findings fail.
    expect(finding!.group).toEqual({ key: 'expressway:expc.example.com', label: 'Expressway expc.example.com' });
  });

  it('names the unparseable version and why in message and evidence', async () => {
    const [finding] = await one({ fqdn: 'expe.example.com', role: 'expressway-e', version: 'bogus' });
    expect(finding!.message).toBe(
      'Expressway-E expe.example.com reports the version "bogus" (from the inventory), which is not an Expressway release number; it cannot be compared with X8.10.',
    );
    expect(finding!.evidence).toStrictEqual({
      node: 'expe.example.com',
      role: 'expressway-e',
      version: 'bogus',
      source: 'inventory',
      raw: 'bogus',
      parseError: 'expected a release such as X8.10, X14.0.11 or X14.2 RC1',
    });
  });

  it('keeps only node and role for an Expressway without version or status', async () => {
    const [finding] = await one({ fqdn: 'expc.example.com', role: 'expressway-c' });
    expect(finding!.evidence).toStrictEqual({ node: 'expc.example.com', role: 'expressway-c' });
  });

  it('gives every fact of a status.xml exchange, the time it took, and the inventory version it overrode', async () => {
    const [finding] = await one({
      fqdn: 'expc.example.com',
      role: 'expressway-c',
      version: 'X8.9',
      status: status('good'),
    });
    expect(finding!.evidence).toStrictEqual({
      node: 'expc.example.com',
      role: 'expressway-c',
      version: 'X14.3.1',
      source: 'status.xml',
      statusUrl: fixture.url('good'),
      tlsVerification: 'on',
      credentialsFrom: 'EXP_USER/EXP_PASS',
      httpStatus: 200,
      bytes: expect.any(Number),
      element: 'Status/SystemUnit/Software/Version',
      product: 'TANDBERG VCS',
      build: '14.3.1-b1',
      releaseDate: '2024-02-14',
      inventoryVersion: 'X8.9',
      normalized: 'X14.3.1',
      minimum: 'X8.10',
    });
    expect(finding!.evidence.bytes).toBeGreaterThan(100);
    expect(finding!.durationMs).toBeGreaterThan(0);
    expect(finding!.group).toBeUndefined();
  });

  it('reports TLS verification off even when the read failed, with the exchange time and its evidence', async () => {
    const findings = await one(
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('slow', { insecure: true, caFile: undefined }) },
      500,
    );
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['expc.example.com', 'inconclusive', 'statusTimeout'],
      ['expc.example.com status.xml TLS', 'fail', 'tlsVerificationOff'],
    ]);
    const [timeout, tls] = findings;
    expect(timeout!.evidence).toStrictEqual({
      node: 'expc.example.com',
      role: 'expressway-c',
      statusUrl: fixture.url('slow'),
      tlsVerification: 'off',
      credentialsFrom: 'EXP_USER/EXP_PASS',
      failure: { kind: 'timeout', timeoutMs: 500 },
    });
    expect(timeout!.durationMs).toBeGreaterThanOrEqual(450);
    expect(tls!.evidence).toStrictEqual({
      node: 'expc.example.com',
      statusUrl: fixture.url('slow'),
      tlsVerification: 'off',
    });
    expect(tls!.group).toEqual({ key: 'expressway:expc.example.com', label: 'Expressway expc.example.com' });
  });
});
