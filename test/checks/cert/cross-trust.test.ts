import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-003';

describe('MRA-CERT-003 cross-trust', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
  });

  it('passes every store that holds the root of its peers', async () => {
    deployment = await startDeployment();
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findings.map((finding) => `${finding.target}=${finding.status}`).sort()).toEqual([
      'cucm-pub.example.com CallManager-trust=pass',
      'cucm-pub.example.com tomcat-trust=pass',
      'expc.example.com trusted-ca=pass',
      'imp-pub.example.com cup-xmpp-trust=pass',
      'imp-pub.example.com tomcat-trust=pass',
    ]);
  });

  it("fails the store that lacks Expressway-C's root, naming the store and the root; a store not given is skipped", async () => {
    const { rootA, rootB } = testPki();
    deployment = await startDeployment({
      presented: { expc: { leaf: leafFor('expc.example.com', rootB), chain: [rootB] } },
      trust: [
        ['cucm-pub.example.com', 'tomcat-trust', [rootA]],
        ['cucm-pub.example.com', 'callmanager-trust', [rootA, rootB]],
        ['imp-pub.example.com', 'tomcat-trust', [rootB]],
        ['expc.example.com', 'trusted-ca', [rootA]],
      ],
    });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    const tomcat = findingFor(findings, 'cucm-pub.example.com tomcat-trust');
    expect(tomcat).toMatchObject({ status: 'fail', messageId: 'missingRoots', severity: 'error' });
    expect(tomcat.message).toMatch(
      /^tomcat-trust of cucm-pub.example.com lacks the root CN=Test Root CA B, O=mra-preflight lab \(SHA-256 [0-9A-F:]+\), needed to trust expc.example.com server\.$/,
    );
    expect(findingFor(findings, 'cucm-pub.example.com CallManager-trust').status).toBe('pass');
    expect(findingFor(findings, 'imp-pub.example.com tomcat-trust').status).toBe('pass');
    const xmpp = findingFor(findings, 'imp-pub.example.com cup-xmpp-trust');
    expect(xmpp).toMatchObject({ status: 'skipped', messageId: 'storeNotProvided' });
    expect(findingFor(findings, 'expc.example.com trusted-ca').status).toBe('pass');
  });

  it('with self-signed CUCM certificates, Expressway-C must hold each leaf itself', async () => {
    const { rootA } = testPki();
    const tomcat = leafFor('cucm-pub.example.com', undefined);
    const callmanager = leafFor('cucm-pub.example.com', undefined, { commonName: 'cucm-pub.example.com-ms' });
    deployment = await startDeployment({
      presented: { cucmTomcat: { leaf: tomcat }, cucmCallManager: { leaf: callmanager } },
      trust: [['expc.example.com', 'trusted-ca', [rootA, tomcat]]],
    });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    const expc = findingFor(findings, 'expc.example.com trusted-ca');
    expect(expc.status).toBe('fail');
    expect(expc.message).toContain('lacks the self-signed certificate CN=cucm-pub.example.com-ms');
    expect(expc.message).toContain('needed to trust cucm-pub.example.com callmanager.');
    expect(expc.message).not.toContain('CN=cucm-pub.example.com,');
  });

  it('is inconclusive for a store whose export cannot be read', async () => {
    deployment = await startDeployment({ trust: [['expc.example.com', 'trusted-ca', []]] });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findingFor(findings, 'expc.example.com trusted-ca')).toMatchObject({
      status: 'inconclusive',
      messageId: 'storeUnreadable',
    });
  });

  it('offline: checks subscribers only when their stores are given, is inconclusive when a peer cannot be read, skipped without peers', async () => {
    const { rootA, intermediateA } = testPki();
    const dir = tempDir();
    writePem(dir, 'expc.pem', leafFor('expc.example.com', intermediateA), intermediateA);
    writePem(dir, 'root-a.pem', rootA);
    const base = {
      domains: ['example.com'],
      nodes: [
        { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
        { fqdn: 'cucm-sub1.example.com', role: 'cucm-subscriber' },
        { fqdn: 'cucm-sub2.example.com', role: 'cucm-subscriber' },
        { fqdn: 'expc.example.com', role: 'expressway-c' },
      ],
      certificates: [{ node: 'expc.example.com', service: 'server', file: 'expc.pem' }],
      trust: [
        { node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root-a.pem' },
        { node: 'cucm-sub2.example.com', store: 'tomcat-trust', path: 'root-a.pem' },
      ],
    };
    const findings = await testCheck(RULE, {
      offline: true,
      inventory: base,
      inventoryFile: join(dir, 'inventory.yaml'),
    });
    expect(findings.map((finding) => `${finding.target}=${finding.status}`).sort()).toEqual([
      'cucm-pub.example.com CallManager-trust=skipped',
      'cucm-pub.example.com tomcat-trust=pass',
      'cucm-sub2.example.com CallManager-trust=skipped',
      'cucm-sub2.example.com tomcat-trust=pass',
      // Expressway-C trusted-ca has no CUCM or IM&P certificate to be checked against.
      'expc.example.com trusted-ca=skipped',
    ]);
    expect(findingFor(findings, 'expc.example.com trusted-ca').messageId).toBe('noPeers');

    const unreadable = {
      ...base,
      certificates: [{ node: 'expc.example.com', service: 'server', file: 'missing.pem' }],
    };
    const unread = await testCheck(RULE, {
      offline: true,
      inventory: unreadable,
      inventoryFile: join(dir, 'inventory.yaml'),
    });
    expect(findingFor(unread, 'cucm-pub.example.com tomcat-trust')).toMatchObject({
      status: 'inconclusive',
      messageId: 'peersUnread',
    });
  });
});
