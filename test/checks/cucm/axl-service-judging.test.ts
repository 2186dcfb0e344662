import { describe, expect, it } from 'vitest';
import type { CucmSnapshot, ServiceState } from '../../../src/cucm/snapshot.js';
import type { AxlVersionResult, CucmSource } from '../../../src/cucm/source.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { fakeCucm, readFixture, snapshotFixture } from './cucm-fixtures.js';

/**
 * MRA-CUCM-001's findings from a fake CUCM source: each live getCCMVersion outcome with its exact
 * message and evidence, and every branch of the snapshot's service list (how the publisher is
 * recognised, which entry is the AXL service). The live HTTPS AXL server is in
 * axl-service-active.test.ts.
 */
const RULE = 'MRA-CUCM-001';
const TARGET = 'Cisco AXL Web Service on cucm-pub.example.com';
const URL = 'https://cucm-pub.example.com:8443/axl/';
const PUBLISHER = { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' };
const SUBSCRIBER = { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' };
const GROUP = {
  key: 'axl-service',
  label: 'Cisco AXL Web Service on the publisher (Serviceability > Service Activation)',
};

/** Runs the rule on live AXL answering getCCMVersion with `result` (no snapshot is read). */
async function live(result: AxlVersionResult, axl: Record<string, unknown> = {}, nodes: unknown[] = [PUBLISHER]) {
  const cucm: CucmSource = {
    snapshot: async () => {
      throw new Error('live AXL answered: the snapshot is not read');
    },
    axlVersion: async () => result,
  };
  return testCheck(RULE, {
    inventory: {
      domains: ['example.com'],
      nodes,
      cucm: { axl: { url: URL, usernameEnv: 'AXL_USER', passwordEnv: 'AXL_PASS', ...axl }, mraDevicePools: ['MRA_DP'] },
    },
    env: { AXL_USER: 'axl', AXL_PASS: 'secret' },
    services: { cucm },
  });
}

const failed = (fields: Partial<AxlVersionResult & { ok: false }>): AxlVersionResult => ({
  ok: false,
  url: URL,
  kind: 'network',
  reason: 'connect ECONNREFUSED',
  durationMs: 4,
  insecure: false,
  ...fields,
});

/** Runs the rule on a snapshot (a source without live AXL) whose service list is `services`. */
async function fromSnapshot(
  services: ServiceState[],
  nodes: unknown[] = [PUBLISHER, SUBSCRIBER],
  edit = (_: CucmSnapshot) => {},
) {
  const snapshot = readFixture('compliant');
  snapshot.services = services;
  edit(snapshot);
  return testCheck(RULE, {
    inventory: {
      domains: ['example.com'],
      nodes,
      cucm: { snapshot: snapshotFixture('compliant'), mraDevicePools: ['MRA_DP'] },
    },
    services: fakeCucm(snapshot),
  });
}

const AXL = 'Cisco AXL Web Service';

describe('MRA-CUCM-001 live getCCMVersion outcomes', () => {
  it('fails a 404 as not activated, naming the HTTP status, with exactly the exchange as evidence', async () => {
    const finding = findingFor(
      await live(failed({ kind: 'not-activated', status: 404, reason: 'HTTP 404 on /axl/' })),
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'notActivated', durationMs: 4 });
    expect(finding.message).toBe(
      `AXL on ${URL} is not available (HTTP 404): activate the Cisco AXL Web Service on the publisher.`,
    );
    expect(finding.evidence).toStrictEqual({
      url: URL,
      request: 'getCCMVersion',
      httpStatus: 404,
      failure: 'not-activated',
      reason: 'HTTP 404 on /axl/',
    });
    expect(finding.group).toEqual(GROUP);
  });

  it('is inconclusive when the AXL user is forbidden (403), naming the status and the reason', async () => {
    const finding = findingFor(
      await live(failed({ kind: 'forbidden', status: 403, reason: 'the user lacks the Standard AXL API Access role' })),
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'notAuthenticated' });
    expect(finding.message).toBe(
      `AXL on ${URL} refused the configured AXL user (HTTP 403), so whether the service is active could not be confirmed: the user lacks the Standard AXL API Access role`,
    );
    expect(finding.group).toBeUndefined();
  });

  it('is inconclusive when AXL cannot be asked, with no HTTP status in the evidence', async () => {
    const finding = findingFor(await live(failed({})), TARGET);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'unreachable' });
    expect(finding.message).toBe(`AXL on ${URL} could not be asked (network): connect ECONNREFUSED`);
    expect(finding.evidence).toStrictEqual({
      url: URL,
      request: 'getCCMVersion',
      httpStatus: null,
      failure: 'network',
      reason: 'connect ECONNREFUSED',
    });
  });

  it('names the AXL host as the target when the inventory names no publisher', async () => {
    const findings = await live(
      {
        ok: true,
        url: 'https://cucm-axl.example.com:8443/axl/',
        status: 200,
        version: '15.0.1',
        durationMs: 3,
        insecure: false,
      },
      { url: 'https://cucm-axl.example.com:8443/axl/' },
      [SUBSCRIBER],
    );
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['Cisco AXL Web Service on cucm-axl.example.com', 'pass', 'answered'],
    ]);
  });

  it('reports TLS verification off with the URL and no CA file as evidence', async () => {
    const findings = await live(
      { ok: true, url: URL, status: 200, version: '15.0.1', durationMs: 3, insecure: true },
      { insecure: true },
    );
    const tls = findingFor(findings, `AXL ${URL}`);
    expect(tls).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'tlsVerificationOff' });
    expect(tls.message).toBe(
      `TLS verification of AXL on ${URL} is off (cucm.axl.insecure: true): the AXL password goes to whoever answers; set caFile to the CA of the CUCM tomcat certificate instead.`,
    );
    expect(tls.evidence).toStrictEqual({ url: URL, insecure: true, caFile: null });
  });
});

describe('MRA-CUCM-001 from the snapshot service list', () => {
  it('is inconclusive when the service list could not be read, naming why', async () => {
    const findings = await fromSnapshot([], [PUBLISHER], (snapshot) => {
      snapshot.unavailable = { services: 'listServiceStatus failed: HTTP 500' };
    });
    const finding = findingFor(findings, TARGET);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'servicesUnreadable' });
    expect(finding.message).toBe(
      'The service list of the CUCM source (test snapshot) could not be read: listServiceStatus failed: HTTP 500.',
    );
  });

  it('is skipped for the deployment when the source carries no service list', async () => {
    const findings = await fromSnapshot([]);
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'noServiceList' }]);
    expect(findings[0]!.message).toBe(
      'The CUCM source (test snapshot) carries no service list, so the service state is unknown.',
    );
    expect(findings[0]!.evidence).toEqual({ source: 'test snapshot' });
  });

  it('without a publisher in the inventory, lists the nodes and the AXL service entries found', async () => {
    const findings = await fromSnapshot(
      [
        { node: 'cucm-sub1.example.com', name: 'Cisco CallManager', activated: true },
        { node: 'cucm-pub.example.com', name: ' cisco AXL web service ', activated: false },
        { node: 'cucm-sub1.example.com', name: 'Cisco TFTP', activated: true },
      ],
      [SUBSCRIBER],
    );
    const finding = findingFor(findings, 'Cisco AXL Web Service on the publisher');
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'noPublisher' });
    expect(finding.message).toBe(
      "The inventory names no cucm-publisher node, so the snapshot's service list (test snapshot) cannot be read for the publisher.",
    );
    expect(finding.evidence).toEqual({
      source: 'test snapshot',
      nodes: ['cucm-pub.example.com', 'cucm-sub1.example.com'],
      axlService: [{ node: 'cucm-pub.example.com', activated: false }],
    });
  });

  it('is inconclusive when the publisher has no entry, naming the nodes that have', async () => {
    const finding = findingFor(
      await fromSnapshot([
        { node: 'cucm-sub2.example.com', name: AXL, activated: true },
        { node: 'cucm-sub1.example.com', name: AXL, activated: true },
      ]),
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'publisherNotInSnapshot' });
    expect(finding.message).toBe(
      'The snapshot (test snapshot) lists no services of the publisher cucm-pub.example.com (it lists nodes cucm-sub1.example.com, cucm-sub2.example.com).',
    );
    expect(finding.evidence).toEqual({
      source: 'test snapshot',
      publisher: 'cucm-pub.example.com',
      nodes: ['cucm-sub1.example.com', 'cucm-sub2.example.com'],
    });
  });

  it.each([
    ['its short host name, in capitals and padded', ' CUCM-PUB '],
    ['its FQDN with the root dot', 'cucm-pub.example.com.'],
    ['its IP address', '10.1.1.10'],
  ])('recognises the publisher by %s', async (_how, node) => {
    const finding = findingFor(await fromSnapshot([{ node, name: AXL, activated: true }]), TARGET);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'activatedInSnapshot' });
    expect(finding.message).toBe(
      `The snapshot (test snapshot) lists the Cisco AXL Web Service as activated on the publisher ${node}.`,
    );
  });

  it('recognises a publisher given by IPv6 address however the snapshot cases it, and one without an address', async () => {
    const v6 = { ...PUBLISHER, ip: 'FD00::A' };
    const byV6 = await fromSnapshot([{ node: 'fd00::a', name: AXL, activated: true }], [v6]);
    expect(findingFor(byV6, TARGET)).toMatchObject({ status: 'pass', messageId: 'activatedInSnapshot' });
    const { ip: _ip, ...withoutIp } = PUBLISHER;
    const byName = await fromSnapshot([{ node: 'cucm-pub', name: AXL, activated: true }], [withoutIp]);
    expect(findingFor(byName, TARGET)).toMatchObject({ status: 'pass', messageId: 'activatedInSnapshot' });
  });

  it('finds the AXL entry among the publisher’s services, whatever its spacing, and names its node', async () => {
    const finding = findingFor(
      await fromSnapshot([
        { node: 'cucm-pub', name: 'Cisco CallManager', activated: true },
        { node: '10.1.1.10', name: ' Cisco AXL Web Service ', activated: true },
      ]),
      TARGET,
    );
    expect(finding).toMatchObject({ status: 'pass', messageId: 'activatedInSnapshot' });
    expect(finding.evidence).toEqual({
      source: 'test snapshot',
      node: '10.1.1.10',
      service: AXL,
      activated: true,
      servicesListed: 2,
    });
  });

  it('fails a deactivated or missing service, naming the publisher node', async () => {
    const deactivated = findingFor(
      await fromSnapshot([{ node: 'cucm-pub.example.com', name: AXL, activated: false }]),
      TARGET,
    );
    expect(deactivated).toMatchObject({ status: 'fail', messageId: 'deactivatedInSnapshot' });
    expect(deactivated.message).toBe(
      'The snapshot (test snapshot) lists the Cisco AXL Web Service as deactivated on the publisher cucm-pub.example.com.',
    );
    expect(deactivated.group).toEqual(GROUP);
    const missing = findingFor(
      await fromSnapshot([{ node: 'cucm-pub.example.com', name: 'Cisco CallManager', activated: true }]),
      TARGET,
    );
    expect(missing).toMatchObject({ status: 'fail', messageId: 'missingInSnapshot' });
    expect(missing.message).toBe(
      'The snapshot (test snapshot) lists services of the publisher cucm-pub.example.com but not the Cisco AXL Web Service, so it is not activated.',
    );
    expect(missing.evidence).toEqual({
      source: 'test snapshot',
      node: 'cucm-pub.example.com',
      service: AXL,
      activated: null,
      servicesListed: 1,
    });
  });
});
