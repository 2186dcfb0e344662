import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { DAY, leafFor, testPki } from '../../helpers/pki.js';
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
