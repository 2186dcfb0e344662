import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-007';

describe('MRA-CERT-007 client-auth-eku', () => {
  let healthy: Deployment;
  let faulty: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    healthy = await startDeployment();
    faulty = await startDeployment({
      presented: {
        expc: {
          leaf: leafFor('expc.example.com', intermediateA, { extendedKeyUsage: ['serverAuth'] }),
          chain: [intermediateA],
        },
        expe: { leaf: leafFor('expe.example.com', intermediateA, { extendedKeyUsage: [] }), chain: [intermediateA] },
      },
    });
  });
  afterAll(async () => {
    await healthy?.close();
    await faulty?.close();
  });

  it('passes Expressway-C and -E certificates with serverAuth and clientAuth (and ignores CUCM)', async () => {
    const findings = await testCheck(RULE, { inventory: healthy.inventory, inventoryFile: healthy.inventoryFile });
    expect(findings.map((finding) => finding.status)).toEqual(['pass', 'pass']);
  });

  it('fails naming the missing EKU, and a certificate without the extension', async () => {
    const findings = await testCheck(RULE, { inventory: faulty.inventory, inventoryFile: faulty.inventoryFile });
    const expc = findingFor(findings, faulty.targets.expc);
    expect(expc).toMatchObject({ status: 'fail', messageId: 'missingEku' });
    expect(expc.message).toContain('lacks clientAuth extended key usage (it has serverAuth)');
    expect(findingFor(findings, faulty.targets.expe)).toMatchObject({ status: 'fail', messageId: 'noEku' });
  });
});
