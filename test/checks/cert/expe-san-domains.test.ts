import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCheck } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-006';

describe('MRA-CERT-006 expe-san-domains', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    deployment = await startDeployment({
      presented: {
        expe: {
          leaf: leafFor('expe.example.com', intermediateA, {
            sans: ['expe.example.com', 'collab-edge.example.com', 'example.org', '*.example.net'],
          }),
          chain: [intermediateA],
        },
      },
    });
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it('passes when the SANs cover the FQDN and each domain (collab-edge.<domain> or <domain>)', async () => {
    const inventory = { ...deployment.inventory, domains: ['example.com', 'example.org'] };
    const [finding] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile });
    expect(finding).toMatchObject({ target: deployment.targets.expe, status: 'pass', messageId: 'covered' });
  });

  it('fails naming each domain that is not covered', async () => {
    const inventory = { ...deployment.inventory, domains: ['example.com', 'example.org', 'example.info'] };
    const [finding] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'missingNames' });
    expect(finding?.message).toContain(
      'do not cover domain example.info (neither example.info nor collab-edge.example.info).',
    );
  });

  it('does not take a wildcard SAN for a domain, and says why (SPEC 8.6)', async () => {
    const inventory = { ...deployment.inventory, domains: ['example.com', 'example.net'] };
    const [finding] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'wildcardOnly' });
    expect(finding?.message).toContain('collab-edge.example.net');
    expect(finding?.message).toContain(
      'the wildcard *.example.net does not count: Expressway does not support wildcard certificates',
    );
  });

  it('fails when the FQDN of the Expressway-E itself is not covered', async () => {
    const inventory = structuredClone(deployment.inventory) as { domains: string[]; nodes: Array<{ fqdn: string }> };
    inventory.domains = ['example.org'];
    inventory.nodes.find((node) => node.fqdn === 'expe.example.com')!.fqdn = 'edge.example.net';
    const [finding] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile });
    expect(finding?.message).toContain('do not cover its FQDN edge.example.net');
  });
});
