import { afterEach, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { testCheck } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-002';

describe('MRA-CERT-002 common-ca', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
  });

  it('passes when CUCM, IM&P and Expressway leaves all chain to one root', async () => {
    deployment = await startDeployment();
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ target: 'deployment', status: 'pass', messageId: 'sameRoot' });
    expect(findings[0]?.message).toContain('All 5');
    expect(findings[0]?.message).toContain('CN=Test Root CA A');
  });

  it('fails (warning) when the Expressways chain to another root, naming both roots and their leaves', async () => {
    const { rootB } = testPki();
    deployment = await startDeployment({
      presented: {
        expc: { leaf: leafFor('expc.example.com', rootB), chain: [rootB] },
        expe: { leaf: leafFor('expe.example.com', rootB, { sans: ['expe.example.com', 'collab-edge.example.com'] }) },
      },
      trust: [['expc.example.com', 'trusted-ca', [testPki().rootA, rootB]]],
    });
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'differentRoots' });
    expect(finding?.message).toContain('2 different roots');
    expect(finding?.message).toContain(
      'CN=Test Root CA B, O=mra-preflight lab (expc.example.com server, expe.example.com server)',
    );
    expect(finding?.message).toContain(
      'CN=Test Root CA A, O=mra-preflight lab (cucm-pub.example.com tomcat, cucm-pub.example.com callmanager, imp-pub.example.com tomcat)',
    );
  });

  it('is inconclusive when a leaf cannot be read and the others agree', async () => {
    deployment = await startDeployment();
    const inventory = structuredClone(deployment.inventory) as {
      nodes: Array<{ fqdn: string; tls?: Record<string, string> }>;
    };
    const closed = await refusingPort('127.0.0.1');
    inventory.nodes.find((node) => node.fqdn === 'expe.example.com')!.tls = { server: `127.0.0.1:${closed}` };
    const [finding] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile, timeoutMs: 500 });
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'undetermined' });
    expect(finding?.message).toContain('expe.example.com server (refused)');
  });
});
