import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-009';

describe('MRA-CERT-009 hostname-match', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    deployment = await startDeployment({
      presented: {
        cucmCallManager: { leaf: leafFor('cucm-pub.example.com', intermediateA, { sans: [] }), chain: [intermediateA] },
        impTomcat: {
          leaf: leafFor('imp-pub.example.com', intermediateA, { sans: ['*.example.com'] }),
          chain: [intermediateA],
        },
        expc: {
          leaf: leafFor('expc.example.com', intermediateA, { sans: ['expc1.example.com', '*.b.example.com'] }),
          chain: [intermediateA],
        },
        expe: {
          leaf: leafFor('expe.example.com', intermediateA, { sans: ['*.expe.example.com'] }),
          chain: [intermediateA],
        },
      },
    });
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it('passes SAN, wildcard and CN-only matches; fails when SANs do not name the FQDN (even if the CN does)', async () => {
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findingFor(findings, deployment.targets.cucmTomcat)).toMatchObject({ status: 'pass', messageId: 'matches' });
    expect(findingFor(findings, deployment.targets.cucmCallManager).message).toContain('(CN cucm-pub.example.com)');
    expect(findingFor(findings, deployment.targets.impTomcat).message).toContain('(SAN *.example.com)');
    const expc = findingFor(findings, deployment.targets.expc);
    expect(expc).toMatchObject({ status: 'fail', messageId: 'mismatch' });
    expect(expc.message).toContain(
      'does not match expc.example.com: its SAN names are expc1.example.com, *.b.example.com.',
    );
    expect(findingFor(findings, deployment.targets.expe).status).toBe('fail');
  });
});
