import { afterEach, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { testCheck } from '../../helpers/check.js';
import { leafFor } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-010';
const TARGET = 'cucm-pub.example.com tomcat/CallManager';

describe('MRA-CERT-010 self-signed-distinct-cn', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
  });

  it('passes self-signed tomcat and CallManager certificates with different CNs', async () => {
    deployment = await startDeployment({
      presented: {
        cucmTomcat: { leaf: leafFor('cucm-pub.example.com', undefined) },
        cucmCallManager: {
          leaf: leafFor('cucm-pub.example.com', undefined, { commonName: 'cucm-pub.example.com-ms' }),
        },
      },
    });
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ target: TARGET, status: 'pass', messageId: 'distinct' });
  });

  it('fails self-signed tomcat and CallManager certificates that share a CN', async () => {
    deployment = await startDeployment({
      presented: {
        cucmTomcat: { leaf: leafFor('cucm-pub.example.com', undefined) },
        cucmCallManager: { leaf: leafFor('cucm-pub.example.com', undefined) },
      },
    });
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ target: TARGET, status: 'fail', messageId: 'sameCn' });
    expect(finding?.message).toContain('share the CN cucm-pub.example.com');
  });

  it('is skipped for CA-signed certificates, and skipped naming MRA-CERT-001 when one cannot be read', async () => {
    deployment = await startDeployment();
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'notSelfSigned' });
    const inventory = structuredClone(deployment.inventory) as {
      nodes: Array<{ fqdn: string; tls?: Record<string, string> }>;
    };
    inventory.nodes[0]!.tls!.callmanager = `127.0.0.1:${await refusingPort('127.0.0.1')}`;
    const [unread] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile, timeoutMs: 500 });
    expect(unread).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
      evidence: { prerequisite: { ruleId: 'MRA-CERT-001', messageId: 'notObtained' } },
    });
  });
});
