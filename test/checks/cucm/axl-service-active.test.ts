import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AxlServerOptions } from '../../../lab/axl-server.js';
import type { CucmSnapshot } from '../../../src/cucm/snapshot.js';
import { PACKAGE_ROOT } from '../../../src/package/root.js';
import { findingFor, testCheck, testScan } from '../../helpers/check.js';
import { AXL_ENV, AXL_PASSWORD, sampleCluster, startTestAxl, type TestAxl } from '../../helpers/axl-server.js';

const RULE = 'MRA-CUCM-001';
const TARGET = 'Cisco AXL Web Service on cucm-pub.example.com';
const NODES = [
  { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
  { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' },
];

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'mra-cucm-001-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function live(serverOptions: Partial<AxlServerOptions> = {}, axlExtra: Record<string, unknown> = {}) {
  axl = await startTestAxl(sampleCluster(), serverOptions);
  return testScan(RULE, {
    inventory: {
      domains: ['example.com'],
      nodes: NODES,
      cucm: { axl: { ...axl.axl, ...axlExtra }, mraDevicePools: ['MRA_DP'] },
    },
    env: AXL_ENV,
    timeoutMs: 500,
  });
}

function snapshotFile(name: string, edit: (snapshot: CucmSnapshot) => void): string {
  const snapshot = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/cucm/compliant.json'), 'utf8')) as CucmSnapshot;
  edit(snapshot);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

const offline = (cucm: Record<string, unknown>, nodes: unknown[] = NODES) =>
  testCheck(RULE, {
    inventory: { domains: ['example.com'], nodes, cucm: { mraDevicePools: ['MRA_DP'], ...cucm } },
    offline: true,
  });

describe('MRA-CUCM-001 axl-service-active, live against the local HTTPS AXL server', () => {
  it('passes when an authenticated getCCMVersion answers; evidence: version, URL, HTTP status', async () => {
    const report = await live();
    const finding = findingFor(report.findings, TARGET);
    expect(finding.status).toBe('pass');
    expect(finding.message).toContain('CUCM 15.0.1.11900(31)');
    expect(finding.evidence).toMatchObject({
      url: axl!.url,
      httpStatus: 200,
      version: '15.0.1.11900(31)',
      request: 'getCCMVersion',
      tlsVerified: true,
    });
    expect(report.findings).toHaveLength(1);
  });

  it('fails when /axl/ answers 404: the service is not activated', async () => {
    const finding = findingFor((await live({ axlActivated: false })).findings, TARGET);
    expect(finding.status).toBe('fail');
    expect(finding.severity).toBe('error');
    expect(finding.messageId).toBe('notActivated');
    expect(finding.evidence).toMatchObject({ httpStatus: 404, failure: 'not-activated' });
  });

  it('fails when /axl/ keeps answering 503, after two retries', async () => {
    const finding = findingFor(
      (await live({ intercept: () => ({ status: 503, body: '', contentType: 'text/html' }) })).findings,
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'notActivated', evidence: { httpStatus: 503 } });
    expect(axl!.server.requests.filter((request) => request.operation === 'getCCMVersion')).toHaveLength(3);
  });

  it('is inconclusive, never pass, when the AXL user is refused (401), and the password is nowhere in the report', async () => {
    axl = await startTestAxl(sampleCluster());
    const report = await testScan(RULE, {
      inventory: { domains: ['example.com'], nodes: NODES, cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } },
      env: { AXL_USER: 'axl-collector', AXL_PASS: 'Wrong-But-Secret-99' },
    });
    const finding = findingFor(report.findings, TARGET);
    expect(finding.status).toBe('inconclusive');
    expect(finding.messageId).toBe('notAuthenticated');
    expect(finding.evidence).toMatchObject({ httpStatus: 401 });
    expect(JSON.stringify(report)).not.toContain('Wrong-But-Secret-99');
  });

  it('is inconclusive on a slow AXL (timeout) and on an AXL fault (axlcode in evidence)', async () => {
    const slow = findingFor((await live({ intercept: () => ({ delayMs: 3000 }) })).findings, TARGET);
    expect(slow).toMatchObject({ status: 'inconclusive', messageId: 'unreachable', evidence: { failure: 'timeout' } });
    await axl!.stop();
    axl = undefined;
    const fault = findingFor(
      (await live({ intercept: () => ({ fault: { axlcode: 5000, message: 'Unknown error' } }) })).findings,
      TARGET,
    );
    expect(fault).toMatchObject({ status: 'inconclusive', messageId: 'unreachable' });
    expect(fault.evidence).toMatchObject({ failure: 'fault', axlcode: '5000' });
    expect(fault.message).toContain('axlcode 5000');
  });

  it('with insecure: true also reports a warning-severity fail that TLS verification is off', async () => {
    const report = await live({}, { insecure: true, caFile: undefined });
    expect(findingFor(report.findings, TARGET)).toMatchObject({ status: 'pass', evidence: { tlsVerified: false } });
    const tls = findingFor(report.findings, `AXL ${axl!.url}`);
    expect(tls).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'tlsVerificationOff' });
  });

  it('never shows the AXL password in any finding', async () => {
    const reports = [await live()];
    await axl!.stop();
    reports.push(await live({ intercept: () => ({ status: 200, body: 'garbage' }) }));
    for (const report of reports) expect(JSON.stringify(report)).not.toContain(AXL_PASSWORD);
  });
});

describe('MRA-CUCM-001 axl-service-active, offline from the snapshot', () => {
  it('passes when the snapshot lists the service activated on the publisher', async () => {
    const finding = findingFor(await offline({ snapshot: join(PACKAGE_ROOT, 'fixtures/cucm/compliant.json') }), TARGET);
    expect(finding.status).toBe('pass');
    expect(finding.evidence).toMatchObject({ node: 'cucm-pub.example.com', activated: true });
  });

  it('fails when the snapshot lists it deactivated, or lists the publisher without it', async () => {
    const deactivated = snapshotFile('deactivated.json', (snapshot) => {
      snapshot.services = snapshot.services.map((service) =>
        service.name === 'Cisco AXL Web Service' ? { ...service, activated: false } : service,
      );
    });
    expect(findingFor(await offline({ snapshot: deactivated }), TARGET)).toMatchObject({
      status: 'fail',
      messageId: 'deactivatedInSnapshot',
    });
    const missing = snapshotFile('missing.json', (snapshot) => {
      snapshot.services = snapshot.services.filter((service) => service.name !== 'Cisco AXL Web Service');
    });
    expect(findingFor(await offline({ snapshot: missing }), TARGET)).toMatchObject({
      status: 'fail',
      messageId: 'missingInSnapshot',
    });
  });

  it('matches the publisher by host name or IP as CUCM names its servers', async () => {
    const byIp = snapshotFile('by-ip.json', (snapshot) => {
      snapshot.services = snapshot.services.map((service) => ({ ...service, node: '10.1.1.10' }));
    });
    expect(findingFor(await offline({ snapshot: byIp }), TARGET).status).toBe('pass');
  });

  it('is inconclusive when the publisher has no entries, or the inventory names no publisher', async () => {
    const other = snapshotFile('other-node.json', (snapshot) => {
      snapshot.services = snapshot.services.map((service) => ({ ...service, node: 'cucm-sub1.example.com' }));
    });
    expect(findingFor(await offline({ snapshot: other }), TARGET)).toMatchObject({
      status: 'inconclusive',
      messageId: 'publisherNotInSnapshot',
    });
    const noPublisher = await offline({ snapshot: join(PACKAGE_ROOT, 'fixtures/cucm/compliant.json') }, [NODES[1]]);
    expect(findingFor(noPublisher, 'Cisco AXL Web Service on the publisher')).toMatchObject({
      status: 'inconclusive',
      messageId: 'noPublisher',
    });
  });

  it('is skipped for a BAT phone export, which has no service list', async () => {
    const findings = await offline({ batPhones: join(PACKAGE_ROOT, 'fixtures/cucm/bat-phones.csv') });
    expect(findingFor(findings, 'deployment').status).toBe('skipped');
  });

  it('is skipped offline with only cucm.axl configured', async () => {
    axl = await startTestAxl(sampleCluster());
    const findings = await testCheck(RULE, {
      inventory: { domains: ['example.com'], nodes: NODES, cucm: { axl: axl.axl, mraDevicePools: [] } },
      offline: true,
      env: AXL_ENV,
    });
    expect(findingFor(findings, 'deployment')).toMatchObject({ status: 'skipped' });
    expect(axl.server.requests).toHaveLength(0);
  });
});
