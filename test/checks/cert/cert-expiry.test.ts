import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { DAY, leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-004';

describe('MRA-CERT-004 cert-expiry', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    deployment = await startDeployment({
      presented: {
        expe: {
          leaf: leafFor('expe.example.com', intermediateA, { notAfter: new Date(Date.now() + 10 * DAY) }),
          chain: [intermediateA],
        },
        impTomcat: {
          leaf: leafFor('imp-pub.example.com', intermediateA, {
            notBefore: new Date(Date.now() - 400 * DAY),
            notAfter: new Date(Date.now() - 2 * DAY),
          }),
          chain: [intermediateA],
        },
      },
    });
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it('passes chains far from expiry, warns within the window, errors on an expired certificate', async () => {
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    const tomcat = findingFor(findings, deployment.targets.cucmTomcat);
    expect(tomcat).toMatchObject({ status: 'pass', messageId: 'valid' });
    const expe = findingFor(findings, deployment.targets.expe);
    expect(expe).toMatchObject({ status: 'fail', messageId: 'expiresSoon', severity: 'warning' });
    expect(expe.message).toMatch(
      /^CN=expe.example.com, O=mra-preflight lab in the chain of .* expires on .*, (9|10) days after .* \(warning window 30 days\)\.$/,
    );
    const imp = findingFor(findings, deployment.targets.impTomcat);
    expect(imp).toMatchObject({ status: 'fail', messageId: 'expired', severity: 'error' });
    expect(imp.message).toContain('CN=imp-pub.example.com, O=mra-preflight lab expired on');
  });

  it('judges at --as-of and honours policy.certExpiryWarnDays', async () => {
    const inventory = { ...deployment.inventory, policy: { certExpiryWarnDays: 5 } };
    const findings = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile });
    expect(findingFor(findings, deployment.targets.expe).status).toBe('pass');
    const later = await testCheck(RULE, {
      inventory,
      inventoryFile: deployment.inventoryFile,
      asOf: new Date(Date.now() + 362 * DAY),
    });
    // The intermediate and the root were issued for 365 days: on go-live day they are in the window.
    expect(findingFor(later, deployment.targets.cucmTomcat)).toMatchObject({
      status: 'fail',
      messageId: 'expiresSoon',
    });
  });
});

describe('MRA-CERT-004 cert-expiry at the bounds (offline file, judged at --as-of)', () => {
  // notAfter in whole seconds, as a certificate states it; the CAs outlive it by months.
  const notAfter = new Date(Math.floor((Date.now() + 100 * DAY) / 1000) * 1000);
  const SECOND = 1000;
  let inventory: Record<string, unknown>;
  let inventoryFile: string;
  beforeAll(() => {
    const { rootA, intermediateA } = testPki();
    const dir = tempDir();
    writePem(dir, 'root.pem', rootA);
    writePem(dir, 'leaf.pem', leafFor('cucm-pub.example.com', intermediateA, { notAfter }), intermediateA);
    inventoryFile = join(dir, 'inventory.yaml');
    inventory = {
      domains: ['example.com'],
      nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
      certificates: [{ node: 'cucm-pub.example.com', service: 'tomcat', file: 'leaf.pem' }],
      trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root.pem' }],
    };
  });

  const verdictAt = async (asOf: number, policy: Record<string, unknown> = {}) => {
    const findings = await testCheck(RULE, {
      offline: true,
      inventory: { ...inventory, policy },
      inventoryFile,
      asOf: new Date(asOf),
    });
    const finding = findingFor(findings, 'leaf.pem');
    return [finding.status, finding.messageId, finding.severity];
  };

  it('warns exactly certExpiryWarnDays before notAfter, and passes a second and a day earlier', async () => {
    const edge = notAfter.getTime() - 30 * DAY;
    expect(await verdictAt(edge)).toEqual(['fail', 'expiresSoon', 'warning']);
    expect(await verdictAt(edge - SECOND)).toEqual(['pass', 'valid', 'error']);
    expect(await verdictAt(edge - DAY)).toEqual(['pass', 'valid', 'error']);
    expect(await verdictAt(edge + DAY)).toEqual(['fail', 'expiresSoon', 'warning']);
  });

  it('follows policy.certExpiryWarnDays to the same bound', async () => {
    const edge = notAfter.getTime() - 7 * DAY;
    expect(await verdictAt(edge, { certExpiryWarnDays: 7 })).toEqual(['fail', 'expiresSoon', 'warning']);
    expect(await verdictAt(edge - DAY, { certExpiryWarnDays: 7 })).toEqual(['pass', 'valid', 'error']);
  });

  it('is still valid at the second of notAfter (RFC 5280 4.1.2.5: inclusive) and expired one second later', async () => {
    expect(await verdictAt(notAfter.getTime())).toEqual(['fail', 'expiresSoon', 'warning']);
    expect(await verdictAt(notAfter.getTime() + SECOND)).toEqual(['fail', 'expired', 'error']);
  });

  it('states the first certificate to expire, its date and the days left', async () => {
    const findings = await testCheck(RULE, {
      offline: true,
      inventory,
      inventoryFile,
      asOf: new Date(notAfter.getTime() - 10 * DAY),
    });
    const finding = findingFor(findings, 'leaf.pem');
    expect(finding.message).toBe(
      `CN=cucm-pub.example.com, O=mra-preflight lab in the chain of leaf.pem expires on ${notAfter.toISOString()}, 10 days after ${new Date(notAfter.getTime() - 10 * DAY).toISOString()} (warning window 30 days).`,
    );
    expect(finding.evidence).toMatchObject({ warnDays: 30 });
    // Fixed once, by re-issuing that certificate, whichever rules it fails and wherever it is served.
    const leaf = finding.evidence.leaf as { sha256: string; subject: string };
    expect(leaf.subject).toBe('CN=cucm-pub.example.com, O=mra-preflight lab');
    expect(finding.group).toEqual({ key: `certificate:${leaf.sha256}`, label: `certificate ${leaf.subject}` });
    expect((finding.evidence.certificates as Array<{ remainingDays: number }>)[0]!.remainingDays).toBe(10);
  });
});
